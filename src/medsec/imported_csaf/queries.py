"""Reading imported CSAF advisories: the list, one document in full, and what vendors' documents
say about one medsec product or release (the hospital's "what the manufacturer says")."""

from __future__ import annotations

import zlib
from collections.abc import Collection
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from medsec.errors import NotFound
from medsec.imported_csaf import repository as repo
from medsec.imported_csaf.schemas import (
    CsafDocumentRead,
    CsafDocumentRow,
    CsafHeaderRead,
    VendorStatementRead,
)
from medsec.models import ImportedCsaf
from medsec.products import service as products


def list_documents(session: Session, *, all_versions: bool = False) -> list[ImportedCsaf]:
    """Imported documents, the current version of each (or every stored version)."""
    return repo.documents(session, current_only=not all_versions)


def original_document(doc: ImportedCsaf) -> bytes:
    """The bytes of the document as imported."""
    return zlib.decompress(doc.original)


def document_summary(doc: ImportedCsaf) -> CsafHeaderRead:
    """The document's header fields."""
    return CsafHeaderRead.model_validate(_header(doc))


def _header(doc: ImportedCsaf) -> dict[str, Any]:
    return {
        "tracking_id": doc.tracking_id,
        "version": doc.version,
        "current": doc.is_current,
        "status": doc.status,
        "title": doc.title,
        "publisher": {
            "name": doc.publisher_name,
            "namespace": doc.publisher_namespace,
            "category": doc.publisher_category,
        },
        "category": doc.category,
        "tlp": doc.tlp,
        "initial_release_date": doc.initial_release_date,
        "current_release_date": doc.current_release_date,
        "valid": doc.valid,
        "failures": doc.failures,
        "warnings": doc.warning_count,
        "source": doc.source_name,
        "sha256": doc.sha256,
        "sidecars": doc.sidecars,
        "imported_by": doc.imported_by,
        "imported_at": doc.imported_at,
    }


def get_document(
    session: Session,
    *,
    tracking_id: str,
    version: str | None = None,
    product_ids: Collection[int] | None = None,
) -> CsafDocumentRead:
    """One document (current version unless ``version``): products with mappings, statements;
    with ``product_ids``, only mappings to those of our products (the caller's access)."""
    found = repo.by_tracking_id(session, tracking_id)
    if version is not None:
        found = [d for d in found if d.version == version]
    else:
        found = [d for d in found if d.is_current] or found[-1:]
    if not found:
        what = f"{tracking_id!r} version {version!r}" if version else repr(tracking_id)
        raise NotFound(f"no imported CSAF document {what} (see `medsec csaf list`)")
    doc = found[-1]
    prods = repo.products_of(session, doc.id)
    maps = repo.mappings_of(session, [p.id for p in prods])
    if product_ids is not None:  # only mappings to products the caller may see
        maps = [m for m in maps if m.product_id in product_ids]
    comps = repo.components_by_id(session, [m.component_id for m in maps if m.component_id])
    rels = repo.releases_by_id(session, [m.release_id for m in maps if m.release_id])
    by_product: dict[int, list[dict[str, Any]]] = {}
    for m in maps:
        by_product.setdefault(m.product_row, []).append(_target(m, comps, rels))
    vulns = repo.vulnerabilities_of(session, doc.id)
    stmts = repo.statements_of(session, [v.id for v in vulns])
    product_ids = {p.id: p.csaf_product_id for p in prods}
    per_vuln: dict[int, list[dict[str, Any]]] = {}
    for s in stmts:
        per_vuln.setdefault(s.vuln_row, []).append(
            {"product_id": product_ids[s.product_row], **_statement(s)}
        )
    versions = [d.version for d in repo.versions_of(session, doc.publisher_namespace, tracking_id)]
    return CsafDocumentRead.model_validate(
        {
            **_header(doc),
            "versions": versions,
            "products": [
                {
                    "product_id": p.csaf_product_id,
                    "name": p.name,
                    "branch_path": p.branch_path,
                    "purl": p.purl,
                    "cpe": p.cpe,
                    "model_numbers": p.model_numbers,
                    "mapped_to": by_product.get(p.id, []),
                    "unmapped_reason": p.unmapped_reason,
                }
                for p in prods
            ],
            "vulnerabilities": [
                {
                    "cve": v.cve,
                    "ids": v.ids,
                    "title": v.title,
                    "cwe": v.cwe_id,
                    "cwe_name": v.cwe_name,
                    "known_vulnerability_id": v.vulnerability_id,
                    "statements": per_vuln.get(v.id, []),
                }
                for v in vulns
            ],
        }
    )


def _target(m: Any, comps: dict[int, Any], rels: dict[int, Any]) -> dict[str, Any]:
    release = rels.get(m.release_id) if m.release_id else None
    comp = comps.get(m.component_id) if m.component_id else None
    return {
        "kind": m.kind,
        "method": m.method,
        "detail": m.detail,
        "product_id": m.product_id,
        "release": release.version if release else None,
        "component": f"{comp.name}@{comp.version}" if comp else None,
    }


def _statement(s: Any) -> dict[str, Any]:
    return {
        "status": s.status,
        "original": s.original,
        "justification": s.justification,
        "flag": s.flag,
        "impact": s.impact,
        "remediations": s.remediations,
        "scores": s.scores,
        "threats": s.threats,
    }


@dataclass(frozen=True, slots=True)
class VendorStatement:
    """What one imported document says about one mapped product, release or component."""

    tracking_id: str
    version: str
    publisher: str
    valid: bool
    csaf_product: str
    target: dict[str, Any]
    cve: str | None
    title: str | None
    statement: dict[str, Any]

    def read(self) -> VendorStatementRead:
        """The statement as a read model (its JSON form is what the API and CLI give)."""
        return VendorStatementRead.model_validate(
            {
                "tracking_id": self.tracking_id,
                "version": self.version,
                "publisher": self.publisher,
                "valid": self.valid,
                "csaf_product": self.csaf_product,
                "mapped_to": self.target,
                "cve": self.cve,
                "title": self.title,
                **self.statement,
            }
        )


def product_statements(
    session: Session, *, product: str, release: str | None = None
) -> list[VendorStatement]:
    """What current imported documents say about a product (or one release) and its components."""
    prod = products.get_product(session, product)
    rel = products.get_release(session, product=product, version=release) if release else None
    rows = repo.mappings_for_product(session, prod.id, rel.id if rel else None)
    comps = repo.components_by_id(session, [m.component_id for m, _, _ in rows if m.component_id])
    rels = repo.releases_by_id(session, [m.release_id for m, _, _ in rows if m.release_id])
    stmts = repo.statements_for_products(session, [p.id for _, p, _ in rows])
    by_product: dict[int, list[Any]] = {}
    for s, v in stmts:
        by_product.setdefault(s.product_row, []).append((s, v))
    out = []
    for m, p, doc in rows:
        for s, v in by_product.get(p.id, []):
            out.append(
                VendorStatement(
                    tracking_id=doc.tracking_id,
                    version=doc.version,
                    publisher=doc.publisher_name,
                    valid=doc.valid,
                    csaf_product=p.name,
                    target=_target(m, comps, rels),
                    cve=v.cve,
                    title=v.title,
                    statement=_statement(s),
                )
            )
    return sorted(out, key=lambda x: (x.tracking_id, x.cve or "", x.csaf_product))


def document_rows(session: Session, *, all_versions: bool = False) -> list[CsafDocumentRow]:
    """The list of imported documents with their product counts."""
    docs = list_documents(session, all_versions=all_versions)
    counts = repo.product_counts(session, [d.id for d in docs])
    return [
        CsafDocumentRow.model_validate(
            {
                **_header(d),
                "products": counts.get(d.id, (0, 0))[0],
                "mapped": counts.get(d.id, (0, 0))[1],
            }
        )
        for d in docs
    ]


@dataclass(frozen=True, slots=True)
class NamedProduct:
    """A vendor's product (and version) as named in a current imported document."""

    vendor: str
    product: str
    version: str
    tracking_id: str
    row_id: int


def named_products(session: Session) -> list[NamedProduct]:
    """Every vendor/product/version named in current imported documents."""
    return [
        NamedProduct(p.vendor or "", p.product_name or "", p.version or "", d.tracking_id, p.id)
        for p, d in repo.named_products(session)
    ]


def named_statements(
    session: Session, names: set[tuple[str, str, str]]
) -> dict[tuple[str, str, str], list[VendorStatement]]:
    """What current documents say about products named (vendor, product, version)."""
    rows = [
        (p, d)
        for p, d in repo.named_products(session)
        if (p.vendor or "", p.product_name or "", p.version or "") in names
    ]
    stmts = repo.statements_for_products(session, [p.id for p, _ in rows])
    by_row: dict[int, list[Any]] = {}
    for s, v in stmts:
        by_row.setdefault(s.product_row, []).append((s, v))
    out: dict[tuple[str, str, str], list[VendorStatement]] = {}
    for p, d in rows:
        key = (p.vendor or "", p.product_name or "", p.version or "")
        for s, v in by_row.get(p.id, []):
            out.setdefault(key, []).append(
                VendorStatement(
                    tracking_id=d.tracking_id,
                    version=d.version,
                    publisher=d.publisher_name,
                    valid=d.valid,
                    csaf_product=p.name,
                    target={"kind": "csaf", "detail": p.name},
                    cve=v.cve,
                    title=v.title,
                    statement=_statement(s),
                )
            )
    return out
