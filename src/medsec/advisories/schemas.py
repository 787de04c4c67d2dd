"""Typed read models of security advisories: what the API returns and OpenAPI documents."""

from __future__ import annotations

from typing import Any, NamedTuple

from pydantic import BaseModel, Field

from medsec.core.schemas import ReadModel


class PrimaryIds(NamedTuple):
    """The package URL and CPE of a release's primary (described) SBOM component, if text."""

    purl: str | None
    cpe: str | None


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
    lang: str | None = None
    incomplete: list[str] = Field(default_factory=list)  # what must be written before publishing
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


class AdvisoryDraftRead(AdvisoryRead):
    """An advisory with what a draft's editor sets: releases, listed vulnerabilities (empty:
    every vulnerability with findings), the note for clinicians and the publisher namespace."""

    releases: list[str]
    listed_vulnerabilities: list[str]
    clinician_note: str | None = None
    namespace: str


class AdvisoryCreate(BaseModel):
    """A new draft advisory, as `medsec advisory create` (or prefilled from a CVD `case`)."""

    product: str | None = Field(default=None, max_length=200)
    title: str | None = Field(default=None, max_length=2000)
    releases: list[str] = Field(default_factory=list, max_length=500)
    vulnerabilities: list[str] = Field(default_factory=list, max_length=2000)
    profile: str = Field(default="security-advisory", max_length=40)
    tlp: str = Field(default="WHITE", max_length=10)
    clinician_note: str | None = Field(default=None, max_length=20_000)
    namespace: str = Field(default="https://psirt.example.com", max_length=2000)
    tracking_id: str | None = Field(default=None, max_length=200)
    case: str | None = Field(default=None, max_length=40)
    lang: str = Field(default="en", max_length=5, description="Notes' language: en or ja.")


class AdvisoryUpdate(BaseModel):
    """What an edit changes; a field left out stays as it is."""

    title: str | None = Field(default=None, max_length=2000)
    tlp: str | None = Field(default=None, max_length=10)
    profile: str | None = Field(default=None, max_length=40)
    clinician_note: str | None = Field(default=None, max_length=20_000)
    namespace: str | None = Field(default=None, max_length=2000)
    releases: list[str] | None = Field(default=None, max_length=500)
    vulnerabilities: list[str] | None = Field(default=None, max_length=2000)
    lang: str | None = Field(default=None, max_length=5, description="Notes' language: en or ja.")


class AdvisoryChangeRead(ReadModel):
    """One difference: a JSON pointer (keyed lists in brackets), added/removed/changed, the old
    and new values, and whether it is revision bookkeeping (changes every revision)."""

    path: str
    kind: str
    old: Any = None
    new: Any = None
    tracking: bool


class AdvisoryDiffRead(ReadModel):
    """How the next revision differs from the last published one (`against`: its number)."""

    tracking_id: str
    against: str | None = None
    changes: list[AdvisoryChangeRead]
