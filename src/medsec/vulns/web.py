"""Feed pages: upload a feed file (OSV, NVD, CISA KEV, EPSS), with a summary of what changed;
the page's re-match form posts to `findings.web`. Thin: services only; analyst role for writes."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import HTMLResponse
from pydantic import BaseModel

from medsec.accounts import credentials
from medsec.api.deps import SessionDep, read_upload_sync, require_read
from medsec.errors import DocumentError, InvalidInput
from medsec.imported_csaf import service as csaf_import
from medsec.ingest.csaf import MAX_BYTES as CSAF_MAX_BYTES
from medsec.products import service as products
from medsec.vulns import uploads
from medsec.vulns.schemas import FeedImportRead
from medsec.web.render import page
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)

Short = Annotated[str, Form(max_length=200)]
SOURCE_LABELS = {
    "auto": "Detect from the content",
    "osv": "OSV (also GitHub advisories in OSV form)",
    "nvd": "NVD CVE API 2.0",
    "kev": "CISA Known Exploited Vulnerabilities",
    "epss": "FIRST EPSS scores (CSV)",
}


def feeds_page(
    request: Request,
    session: SessionDep,
    user: UserDep,
    *,
    offset: int = 0,
    imported: FeedImportRead | None = None,
    matched: BaseModel | None = None,  # a re-match summary (`findings.web` re-matches)
    csaf: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    form: dict[str, Any] | None = None,
) -> HTMLResponse:
    """The feeds page: snapshots, the upload and re-match forms, and what was just done."""
    total, snaps = uploads.snapshots(session, offset=offset, limit=20)
    names = [p.name for p in products.list_products(session) if user.principal.sees(p.name)]
    ctx = {
        "total": total,
        "snapshots": snaps,
        "offset": offset,
        "sources": SOURCE_LABELS,
        "products": names,
        "releases": {
            n: [r.version for r in products.list_releases(session, product=n)] for n in names
        },
        "imported": imported,
        "matched": matched,
        "csaf": csaf,
        "errors": errors or {},
        "form": form or {"source": "auto", "product": "", "release": "", "full": False},
        "can_write": user.has("analyst"),
    }
    return page(request, "vulns/feeds.html", ctx, status=422 if errors else 200)


@router.get("/feeds", response_class=HTMLResponse)
def feeds(
    request: Request,
    session: SessionDep,
    user: UserDep,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
) -> HTMLResponse:
    """Feed snapshots imported so far, the upload form and the re-match form."""
    require_read(session, user.principal)
    return feeds_page(request, session, user, offset=offset)


@router.post("/feeds/import", response_class=HTMLResponse)
def import_feed(
    request: Request,
    session: SessionDep,
    user: UserDep,
    file: Annotated[UploadFile, File()],
    csrf: Short = "",
    source: Short = "auto",
) -> HTMLResponse:
    """Import the uploaded feed file (analyst role); show what it gave, or why it was refused."""
    credentials.check_csrf(user.csrf, csrf)
    limit = request.app.state.settings.feed_max_bytes
    name = uploads.safe_name(file.filename or "")
    form = {"source": source, "product": "", "release": "", "full": False}
    try:
        data = read_upload_sync(request, file, feed=True)
        name, result = uploads.import_upload(
            session, data=data, filename=name, actor=user.principal.actor, source=source,
            max_bytes=limit,
        )  # fmt: skip
    except (InvalidInput, DocumentError) as refused:
        return feeds_page(request, session, user, errors={"import": str(refused)}, form=form)
    return feeds_page(request, session, user, imported=uploads.summary(name, result), form=form)


OUTCOMES = {
    "new": "imported",
    "replaced": "imported; it replaces version {replaced}",
    "history": "kept as an older version (a newer one is current)",
    "unchanged": "already imported (nothing changed)",
}


@router.post("/feeds/csaf", response_class=HTMLResponse)
def import_csaf(
    request: Request,
    session: SessionDep,
    user: UserDep,
    file: Annotated[UploadFile, File()],
    csrf: Short = "",
) -> HTMLResponse:
    """Import a vendor's CSAF 2.0 advisory (analyst role); an invalid one is refused with its
    failing tests (the CLI's --force is not offered here)."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    name = uploads.safe_name(file.filename or "")
    try:
        data = read_upload_sync(request, file, CSAF_MAX_BYTES)
        if not data:
            raise InvalidInput(f"{name}: the file is empty")
        result = csaf_import.import_csaf(
            session, data=data, source=name, force=False, actor=user.principal.actor
        )
    except (InvalidInput, DocumentError) as refused:
        text = str(refused).replace(" (--force stores it marked invalid)", "")
        return feeds_page(request, session, user, errors={"csaf": text})
    doc = result.document
    summary = {
        "tracking_id": doc.tracking_id,
        "version": doc.version,
        "title": doc.title,
        "outcome": OUTCOMES.get(result.outcome, result.outcome).format(
            replaced=result.replaced_version
        ),
        "products": result.products,
        "mapped": result.mapped,
        "statements": result.statements,
        "vulnerabilities": result.vulnerabilities,
    }
    return feeds_page(request, session, user, csaf=summary)
