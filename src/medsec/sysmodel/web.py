"""Design pages (login required): a release's system model with its diagram and the form to
edit an element; the diagram itself as SVG."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep
from medsec.errors import NotFound
from medsec.ingest.sysmodel_model import ELEMENT_TYPES
from medsec.sysmodel import service
from medsec.sysmodel.schemas import ElementEdit
from medsec.threats import service as threats
from medsec.trace import service as trace
from medsec.web.render import page, seg
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)


def base_url(product: str, release: str) -> str:
    """The design pages' base path of a release."""
    return f"/design/{seg(product)}/{seg(release)}"


@router.get("/design/{product}/{release}", response_class=HTMLResponse)
def model_page(
    request: Request, product: str, release: str, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """The model: the four questions, the diagram, elements (editable), flows, boundaries."""
    actor = user.principal.actor
    try:
        read = service.get(session, product=product, release=release, actor=actor)
    except NotFound:
        read = None
    m = trace.matrix(session, product=product, release=release, actor=actor)
    ctx = {
        "product": product,
        "release": release,
        "base": base_url(product, release),
        "model": read,
        "doc": read.document if read else {},
        "m": m,
        "types": ELEMENT_TYPES,
        "can_edit": user.has("analyst"),
    }
    return page(request, "design/model.html", ctx)


@router.get("/design/{product}/{release}/diagram.svg")
def diagram(product: str, release: str, session: SessionDep, user: UserDep) -> Response:
    """The data-flow diagram (SVG made by Graphviz from escaped text; shown through <img>)."""
    svg = service.diagram_svg(session, product=product, release=release, actor=user.principal.actor)
    return Response(
        svg,
        media_type="image/svg+xml",
        headers={"content-security-policy": "default-src 'none'; style-src 'unsafe-inline'"},
    )


@router.post("/design/{product}/{release}/elements/{element_id}")
def edit_element(
    product: str,
    release: str,
    element_id: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    name: Annotated[str, Form(max_length=500)] = "",
    type: Annotated[str, Form(max_length=30)] = "",
    boundary: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Edit an element (a new model version); generated threats follow the model."""
    credentials.check_csrf(user.csrf, csrf)
    edit = ElementEdit(
        name=name.strip() or None, type=type or None, boundary=boundary, note="edited in the web UI"
    )
    service.edit_element(
        session,
        product=product,
        release=release,
        element_id=element_id,
        edit=edit,
        actor=user.principal.actor,
    )
    threats.follow_model(session, product=product, release=release, actor=user.principal.actor)
    return RedirectResponse(base_url(product, release) + "#elements", status_code=303)
