"""`/api/v1`: a product's software updates, recorded with their method and oversight level.
Thin: services only."""

from __future__ import annotations

from fastapi import APIRouter

from medsec.api.deps import ApiPrincipal, SessionDep, require_read
from medsec.updates import service
from medsec.updates.schemas import UpdateCreate, UpdateRead

router = APIRouter(prefix="/api/v1", tags=["updates"])


@router.get("/products/{product}/updates", response_model=list[UpdateRead])
def list_updates(product: str, session: SessionDep, who: ApiPrincipal) -> list[UpdateRead]:
    """The product's updates, oldest first, as `medsec update list`."""
    require_read(session, who, product)
    return [service.view(session, u) for u in service.list_updates(session, product=product)]


@router.post("/products/{product}/updates", response_model=UpdateRead, status_code=201)
def create_update(
    product: str, body: UpdateCreate, session: SessionDep, who: ApiPrincipal
) -> UpdateRead:
    """Record an update (analyst role) and derive its oversight level, as `medsec update add`."""
    require_read(session, who, product)
    row = service.create(
        session,
        product=product,
        name=body.name,
        method=body.method,
        addressed=[(a.finding, a.effect) for a in body.addresses],
        actor=who.actor,
        release=body.release,
        cyber_hygiene=body.cyber_hygiene,
        other_impact=body.other_impact,
        description=body.description,
        planned=body.planned,
    )
    return service.view(session, row)
