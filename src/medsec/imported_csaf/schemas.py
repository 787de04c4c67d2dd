"""Typed read models of imported CSAF documents: what the API returns and OpenAPI documents."""

from __future__ import annotations

from typing import Any

from medsec.core.schemas import IsoTime, ReadModel


class PublisherRead(ReadModel):
    """Who published the document."""

    name: str | None = None
    namespace: str | None = None
    category: str | None = None


class CsafHeaderRead(ReadModel):
    """The header fields of one imported document version."""

    tracking_id: str
    version: str
    current: bool
    status: str | None = None
    title: str | None = None
    publisher: PublisherRead
    category: str | None = None
    tlp: str | None = None
    initial_release_date: IsoTime | None = None
    current_release_date: IsoTime | None = None
    valid: bool
    failures: list[dict[str, Any]]
    warnings: int
    source: str | None = None
    sha256: str
    sidecars: dict[str, str]
    imported_by: str | None = None
    imported_at: IsoTime


class CsafDocumentRow(CsafHeaderRead):
    """One line of the document list, with its product counts."""

    products: int
    mapped: int


class MappedTargetRead(ReadModel):
    """The medsec object a CSAF product maps to, and how."""

    kind: str
    method: str | None = None
    detail: str | None = None
    product_id: int | None = None
    release: str | None = None
    component: str | None = None


class CsafProductRead(ReadModel):
    """A product of the document's tree, mapped or with the reason why not."""

    product_id: str
    name: str | None = None
    branch_path: Any = None
    purl: str | None = None
    cpe: str | None = None
    model_numbers: list[str]
    mapped_to: list[MappedTargetRead]
    unmapped_reason: str | None = None


class CsafVulnerabilityRead(ReadModel):
    """A vulnerability of the document with its statements per product."""

    cve: str | None = None
    ids: list[dict[str, Any]]
    title: str | None = None
    cwe: str | None = None
    cwe_name: str | None = None
    known_vulnerability_id: int | None = None
    statements: list[dict[str, Any]]


class CsafDocumentRead(CsafHeaderRead):
    """One document in full: versions, products with mappings, vulnerabilities, statements."""

    versions: list[str]
    products: list[CsafProductRead]
    vulnerabilities: list[CsafVulnerabilityRead]


class CsafImportRead(CsafHeaderRead):
    """What one upload stored."""

    outcome: str
    replaced_version: str | None = None
    products: int
    mapped: int
    unmapped: int
    vulnerabilities_count: int
    statements: int


class VendorStatementRead(ReadModel):
    """What one imported document says about one mapped product, release or component."""

    tracking_id: str
    version: str
    publisher: str
    valid: bool
    csaf_product: str
    mapped_to: dict[str, Any]  # a MappedTargetRead, or {"kind": "csaf", "detail": ...}
    cve: str | None = None
    title: str | None = None
    status: str | None = None  # canonical VEX status; None: only a recommendation
    original: str | None = None  # the CSAF product_status term
    justification: str | None = None
    flag: str | None = None
    impact: str | None = None
    remediations: list[dict[str, Any]] | None = None
    scores: list[dict[str, Any]] | None = None
    threats: list[dict[str, Any]] | None = None
