"""Assessment records of findings: VEX decisions, CVSS rescoring, SSVC decisions, risk records,
updates, and accounts with roles. Append-only where history matters."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medsec.core.clock import utcnow
from medsec.models.base import Base


class Account(Base):
    """A person or service acting in medsec, with roles (e.g. reviewer) and product access."""

    __tablename__ = "account"

    name: Mapped[str] = mapped_column(String(200), primary_key=True)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    products: Mapped[list[str]] = mapped_column(JSON, default=list)  # empty: every product
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), default=None)


class VexDecision(Base):
    """One VEX decision (append-only): the newest applicable one is in force.

    Scope "release": one finding. Scope "component": every release of the product whose component
    has the same identity (purl with version, or name@version), until the component changes.
    """

    __tablename__ = "vex_decision"
    __table_args__ = (
        Index("ix_vex_decision_key", "product_id", "vulnerability_id", "component_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))
    product_id: Mapped[int] = mapped_column(ForeignKey("product.id", ondelete="CASCADE"))
    release_id: Mapped[int | None] = mapped_column(ForeignKey("release.id", ondelete="CASCADE"))
    component_key: Mapped[str] = mapped_column(Text)
    vulnerability_id: Mapped[int] = mapped_column(ForeignKey("vulnerability.id"))
    status: Mapped[str] = mapped_column(String(30))
    justification: Mapped[str | None] = mapped_column(String(60))
    original_status: Mapped[str | None] = mapped_column(String(60))
    original_justification: Mapped[str | None] = mapped_column(String(80))
    vocabulary: Mapped[str] = mapped_column(String(20), default="canonical")
    action_statement: Mapped[str | None] = mapped_column(Text)
    impact_statement: Mapped[str | None] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class CvssRescore(Base):
    """A finding's CVSS in the device's context (environmental metrics), with the reason."""

    __tablename__ = "cvss_rescore"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("finding.id", ondelete="CASCADE"), index=True
    )
    source_vector: Mapped[str] = mapped_column(Text)
    source: Mapped[str | None] = mapped_column(Text)
    vector: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column()
    severity: Mapped[str] = mapped_column(String(20))
    rubric: Mapped[dict[str, Any] | None] = mapped_column(JSON)  # rubric answers and trail
    reason: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SsvcDecisionRow(Base):
    """An SSVC decision for a finding: inputs (with where each came from), outcome, vector."""

    __tablename__ = "ssvc_decision"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int] = mapped_column(
        ForeignKey("finding.id", ondelete="CASCADE"), index=True
    )
    table: Mapped[str] = mapped_column(String(30))
    inputs: Mapped[dict[str, Any]] = mapped_column(
        JSON, default=dict
    )  # point -> {value, source, reason}
    outcome: Mapped[str] = mapped_column(String(30))
    vector: Mapped[str] = mapped_column(Text)
    decided_by: Mapped[str] = mapped_column(String(200))
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RiskRecord(Base):
    """Patient-harm risk of a finding or of a threat (or both): every change is a new version
    row (history kept). A threat's risk has no finding; a finding's risk may name its threat."""

    __tablename__ = "risk_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    finding_id: Mapped[int | None] = mapped_column(
        ForeignKey("finding.id", ondelete="CASCADE"), index=True
    )
    threat_id: Mapped[int | None] = mapped_column(
        ForeignKey("threat.id", ondelete="CASCADE"), index=True
    )
    version: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    hazardous_situation: Mapped[str] = mapped_column(Text)
    harm: Mapped[str] = mapped_column(Text)
    severity: Mapped[str] = mapped_column(String(20))
    exploitability: Mapped[str] = mapped_column(String(20))
    exploitability_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    exploitability_override: Mapped[str | None] = mapped_column(Text)  # the reason, when overridden
    controls: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    risk_before: Mapped[str] = mapped_column(String(40))
    residual: Mapped[str] = mapped_column(String(40))
    region: Mapped[str] = mapped_column(String(20))  # acceptable | alarp | unacceptable
    acceptable: Mapped[bool] = mapped_column(Boolean)
    fda_class: Mapped[str] = mapped_column(String(20))  # controlled | uncontrolled
    evaluation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | accepted
    rationale: Mapped[str | None] = mapped_column(Text)
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    accepted_by: Mapped[str | None] = mapped_column(String(200))
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Update(Base):
    """A software update of a product: the release that ships it, method, findings addressed,
    and the regulatory oversight level derived from them (seed 6.4.3, Tables 2 and 3)."""

    __tablename__ = "software_update"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    release_id: Mapped[int | None] = mapped_column(ForeignKey("release.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200))
    method: Mapped[str] = mapped_column(String(30))
    description: Mapped[str | None] = mapped_column(Text)
    cyber_hygiene: Mapped[bool] = mapped_column(Boolean, default=False)
    addressed: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    oversight: Mapped[str] = mapped_column(String(10))
    oversight_reasons: Mapped[list[str]] = mapped_column(JSON, default=list)
    planned: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class RiskPolicyRow(Base):
    """The risk policy of a product (the documented default applies where none is set)."""

    __tablename__ = "risk_policy"

    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), primary_key=True
    )
    policy: Mapped[dict[str, Any]] = mapped_column(JSON)
    set_by: Mapped[str] = mapped_column(String(200))
    set_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
