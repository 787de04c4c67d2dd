"""CSAF advisories imported from others (vendors, suppliers): the document, its products with
what they map to in medsec, and its statements per (vulnerability, CSAF product)."""

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
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from medsec.core.clock import utcnow
from medsec.models.base import Base


class ImportedCsaf(Base):
    """One imported version of one CSAF document; identity (publisher namespace, tracking id)."""

    __tablename__ = "imported_csaf"
    __table_args__ = (
        UniqueConstraint("publisher_namespace", "tracking_id", "version"),
        Index("ix_imported_csaf_tracking_id", "tracking_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    publisher_name: Mapped[str] = mapped_column(Text)
    publisher_namespace: Mapped[str] = mapped_column(Text)  # without a trailing "/"
    publisher_category: Mapped[str] = mapped_column(Text)
    category: Mapped[str] = mapped_column(Text)
    tracking_id: Mapped[str] = mapped_column(Text)
    version: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(Text)
    initial_release_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    current_release_date: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    title: Mapped[str] = mapped_column(Text)
    tlp: Mapped[str | None] = mapped_column(Text)
    is_current: Mapped[bool] = mapped_column(Boolean, default=True)
    source_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    original: Mapped[bytes] = mapped_column(LargeBinary)  # zlib-compressed original bytes
    # {"sha512": "ok"} per sidecar found next to the file; {} when none was given
    sidecars: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    valid: Mapped[bool] = mapped_column(Boolean)
    # [{"test", "path", "message"}] of the schema/mandatory tests that failed (--force only)
    failures: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    warning_count: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(200))


class ImportedCsafProduct(Base):
    """A product of an imported document's product tree (leaf, full name or relationship)."""

    __tablename__ = "imported_csaf_product"
    __table_args__ = (UniqueConstraint("document_id", "csaf_product_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("imported_csaf.id", ondelete="CASCADE"), index=True
    )
    csaf_product_id: Mapped[str] = mapped_column(Text)
    name: Mapped[str] = mapped_column(Text)
    branch_path: Mapped[list[list[str]]] = mapped_column(JSON, default=list)
    vendor: Mapped[str | None] = mapped_column(Text)
    product_name: Mapped[str | None] = mapped_column(Text)
    version: Mapped[str | None] = mapped_column(Text)
    purl: Mapped[str | None] = mapped_column(Text)
    cpe: Mapped[str | None] = mapped_column(Text)
    model_numbers: Mapped[list[str]] = mapped_column(JSON, default=list)
    mapped: Mapped[bool] = mapped_column(Boolean, default=False)
    unmapped_reason: Mapped[str | None] = mapped_column(Text)


class ImportedCsafMapping(Base):
    """One medsec object a CSAF product maps to (exactly), and how it matched."""

    __tablename__ = "imported_csaf_map"

    id: Mapped[int] = mapped_column(primary_key=True)
    product_row: Mapped[int] = mapped_column(
        ForeignKey("imported_csaf_product.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(20))  # product | release | component
    method: Mapped[str] = mapped_column(String(40))  # purl | purl-package | cpe | branch | model
    product_id: Mapped[int] = mapped_column(
        ForeignKey("product.id", ondelete="CASCADE"), index=True
    )
    release_id: Mapped[int | None] = mapped_column(
        ForeignKey("release.id", ondelete="CASCADE"), index=True
    )
    component_id: Mapped[int | None] = mapped_column(
        ForeignKey("component.id", ondelete="SET NULL")
    )
    detail: Mapped[str] = mapped_column(Text)  # the value that matched


class ImportedCsafVulnerability(Base):
    """One vulnerability of an imported document; linked to medsec's group when the id is known."""

    __tablename__ = "imported_csaf_vuln"

    id: Mapped[int] = mapped_column(primary_key=True)
    document_id: Mapped[int] = mapped_column(
        ForeignKey("imported_csaf.id", ondelete="CASCADE"), index=True
    )
    ordinal: Mapped[int] = mapped_column(Integer)  # index in /vulnerabilities
    cve: Mapped[str | None] = mapped_column(Text, index=True)
    ids: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    title: Mapped[str | None] = mapped_column(Text)
    cwe_id: Mapped[str | None] = mapped_column(Text)
    cwe_name: Mapped[str | None] = mapped_column(Text)
    vulnerability_id: Mapped[int | None] = mapped_column(
        ForeignKey("vulnerability.id", ondelete="SET NULL"), index=True
    )


class ImportedCsafStatement(Base):
    """What a document says about one CSAF product for one vulnerability (a product listed
    under two statuses, which only a forced invalid document can do, keeps both)."""

    __tablename__ = "imported_csaf_statement"

    id: Mapped[int] = mapped_column(primary_key=True)
    vuln_row: Mapped[int] = mapped_column(
        ForeignKey("imported_csaf_vuln.id", ondelete="CASCADE"), index=True
    )
    product_row: Mapped[int] = mapped_column(
        ForeignKey("imported_csaf_product.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str | None] = mapped_column(String(30))  # canonical VEX; None: recommended
    original: Mapped[str] = mapped_column(Text)  # the CSAF product_status term
    justification: Mapped[str | None] = mapped_column(Text)
    flag: Mapped[str | None] = mapped_column(Text)  # the CSAF flag label
    impact: Mapped[str | None] = mapped_column(Text)  # threats of category "impact"
    # [{"category", "details", "url"}]
    remediations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"version", "vector", "base_score"}]
    scores: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # [{"category", "details"}] (exploit_status, target_set, impact)
    threats: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
