"""`/api/v1/products/{product}/releases/{release}/matrix` and
`/api/v1/vulnerabilities/{ident}/where`. Thin: services only."""

from __future__ import annotations

from fastapi import APIRouter

from medsec.api.deps import ApiPrincipal, SessionDep
from medsec.trace import service
from medsec.trace.schemas import AffectedRead, MatrixRead

router = APIRouter(prefix="/api/v1", tags=["design"])


@router.get("/products/{product}/releases/{release}/matrix", response_model=MatrixRead)
def matrix(product: str, release: str, session: SessionDep, who: ApiPrincipal) -> MatrixRead:
    """The traceability matrix with its gaps and the four questions."""
    return service.matrix(session, product=product, release=release, actor=who.actor)


@router.get("/vulnerabilities/{ident}/where", response_model=list[AffectedRead])
def where(ident: str, session: SessionDep, who: ApiPrincipal) -> list[AffectedRead]:
    """Variation analysis: every product release affected by the vulnerability or component."""
    return service.where(session, ident=ident, actor=who.actor)
