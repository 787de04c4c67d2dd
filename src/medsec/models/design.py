"""Design-phase security (issue 11): system models per release, threats, security controls
and their links, and verification evidence (imports and their results)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from medsec.core.clock import utcnow
from medsec.models.base import Base


class SystemModelRow(Base):
    """One version of a release's system model (the document as its file form); the newest
    version is current, older ones stay readable for diffs."""

    __tablename__ = "system_model"
    __table_args__ = (UniqueConstraint("release_id", "version", name="uq_system_model_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("release.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    name: Mapped[str] = mapped_column(Text)
    document: Mapped[dict[str, Any]] = mapped_column(JSON)
    source_format: Mapped[str] = mapped_column(String(30))
    source_name: Mapped[str | None] = mapped_column(Text)
    unmapped: Mapped[list[str]] = mapped_column(JSON, default=list)
    note: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ThreatRow(Base):
    """A threat of a release: generated from the library, imported, or written by hand."""

    __tablename__ = "threat"
    __table_args__ = (UniqueConstraint("release_id", "key", name="uq_threat_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("release.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(300))
    library_id: Mapped[str | None] = mapped_column(String(40))
    category: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    target_kind: Mapped[str] = mapped_column(String(10))
    target_id: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20), default="open")
    severity: Mapped[str | None] = mapped_column(String(20))
    origin: Mapped[str] = mapped_column(String(20))  # generated | imported | manual
    stale: Mapped[bool] = mapped_column(Boolean, default=False)  # its target left the model
    principles: Mapped[list[str]] = mapped_column(JSON, default=list)
    rationale: Mapped[str | None] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SecurityControl(Base):
    """A product's security control: the design principles it implements, rationale, owner,
    its side effects on safety and essential performance, and the evidence selectors that
    say which results verify it."""

    __tablename__ = "security_control"
    __table_args__ = (UniqueConstraint("product_id", "key", name="uq_security_control_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(60))
    name: Mapped[str] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    principles: Mapped[list[str]] = mapped_column(JSON, default=list)
    rationale: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    side_effects: Mapped[str | None] = mapped_column(Text)
    selectors: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ControlLink(Base):
    """A control mitigating a threat or a finding's risk."""

    __tablename__ = "control_link"

    id: Mapped[int] = mapped_column(primary_key=True)
    control_id: Mapped[int] = mapped_column(
        ForeignKey("security_control.id", ondelete="CASCADE"), index=True
    )
    threat_id: Mapped[int | None] = mapped_column(
        ForeignKey("threat.id", ondelete="CASCADE"), index=True
    )
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("finding.id", ondelete="CASCADE"), index=True
    )
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EvidenceImport(Base):
    """One imported evidence file of a release (SARIF, JUnit, pentest) and what it held."""

    __tablename__ = "evidence_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("release.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10))
    test_kind: Mapped[str] = mapped_column(String(40))
    source_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    format: Mapped[str] = mapped_column(String(40))
    tools: Mapped[list[str]] = mapped_column(JSON, default=list)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    warnings: Mapped[list[str]] = mapped_column(JSON, default=list)
    imported_by: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class EvidenceResultRow(Base):
    """One result of an evidence import; failing ones wait for triage."""

    __tablename__ = "evidence_result"
    __table_args__ = (Index("ix_evidence_result_release_kind", "release_id", "kind"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_import.id", ondelete="CASCADE"), index=True
    )
    release_id: Mapped[int] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(10))
    key: Mapped[str] = mapped_column(Text)
    outcome: Mapped[str] = mapped_column(String(10))
    name: Mapped[str] = mapped_column(Text)
    level: Mapped[str | None] = mapped_column(String(20))
    message: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    tool: Mapped[str | None] = mapped_column(Text)
    suite: Mapped[str | None] = mapped_column(Text)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    triage: Mapped[str | None] = mapped_column(String(20))  # to-triage | triaged
    triage_note: Mapped[str | None] = mapped_column(Text)


class EvidenceThreatLink(Base):
    """An evidence result that verifies a threat directly (not only through a control)."""

    __tablename__ = "evidence_threat_link"
    __table_args__ = (UniqueConstraint("result_id", "threat_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    result_id: Mapped[int] = mapped_column(
        ForeignKey("evidence_result.id", ondelete="CASCADE"), index=True
    )
    threat_id: Mapped[int] = mapped_column(ForeignKey("threat.id", ondelete="CASCADE"), index=True)
    linked_by: Mapped[str] = mapped_column(String(200))
    linked_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
