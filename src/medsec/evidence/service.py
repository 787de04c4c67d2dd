"""Use cases of verification evidence: import a SARIF log, JUnit report or pentest file for
a release (one transaction; failing results wait for triage), list, coverage. Flush, never
commit."""

from __future__ import annotations

import hashlib

import orjson
from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.db.bulk import insert_rows
from medsec.errors import Conflict, InvalidInput, NotFound
from medsec.evidence import repository as repo
from medsec.evidence import rules
from medsec.evidence.schemas import CoverageRead, EvidenceImportRead, EvidenceResultRead
from medsec.findings import service as findings
from medsec.ingest.evidence_model import EvidenceDocument
from medsec.models import (
    EvidenceImport,
    EvidenceResultRow,
    EvidenceThreatLink,
    Product,
    Release,
)
from medsec.sysmodel import service as sysmodel

_COLUMNS = (
    "import_id",
    "release_id",
    "kind",
    "key",
    "outcome",
    "name",
    "level",
    "message",
    "location",
    "tool",
    "suite",
    "tags",
    "triage",
)


def read_document(data: bytes, *, kind: str, source: str) -> EvidenceDocument:
    """Parse an evidence file of the given kind."""
    if kind == "sarif":
        from medsec.ingest.sarif import read_sarif

        return read_sarif(data, source=source)
    if kind == "junit":
        from medsec.ingest.junit import read_junit

        return read_junit(data, source=source)
    if kind == "pentest":
        from medsec.ingest.pentest import read_pentest

        return read_pentest(data, source=source)
    raise InvalidInput(f"unknown evidence kind {kind!r} (one of {', '.join(rules.KINDS)})")


def _read(row: EvidenceImport, prod: Product, rel: Release) -> EvidenceImportRead:
    return EvidenceImportRead(
        id=row.id,
        product=prod.name,
        release=rel.version,
        kind=row.kind,
        test_kind=row.test_kind,
        source_name=row.source_name,
        sha256=row.sha256,
        format=row.format,
        tools=list(row.tools or []),
        counts=dict(row.counts or {}),
        warnings=list(row.warnings or []),
        imported_by=row.imported_by,
        imported_at=row.imported_at,
    )


def import_file(
    session: Session,
    *,
    product: str,
    release: str,
    data: bytes,
    source: str,
    kind: str,
    actor: str,
    test_kind: str | None = None,
) -> EvidenceImportRead:
    """Import every result of an evidence file for a release (analyst role)."""
    prod, rel = sysmodel.release_of(session, product, release)
    accounts.require(session, actor, "analyst", rule="importing evidence", product=prod.name)
    doc = read_document(data, kind=kind, source=source)
    tkind = rules.test_kind_of(kind, list(doc.tools), test_kind)
    row = EvidenceImport(
        release_id=rel.id,
        kind=kind,
        test_kind=tkind,
        source_name=source,
        sha256=hashlib.sha256(data).hexdigest(),
        format=doc.format,
        tools=list(doc.tools),
        counts=doc.counts(),
        warnings=list(doc.warnings),
        imported_by=actor,
        imported_at=utcnow(),
    )
    session.add(row)
    session.flush()
    rows = [
        (
            row.id,
            rel.id,
            kind,
            r.key,
            r.outcome,
            r.name,
            r.level,
            r.message,
            r.location,
            r.tool,
            r.suite,
            orjson.dumps(list(r.tags)).decode(),
            "to-triage" if r.outcome in ("fail", "error") else None,
        )
        for r in doc.results
    ]
    insert_rows(session, EvidenceResultRow.__table__, _COLUMNS, rows)
    audit.record(
        session,
        actor=actor,
        action="evidence.import",
        object_type="evidence_import",
        object_id=row.id,
        product_id=prod.id,
        details={
            "release": rel.version,
            "kind": kind,
            "test_kind": tkind,
            "file": source,
            "sha256": row.sha256,
            "counts": row.counts,
        },
    )
    return _read(row, prod, rel)


def record_analysis(
    session: Session,
    *,
    product: str,
    release: str,
    test_kind: str,
    source: str,
    counts: dict[str, int],
    actor: str,
) -> EvidenceImportRead:
    """Record an analysis medsec ran on the release (e.g. variation analysis) as evidence
    with no results (analyst role); audited."""
    prod, rel = sysmodel.release_of(session, product, release)
    accounts.require(session, actor, "analyst", rule="recording an analysis", product=prod.name)
    if test_kind not in rules.TEST_KINDS:
        raise InvalidInput(f"unknown test kind {test_kind!r}")
    row = EvidenceImport(
        release_id=rel.id,
        kind="medsec",
        test_kind=test_kind,
        source_name=source,
        sha256=hashlib.sha256(source.encode()).hexdigest(),
        format="medsec analysis",
        tools=["medsec"],
        counts=dict(counts),
        warnings=[],
        imported_by=actor,
        imported_at=utcnow(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="evidence.analysis",
        object_type="evidence_import",
        object_id=row.id,
        product_id=prod.id,
        details={
            "release": rel.version,
            "test_kind": test_kind,
            "source": source,
            "counts": counts,
        },
    )
    return _read(row, prod, rel)


def list_imports(
    session: Session, *, product: str, release: str, actor: str
) -> list[EvidenceImportRead]:
    """A release's evidence imports."""
    prod, rel = sysmodel.release_of(session, product, release)
    sysmodel.require_read(session, actor, prod.name, rule="reading evidence")
    return [_read(r, prod, rel) for r in repo.imports(session, rel.id)]


def _result(r: EvidenceResultRow, source: str) -> EvidenceResultRead:
    return EvidenceResultRead(
        id=r.id,
        import_id=r.import_id,
        source_name=source,
        kind=r.kind,
        key=r.key,
        outcome=r.outcome,
        name=r.name,
        level=r.level,
        message=r.message,
        location=r.location,
        tool=r.tool,
        suite=r.suite,
        tags=list(r.tags or []),
        triage=r.triage,
        triage_note=r.triage_note,
    )


def list_results(
    session: Session,
    *,
    product: str,
    release: str,
    actor: str,
    outcome: str | None = None,
    limit: int | None = 1000,
) -> list[EvidenceResultRead]:
    """A release's results (optionally one outcome)."""
    prod, rel = sysmodel.release_of(session, product, release)
    sysmodel.require_read(session, actor, prod.name, rule="reading evidence")
    return [_result(r, s) for r, s in repo.results(session, rel.id, outcome, limit)]


def results_of_release(session: Session, *, release_id: int) -> list[EvidenceResultRead]:
    """Every result of a release (no access check: for the controls and trace services)."""
    return [_result(r, s) for r, s in repo.results(session, release_id)]


def coverage(session: Session, *, product: str, release: str, actor: str) -> CoverageRead:
    """Which seed 5.3 test kinds the release has evidence of: imported evidence, analyses
    recorded (variation analysis by `vuln where --record`) and medsec's own SBOM matching
    of the release's current SBOM (component vulnerability search)."""
    prod, rel = sysmodel.release_of(session, product, release)
    sysmodel.require_read(session, actor, prod.name, rule="reading evidence")
    imported = repo.imports(session, rel.id)
    present = {i.test_kind for i in imported}
    if findings.matched(session, release_id=rel.id):
        present.add("component-vulnerability-search")  # medsec's own SBOM matching
    return CoverageRead(
        product=prod.name,
        release=rel.version,
        kinds=rules.coverage(present),
        imports=len(imported),
        results=repo.count(session, rel.id),
        to_triage=repo.to_triage(session, rel.id),
    )


def triage(
    session: Session, *, product: str, release: str, result_id: int, note: str, actor: str
) -> EvidenceResultRead:
    """Record the triage of a failing result (analyst role): what was decided and why."""
    prod, rel = sysmodel.release_of(session, product, release)
    accounts.require(session, actor, "analyst", rule="triaging evidence", product=prod.name)
    found = repo.result(session, result_id)
    if found is None or found[0].release_id != rel.id:
        raise NotFound(f"{prod.name} {rel.version} has no evidence result {result_id}")
    if not note.strip():
        raise InvalidInput("say what was decided about the result (--note)")
    row, source = found
    before = row.triage
    row.triage, row.triage_note = "triaged", note.strip()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="evidence.triage",
        object_type="evidence_result",
        object_id=row.id,
        product_id=prod.id,
        details={"release": rel.version, "key": row.key, "before": before, "note": row.triage_note},
    )
    return _result(row, source)


def link_threat(
    session: Session, *, product: str, release: str, result_id: int, threat_id: int, actor: str
) -> EvidenceResultRead:
    """Record that a result of the release verifies a threat of it directly (analyst role;
    the caller resolved the threat in the same release); Conflict when already linked."""
    prod, rel = sysmodel.release_of(session, product, release)
    accounts.require(session, actor, "analyst", rule="linking evidence", product=prod.name)
    found = repo.result(session, result_id)
    if found is None or found[0].release_id != rel.id:
        raise NotFound(f"{prod.name} {rel.version} has no evidence result {result_id}")
    if repo.threat_link(session, result_id, threat_id) is not None:
        raise Conflict(f"result {result_id} already verifies this threat")
    row = EvidenceThreatLink(
        result_id=result_id, threat_id=threat_id, linked_by=actor, linked_at=utcnow()
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="evidence.verifies_threat",
        object_type="evidence_result",
        object_id=result_id,
        product_id=prod.id,
        details={"release": rel.version, "threat_id": threat_id, "key": found[0].key},
    )
    return _result(*found)


def direct_results(session: Session, *, release_id: int) -> dict[int, list[EvidenceResultRead]]:
    """threat id -> the results that verify it directly (no access check: for the matrix)."""
    out: dict[int, list[EvidenceResultRead]] = {}
    for threat_id, r, source in repo.threat_links(session, release_id):
        out.setdefault(threat_id, []).append(_result(r, source))
    return out
