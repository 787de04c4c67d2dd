"""`/api/v1`: products, releases, components, findings and VEX triage. Thin: services only."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from medsec.api.deps import ApiPrincipal, SessionDep, require_read
from medsec.findings import decisions, detail, listing, overview
from medsec.findings.schemas import (
    FindingsPage,
    ProductOverview,
    TriageCreate,
    VexDecisionRead,
)
from medsec.products import service as products
from medsec.products.schemas import ProductRead, ReleaseRead
from medsec.sbom import service as sboms
from medsec.sbom.schemas import ComponentPage, ComponentRead

router = APIRouter(prefix="/api/v1")

MAX_OFFSET = 2**31 - 1  # larger offsets overflowed the database driver (a 500); now a 422
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Query(ge=1, le=overview.MAX_PAGE)]


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


def _findings(
    session: SessionDep,
    who: ApiPrincipal,
    product: str,
    release: str | None,
    flt: overview.FindingFilter,
    offset: int,
    limit: int,
) -> FindingsPage:
    require_read(session, who, product)
    page = overview.search(
        session, product=product, version=release, flt=flt, offset=offset, limit=limit
    )
    return FindingsPage(total=page.total, offset=offset, limit=limit, items=page.items)


def finding_filter(
    state: str | None = None,
    severity: str | None = None,
    kev: bool | None = None,
    include_resolved: Annotated[bool, Query(alias="all")] = False,
    sort: str = "release",
) -> overview.FindingFilter:
    """The filter query parameters of a findings list."""
    return overview.FindingFilter(state, severity, kev, include_resolved, sort)


FilterDep = Annotated[overview.FindingFilter, Depends(finding_filter)]


@router.get("/products/{product}/findings", response_model=FindingsPage, tags=["findings"])
def product_findings(
    product: str,
    session: SessionDep,
    who: ApiPrincipal,
    flt: FilterDep,
    release: str | None = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> FindingsPage:
    """Findings of a product (or `?release=`), as `medsec findings list --format json`."""
    return _findings(session, who, product, release, flt, offset, limit)


@router.get(
    "/products/{product}/releases/{version}/findings",
    response_model=FindingsPage,
    tags=["findings"],
)
def release_findings(
    product: str,
    version: str,
    session: SessionDep,
    who: ApiPrincipal,
    flt: FilterDep,
    offset: Offset = 0,
    limit: Limit = 50,
) -> FindingsPage:
    """Findings of one release, filtered and paged."""
    return _findings(session, who, product, version, flt, offset, limit)


@router.get("/findings/{finding_id}", tags=["findings"])
def show_finding(finding_id: int, session: SessionDep, who: ApiPrincipal) -> dict[str, Any]:
    """Everything about one finding, as `medsec findings show --format json`."""
    _, _, prod = decisions.get_finding(session, finding_id)
    require_read(session, who, prod.name, hide_as=decisions.missing(finding_id))
    return detail.finding_detail(session, finding_id)


@router.post(
    "/findings/{finding_id}/vex",
    response_model=VexDecisionRead,
    status_code=201,
    tags=["findings"],
)
def triage(
    finding_id: int, body: TriageCreate, session: SessionDep, who: ApiPrincipal
) -> dict[str, Any]:
    """Record a VEX decision (analyst role), as `medsec findings triage`."""
    _, _, prod = decisions.get_finding(session, finding_id)
    require_read(session, who, prod.name, hide_as=decisions.missing(finding_id))
    d = decisions.decide(session, finding_id=finding_id, actor=who.actor, **body.model_dump())
    view = listing.vex_view(d)
    assert view is not None
    return view
