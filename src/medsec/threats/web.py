"""Design pages: a release's threats and the form to edit one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep
from medsec.threats import rules, service
from medsec.threats.schemas import ThreatEdit
from medsec.web.render import page, seg
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)


@router.get("/design/{product}/{release}/threats", response_class=HTMLResponse)
def threats_page(
    request: Request, product: str, release: str, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """Every threat of the release with its risk, and the edit form."""
    rows = service.list_threats(
        session, product=product, release=release, actor=user.principal.actor
    )
    ctx = {
        "product": product,
        "release": release,
        "base": f"/design/{seg(product)}/{seg(release)}",
        "threats": rows,
        "statuses": rules.STATUSES,
        "severities": rules.SEVERITIES,
        "can_edit": user.has("analyst"),
    }
    return page(request, "design/threats.html", ctx)


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
