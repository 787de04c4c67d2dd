"""Design pages: a product's controls with their verification on a release, and the forms to
add and link controls."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from medsec.accounts import credentials
from medsec.api.deps import SessionDep
from medsec.controls import service
from medsec.controls.schemas import ControlCreate
from medsec.errors import InvalidInput
from medsec.web.render import page, seg
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)


def _split(text: str) -> list[str]:
    return [x.strip() for x in text.replace("\n", ",").split(",") if x.strip()]


@router.get("/design/{product}/{release}/controls", response_class=HTMLResponse)
def controls_page(
    request: Request, product: str, release: str, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """The product's controls verified (or not) on this release, and the catalogue."""
    rows = service.list_controls(
        session, product=product, actor=user.principal.actor, release=release
    )
    ctx = {
        "product": product,
        "release": release,
        "base": f"/design/{seg(product)}/{seg(release)}",
        "controls": rows,
        "catalogue": service.catalogue(),
        "can_edit": user.has("analyst"),
    }
    return page(request, "design/controls.html", ctx)


@router.post("/design/{product}/{release}/controls")
def add_control(
    product: str,
    release: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    key: Annotated[str, Form(max_length=60)] = "",
    name: Annotated[str, Form(max_length=500)] = "",
    principles: Annotated[list[str] | None, Form()] = None,
    owner: Annotated[str, Form(max_length=200)] = "",
    rationale: Annotated[str, Form(max_length=20_000)] = "",
    side_effects: Annotated[str, Form(max_length=20_000)] = "",
    selectors: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Add a control."""
    credentials.check_csrf(user.csrf, csrf)
    try:
        data = ControlCreate(
            key=key.strip(),
            name=name.strip(),
            principles=principles or [],
            owner=owner.strip() or None,
            rationale=rationale.strip() or None,
            side_effects=side_effects.strip() or None,
            selectors=_split(selectors),
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        raise InvalidInput(f"{'.'.join(str(p) for p in first['loc'])}: {first['msg']}") from None
    service.add_control(session, product=product, data=data, actor=user.principal.actor)
    return RedirectResponse(f"/design/{seg(product)}/{seg(release)}/controls", status_code=303)


@router.post("/design/{product}/{release}/controls/{key}/link")
def link(
    product: str,
    release: str,
    key: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    threats: Annotated[str, Form(max_length=20_000)] = "",
    selectors: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Link the control to threats of this release and to evidence selectors."""
    credentials.check_csrf(user.csrf, csrf)
    service.link(
        session,
        product=product,
        key=key,
        actor=user.principal.actor,
        release=release,
        threat_keys=_split(threats),
        selectors=_split(selectors),
    )
    return RedirectResponse(f"/design/{seg(product)}/{seg(release)}/controls", status_code=303)
