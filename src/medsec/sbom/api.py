"""`/api/v1/.../components`: a release's SBOM components with support information."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from medsec.api.deps import ApiPrincipal, SessionDep, require_read
from medsec.findings import overview
from medsec.sbom import service as sboms
from medsec.sbom.schemas import ComponentPage, ComponentRead

router = APIRouter(prefix="/api/v1")

Offset = Annotated[int, Query(ge=0)]
Limit = Annotated[int, Query(ge=1, le=overview.MAX_PAGE)]


@router.get(
    "/products/{product}/releases/{version}/components",
    response_model=ComponentPage,
    tags=["sbom"],
)
def list_components(
    product: str,
    version: str,
    session: SessionDep,
    who: ApiPrincipal,
    offset: Offset = 0,
    limit: Limit = 100,
) -> ComponentPage:
    """One page of a release's components (current SBOM revision) with support information."""
    require_read(session, who, product)
    sbom, total, rows = sboms.components_page(
        session, product=product, version=version, offset=offset, limit=limit
    )
    return ComponentPage(
        product=product,
        release=version,
        sbom_revision=sbom.revision,
        total=total,
        offset=offset,
        limit=limit,
        items=[ComponentRead.model_validate(c) for c in rows],
    )
