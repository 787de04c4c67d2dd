"""Incident response (ISO/IEC 27035, seed 6.5): response plans with their team, contacts and
exercises; incidents with their timeline, decisions, evidence and its chain of custody, links,
indicators, notifications and the actions the closing review produced."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from medsec.core.clock import utcnow
from medsec.models.base import Base


class IncidentPlan(Base):
    """An incident response plan for the organisation or one product line."""

    __tablename__ = "incident_plan"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    scope: Mapped[str] = mapped_column(Text)  # organisation or product line, as written
    policy: Mapped[str] = mapped_column(Text)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product.id", ondelete="SET NULL"), index=True
    )
    approved_by: Mapped[str | None] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IncidentTeamMember(Base):
    """A person in an Annex A group with a RACI letter per ISO/IEC 27035 phase."""

    __tablename__ = "incident_team_member"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("incident_plan.id", ondelete="CASCADE"), index=True
    )
    person: Mapped[str] = mapped_column(String(200))
    team_group: Mapped[str] = mapped_column(String(30))
    raci: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    contact: Mapped[str | None] = mapped_column(Text)


class IncidentContact(Base):
    """Someone the plan says to tell: regulator, privacy authority, law enforcement, ISAO…"""

    __tablename__ = "incident_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("incident_plan.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(30))
    jurisdiction: Mapped[str] = mapped_column(String(5))
    name: Mapped[str] = mapped_column(String(300))
    channel: Mapped[str] = mapped_column(Text)


class IncidentExercise(Base):
    """A tabletop or technical exercise of the plan."""

    __tablename__ = "incident_exercise"

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(
        ForeignKey("incident_plan.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    held_on: Mapped[date] = mapped_column(Date)
    scenario: Mapped[str] = mapped_column(Text)
    participants: Mapped[list[str]] = mapped_column(JSON, default=list)
    findings: Mapped[str] = mapped_column(Text, default="")
    recorded_by: Mapped[str] = mapped_column(String(200))


class Incident(Base):
    """One security event or incident and its handling; confidential to security roles."""

    __tablename__ = "incident"

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str] = mapped_column(String(30), unique=True)
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    share_summary: Mapped[str] = mapped_column(Text, default="")  # written for ISAOs
    source: Mapped[str] = mapped_column(String(20))  # manual | cvd | finding | hospital
    source_ref: Mapped[str | None] = mapped_column(String(100))
    reporter: Mapped[str | None] = mapped_column(Text)
    reporter_org: Mapped[str | None] = mapped_column(Text)
    phase: Mapped[str] = mapped_column(String(30), default="reported", index=True)
    dismissed: Mapped[bool] = mapped_column(Boolean, default=False)
    reviewed: Mapped[bool] = mapped_column(Boolean, default=False)
    safety_impact: Mapped[str] = mapped_column(String(20), default="unassessed")
    privacy_impact: Mapped[str] = mapped_column(String(20), default="unassessed")
    flags: Mapped[list[str]] = mapped_column(JSON, default=list)
    jurisdictions: Mapped[list[str]] = mapped_column(JSON, default=list)
    releases: Mapped[list[str]] = mapped_column(JSON, default=list)
    assets: Mapped[list[str]] = mapped_column(JSON, default=list)
    tlp: Mapped[str] = mapped_column(String(20), default="amber")
    review: Mapped[str | None] = mapped_column(Text)
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product.id", ondelete="SET NULL"), index=True
    )
    plan_id: Mapped[int | None] = mapped_column(ForeignKey("incident_plan.id", ondelete="SET NULL"))
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    opened_by: Mapped[str] = mapped_column(String(200))


class IncidentEvent(Base):
    """The timeline: phase changes, decisions (who and why), messages and changes."""

    __tablename__ = "incident_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # phase | decision | message | note | change
    actor: Mapped[str] = mapped_column(String(200))
    from_phase: Mapped[str | None] = mapped_column(String(30))
    to_phase: Mapped[str | None] = mapped_column(String(30))
    text: Mapped[str] = mapped_column(Text, default="")
    reason: Mapped[str | None] = mapped_column(Text)
    direction: Mapped[str | None] = mapped_column(String(10))  # inbound | outbound
    counterpart: Mapped[str | None] = mapped_column(Text)
    channel: Mapped[str | None] = mapped_column(String(40))


class IncidentEvidence(Base):
    """An evidence item: its bytes (compressed) and SHA-256; never served inline."""

    __tablename__ = "incident_evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    source: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text, default="")
    collected_by: Mapped[str] = mapped_column(String(200))
    collected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class IncidentCustody(Base):
    """One append-only entry of an evidence item's chain of custody (hash-chained)."""

    __tablename__ = "incident_custody"
    __table_args__ = (UniqueConstraint("evidence_id", "seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(
        ForeignKey("incident_evidence.id", ondelete="CASCADE"), index=True
    )
    seq: Mapped[int] = mapped_column(Integer)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(20))
    holder: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))


class IncidentLink(Base):
    """A link from an incident to a finding, CVD case, advisory or update."""

    __tablename__ = "incident_link"
    __table_args__ = (UniqueConstraint("incident_id", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(120))  # kind:key
    label: Mapped[str] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    linked_by: Mapped[str] = mapped_column(String(200))
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IncidentIndicator(Base):
    """An indicator of compromise seen in the incident (a STIX pattern)."""

    __tablename__ = "incident_indicator"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(Text)
    pattern: Mapped[str] = mapped_column(Text)
    # adversary infrastructure the team cleared for sharing (redaction rule R4)
    shareable: Mapped[bool] = mapped_column(Boolean, default=False)
    added_by: Mapped[str] = mapped_column(String(200))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class IncidentNotification(Base):
    """What was drafted, sent and acknowledged for one reporting obligation of an incident."""

    __tablename__ = "incident_notification"
    __table_args__ = (UniqueConstraint("incident_id", "obligation"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    obligation: Mapped[str] = mapped_column(String(60))
    draft: Mapped[str | None] = mapped_column(Text)
    drafted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    sent_by: Mapped[str | None] = mapped_column(String(200))
    reference: Mapped[str | None] = mapped_column(Text)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class IncidentAction(Base):
    """An action the closing review produced (improvement, threat-model or risk update)."""

    __tablename__ = "incident_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incident.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # improvement | threat | risk
    text: Mapped[str] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
