"""`/api/v1/products/{product}/plan`: a product's TPLC cybersecurity management plan (seed 5.4):
read, change (a new version), history. Thin: services only."""

from __future__ import annotations

from fastapi import APIRouter

from medsec.api.deps import ApiPrincipal, SessionDep
from medsec.tplc import service
from medsec.tplc.schemas import PlanEdit, PlanRead, PlanVersionRead

router = APIRouter(prefix="/api/v1", tags=["documents"])


@router.get("/products/{product}/plan", response_model=PlanRead)
def show(
    product: str, session: SessionDep, who: ApiPrincipal, version: int | None = None
) -> PlanRead:
    """The plan (newest version or `?version=`), with the facts medsec's records hold."""
    return service.show(session, product=product, actor=who.actor, version=version)


@router.patch("/products/{product}/plan", response_model=PlanRead)
def set_plan(product: str, body: PlanEdit, session: SessionDep, who: ApiPrincipal) -> PlanRead:
    """Change fields of the plan (a new version; an empty string clears a field)."""
    return service.set_plan(
        session, product=product, changes=body.changes, actor=who.actor, note=body.note
    )


@router.get("/products/{product}/plan/versions", response_model=list[PlanVersionRead])
def history(product: str, session: SessionDep, who: ApiPrincipal) -> list[PlanVersionRead]:
    """Every version of the plan: who changed which fields, when (newest first)."""
    return service.history(session, product=product, actor=who.actor)
