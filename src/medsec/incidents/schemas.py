"""Read models of the incidents domain (what services return and the API serves)."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict


class _Read(BaseModel):
    model_config = ConfigDict(frozen=True)


class NotificationRead(_Read):
    """One reporting obligation of an incident: when due, what was drafted, sent, acknowledged."""

    obligation: str
    title: str
    jurisdiction: str
    recipient: str
    authority: str
    period: str
    due_at: datetime | None
    overdue: bool
    source: str
    verified: bool
    note: str
    draft: str | None = None
    drafted_at: datetime | None = None
    sent_at: datetime | None = None
    sent_by: str | None = None
    reference: str | None = None
    acknowledged_at: datetime | None = None
    applies: bool = True  # False: recorded earlier, no longer required by the severity


class IncidentSummary(_Read):
    """One incident as a list shows it."""

    ref: str
    title: str
    phase: str
    iso_phase: str
    product: str | None
    releases: list[str]
    safety_impact: str
    privacy_impact: str
    jurisdictions: list[str]
    detected_at: datetime
    closed_at: datetime | None
    overdue: list[str]
    next_due: datetime | None


class EventRead(_Read):
    """One entry of the timeline and communication log."""

    id: int
    at: datetime
    kind: str
    actor: str
    from_phase: str | None
    to_phase: str | None
    text: str
    reason: str | None
    direction: str | None
    counterpart: str | None
    channel: str | None


class CustodyRead(_Read):
    """One chain-of-custody entry."""

    seq: int
    at: datetime
    actor: str
    action: str
    holder: str
    note: str
    hash: str


class EvidenceRead(_Read):
    """An evidence item's metadata (its bytes are only downloaded, never shown)."""

    id: int
    name: str
    sha256: str
    size: int
    source: str
    description: str
    collected_by: str
    collected_at: datetime
    custody: list[CustodyRead]
    custody_intact: bool


class LinkRead(_Read):
    """A link to a finding, CVD case, advisory or update."""

    kind: str
    target: str
    label: str
    linked_by: str
    linked_at: datetime


class IndicatorRead(_Read):
    """An indicator of compromise (STIX pattern)."""

    id: int
    name: str
    pattern: str
    shareable: bool


class ActionRead(_Read):
    """An action the closing review produced."""

    id: int
    kind: str
    text: str
    owner: str | None
    due_on: date | None


class AffectedAssetRead(_Read):
    """A hospital-workspace asset the incident affects (``found`` False: no longer in the
    workspace, or not visible to the reader: only its tag is shown)."""

    tag: str
    found: bool
    manufacturer: str | None = None
    model: str | None = None
    software_version: str | None = None
    location: str | None = None
    department: str | None = None
    network_segment: str | None = None
    clinical_criticality: str | None = None
    maps_to: str | None = None
    identifying: list[str] = []  # serial, IP and MAC address, owner (for redaction only)


class IncidentRead(_Read):
    """Everything about one incident the actor may see."""

    ref: str
    title: str
    description: str
    share_summary: str
    source: str
    source_ref: str | None
    reporter: str | None
    reporter_org: str | None
    phase: str
    phase_label: str
    iso_phase: str
    dismissed: bool
    reviewed: bool
    allowed_actions: list[str]
    safety_impact: str
    privacy_impact: str
    flags: list[str]
    product: str | None
    releases: list[str]
    assets: list[str]  # free text: assets not in the hospital workspace
    workspace_assets: list[AffectedAssetRead]
    jurisdictions: list[str]
    tlp: str
    detected_at: datetime
    opened_at: datetime
    closed_at: datetime | None
    opened_by: str
    review: str | None
    events: list[EventRead]
    evidence: list[EvidenceRead]
    links: list[LinkRead]
    indicators: list[IndicatorRead]
    notifications: list[NotificationRead]
    actions: list[ActionRead]


class OverdueNotification(_Read):
    """An overdue notification for the reminder job (no personal data)."""

    ref: str
    title: str
    product: str | None
    obligation: str
    authority: str
    due_at: datetime


class TeamMemberRead(_Read):
    """A team member with their Annex A group and RACI per phase."""

    id: int
    person: str
    group: str
    raci: dict[str, str]
    contact: str | None


class ContactRead(_Read):
    """A contact of the plan."""

    id: int
    kind: str
    jurisdiction: str
    name: str
    channel: str


class ExerciseRead(_Read):
    """An exercise of the plan."""

    id: int
    kind: str
    held_on: date
    scenario: str
    participants: list[str]
    findings: str


class PlanRead(_Read):
    """A response plan with its team, contacts, exercises and RACI gaps."""

    name: str
    scope: str
    policy: str
    product: str | None
    approved_by: str | None
    team: list[TeamMemberRead]
    contacts: list[ContactRead]
    exercises: list[ExerciseRead]
    raci_gaps: list[str]
    obligations: list[str]
