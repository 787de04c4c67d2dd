"""Typed read models of CVD cases: what the API returns and OpenAPI documents."""

from __future__ import annotations

from pydantic import AliasChoices, Field

from medsec.core.schemas import ReadModel


class DeadlineRead(ReadModel):
    """One SLA deadline of a case."""

    name: str
    due: str
    met_at: str | None = None
    state: str
    source: str | None = None


class CaseSummaryRead(ReadModel):
    """One line of the case list."""

    id: int
    receipt_id: str
    state: str
    outcome: str | None = None
    product: str | None = None
    title: str | None = None
    received_at: str | None = None
    cve_id: str | None = None
    held_for_review: bool
    overdue: list[str]


class CaseRowRead(CaseSummaryRead):
    """One line of the case list page: the case with all its deadlines."""

    deadlines: list[DeadlineRead]


class SpamRead(ReadModel):
    """The spam score of a report and its reasons."""

    score: int
    reasons: list[str]


class ReportedRead(ReadModel):
    """What the finder reported."""

    product: str | None = None
    version: str | None = None
    description: str | None = None
    reproduction_steps: str | None = None
    cvss_vector: str | None = None


class FinderRead(ReadModel):
    """The finder's contact (security roles only)."""

    name: str | None = None
    email: str | None = None
    pgp_key: str | None = None


class TimelineEventRead(ReadModel):
    """One event of the case timeline or communication log (`from_state` is "from" in JSON)."""

    at: str | None = None
    kind: str
    actor: str | None = None
    from_state: str | None = Field(
        default=None,
        validation_alias=AliasChoices("from_state", "from"),
        serialization_alias="from",
    )
    to: str | None = None
    outcome: str | None = None
    reason: str | None = None
    direction: str | None = None
    channel: str | None = None
    text: str | None = None
    visible_to_finder: bool | None = None


class AttachmentRead(ReadModel):
    """An attachment of the report (metadata only)."""

    name: str
    content_type: str | None = None
    size: int
    sha256: str


class CaseLinkRead(ReadModel):
    """A link from the case to a finding, advisory or outside reference."""

    kind: str
    label: str | None = None
    target: str | None = None


class CoordinationRead(ReadModel):
    """An organisation informed during coordination (seed Annex B)."""

    organisation: str
    role: str | None = None
    country: str | None = None
    annex_b: bool
    informed_on: str
    reference: str | None = None
    note: str | None = None


class CaseRead(ReadModel):
    """One case as `medsec cvd show --format json` shows it."""

    id: int
    receipt_id: str
    state: str
    outcome: str | None = None
    remediated: bool
    title: str | None = None
    product: str | None = None
    risk: str | None = None
    cve_id: str | None = None
    credit: str | None = None
    embargo_date: str | None = None
    source: str
    held_for_review: bool
    spam: SpamRead
    report: ReportedRead
    finder: FinderRead | None = None
    milestones: dict[str, str | None]
    deadlines: list[DeadlineRead]
    timeline: list[TimelineEventRead]
    attachments: list[AttachmentRead]
    links: list[CaseLinkRead]
    coordination: list[CoordinationRead]


class MessageLoggedRead(ReadModel):
    """A message added to the communication log."""

    id: int
    at: str
    direction: str | None = None
    channel: str | None = None
    visible_to_finder: bool
