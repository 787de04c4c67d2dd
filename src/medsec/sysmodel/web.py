"""Design pages (login required): a release's system model with its diagram and forms to edit
its elements, data flows, trust boundaries and interfaces (refusals shown inline with the
typed text kept); the diagram itself as SVG."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep
from medsec.errors import DocumentError, InvalidInput, NotFound
from medsec.ingest.sysmodel_model import CLASSIFICATIONS, DIRECTIONS, ELEMENT_TYPES, INTERFACE_KINDS
from medsec.sysmodel import editing, service
from medsec.sysmodel.schemas import ElementEdit
from medsec.threats import service as threats
from medsec.trace import service as trace
from medsec.web.render import page, seg
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)


def base_url(product: str, release: str) -> str:
    """The design pages' base path of a release."""
    return f"/design/{seg(product)}/{seg(release)}"


def _model_page(
    request: Request,
    product: str,
    release: str,
    session: SessionDep,
    user: UserDep,
    *,
    error: str | None = None,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
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
        "interface_kinds": INTERFACE_KINDS,
        "directions": DIRECTIONS,
        "classifications": CLASSIFICATIONS,
        "can_edit": user.has("analyst"),
        "error": error,
        "form": form or {},
    }
    return page(request, "design/model.html", ctx, status=422 if error else 200)


@router.get("/design/{product}/{release}", response_class=HTMLResponse)
def model_page(
    request: Request, product: str, release: str, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """The model: the four questions, the diagram, elements (editable), flows, boundaries."""
    return _model_page(request, product, release, session, user)


def _edited(
    request: Request,
    product: str,
    release: str,
    session: SessionDep,
    user: UserDep,
    form: dict[str, Any],
    edit: Callable[[], object],
) -> Response:
    """Run an edit; on refusal the page again with the error inline and the typed text kept
    (nothing stored: an edit is checked in full before anything is written)."""
    anchor = "#" + str(form["part"])
    try:
        edit()
        threats.follow_model(session, product=product, release=release, actor=user.principal.actor)
    except (DocumentError, InvalidInput) as exc:
        message = str(exc)
        return _model_page(request, product, release, session, user, error=message, form=form)
    except NotFound as exc:
        if not user.has("analyst"):
            raise
        return _model_page(request, product, release, session, user, error=str(exc), form=form)
    return RedirectResponse(base_url(product, release) + anchor, status_code=303)


def _op(op: str, item: str) -> tuple[str | None, bool]:
    """(the item edited or deleted, whether it is deleted); (None, False) to add."""
    if op not in ("add", "edit", "delete"):
        raise InvalidInput(f"unknown operation {op!r} (add, edit or delete)")
    if op != "add" and not item:
        raise InvalidInput(f"{op}: which item?")
    return (None, False) if op == "add" else (item, op == "delete")


@router.post("/design/{product}/{release}/flows")
def edit_flow(
    request: Request,
    product: str,
    release: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    op: Annotated[str, Form(max_length=10)] = "add",
    item: Annotated[str, Form(max_length=300)] = "",
    id: Annotated[str, Form(max_length=300)] = "",
    name: Annotated[str, Form(max_length=500)] = "",
    source: Annotated[str, Form(alias="from", max_length=300)] = "",
    target: Annotated[str, Form(alias="to", max_length=300)] = "",
    protocol: Annotated[str, Form(max_length=100)] = "",
    port: Annotated[str, Form(max_length=20)] = "",
    direction: Annotated[str, Form(max_length=20)] = "",
    classification: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Add, change or delete a data flow (checked like a model file; a new model version)."""
    credentials.check_csrf(user.csrf, csrf)
    values = {
        "id": id,
        "name": name,
        "from": source,
        "to": target,
        "protocol": protocol,
        "port": port,
        "direction": direction,
        "classification": classification,
    }
    form = {"part": "flows", "op": op, "item": item, **values}
    existing, delete = _op(op, item)
    return _edited(
        request,
        product,
        release,
        session,
        user,
        form,
        lambda: editing.change_part(
            session,
            product=product,
            release=release,
            part="flows",
            item_id=existing,
            values=None if delete else values,
            actor=user.principal.actor,
        ),
    )


@router.post("/design/{product}/{release}/boundaries")
def edit_boundary(
    request: Request,
    product: str,
    release: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    op: Annotated[str, Form(max_length=10)] = "add",
    item: Annotated[str, Form(max_length=300)] = "",
    id: Annotated[str, Form(max_length=300)] = "",
    name: Annotated[str, Form(max_length=500)] = "",
    parent: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Add, change or delete a trust boundary (a new model version)."""
    credentials.check_csrf(user.csrf, csrf)
    values = {"id": id, "name": name, "parent": parent}
    form = {"part": "boundaries", "op": op, "item": item, **values}
    existing, delete = _op(op, item)
    return _edited(
        request,
        product,
        release,
        session,
        user,
        form,
        lambda: editing.change_part(
            session,
            product=product,
            release=release,
            part="boundaries",
            item_id=existing,
            values=None if delete else values,
            actor=user.principal.actor,
        ),
    )


@router.post("/design/{product}/{release}/interfaces")
def edit_interface(
    request: Request,
    product: str,
    release: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    op: Annotated[str, Form(max_length=10)] = "add",
    element: Annotated[str, Form(max_length=300)] = "",
    item: Annotated[str, Form(max_length=10)] = "",
    name: Annotated[str, Form(max_length=500)] = "",
    kind: Annotated[str, Form(max_length=40)] = "",
    port: Annotated[str, Form(max_length=20)] = "",
    protocol: Annotated[str, Form(max_length=100)] = "",
    enabled: Annotated[str, Form(max_length=10)] = "",
    reason: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Add, change or delete an interface of an element (a new model version)."""
    credentials.check_csrf(user.csrf, csrf)
    values = {
        "name": name,
        "kind": kind,
        "port": port,
        "protocol": protocol,
        "enabled": bool(enabled),
        "reason": reason,
    }
    form = {"part": "interfaces", "op": op, "item": item, "element": element, **values}
    existing, delete = _op(op, item)
    if existing is not None and not existing.isdigit():
        raise InvalidInput(f"interface {existing!r}: expected its number")
    return _edited(
        request,
        product,
        release,
        session,
        user,
        form,
        lambda: editing.change_interface(
            session,
            product=product,
            release=release,
            element_id=element,
            index=int(existing) if existing is not None else None,
            values=None if delete else values,
            actor=user.principal.actor,
        ),
    )


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
