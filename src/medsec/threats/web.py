"""Design pages: a release's threats with forms to add one by hand, edit one, record its
patient-harm risk and accept the residual risk (reviewers); refusals inline, typed text kept."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from medsec.accounts import credentials
from medsec.api.deps import SessionDep
from medsec.controls import service as controls
from medsec.errors import Conflict, InvalidInput
from medsec.risk.policy import RiskPolicy
from medsec.threats import rules, service
from medsec.threats.library import STRIDE
from medsec.threats.schemas import ThreatCreate, ThreatEdit
from medsec.web.render import page, seg
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)


def _threats_page(
    request: Request,
    product: str,
    release: str,
    session: SessionDep,
    user: UserDep,
    *,
    error: str | None = None,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    rows = service.list_threats(
        session, product=product, release=release, actor=user.principal.actor
    )
    levels = RiskPolicy.default()
    ctx = {
        "product": product,
        "release": release,
        "base": f"/design/{seg(product)}/{seg(release)}",
        "threats": rows,
        "statuses": rules.STATUSES,
        "severities": rules.SEVERITIES,
        "categories": STRIDE,
        "harm_levels": levels.severity_levels,
        "exploitability_levels": levels.exploitability_levels,
        "can_edit": user.has("analyst"),
        "can_accept": user.has("reviewer"),
        "error": error,
        "form": form or {},
    }
    return page(request, "design/threats.html", ctx, status=422 if error else 200)


@router.get("/design/{product}/{release}/threats", response_class=HTMLResponse)
def threats_page(
    request: Request, product: str, release: str, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """Every threat of the release with its risk; forms to add a threat by hand, edit one,
    record its risk and (reviewers) accept the residual risk."""
    return _threats_page(request, product, release, session, user)


def _done(
    request: Request,
    product: str,
    release: str,
    session: SessionDep,
    user: UserDep,
    form: dict[str, Any],
    action: Callable[[], object],
) -> Response:
    """Run the action; refusals of the input come back inline with the typed text kept."""
    try:
        action()
    except (InvalidInput, Conflict) as exc:
        return _threats_page(request, product, release, session, user, error=str(exc), form=form)
    except ValidationError as exc:
        first = exc.errors()[0]
        message = f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}"
        return _threats_page(request, product, release, session, user, error=message, form=form)
    anchor = f"#threat-{form['key']}" if form.get("key") else ""
    return RedirectResponse(
        f"/design/{seg(product)}/{seg(release)}/threats{anchor}", status_code=303
    )


@router.post("/design/{product}/{release}/threats")
def add_threat(
    request: Request,
    product: str,
    release: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    key: Annotated[str, Form(max_length=200)] = "",
    title: Annotated[str, Form(max_length=2000)] = "",
    category: Annotated[str, Form(max_length=1)] = "",
    target: Annotated[str, Form(max_length=300)] = "",
    severity: Annotated[str, Form(max_length=20)] = "",
    description: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Add a threat by hand (one the library does not give)."""
    credentials.check_csrf(user.csrf, csrf)
    form = {
        "part": "add",
        "key": key.strip(),
        "title": title,
        "category": category,
        "target": target,
        "severity": severity,
        "description": description,
    }
    return _done(
        request,
        product,
        release,
        session,
        user,
        form,
        lambda: service.add_threat(
            session,
            product=product,
            release=release,
            actor=user.principal.actor,
            data=ThreatCreate(
                key=key.strip(),
                title=title.strip(),
                category=category,
                target_id=target.strip() or None,
                severity=severity or None,
                description=description.strip() or None,
            ),
        ),
    )


@router.post("/design/{product}/{release}/threats/{key}/risk")
def assess_risk(
    request: Request,
    product: str,
    release: str,
    key: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    hazardous_situation: Annotated[str, Form(max_length=5000)] = "",
    harm: Annotated[str, Form(max_length=5000)] = "",
    severity: Annotated[str, Form(max_length=20)] = "",
    exploitability: Annotated[str, Form(max_length=20)] = "",
    rationale: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Record (a new version of) the threat's patient-harm risk (analyst role)."""
    credentials.check_csrf(user.csrf, csrf)
    form = {
        "part": "risk",
        "key": key,
        "hazardous_situation": hazardous_situation,
        "harm": harm,
        "severity": severity,
        "exploitability": exploitability,
        "rationale": rationale,
    }

    def run() -> object:
        if not hazardous_situation.strip() or not harm.strip():
            raise InvalidInput(
                "the hazardous situation and the harm are written by a person: fill both in"
            )
        return controls.assess_threat_risk(
            session,
            product=product,
            release=release,
            key=key,
            hazardous_situation=hazardous_situation.strip(),
            harm=harm.strip(),
            severity=severity,
            exploitability=exploitability,
            actor=user.principal.actor,
            rationale=rationale.strip() or None,
        )

    return _done(request, product, release, session, user, form, run)


@router.post("/design/{product}/{release}/threats/{key}/accept")
def accept_risk(
    request: Request,
    product: str,
    release: str,
    key: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    rationale: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Accept the residual risk of the threat (reviewer role)."""
    credentials.check_csrf(user.csrf, csrf)
    form = {"part": "accept", "key": key, "rationale": rationale}
    return _done(
        request,
        product,
        release,
        session,
        user,
        form,
        lambda: service.accept_risk(
            session,
            product=product,
            release=release,
            key=key,
            actor=user.principal.actor,
            rationale=rationale.strip() or None,
        ),
    )


@router.post("/design/{product}/{release}/threats/generate")
def generate(
    product: str,
    release: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Generate threats from the current model."""
    credentials.check_csrf(user.csrf, csrf)
    service.generate(session, product=product, release=release, actor=user.principal.actor)
    return RedirectResponse(f"/design/{seg(product)}/{seg(release)}/threats", status_code=303)


@router.post("/design/{product}/{release}/threats/{key}")
def set_threat(
    product: str,
    release: str,
    key: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    status: Annotated[str, Form(max_length=20)] = "",
    severity: Annotated[str, Form(max_length=20)] = "",
    rationale: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Edit a threat's status, severity and rationale."""
    credentials.check_csrf(user.csrf, csrf)
    edit = ThreatEdit(
        status=status or None, severity=severity or None, rationale=rationale.strip() or None
    )
    service.set_threat(
        session, product=product, release=release, key=key, edit=edit, actor=user.principal.actor
    )
    return RedirectResponse(f"/design/{seg(product)}/{seg(release)}/threats", status_code=303)
