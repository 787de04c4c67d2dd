"""SBOM revisions of a release, their components and dependency graph."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from medsec.core.clock import utcnow
from medsec.models.base import Base


class Sbom(Base):
    """One imported SBOM document: a revision of a release's inventory, original kept compressed."""

    __tablename__ = "sbom"
    __table_args__ = (UniqueConstraint("release_id", "revision"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    release_id: Mapped[int] = mapped_column(
        ForeignKey("release.id", ondelete="CASCADE"), index=True
    )
    revision: Mapped[int] = mapped_column(Integer)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    format: Mapped[str] = mapped_column(String(20))
    spec_version: Mapped[str] = mapped_column(String(20))
    encoding: Mapped[str] = mapped_column(String(20))
    serial_number: Mapped[str | None] = mapped_column(Text)
    document_version: Mapped[int | None] = mapped_column(Integer)
    document_name: Mapped[str | None] = mapped_column(Text)
    document_created: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    authors: Mapped[list[str]] = mapped_column(JSON, default=list)
    tools: Mapped[list[str]] = mapped_column(JSON, default=list)
    primary: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    source_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    original: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed original bytes
    component_count: Mapped[int] = mapped_column(Integer)
    warnings: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    # the dependency graph as [ref, depends-on ref] pairs, sorted (one value, not 40k rows)
    dependencies: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(200))


class Component(Base):
    """A component of one SBOM revision (nested components flattened, parent_ref kept)."""

    __tablename__ = "component"
    __table_args__ = (
        UniqueConstraint("sbom_id", "ref"),
        Index("ix_component_purl", "purl"),
        Index("ix_component_name", "name"),
        Index("ix_component_pkg", "pkg_space", "pkg_name"),
        Index("ix_component_cpe", "cpe_key"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    sbom_id: Mapped[int] = mapped_column(ForeignKey("sbom.id", ondelete="CASCADE"))
    ref: Mapped[str] = mapped_column(Text)
    parent_ref: Mapped[str | None] = mapped_column(Text)
    type: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(Text)
    group: Mapped[str | None] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(Text)
    supplier: Mapped[str | None] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(Text)
    purl: Mapped[str | None] = mapped_column(Text)
    cpe: Mapped[str | None] = mapped_column(Text)
    hashes: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    licenses: Mapped[list[str]] = mapped_column(JSON, default=list)
    description: Mapped[str | None] = mapped_column(Text)
    scope: Mapped[str | None] = mapped_column(String(20))
    support_level: Mapped[str | None] = mapped_column(String(40))
    end_of_support: Mapped[date | None] = mapped_column(Date)
    support_source: Mapped[str | None] = mapped_column(String(20))  # "sbom" | "manual"
    support_note: Mapped[str | None] = mapped_column(Text)
    properties: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    # matching keys derived at import: OSV ecosystem family + normalised name, CPE vendor:product
    pkg_space: Mapped[str | None] = mapped_column(String(100))
    pkg_name: Mapped[str | None] = mapped_column(Text)
    cpe_key: Mapped[str | None] = mapped_column(Text)
