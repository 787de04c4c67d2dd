"""`/api/v1/controls/catalogue` and `/api/v1/products/{product}/controls`: the Table 1
catalogue, a product's controls, adding and linking them. Thin: services only."""

from __future__ import annotations

from fastapi import APIRouter

from medsec.api.deps import ApiPrincipal, SessionDep, require_read
from medsec.controls import service
from medsec.controls.schemas import ControlCreate, ControlLinkCreate, ControlRead, PrincipleRead

router = APIRouter(prefix="/api/v1", tags=["design"])


@router.get("/controls/catalogue", response_model=list[PrincipleRead])
def catalogue(session: SessionDep, who: ApiPrincipal) -> list[PrincipleRead]:
    """The seven design principles of the seed's Table 1."""
    require_read(session, who)
    return service.catalogue()


@router.get("/products/{product}/controls", response_model=list[ControlRead])
def list_controls(
    product: str, session: SessionDep, who: ApiPrincipal, release: str | None = None
) -> list[ControlRead]:
    """A product's controls; with `?release=`, their verification on it."""
    return service.list_controls(session, product=product, actor=who.actor, release=release)


@router.post("/products/{product}/controls", response_model=ControlRead, status_code=201)
def add_control(
    product: str, data: ControlCreate, session: SessionDep, who: ApiPrincipal
) -> ControlRead:
    """Add a control (unverified until evidence says otherwise)."""
    return service.add_control(session, product=product, data=data, actor=who.actor)


@router.get("/products/{product}/controls/{key}", response_model=ControlRead)
def get_control(
    product: str, key: str, session: SessionDep, who: ApiPrincipal, release: str | None = None
) -> ControlRead:
    """One control."""
    return service.get_control(session, product=product, key=key, actor=who.actor, release=release)


@router.post("/products/{product}/controls/{key}/links", response_model=ControlRead)
def link(
    product: str, key: str, data: ControlLinkCreate, session: SessionDep, who: ApiPrincipal
) -> ControlRead:
    """Link the control to threats, findings and evidence selectors."""
    return service.link(
        session,
        product=product,
        key=key,
        actor=who.actor,
        release=data.release,
        threat_keys=data.threats,
        finding_ids=data.findings,
        selectors=data.selectors,
    )
