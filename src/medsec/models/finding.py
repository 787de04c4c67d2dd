"""Findings: a vulnerability matched to a component of a release, with why, when and triage."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medsec.core.clock import utcnow
from medsec.models.base import Base


class Finding(Base):
    """One vulnerability on one component identity of one release.

    Keyed by the component's identity (purl, else group/name/version), not by the row of one
    SBOM revision, so triage survives re-imports and re-matching.
    """

    __tablename__ = "finding"
    __table_args__ = (
        UniqueConstraint("release_id", "component_key", "vulnerability_id"),
        Index("ix_finding_vulnerability", "vulnerability_id"),
        Index("ix_finding_list", "release_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("release.id", ondelete="CASCADE"), index=True
    )
    component_key: Mapped[str] = mapped_column(Text)
    component_id: Mapped[int | None] = mapped_column(
        ForeignKey("component.id", ondelete="SET NULL")
    )
    vulnerability_id: Mapped[int] = mapped_column(ForeignKey("vulnerability.id"))
    # active | resolved | upstream_only (a distro package matched by upstream CPE ranges alone)
    status: Mapped[str] = mapped_column(String(20), default="active")
    first_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    resolved_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    explanations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class FindingEvent(Base):
    """History of a finding: new, resolved (no longer matching), reopened, triaged."""

    __tablename__ = "finding_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("finding.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    event: Mapped[str] = mapped_column(String(30))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class MatchState(Base):
    """What the last `medsec match` saw of a release: its SBOM and the advisory change sequence."""

    __tablename__ = "match_state"

    release_id: Mapped[int] = mapped_column(
        ForeignKey("release.id", ondelete="CASCADE"), primary_key=True
    )
    sbom_id: Mapped[int | None] = mapped_column(Integer)
    advisory_seq: Mapped[int] = mapped_column(Integer, default=0)
    matched_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
