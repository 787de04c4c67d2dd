"""The hospital's pages (login required): installed devices with filters, one device with what
it runs, its exposure, controls, history and rollouts, a segment page, the exposure dashboard,
and the inventory import with a preview of row errors before anything is stored."""

from __future__ import annotations

import base64
import binascii
from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep, read_upload
from medsec.assets import charts, exposure, operations, planning, rollouts, vendor_mds2
from medsec.assets import service as inventory
from medsec.assets.rules import CONTROL_KINDS, ROLLOUT_MOVES
from medsec.core.inbound import upload_name
from medsec.errors import DocumentTooLarge, InvalidInput, NotFound
from medsec.ingest.assets_table import COLUMNS, read_table
from medsec.web.render import page, seg
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)
PREVIEW_LIMIT = 8 * 1024 * 1024  # larger inventories: the CLI or the API


@router.get("/assets", response_class=HTMLResponse)
def asset_list(
    request: Request,
    session: SessionDep,
    user: UserDep,
    department: str | None = None,
    segment: str | None = None,
    unmapped: str | None = None,
) -> HTMLResponse:
    """Installed devices, filtered by department, segment or unmapped."""
    rows = inventory.list_assets(
        session,
        actor=user.principal.actor,
        department=department or None,
        segment=segment or None,
        unmapped=unmapped == "yes",
    )
    everything = inventory.list_assets(session, actor=user.principal.actor)
    ctx = {
        "assets": rows,
        "departments": sorted({a.department for a in everything if a.department}),
        "segments": sorted({a.network_segment for a in everything if a.network_segment}),
        "f": {"department": department or "", "segment": segment or "", "unmapped": unmapped},
    }
    return page(request, "assets/list.html", ctx)


@router.get("/assets/exposure", response_class=HTMLResponse)
def dashboard(request: Request, session: SessionDep, user: UserDep) -> HTMLResponse:
    """Exposed devices by SSVC decision, per department and per network segment."""
    rep = exposure.report(session, actor=user.principal.actor)
    dept = [(c.group, c.assets, c.by_outcome) for c in rep.by_department]
    segs = [(c.group, c.assets, c.by_outcome) for c in rep.by_segment]
    ctx = {
        "r": rep,
        "dept_svg": charts.exposure_bars(
            dept, title="Devices by department", link="/assets?department="
        ),
        "seg_svg": charts.exposure_bars(
            segs, title="Devices by network segment", link="/assets/segments/"
        ),
        "urgent": [a for a in rep.assets if a.worst in ("immediate", "out-of-cycle")],
    }
    return page(request, "assets/exposure.html", ctx)


@router.get("/assets/plan", response_class=HTMLResponse)
def plan_page(request: Request, session: SessionDep, user: UserDep) -> HTMLResponse:
    """End of support by quarter with the replacement budget, and the legacy devices."""
    rep = planning.plan(session, actor=user.principal.actor, on=date.today())
    return page(request, "assets/plan.html", {"r": rep})


@router.get("/assets/import", response_class=HTMLResponse)
def import_form(request: Request, user: UserDep) -> HTMLResponse:
    """The inventory upload form."""
    return page(request, "assets/import.html", {"columns": COLUMNS, "preview": None})


@router.post("/assets/import", response_class=HTMLResponse, response_model=None)
async def import_post(
    request: Request,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    file: Annotated[UploadFile | None, File()] = None,
    content: Annotated[str, Form(max_length=12 * 1024 * 1024)] = "",
    filename: Annotated[str, Form(max_length=200)] = "",
    skip_bad_rows: Annotated[str, Form(max_length=10)] = "",
    commit: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """First a preview (nothing stored, every row error shown); then the import itself."""
    credentials.check_csrf(user.csrf, csrf)
    if file is not None and file.filename:
        data = await file.read(PREVIEW_LIMIT + 1)
        filename = upload_name(file.filename)
    else:
        try:
            data = base64.b64decode(content, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise InvalidInput(
                "the previewed file did not come back intact; upload it again"
            ) from exc
    if not data:
        raise InvalidInput("choose an inventory file (CSV, XLSX or JSON)")
    if len(data) > PREVIEW_LIMIT:
        raise DocumentTooLarge(
            f"over {PREVIEW_LIMIT} bytes: import it with `medsec assets import` or the API",
            source=filename,
        )
    table = read_table(data, filename)
    go = commit == "yes"
    result = inventory.import_assets(
        session,
        table=table,
        skip_bad_rows=skip_bad_rows == "yes" or not go,
        actor=user.principal.actor,
        commit_preview=go,
    )
    if go:
        return RedirectResponse(f"/assets?imported={result.created + result.changed}", 303)
    ctx = {
        "columns": COLUMNS,
        "preview": result,
        "content": base64.b64encode(data).decode(),
        "filename": filename,
    }
    return page(request, "assets/import.html", ctx)


@router.get("/assets/segments/{name}", response_class=HTMLResponse)
def segment_page(request: Request, name: str, session: SessionDep, user: UserDep) -> HTMLResponse:
    """One network segment: its exposure level, devices and controls."""
    segments = {s.name: s for s in operations.list_segments(session, actor=user.principal.actor)}
    seg_row = segments.get(name)
    members = inventory.list_assets(session, actor=user.principal.actor, segment=name)
    if seg_row is None and not members:
        raise NotFound(f"no network segment {name!r}")
    rep = (
        exposure.report(session, actor=user.principal.actor, tags=[a.asset_tag for a in members])
        if members
        else None
    )
    controls = [
        c
        for c in operations.list_controls(session, actor=user.principal.actor)
        if c.scope == f"segment {name}"
    ]
    ctx = {
        "name": name,
        "segment": seg_row,
        "assets": members,
        "r": rep,
        "controls": controls,
        "kinds": CONTROL_KINDS,
        "can_write": user.has("analyst", "reviewer"),
    }
    return page(request, "assets/segment.html", ctx)


@router.get("/assets/{tag}", response_class=HTMLResponse)
def asset_page(request: Request, tag: str, session: SessionDep, user: UserDep) -> HTMLResponse:
    """One device: what it runs, its exposure, controls, configuration history, rollouts."""
    actor = user.principal.actor
    asset = inventory.get_asset(session, tag=tag, actor=actor)
    rep = exposure.report(session, actor=actor, tags=[tag]) if asset.target else None
    suggestions = []
    if asset.target is None:
        suggestions = next(
            (g.suggestions for g in inventory.unmapped(session, actor=actor) if tag in g.assets),
            [],
        )
    mine = {f"asset {tag}", f"segment {asset.network_segment}"}
    ctx = {
        "a": asset,
        "e": rep.assets[0] if rep and rep.assets else None,
        "suggestions": suggestions,
        "controls": [c for c in operations.list_controls(session, actor=actor) if c.scope in mine],
        "history": inventory.history(session, tag=tag, actor=actor),
        "rollouts": [
            (r.name, i)
            for r in rollouts.list_rollouts(session, actor=actor)
            for i in r.items
            if i.asset_tag == tag
        ],
        "mds2": vendor_mds2.for_target(session, target=asset.target, actor=actor),
        "can_write": user.has("analyst", "reviewer"),
        "kinds": CONTROL_KINDS,
        "moves": ROLLOUT_MOVES,
    }
    return page(request, "assets/asset.html", ctx)


@router.post("/assets/controls", response_model=None)
def add_control(
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=40)] = "",
    description: Annotated[str, Form(max_length=4000)] = "",
    owner: Annotated[str, Form(max_length=200)] = "",
    asset: Annotated[str, Form(max_length=200)] = "",
    segment: Annotated[str, Form(max_length=200)] = "",
    covers: Annotated[str, Form(max_length=4000)] = "",
    verified_on: Annotated[str, Form(max_length=10)] = "",
    expires_on: Annotated[str, Form(max_length=10)] = "",
    evidence: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Record a compensating control from the device or segment page."""
    credentials.check_csrf(user.csrf, csrf)
    operations.add_control(
        session,
        kind=kind,
        description=description,
        owner=owner,
        asset=asset or None,
        segment=segment or None,
        covers=[c for c in covers.replace(",", " ").split() if c],
        verified_on=_day(verified_on, "verified on"),
        expires_on=_day(expires_on, "expires on"),
        evidence=evidence or None,
        actor=user.principal.actor,
    )
    back = f"/assets/{seg(asset)}" if asset else f"/assets/segments/{seg(segment)}"
    return RedirectResponse(back, status_code=303)


@router.post("/assets/rollouts/move", response_model=None)
def move_in_rollout(
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    rollout: Annotated[str, Form(max_length=200)] = "",
    asset: Annotated[str, Form(max_length=200)] = "",
    status: Annotated[str, Form(max_length=20)] = "",
    note: Annotated[str, Form(max_length=4000)] = "",
) -> Response:
    """Move one device of a rollout (from the device page)."""
    credentials.check_csrf(user.csrf, csrf)
    rollouts.move(
        session, name=rollout, tag=asset, status=status, note=note or None,
        actor=user.principal.actor,
    )  # fmt: skip
    return RedirectResponse(f"/assets/{seg(asset)}", status_code=303)


def _day(value: str, what: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise InvalidInput(f"{what}: write the date as YYYY-MM-DD") from exc


@router.post("/assets/{tag}/mds2", response_model=None)
async def file_mds2(
    request: Request,
    tag: str,
    session: SessionDep,
    user: UserDep,
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """File the vendor's MDS2 XLSX against the release the device runs (analyst)."""
    credentials.check_csrf(user.csrf, csrf)
    data = await read_upload(request, file)
    vendor_mds2.file_for_asset(
        session, tag=tag, data=data, source=upload_name(file.filename, "mds2.xlsx"),
        actor=user.principal.actor,
    )  # fmt: skip
    return RedirectResponse(f"/assets/{seg(tag)}#mds2", status_code=303)


@router.post("/assets/{tag}/mapping", response_model=None)
def confirm_mapping(
    tag: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    target: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    """Confirm a suggested mapping (for every device like this one; remembered)."""
    credentials.check_csrf(user.csrf, csrf)
    inventory.confirm_mapping(session, tag=tag, target=target, actor=user.principal.actor)
    return RedirectResponse(f"/assets/{seg(tag)}", status_code=303)
