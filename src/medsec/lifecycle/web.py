"""The lifecycle page of a product family (login required): the timeline SVG, every release's
phase, horizon and legacy status with reasons, and the notices due."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from medsec.api.deps import SessionDep
from medsec.errors import InvalidInput
from medsec.lifecycle import service
from medsec.web.render import page
from medsec.web.security import notice_csp
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)


@router.get("/products/{product}/lifecycle", response_class=HTMLResponse)
def lifecycle_page(
    request: Request, product: str, session: SessionDep, user: UserDep, on: str = ""
) -> HTMLResponse:
    """Timeline, status and due notices of a product family on a date (default today)."""
    try:
        when = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise InvalidInput(f"on={on!r}: expected a date YYYY-MM-DD") from None
    actor = user.principal.actor
    ctx: dict[str, Any] = {
        "product": product,
        "on": when,
        "releases": service.status(session, product=product, on=when, actor=actor),
        "notices": service.notices(session, product=product, on=when, actor=actor),
        # our own markup; every label in it is escaped by timeline_svg
        "timeline": Markup(service.timeline(session, product=product, on=when, actor=actor)),  # noqa: S704
    }
    return page(request, "lifecycle/product.html", ctx)


@router.get("/products/{product}/lifecycle/notices/{release}/{key}", response_class=HTMLResponse)
def notice_page(
    request: Request,
    product: str,
    release: str,
    key: str,
    session: SessionDep,
    user: UserDep,
    lang: str = "en",
    on: str = "",
) -> HTMLResponse:
    """One due notice drafted as the customer gets it (its own stylesheet only)."""
    if lang not in ("en", "ja"):
        raise InvalidInput(f"lang={lang!r}: en or ja")
    try:
        when = date.fromisoformat(on) if on else date.today()
    except ValueError:
        raise InvalidInput(f"on={on!r}: expected a date YYYY-MM-DD") from None
    html = service.draft_notice(
        session,
        product=product,
        version=release,
        key=key,
        on=when,
        lang="ja" if lang == "ja" else "en",
        actor=user.principal.actor,
    )
    return HTMLResponse(html, headers={"content-security-policy": notice_csp(html)})
