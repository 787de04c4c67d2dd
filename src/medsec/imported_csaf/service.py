"""Import CSAF 2.0 advisories of others (a vendor's, a supplier's): validate, store, map products.

Identity is (publisher namespace without a trailing "/", tracking id). Versions:

* the same tracking version with the same bytes again is ``unchanged`` (nothing is written);
  the same version with other bytes is refused (Conflict): a changed document needs a new version;
* a newer version (tracking version, then current_release_date) becomes current (``replaced``);
  the older versions stay stored and readable;
* an older version than the current one is stored as ``history`` (not current), so a directory
  can be imported in any order.

Invalid documents (schema or mandatory tests 6.1.x) are refused with every failing test id and
JSON pointer unless ``force``; forced ones are stored with ``valid = False`` and their failures.
A checksum sidecar (``.sha512``/``.sha256``) that does not match refuses the file, even forced.
"""

from __future__ import annotations

import hashlib
import zlib
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.errors import Conflict, DocumentError
from medsec.imported_csaf import repository as repo
from medsec.imported_csaf import rules, versions
from medsec.ingest.csaf import CsafFailure, check_hash, read_csaf, validate_csaf
from medsec.ingest.csaf_model import CsafDocument
from medsec.models import (
    ImportedCsaf,
    ImportedCsafMapping,
    ImportedCsafProduct,
    ImportedCsafStatement,
    ImportedCsafVulnerability,
)


class CsafRefused(DocumentError):
    """An invalid CSAF document refused on import; ``failures`` lists every failing test."""

    def __init__(self, source: str, failures: tuple[CsafFailure, ...]) -> None:
        tests = ", ".join(dict.fromkeys(f.test_id for f in failures))
        first = failures[0]
        super().__init__(
            f"invalid CSAF (failing tests: {tests}; {len(failures)} finding(s), first: "
            f"{first.test_id} {first.message}); not imported (--force stores it marked invalid)",
            source=source,
            location=first.path,
        )
        self.failures = failures


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What one import stored (or found already stored)."""

    document: ImportedCsaf
    outcome: str  # new | replaced | history | unchanged
    replaced_version: str | None
    products: int
    mapped: int
    vulnerabilities: int
    statements: int
    failures: tuple[CsafFailure, ...] = field(default=())

    @property
    def unmapped(self) -> int:
        """CSAF products that map to nothing in medsec."""
        return self.products - self.mapped


def _check_sidecars(data: bytes, source: str, sidecars: dict[str, bytes]) -> dict[str, str]:
    results: dict[str, str] = {}
    for alg, content in sorted(sidecars.items()):
        check = check_hash(data, content, alg, source=f"{source}.{alg}")
        if not check.ok:
            raise DocumentError(
                f"{check.algorithm} checksum does not match (sidecar {check.expected[:16]}…, "
                f"file {check.actual[:16]}…); not imported",
                source=source,
                location=f"{source}.{alg}",
            )
        results[check.algorithm] = "ok"
    return results


def import_csaf(
    session: Session,
    *,
    data: bytes,
    source: str,
    force: bool,
    actor: str,
    sidecars: dict[str, bytes] | None = None,
) -> ImportResult:
    """Validate and store one CSAF advisory with its products mapped to medsec objects."""
    accounts.require(session, actor, "analyst", rule="importing CSAF advisories")
    checked = _check_sidecars(data, source, sidecars or {})
    validation = validate_csaf(data, source=source)
    if not validation.valid and not force:
        raise CsafRefused(source, validation.failures)
    doc = read_csaf(data, source=source)
    namespace = doc.publisher.namespace.rstrip("/")
    sha256 = hashlib.sha256(data).hexdigest()
    stored = repo.versions_of(session, namespace, doc.tracking_id)
    same = next((d for d in stored if d.version == doc.version), None)
    if same is not None:
        if same.sha256 != sha256:
            raise Conflict(
                f"{source}: {doc.tracking_id} version {doc.version} is already stored with other "
                "content (a changed document needs a new tracking version)"
            )
        return _unchanged(session, same)
    order = versions.version_order(doc.version, doc.current_release_date)
    current = next((d for d in stored if d.is_current), None)
    newer = current is None or order > versions.version_order(
        current.version, current.current_release_date
    )
    if newer and current is not None:
        current.is_current = False
    row = ImportedCsaf(
        publisher_name=doc.publisher.name,
        publisher_namespace=namespace,
        publisher_category=doc.publisher.category,
        category=doc.category,
        tracking_id=doc.tracking_id,
        version=doc.version,
        status=doc.status,
        initial_release_date=doc.initial_release_date,
        current_release_date=doc.current_release_date,
        title=doc.title,
        tlp=doc.tlp_label,
        is_current=newer,
        source_name=source,
        sha256=sha256,
        size=len(data),
        original=zlib.compress(data, 6),
        sidecars=checked,
        valid=validation.valid,
        failures=[
            {"test": f.test_id, "path": f.path, "message": f.message} for f in validation.failures
        ],
        warning_count=len(validation.warnings),
        imported_by=actor,
    )
    session.add(row)
    session.flush()
    products, mapped = _store_products(session, row.id, doc)
    vulns, statements = _store_vulnerabilities(session, row.id, doc, products)
    outcome = "new" if current is None else "replaced" if newer else "history"
    audit.record(
        session,
        actor=actor,
        action="csaf.import",
        object_type="imported_csaf",
        object_id=row.id,
        details={
            "tracking_id": doc.tracking_id,
            "version": doc.version,
            "publisher": namespace,
            "source": source,
            "sha256": sha256,
            "outcome": outcome,
            "valid": validation.valid,
            "failed_tests": list(validation.failed_tests),
            "products": len(products),
            "mapped": mapped,
            "statements": statements,
        },
    )
    return ImportResult(
        document=row,
        outcome=outcome,
        replaced_version=current.version if newer and current is not None else None,
        products=len(products),
        mapped=mapped,
        vulnerabilities=vulns,
        statements=statements,
        failures=validation.failures,
    )


def _unchanged(session: Session, doc: ImportedCsaf) -> ImportResult:
    products = repo.products_of(session, doc.id)
    vulns = repo.vulnerabilities_of(session, doc.id)
    statements = repo.statements_of(session, [v.id for v in vulns])
    return ImportResult(
        document=doc,
        outcome="unchanged",
        replaced_version=None,
        products=len(products),
        mapped=sum(p.mapped for p in products),
        vulnerabilities=len(vulns),
        statements=len(statements),
    )


def _catalog(session: Session, doc: CsafDocument) -> rules.Catalog:
    """The medsec products, releases and the components sharing a key with the document."""
    releases: dict[int, list[rules.KnownRelease]] = {}
    for release, cpe in repo.releases_with_primary_cpe(session):
        known = rules.KnownRelease(release.id, release.version, cpe or None)
        releases.setdefault(release.product_id, []).append(known)
    products = [
        rules.KnownProduct(p.id, p.name, maker, tuple(releases.get(p.id, ())))
        for p, maker in repo.known_products(session)
    ]
    pkg = sorted(rules.package_keys(doc.products))
    comps = repo.current_components(session, pkg, sorted(rules.cpe_keys(doc.products)))
    known_comps = [rules.KnownComponent(c.id, pid, rid, c.purl, c.cpe) for c, rid, pid in comps]
    return rules.Catalog(products, known_comps)


def _product_rows(document_id: int, doc: CsafDocument) -> dict[str, ImportedCsafProduct]:
    """One row per CSAF product id: tree products, relationship products, undefined ids."""
    rows: dict[str, ImportedCsafProduct] = {}
    for p in doc.products:
        rows.setdefault(
            p.product_id,
            ImportedCsafProduct(
                document_id=document_id,
                csaf_product_id=p.product_id,
                name=p.name,
                branch_path=[list(step) for step in p.branch_path],
                vendor=p.vendor,
                product_name=p.product_name,
                version=p.version,
                purl=p.purl,
                cpe=p.cpe,
                model_numbers=list(p.model_numbers),
            ),
        )
    named = [(r.product_id, r.name) for r in doc.relationships]
    named += [(pid, pid) for pid in rules.status_product_ids(doc)]
    for pid, name in named:
        rows.setdefault(
            pid,
            ImportedCsafProduct(
                document_id=document_id,
                csaf_product_id=pid,
                name=name,
                branch_path=[],
                model_numbers=[],
            ),
        )
    return rows


def _apply(
    session: Session, rows: dict[str, ImportedCsafProduct], maps: dict[str, rules.Mapping]
) -> int:
    """Set mapped/reason on the (flushed) rows and add their mapping rows; the mapped count."""
    for pid, row in rows.items():
        row.mapped = bool(maps[pid].targets)
        row.unmapped_reason = maps[pid].reason
    session.add_all(
        ImportedCsafMapping(
            product_row=rows[pid].id,
            kind=t.kind,
            method=t.method,
            product_id=t.product_id,
            release_id=t.release_id,
            component_id=t.component_id,
            detail=t.detail,
        )
        for pid, m in maps.items()
        for t in m.targets
    )
    session.flush()
    return sum(1 for pid in rows if maps[pid].targets)


def _store_products(
    session: Session, document_id: int, doc: CsafDocument
) -> tuple[dict[str, ImportedCsafProduct], int]:
    rows = _product_rows(document_id, doc)
    session.add_all(rows.values())
    session.flush()
    maps = rules.map_document(doc, _catalog(session, doc))
    return rows, _apply(session, rows, maps)


def remap_csaf(session: Session, *, actor: str) -> tuple[int, int]:
    """Map the products of every current document again (after products, releases or SBOMs
    changed); returns (documents, products now mapped)."""
    accounts.require(session, actor, "analyst", rule="re-mapping CSAF advisories")
    current = repo.documents(session, current_only=True)
    mapped = 0
    for row in current:
        doc = read_csaf(zlib.decompress(row.original), source=row.source_name)
        rows = {p.csaf_product_id: p for p in repo.products_of(session, row.id)}
        repo.delete_mappings(session, [p.id for p in rows.values()])
        mapped += _apply(session, rows, rules.map_document(doc, _catalog(session, doc)))
    audit.record(
        session,
        actor=actor,
        action="csaf.remap",
        object_type="imported_csaf",
        details={"documents": len(current), "mapped": mapped},
    )
    return len(current), mapped


def _store_vulnerabilities(
    session: Session, document_id: int, doc: CsafDocument, products: dict[str, ImportedCsafProduct]
) -> tuple[int, int]:
    aliases = [a for v in doc.vulnerabilities for a in (v.cve, *(i.text for i in v.ids)) if a]
    known = repo.vulnerability_ids_for(session, aliases)
    rows: list[tuple[ImportedCsafVulnerability, list[rules.Statement]]] = []
    for ordinal, v in enumerate(doc.vulnerabilities):
        ids = [a for a in (v.cve, *(i.text for i in v.ids)) if a]
        row = ImportedCsafVulnerability(
            document_id=document_id,
            ordinal=ordinal,
            cve=v.cve,
            ids=[{"system_name": i.system_name, "text": i.text} for i in v.ids],
            title=v.title,
            cwe_id=v.cwe_id,
            cwe_name=v.cwe_name,
            vulnerability_id=next((known[a] for a in ids if a in known), None),
        )
        rows.append((row, rules.statements(doc, v)))
    session.add_all(r for r, _ in rows)
    session.flush()
    count = 0
    for row, statements in rows:
        for s in statements:
            count += 1
            session.add(
                ImportedCsafStatement(
                    vuln_row=row.id,
                    product_row=products[s.product_id].id,
                    status=s.status,
                    original=s.original,
                    justification=s.justification,
                    flag=s.flag,
                    impact=s.impact,
                    remediations=list(s.remediations),
                    scores=list(s.scores),
                    threats=list(s.threats),
                )
            )
    session.flush()
    return len(rows), count
