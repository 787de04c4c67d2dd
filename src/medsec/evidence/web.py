"""Design pages: a release's evidence files, failing results with the triage form, seed 5.3
coverage, and the upload form."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep, read_upload
from medsec.evidence import rules, service
from medsec.web.render import page, seg
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)


@router.get("/design/{product}/{release}/evidence", response_class=HTMLResponse)
def evidence_page(
    request: Request, product: str, release: str, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """Imports, coverage and the failing results."""
    actor = user.principal.actor
    ctx = {
        "product": product,
        "release": release,
        "base": f"/design/{seg(product)}/{seg(release)}",
        "imports": service.list_imports(session, product=product, release=release, actor=actor),
        "coverage": service.coverage(session, product=product, release=release, actor=actor),
        "failing": service.list_results(
            session, product=product, release=release, actor=actor, outcome="fail", limit=200
        ),
        "kinds": rules.KINDS,
        "can_edit": user.has("analyst"),
    }
    return page(request, "design/evidence.html", ctx)


@router.post("/design/{product}/{release}/evidence")
async def upload(
    request: Request,
    product: str,
    release: str,
    session: SessionDep,
    user: UserDep,
    file: Annotated[UploadFile, File()],
    csrf: Annotated[str, Form(max_length=200)] = "",
    kind: Annotated[str, Form(max_length=10)] = "sarif",
) -> Response:
    """Import an uploaded evidence file."""
    credentials.check_csrf(user.csrf, csrf)
    data = await read_upload(request, file)
    service.import_file(
        session,
        product=product,
        release=release,
        data=data,
        source=file.filename or "upload",
        kind=kind,
        actor=user.principal.actor,
    )
    return RedirectResponse(f"/design/{seg(product)}/{seg(release)}/evidence", status_code=303)


@router.post("/design/{product}/{release}/evidence/{result_id}/triage")
def triage(
    product: str,
    release: str,
    result_id: int,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=20_000)] = "",
) -> Response:
    """Record the triage of a failing result: what was decided and why (analyst role)."""
    credentials.check_csrf(user.csrf, csrf)
    service.triage(
        session,
        product=product,
        release=release,
        result_id=result_id,
        note=note,
        actor=user.principal.actor,
    )
    return RedirectResponse(
        f"/design/{seg(product)}/{seg(release)}/evidence#failing", status_code=303
    )
