"""The pages: dashboard, product, release, findings work list, finding detail with triage,
and the risk heat map. Thin: services only, every read checked with the viewer rule."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from medsec.accounts import credentials
from medsec.api.deps import SessionDep, require_read
from medsec.errors import InvalidInput
from medsec.findings import decisions, detail, overview, vex
from medsec.products import service as products
from medsec.risk import service as risk
from medsec.sbom import service as sboms
from medsec.vulns import csaf_queries
from medsec.web.render import page
from medsec.web.session import UserDep
from medsec.web.svg import heat_map_svg

router = APIRouter(include_in_schema=False)
COMPONENTS_PER_PAGE = 100


def _opt(value: str | None) -> str | None:
    return value or None


def _kev(value: str | None) -> bool | None:
    if not value:
        return None
    if value not in ("yes", "no"):
        raise InvalidInput(f"kev: {value!r} is not one of yes, no")
    return value == "yes"


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


@router.get("/products/{product}/findings", response_class=HTMLResponse)
def worklist(
    request: Request,
    product: str,
    session: SessionDep,
    user: UserDep,
    release: str | None = None,
    state: str | None = None,
    severity: str | None = None,
    kev: str | None = None,
    sort: str = "priority",
    offset: int = 0,
) -> HTMLResponse:
    """The work list: open findings most urgent first (or by release), with filters."""
    require_read(session, user.principal, product)
    flt = overview.FindingFilter(_opt(state), _opt(severity), _kev(kev), False, sort)
    found = overview.search(
        session, product=product, version=_opt(release), flt=flt, offset=offset, limit=50
    )
    ctx = {
        "product": product,
        "releases": [r.version for r in products.list_releases(session, product=product)],
        "page": found,
        "f": {
            "release": release or "",
            "state": state or "",
            "severity": severity or "",
            "kev": kev or "",
            "sort": sort,
        },
        "states": overview.STATES,
        "severities": ("critical", "high", "medium", "low", "none"),
    }
    return page(request, "findings.html", ctx)


@router.get("/findings/{finding_id}", response_class=HTMLResponse)
def finding_page(
    request: Request, finding_id: int, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """One finding: every input with its source, the VEX history and the triage form."""
    _, _, prod = decisions.get_finding(session, finding_id)
    require_read(session, user.principal, prod.name, hide_as=decisions.missing(finding_id))
    ctx = {
        "d": detail.finding_detail(session, finding_id),
        "can_triage": user.has("analyst"),
        "statuses": overview.STATES,
        "justifications": [j.value for j in vex.Justification],
    }
    return page(request, "finding.html", ctx)


@router.post("/findings/{finding_id}/triage")
def triage(
    request: Request,
    finding_id: int,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    status: Annotated[str, Form(max_length=60)] = "",
    reason: Annotated[str, Form(max_length=10_000)] = "",
    justification: Annotated[str, Form(max_length=80)] = "",
    action_statement: Annotated[str, Form(max_length=10_000)] = "",
    impact_statement: Annotated[str, Form(max_length=10_000)] = "",
    scope: Annotated[str, Form(max_length=20)] = "release",
) -> Response:
    """Record a VEX decision from the finding page (analyst role), then show the finding."""
    credentials.check_csrf(user.csrf, csrf)
    _, _, prod = decisions.get_finding(session, finding_id)
    require_read(session, user.principal, prod.name, hide_as=decisions.missing(finding_id))
    if not reason.strip():
        raise InvalidInput("reason: say why (it goes into the history and the audit log)")
    decisions.decide(
        session,
        finding_id=finding_id,
        status=status,
        reason=reason.strip(),
        actor=user.principal.actor,
        justification=_opt(justification),
        action_statement=_opt(action_statement.strip()),
        impact_statement=_opt(impact_statement.strip()),
        scope=scope,
    )
    return RedirectResponse(f"/findings/{finding_id}#vex-history", status_code=303)


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
