"""`/api/v1/products/{product}/releases/{release}/matrix`, the direct link of an evidence
result to a threat, and `/api/v1/vulnerabilities/{ident}/where`. Thin: services only."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from medsec.api.deps import ApiPrincipal, SessionDep
from medsec.trace import service
from medsec.trace.schemas import AffectedRead, MatrixRead, MatrixRowRead

router = APIRouter(prefix="/api/v1", tags=["design"])


@router.get("/products/{product}/releases/{release}/matrix", response_model=MatrixRead)
def matrix(product: str, release: str, session: SessionDep, who: ApiPrincipal) -> MatrixRead:
    """The traceability matrix with its gaps and the four questions."""
    return service.matrix(session, product=product, release=release, actor=who.actor)


@router.get("/vulnerabilities/{ident}/where", response_model=list[AffectedRead])
def where(ident: str, session: SessionDep, who: ApiPrincipal) -> list[AffectedRead]:
    """Variation analysis: every product release affected by the vulnerability or component."""
    return service.where(session, ident=ident, actor=who.actor)


class VerifiesBody(BaseModel):
    """The threat an evidence result verifies directly."""

    threat: str = Field(min_length=1, max_length=300)


@router.post(
    "/products/{product}/releases/{release}/evidence/results/{result_id}/threats",
    response_model=MatrixRowRead,
    status_code=201,
)
def verifies(
    product: str,
    release: str,
    result_id: int,
    body: VerifiesBody,
    session: SessionDep,
    who: ApiPrincipal,
) -> MatrixRowRead:
    """Link the result to a threat it verifies directly; the threat's matrix row after."""
    return service.verify_threat(
        session,
        product=product,
        release=release,
        result_id=result_id,
        threat=body.threat,
        actor=who.actor,
    )
