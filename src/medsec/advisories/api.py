"""`/api/v1/advisories`: list, show, the exports, the customer notice and publishing.
Thin: services only; every read checked with the viewer rule on the advisory's product."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

import orjson
from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from medsec.advisories import distribution, editing, feedback, publish, service
from medsec.advisories.schemas import (
    AdvisoryChangeRead,
    AdvisoryCreate,
    AdvisoryDiffRead,
    AdvisoryDraftRead,
    AdvisoryRead,
    AdvisorySummaryRead,
    AdvisoryUpdate,
    FeedbackRead,
    PublishedRevisionRead,
)
from medsec.api.deps import ApiPrincipal, Principal, SessionDep, read_upload, require_read
from medsec.export.notice_pdf import html_to_pdf
from medsec.ingest.rollout_feedback import MAX_BYTES as MAX_FEEDBACK_BYTES
from medsec.models import SecurityAdvisory
from medsec.products import service as products

router = APIRouter(prefix="/api/v1/advisories", tags=["advisories"])
SECURITY_ROLES = frozenset({"admin", "reviewer", "analyst"})
MEDIA = dict.fromkeys(("csaf", "cyclonedx-vex", "openvex"), "application/json")
EXPORT_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The advisory as a document of a published standard, as an attachment",
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "description": "a CSAF 2.0, CycloneDX 1.6 VEX or OpenVEX 0.2.0 document",
                    "x-medsec-document": ["CSAF 2.0", "CycloneDX VEX", "OpenVEX"],
                }
            },
            "text/html": {"schema": {"type": "string"}},
            "application/pdf": {"schema": {"type": "string", "format": "binary"}},
        },
    }
}


class PublishBody(BaseModel):
    """A new revision: what it changes and its status."""

    summary: str = Field(min_length=1, max_length=2000)
    status: str = Field(default="final", max_length=20)


def readable(session: SessionDep, who: ApiPrincipal, tracking_id: str) -> SecurityAdvisory:
    """The advisory, when the account may read its product."""
    adv = service.get(session, tracking_id)
    prod, _ = service.product_of(session, adv)
    require_read(session, who, prod.name, hide_as=service.missing(tracking_id))
    return adv


def listing(session: SessionDep, who: Principal, product: str | None) -> list[AdvisorySummaryRead]:
    """The advisories (of one product, or all) the account may see, in two queries."""
    names = {p.id: p.name for p in products.list_products(session)}
    return [
        AdvisorySummaryRead(
            tracking_id=a.tracking_id,
            title=a.title,
            product=names[a.product_id],
            profile=a.profile,
            tlp=a.tlp,
            status=a.status,
            version=a.version,
            updated=[a.updated_by, service.aware(a.updated_at).isoformat()],
        )
        for a in service.list_advisories(session, product=product)
        if who.sees(names[a.product_id])
    ]


def attachment(name: str, data: bytes, media_type: str) -> Response:
    """Bytes as a download named ``name``."""
    headers = {"content-disposition": content_disposition(name)}
    return Response(data, media_type=media_type, headers=headers)


def content_disposition(name: str) -> str:
    """An attachment header for ``name``: quotes, backslashes, control and non-ASCII characters
    never reach the header raw (an ASCII fallback plus RFC 6266/5987 ``filename*``)."""
    fallback = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get("", response_model=list[AdvisorySummaryRead])
def list_advisories(
    session: SessionDep, who: ApiPrincipal, product: str | None = None
) -> list[AdvisorySummaryRead]:
    """The advisories of the products the account may see (or of one `?product=`)."""
    require_read(session, who, product)
    return listing(session, who, product)


@router.post("", status_code=201, response_model=AdvisoryDraftRead)
def create_advisory(
    body: AdvisoryCreate, session: SessionDep, who: ApiPrincipal
) -> AdvisoryDraftRead:
    """Create a draft from the decisions in force (analyst), as `medsec advisory create`; with
    `case` the CVD case's product, title and vulnerabilities fill what is not given."""
    adv = editing.create(
        session,
        actor=who.actor,
        product=body.product,
        title=body.title,
        case=body.case,
        releases=body.releases,
        vulnerabilities=body.vulnerabilities,
        profile=body.profile,
        tlp=body.tlp,
        clinician_note=body.clinician_note,
        namespace=body.namespace,
        tracking_id=body.tracking_id,
        lang=body.lang,
    )
    return editing.draft_view(session, adv)


@router.patch("/{tracking_id}", response_model=AdvisoryDraftRead)
def edit_advisory(
    tracking_id: str, body: AdvisoryUpdate, session: SessionDep, who: ApiPrincipal
) -> AdvisoryDraftRead:
    """Change the draft's title, TLP, profile, note, namespace, releases or vulnerabilities
    (analyst); the draft is rebuilt from the decisions in force."""
    readable(session, who, tracking_id)
    adv = editing.edit(
        session,
        tracking_id=tracking_id,
        actor=who.actor,
        **body.model_dump(exclude_unset=True),
    )
    return editing.draft_view(session, adv)


@router.get(
    "/{tracking_id}/draft/csaf",
    response_class=Response,
    responses={
        200: {
            "description": "The CSAF 2.0 document of the next revision, if published now",
            "content": {
                "application/json": {
                    "schema": {
                        "type": "object",
                        "description": "a CSAF 2.0 document (not validated until published)",
                        "x-medsec-document": ["CSAF 2.0"],
                    }
                }
            },
        }
    },
)
def next_csaf(tracking_id: str, session: SessionDep, who: ApiPrincipal) -> Response:
    """The CSAF document the next revision would be (not validated, not stored): the preview
    before publishing. Viewers never see finder credit or discovery dates."""
    adv = readable(session, who, tracking_id)
    finder = bool(SECURITY_ROLES & set(who.roles))
    doc = editing.next_document(session, adv, finder_data=finder)
    return Response(orjson.dumps(doc, option=orjson.OPT_INDENT_2), media_type="application/json")


@router.get("/{tracking_id}/draft/diff", response_model=AdvisoryDiffRead)
def next_diff(tracking_id: str, session: SessionDep, who: ApiPrincipal) -> AdvisoryDiffRead:
    """How the next revision differs from the last published one, field by field."""
    adv = readable(session, who, tracking_id)
    finder = bool(SECURITY_ROLES & set(who.roles))
    last, found = editing.changes(session, adv, finder_data=finder)
    return AdvisoryDiffRead(
        tracking_id=adv.tracking_id,
        against=last.number if last else None,
        changes=[
            AdvisoryChangeRead(path=c.path, kind=c.kind, old=c.old, new=c.new, tracking=c.tracking)
            for c in found
        ],
    )


@router.get("/{tracking_id}", response_model=AdvisoryRead)
def show_advisory(tracking_id: str, session: SessionDep, who: ApiPrincipal) -> AdvisoryRead:
    """One advisory as `medsec advisory show --format json`."""
    return service.summary(session, readable(session, who, tracking_id))


@router.get("/{tracking_id}/feedback", response_model=list[FeedbackRead])
def list_feedback(tracking_id: str, session: SessionDep, who: ApiPrincipal) -> list[FeedbackRead]:
    """Rollout feedback from hospitals imported onto the advisory, newest first."""
    return feedback.list_feedback(session, tracking_id=tracking_id, actor=who.actor)


@router.post("/{tracking_id}/feedback", status_code=201, response_model=FeedbackRead)
async def import_feedback(
    request: Request,
    tracking_id: str,
    file: Annotated[UploadFile, File(description="A medsec-rollout-feedback/1 message (JSON).")],
    session: SessionDep,
    who: ApiPrincipal,
) -> FeedbackRead:
    """Import a hospital's rollout feedback onto the advisory (analyst)."""
    data = await read_upload(request, file, MAX_FEEDBACK_BYTES)
    return feedback.import_feedback(
        session,
        tracking_id=tracking_id,
        data=data,
        source=file.filename or "feedback.json",
        actor=who.actor,
    )


@router.get("/{tracking_id}/{fmt}", response_class=Response, responses=EXPORT_RESPONSES)
def export(
    tracking_id: str,
    fmt: str,
    session: SessionDep,
    who: ApiPrincipal,
) -> Response:
    """`csaf`, `cyclonedx-vex` or `openvex` (latest revision, else the draft; the CLI's bytes),
    or the customer notice as `notice.html` / `notice.pdf`."""
    readable(session, who, tracking_id)
    finder = bool(SECURITY_ROLES & set(who.roles))  # viewers never see a draft's finder data
    if fmt == "notice.html":
        html = distribution.notice_html(session, tracking_id=tracking_id, finder_data=finder)
        return attachment(f"{tracking_id}-notice.html", html.encode(), "text/html; charset=utf-8")
    if fmt == "notice.pdf":
        html = distribution.notice_html(session, tracking_id=tracking_id, finder_data=finder)
        return attachment(f"{tracking_id}-notice.pdf", html_to_pdf(html), "application/pdf")
    name, data = publish.document(session, tracking_id=tracking_id, fmt=fmt, finder_data=finder)
    return attachment(name, data, MEDIA[fmt])


@router.post("/{tracking_id}/publish", status_code=201, response_model=PublishedRevisionRead)
def publish_revision(
    tracking_id: str, body: PublishBody, session: SessionDep, who: ApiPrincipal
) -> PublishedRevisionRead:
    """Publish a new revision validated as CSAF 2.0 (reviewer role), as `advisory publish`."""
    readable(session, who, tracking_id)
    rev = publish.publish(
        session, tracking_id=tracking_id, summary=body.summary, status=body.status, actor=who.actor
    )
    return PublishedRevisionRead(
        tracking_id=tracking_id,
        number=rev.number,
        status=rev.status,
        sha256=rev.sha256,
        date=service.aware(rev.date).isoformat(),
    )
