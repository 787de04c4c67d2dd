"""Information sharing (seed 4.4, 6.2): written agreements with ISAOs and other partners, and
the STIX 2.1 objects received from them."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from medsec.core.clock import utcnow
from medsec.models.base import Base


class SharingAgreement(Base):
    """A written information-sharing agreement (seed 6.2.4): partner, scope, TLP, dates."""

    __tablename__ = "sharing_agreement"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner: Mapped[str] = mapped_column(String(300))
    scope: Mapped[str] = mapped_column(Text)
    tlp: Mapped[str] = mapped_column(String(20))
    signed_on: Mapped[date] = mapped_column(Date)
    expires_on: Mapped[date | None] = mapped_column(Date)
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SharedImport(Base):
    """One STIX 2.1 document received and imported."""

    __tablename__ = "shared_import"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    bundle_id: Mapped[str | None] = mapped_column(String(100))
    object_count: Mapped[int] = mapped_column(Integer)
    counts: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)
    imported_by: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class SharedObject(Base):
    """An indicator or vulnerability received, with what medsec linked it to."""

    __tablename__ = "shared_object"

    id: Mapped[int] = mapped_column(primary_key=True)
    import_id: Mapped[int] = mapped_column(
        ForeignKey("shared_import.id", ondelete="CASCADE"), index=True
    )
    stix_id: Mapped[str] = mapped_column(String(100), index=True)
    stix_type: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text, default="")
    description: Mapped[str] = mapped_column(Text, default="")
    pattern: Mapped[str | None] = mapped_column(Text)
    cves: Mapped[list[str]] = mapped_column(JSON, default=list)
    products: Mapped[list[str]] = mapped_column(JSON, default=list)
    findings: Mapped[list[int]] = mapped_column(JSON, default=list)
    raw: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
