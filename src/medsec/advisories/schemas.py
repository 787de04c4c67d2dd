"""Typed read models of security advisories: what the API returns and OpenAPI documents."""

from __future__ import annotations

from medsec.core.schemas import ReadModel


class AdvisorySummaryRead(ReadModel):
    """One line of the advisory list; `updated` is [who, when]."""

    tracking_id: str
    title: str
    product: str
    profile: str
    tlp: str
    status: str
    version: str
    updated: list[str]


class RevisionRead(ReadModel):
    """One published revision of an advisory."""

    number: str
    status: str
    date: str
    summary: str | None = None
    sha256: str | None = None
    published_by: str | None = None


class AdvisoryVulnerabilityRead(ReadModel):
    """A vulnerability of the draft with its product statuses."""

    vulnerability: str | None = None
    status: dict[str, list[str]]


class AdvisoryRead(ReadModel):
    """One advisory as `medsec advisory show --format json` shows it."""

    tracking_id: str
    title: str
    product: str
    manufacturer: str | None = None
    profile: str
    tlp: str
    status: str
    version: str
    created: list[str]
    updated: list[str]
    revisions: list[RevisionRead]
    vulnerabilities: list[AdvisoryVulnerabilityRead]


class PublishedRevisionRead(ReadModel):
    """The revision a publish stored."""

    tracking_id: str
    number: str
    status: str
    sha256: str
    date: str


class FeedbackFailureRead(ReadModel):
    """One failed installation a hospital reported (models and versions, no site data)."""

    manufacturer: str
    model: str
    installed_version: str | None
    what_failed: str
    when: str


class FeedbackRead(ReadModel):
    """Rollout feedback a hospital sent about an update, imported onto an advisory."""

    id: int
    advisory: str
    update: str
    update_known: bool
    method: str
    target_version: str
    failures: list[FeedbackFailureRead]
    validations: list[dict[str, str]]
    source: str
    imported_by: str
    imported_at: str
