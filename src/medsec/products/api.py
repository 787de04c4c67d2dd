"""`/api/v1/products`: products and their releases. Thin: services only."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from medsec.api.deps import ApiPrincipal, SessionDep, require_read
from medsec.findings import overview
from medsec.findings.schemas import ProductOverview
from medsec.products import service as products
from medsec.products.schemas import ProductRead, ReleaseRead
from medsec.sbom import service as sboms

router = APIRouter(prefix="/api/v1")


@router.get("/products", response_model=list[ProductRead], tags=["products"])
def list_products(session: SessionDep, who: ApiPrincipal) -> list[ProductRead]:
    """The products the account may see, with their release versions."""
    require_read(session, who)
    items = [p for p in products.list_products(session) if who.sees(p.name)]
    releases = products.releases_by_product(session, [p.id for p in items])
    return [
        ProductRead(
            name=p.name,
            manufacturer=p.manufacturer.name,
            description=p.description,
            releases=[r.version for r in releases.get(p.id, [])],
        )
        for p in items
    ]


@router.get("/products/{product}", response_model=ProductOverview, tags=["products"])
def show_product(product: str, session: SessionDep, who: ApiPrincipal) -> dict[str, Any]:
    """One product with its releases and their counts."""
    require_read(session, who, product)
    return overview.product_overview(session, product)


@router.get("/products/{product}/releases", response_model=list[ReleaseRead], tags=["products"])
def list_releases(product: str, session: SessionDep, who: ApiPrincipal) -> list[ReleaseRead]:
    """The releases of a product, oldest first."""
    require_read(session, who, product)
    out = []
    for r in products.list_releases(session, product=product):
        sbom = sboms.current_of(session, r.id)
        out.append(
            ReleaseRead(
                product=product,
                version=r.version,
                release_date=r.release_date,
                use_environment=r.use_environment,  # type: ignore[arg-type]
                clinical_function=r.clinical_function,
                essential_performance=r.essential_performance,
                interfaces=r.interfaces,  # type: ignore[arg-type]
                current_sbom_revision=sbom.revision if sbom else None,
                component_count=sbom.component_count if sbom else None,
            )
        )
    return out
