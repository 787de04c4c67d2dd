"""Security advisories medsec publishes (CSAF 2.0) and their immutable published revisions.

Not to be confused with ``models.vulnerability.Advisory``, a record read from a feed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medsec.core.clock import utcnow
from medsec.models.base import Base


class SecurityAdvisory(Base):
    """One advisory of a product: what it covers, its tracking state and the current draft."""

    __tablename__ = "security_advisory"

    id: Mapped[int] = mapped_column(primary_key=True)
    tracking_id: Mapped[str] = mapped_column(String(200), unique=True)
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    profile: Mapped[str] = mapped_column(String(40))  # csaf_security_advisory | csaf_vex
    title: Mapped[str] = mapped_column(Text)
    tlp: Mapped[str] = mapped_column(String(10), default="WHITE")
    status: Mapped[str] = mapped_column(String(20), default="draft")  # draft | interim | final
    version: Mapped[str] = mapped_column(String(20), default="0")
    namespace: Mapped[str] = mapped_column(Text)  # the publisher's namespace URL
    release_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    vulnerability_ids: Mapped[list[int]] = mapped_column(JSON, default=list)
    clinician_note: Mapped[str | None] = mapped_column(Text)
    lang: Mapped[str] = mapped_column(String(5), default="en")  # notes' language: en | ja
    draft: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)  # CSAF of the next revision
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SecurityAdvisoryRevision(Base):
    """A published revision: the exact CSAF bytes (and the VEX exports of the same model)."""

    __tablename__ = "security_advisory_revision"
    __table_args__ = (UniqueConstraint("advisory_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    advisory_id: Mapped[int] = mapped_column(
        ForeignKey("security_advisory.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(20))  # interim | final
    date: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    summary: Mapped[str] = mapped_column(Text)
    tlp: Mapped[str] = mapped_column(String(10))
    csaf: Mapped[bytes] = mapped_column(LargeBinary)
    cyclonedx_vex: Mapped[bytes] = mapped_column(LargeBinary)
    openvex: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    sha512: Mapped[str] = mapped_column(String(128))
    published_by: Mapped[str] = mapped_column(String(200))
