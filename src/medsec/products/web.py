"""Product pages: the dashboard, a product with its releases, a release with its components,
findings and what vendors say. Thin: services only, every read checked with the viewer rule."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from medsec.api.deps import SessionDep, require_read
from medsec.findings import overview
from medsec.imported_csaf import queries as csaf_queries
from medsec.products import service as products
from medsec.sbom import service as sboms
from medsec.web.render import page
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)
COMPONENTS_PER_PAGE = 100


@router.get("/", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, user: UserDep) -> HTMLResponse:
    """Every product the account may see, with its releases and counts."""
    require_read(session, user.principal)
    items = [
        overview.product_overview(session, p.name)
        for p in products.list_products(session)
        if user.principal.sees(p.name)
    ]
    return page(request, "dashboard.html", {"products": items})


@router.get("/products/{product}", response_class=HTMLResponse)
def product_page(
    request: Request, product: str, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """A product: its releases with SBOM revision, components and findings counts."""
    require_read(session, user.principal, product)
    return page(request, "product.html", {"p": overview.product_overview(session, product)})


@router.get("/products/{product}/releases/{version}", response_class=HTMLResponse)
def release_page(
    request: Request,
    product: str,
    version: str,
    session: SessionDep,
    user: UserDep,
    offset: int = 0,
) -> HTMLResponse:
    """A release: its components with support information, and its findings."""
    require_read(session, user.principal, product)
    overview.page_bounds(offset, COMPONENTS_PER_PAGE)
    rel = products.get_release(session, product=product, version=version)
    sbom = sboms.current_of(session, rel.id)
    total: int = 0
    comps: list[Any] = []
    if sbom is not None:
        _, total, comps = sboms.components_page(
            session, product=product, version=version, offset=offset, limit=COMPONENTS_PER_PAGE
        )
    found = overview.search(session, product=product, version=version, limit=overview.MAX_PAGE)
    ctx: dict[str, Any] = {
        "product": product,
        "release": rel,
        "sbom": sbom,
        "components": comps,
        "total": total,
        "offset": offset,
        "per_page": COMPONENTS_PER_PAGE,
        "findings": found.items,
        "findings_total": found.total,
        "today": date.today(),
        "vendor": [
            v.to_dict()
            for v in csaf_queries.product_statements(session, product=product, release=version)
        ],
    }
    return page(request, "release.html", ctx)
