"""The product's risk heat map page. Thin: services only, read checked with the viewer rule."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from medsec.api.deps import SessionDep, require_read
from medsec.products import service as products
from medsec.risk import service as risk
from medsec.web.render import page
from medsec.web.session import UserDep
from medsec.web.svg import heat_map_svg

router = APIRouter(include_in_schema=False)


def _opt(value: str | None) -> str | None:
    return value or None


@router.get("/products/{product}/risk", response_class=HTMLResponse)
def heat_map_page(
    request: Request,
    product: str,
    session: SessionDep,
    user: UserDep,
    release: str | None = None,
) -> HTMLResponse:
    """The product's risk heat map before and after controls, as server-rendered SVG."""
    require_read(session, user.principal, product)
    prod = products.get_product(session, product)
    data = risk.heat_map(session, prod.id, risk.release_ids_of(session, prod.id, _opt(release)))
    ctx = {
        "product": product,
        "release": release or "",
        "releases": [r.version for r in products.list_releases(session, product=product)],
        "records": data["records"],
        # our own markup; every label in it is escaped by heat_map_svg
        "before": Markup(heat_map_svg(data, which="before", title="before controls")),  # noqa: S704
        "residual": Markup(heat_map_svg(data, which="residual", title="residual")),  # noqa: S704
    }
    return page(request, "heatmap.html", ctx)
