"""Finding pages: the work list, one finding with its inputs and VEX history, and triage.
Thin: services only, every read checked with the viewer rule."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep, require_read
from medsec.core import vex
from medsec.errors import InvalidInput, NotFound
from medsec.findings import decisions, detail, overview, rematch
from medsec.products import service as products
from medsec.vulns.web import Short, feeds_page
from medsec.web.render import page
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)


def _opt(value: str | None) -> str | None:
    return value or None


def _kev(value: str | None, name: str = "kev") -> bool | None:
    if not value:
        return None
    if value not in ("yes", "no"):
        raise InvalidInput(f"{name}: {value!r} is not one of yes, no")
    return value == "yes"


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
    component: str | None = None,
    q: str | None = None,
    upstream: str | None = None,
) -> HTMLResponse:
    """The work list: open findings most urgent first (or by release), with filters (VEX state,
    severity, KEV, part of the component or of a vulnerability id), filtered and paged in SQL;
    ``upstream=yes``: the distribution packages matched by upstream CPE ranges alone."""
    require_read(session, user.principal, product)
    only_upstream = _kev(upstream, "upstream") is True
    flt = overview.FindingFilter(
        _opt(state), _opt(severity), _kev(kev), False, sort, _opt(component), _opt(q), only_upstream
    )
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
            "upstream": "yes" if only_upstream else "",
            "component": component or "",
            "q": q or "",
        },
        "states": overview.STATES,
        "severities": ("critical", "high", "medium", "low", "none"),
    }
    return page(request, "findings.html", ctx)


@router.get("/findings/{finding_id}", response_class=HTMLResponse)
def finding_page(
    request: Request,
    finding_id: int,
    session: SessionDep,
    user: UserDep,
    recorded: str | None = None,
) -> HTMLResponse:
    """One finding: every input with its source, the VEX history and the triage form."""
    _, _, prod = decisions.get_finding(session, finding_id)
    require_read(session, user.principal, prod.name, hide_as=decisions.missing(finding_id))
    return _finding(request, session, user, finding_id, recorded=recorded)


def _finding(
    request: Request,
    session: SessionDep,
    user: UserDep,
    finding_id: int,
    *,
    form: dict[str, str] | None = None,
    error: str | None = None,
    recorded: str | None = None,
) -> HTMLResponse:
    """The finding page; the triage form shows the decision in force, or what was typed."""
    d = detail.finding_detail(session, finding_id)
    now = d.vex
    typed = form or {
        "status": (now.status if now else None) or "under_investigation",
        "justification": (now.justification if now else None) or "",
        "scope": (now.scope if now else None) or "release",
        "reason": "",
        "action_statement": (now.action_statement if now else None) or "",
        "impact_statement": (now.impact_statement if now else None) or "",
    }
    ctx = {
        "d": d,
        "can_triage": user.has("analyst"),
        "statuses": overview.STATES,
        "justifications": [j.value for j in vex.Justification],
        "form": typed,
        "error": error,
        "recorded": recorded if recorded in overview.STATES else None,
    }
    return page(request, "finding.html", ctx, status=422 if error else 200)


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
    form = {
        "status": status,
        "justification": justification,
        "scope": scope,
        "reason": reason,
        "action_statement": action_statement,
        "impact_statement": impact_statement,
    }
    try:
        if not reason.strip():
            raise InvalidInput("reason: say why (it goes into the history and the audit log)")
        # decide() checks everything before it stores anything
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
    except InvalidInput as refused:
        return _finding(request, session, user, finding_id, form=form, error=str(refused))
    return RedirectResponse(
        f"/findings/{finding_id}?recorded={status}#vex-history", status_code=303
    )


@router.post("/feeds/match", response_class=HTMLResponse)
def match(
    request: Request,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    product: Short = "",
    release: Short = "",
    full: Short = "",
) -> HTMLResponse:
    """Re-match a release, a product or the portfolio you see (analyst role); the summary."""
    credentials.check_csrf(user.csrf, csrf)
    form = {"source": "auto", "product": product, "release": release, "full": full == "yes"}
    try:
        if product:
            require_read(session, user.principal, product)
        summary = rematch.rematch(
            session,
            actor=user.principal.actor,
            product=product or None,
            release=release or None,
            full=full == "yes",
            visible=user.principal.products,
        )
    except (InvalidInput, NotFound) as refused:
        return feeds_page(request, session, user, errors={"match": str(refused)}, form=form)
    return feeds_page(request, session, user, matched=summary, form=form)
