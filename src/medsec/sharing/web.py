"""Information-sharing pages (security roles): sharing agreements with the form to record one,
STIX 2.1 imports with the upload form, and the export form that downloads a redacted bundle
for a partner under its agreement. Every stored string is escaped by the templates."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import orjson
from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep, read_upload, require_read
from medsec.core.inbound import upload_name
from medsec.errors import InvalidInput
from medsec.sharing import rules, stix_import
from medsec.sharing import service as sharing
from medsec.web.render import page
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)
SHORT = 300


def _date(label: str, value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{label} {value!r}: expected a date YYYY-MM-DD") from None


@router.get("/sharing", response_class=HTMLResponse)
def sharing_page(request: Request, session: SessionDep, user: UserDep) -> HTMLResponse:
    """Agreements, imports and the export form."""
    require_read(session, user.principal)
    actor = user.principal.actor
    ctx = {
        "agreements": sharing.list_agreements(session, actor=actor),
        "imports": sharing.list_imports(session, actor=actor),
        "tlps": rules.TLP_ORDER,
    }
    return page(request, "sharing/index.html", ctx)


@router.post("/sharing/agreements")
def add_agreement(
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    partner: Annotated[str, Form(max_length=SHORT)] = "",
    scope: Annotated[str, Form(max_length=5000)] = "",
    tlp: Annotated[str, Form(max_length=20)] = "",
    signed_on: Annotated[str, Form(max_length=20)] = "",
    expires_on: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Record a written sharing agreement."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    signed = _date("signed on", signed_on)
    if signed is None:
        raise InvalidInput("signed on: give the date the agreement was signed")
    sharing.add_agreement(
        session,
        partner=partner,
        scope=scope,
        tlp=tlp,
        signed_on=signed,
        expires_on=_date("expires on", expires_on),
        actor=user.principal.actor,
    )
    return RedirectResponse("/sharing#agreements", status_code=303)


@router.post("/sharing/imports")
async def import_bundle(
    request: Request,
    session: SessionDep,
    user: UserDep,
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Import a STIX 2.1 bundle an ISAO sent (validated; linked to products and findings)."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    data = await read_upload(request, file, stix_import.MAX_BYTES)
    sharing.import_stix(
        session, data=data, source_name=upload_name(file.filename), actor=user.principal.actor
    )
    return RedirectResponse("/sharing#imports", status_code=303)


@router.post("/sharing/export")
def export_bundle(
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    org: Annotated[str, Form(max_length=SHORT)] = "",
    partner: Annotated[str, Form(max_length=SHORT)] = "",
    incident: Annotated[str, Form(max_length=40)] = "",
    since: Annotated[str, Form(max_length=20)] = "",
) -> Response:
    """Download the redacted STIX 2.1 bundle for a partner (what its agreement allows)."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    bundle, _, tlp, _ = sharing.build_stix(
        session,
        organisation=org,
        partner=partner,
        actor=user.principal.actor,
        incident=incident.strip() or None,
        since=_date("since", since),
    )
    name = f"stix-{tlp.replace('+', '-')}-{bundle['id'].split('--')[-1][:8]}.json"
    return Response(
        orjson.dumps(bundle, option=orjson.OPT_INDENT_2),
        media_type="application/json",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
