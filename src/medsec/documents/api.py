"""`/api/v1/documents`: build a document (a new revision), list revisions, read one, download its
bytes (audited) and diff it against a later revision or today's records. Thin: services only."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response

from medsec.api.deps import ApiPrincipal, SessionDep
from medsec.documents import service
from medsec.documents.schemas import BuildRequest, DiffRead, RevisionRead

router = APIRouter(prefix="/api/v1", tags=["documents"])

MEDIA = {"html": "text/html; charset=utf-8", "pdf": "application/pdf"}


@router.post("/documents", response_model=RevisionRead, status_code=201)
def build(body: BuildRequest, session: SessionDep, who: ApiPrincipal) -> RevisionRead:
    """Generate a document from the records and store it as a new revision (analysts)."""
    return service.build(session, request=body, actor=who.actor).revision


@router.get("/documents", response_model=list[RevisionRead])
def list_revisions(
    session: SessionDep,
    who: ApiPrincipal,
    product: str | None = None,
    kind: str | None = None,
) -> list[RevisionRead]:
    """Stored revisions the caller may see, newest first."""
    return service.list_revisions(session, actor=who.actor, product=product, kind=kind)


@router.get("/documents/{revision}", response_model=RevisionRead)
def get_revision(revision: int, session: SessionDep, who: ApiPrincipal) -> RevisionRead:
    """One revision's record (hashes, what is missing, who and when)."""
    return service.get_revision(session, revision=revision, actor=who.actor)


@router.get(
    "/documents/{revision}/content",
    response_class=Response,
    responses={
        200: {
            "content": {"text/html": {}, "application/pdf": {}},
            "description": "The generated document (HTML or PDF).",
        }
    },
)
def download(revision: int, session: SessionDep, who: ApiPrincipal) -> Response:
    """The revision's bytes as a download (audited)."""
    built = service.download(session, revision=revision, actor=who.actor)
    r = built.revision
    return Response(
        built.data,
        media_type=MEDIA[r.format],
        headers={"Content-Disposition": f'attachment; filename="{r.filename}"'},
    )


@router.get("/documents/{revision}/diff", response_model=DiffRead)
def diff(
    revision: int, session: SessionDep, who: ApiPrincipal, against: int | None = None
) -> DiffRead:
    """What changed since the revision, section by section (`?against=` a later revision)."""
    return service.diff(session, revision=revision, actor=who.actor, against=against)
