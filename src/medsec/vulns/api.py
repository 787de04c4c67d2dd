"""`/api/v1`: feed files uploaded and imported, and the snapshots imported so far (re-matching
is `findings.api`). Thin: services only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Request, UploadFile

from medsec.api.deps import ApiPrincipal, SessionDep, read_upload_sync, require_read
from medsec.vulns import uploads
from medsec.vulns.schemas import FeedImportRead, FeedSnapshotsPage

router = APIRouter(prefix="/api/v1", tags=["feeds"])


@router.post("/feeds/imports", response_model=FeedImportRead, status_code=201)
def import_feed(
    request: Request,
    file: Annotated[UploadFile, File(description="OSV, NVD, CISA KEV or EPSS feed file.")],
    session: SessionDep,
    who: ApiPrincipal,
    source: Annotated[str, Form(max_length=10)] = "auto",
) -> FeedImportRead:
    """Import an uploaded feed file (analyst role), as `medsec feeds import`; idempotent."""
    limit = request.app.state.settings.feed_max_bytes
    name = uploads.safe_name(file.filename or "")
    data = read_upload_sync(request, file, feed=True)
    name, result = uploads.import_upload(
        session, data=data, filename=name, actor=who.actor, source=source, max_bytes=limit
    )
    return uploads.summary(name, result)


@router.get("/feeds/snapshots", response_model=FeedSnapshotsPage)
def snapshots(
    session: SessionDep,
    who: ApiPrincipal,
    offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
) -> FeedSnapshotsPage:
    """Feed snapshots imported so far, newest first."""
    require_read(session, who)
    total, items = uploads.snapshots(session, offset=offset, limit=limit)
    return FeedSnapshotsPage(total=total, offset=offset, limit=limit, items=items)
