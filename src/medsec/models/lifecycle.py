"""Lifecycle data: endoflife.date products, the user's mapping rows, release EOL/EOS."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medsec.core.clock import utcnow
from medsec.models.base import Base


class LifecycleProductRow(Base):
    """One imported endoflife.date product file: identifiers and release cycles."""

    __tablename__ = "lifecycle_product"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(Text)
    purls: Mapped[list[str]] = mapped_column(JSON, default=list)
    cpes: Mapped[list[str]] = mapped_column(JSON, default=list)
    repology: Mapped[list[str]] = mapped_column(JSON, default=list)
    # [{"cycle", "release_date", "eol", "active_until", "extended_until", "lts", "latest"}]
    cycles: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    source_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(200))


class LifecycleMappingRow(Base):
    """A user's mapping row: (purl type, name) -> endoflife.date product slug."""

    __tablename__ = "lifecycle_mapping"
    __table_args__ = (UniqueConstraint("purl_type", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    purl_type: Mapped[str] = mapped_column(String(50))
    name: Mapped[str] = mapped_column(String(400))
    product_slug: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))


class ReleaseLifecycleRow(Base):
    """A release's end of life and end of support, planned and announced, and its controls."""

    __tablename__ = "release_lifecycle"

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("release.id", ondelete="CASCADE"), unique=True
    )
    eol_planned: Mapped[date | None] = mapped_column(Date)
    eol_announced: Mapped[date | None] = mapped_column(Date)
    eol_announced_on: Mapped[date | None] = mapped_column(Date)
    eos_planned: Mapped[date | None] = mapped_column(Date)
    eos_announced: Mapped[date | None] = mapped_column(Date)
    eos_announced_on: Mapped[date | None] = mapped_column(Date)
    patchable: Mapped[bool] = mapped_column(Boolean, default=False)
    # compensating controls: [{"name": str, "until": "YYYY-MM-DD" | None}]
    controls: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_by: Mapped[str] = mapped_column(String(200))
