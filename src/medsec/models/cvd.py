"""Coordinated vulnerability disclosure cases (ISO/IEC 29147/30111): the finder's report as
received, its state and milestones, the event and communication log, attachments, links to
what medsec knows, and coordination with CERTs and regulators."""

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


class CvdCase(Base):
    """One vulnerability report and its handling; finder contact data is confidential."""

    __tablename__ = "cvd_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    receipt_id: Mapped[str] = mapped_column(String(40), unique=True)  # public reference
    token_hash: Mapped[str] = mapped_column(String(64))  # SHA-256 of the finder's status token
    state: Mapped[str] = mapped_column(String(30), default="received", index=True)
    outcome: Mapped[str | None] = mapped_column(String(30))
    remediated: Mapped[bool] = mapped_column(Boolean, default=False)
    title: Mapped[str] = mapped_column(Text)
    # the report as the finder wrote it (cleaned by intake, never interpreted)
    reported_product: Mapped[str] = mapped_column(Text)
    reported_version: Mapped[str] = mapped_column(Text)
    description: Mapped[str] = mapped_column(Text)
    reproduction: Mapped[str | None] = mapped_column(Text)
    cvss_vector: Mapped[str | None] = mapped_column(Text)
    finder_name: Mapped[str | None] = mapped_column(Text)
    finder_email: Mapped[str | None] = mapped_column(Text)
    finder_pgp_key: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(10))  # api | web | email | cli
    spam_score: Mapped[int] = mapped_column(Integer, default=0)
    spam_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    held_for_review: Mapped[bool] = mapped_column(Boolean, default=False)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    acknowledged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    triaged_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    remediation_started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    remediated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disclosed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    embargo_date: Mapped[date | None] = mapped_column(Date)
    # a reviewer's decision to release before the embargo date (with the reason), audited
    embargo_released_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    embargo_released_by: Mapped[str | None] = mapped_column(String(200))
    embargo_release_reason: Mapped[str | None] = mapped_column(Text)
    cve_id: Mapped[str | None] = mapped_column(String(30), unique=True)
    credit: Mapped[str | None] = mapped_column(Text)  # how the finder wants to be credited
    risk: Mapped[str] = mapped_column(String(20), default="unassessed")
    product_id: Mapped[int | None] = mapped_column(
        ForeignKey("product.id", ondelete="SET NULL"), index=True
    )


class CvdEvent(Base):
    """A state change (with reason) or a message in the communication log of a case."""

    __tablename__ = "cvd_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cvd_case.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    kind: Mapped[str] = mapped_column(String(20))  # state | message | change
    actor: Mapped[str] = mapped_column(String(200))
    from_state: Mapped[str | None] = mapped_column(String(30))
    to_state: Mapped[str | None] = mapped_column(String(30))
    outcome: Mapped[str | None] = mapped_column(String(30))
    reason: Mapped[str | None] = mapped_column(Text)
    direction: Mapped[str | None] = mapped_column(String(10))  # inbound | outbound | internal
    channel: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    visible_to_finder: Mapped[bool] = mapped_column(Boolean, default=False)


class CvdAttachment(Base):
    """A file the finder sent: stored zlib-compressed, never opened or executed."""

    __tablename__ = "cvd_attachment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cvd_case.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(Text)
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed


class CvdLink(Base):
    """A case linked to a product, release, component, vulnerability or finding."""

    __tablename__ = "cvd_link"
    __table_args__ = (UniqueConstraint("case_id", "target"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cvd_case.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    target: Mapped[str] = mapped_column(String(60))  # "<kind>:<id>", unique per case
    label: Mapped[str] = mapped_column(Text)
    product_id: Mapped[int | None] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    release_id: Mapped[int | None] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"))
    component_id: Mapped[int | None] = mapped_column(ForeignKey("component.id", ondelete="CASCADE"))
    vulnerability_id: Mapped[int | None] = mapped_column(ForeignKey("vulnerability.id"))
    finding_id: Mapped[int | None] = mapped_column(ForeignKey("finding.id", ondelete="CASCADE"))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CvdCoordination(Base):
    """An organisation (a seed Annex B CERT or regulator, or free text) informed of a case."""

    __tablename__ = "cvd_coordination"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cvd_case.id", ondelete="CASCADE"), index=True)
    organisation: Mapped[str] = mapped_column(Text)
    role: Mapped[str] = mapped_column(String(20))  # cert | regulator | other
    country: Mapped[str | None] = mapped_column(String(10))
    annex_b: Mapped[bool] = mapped_column(Boolean, default=False)
    informed_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
