"""Use cases of threats: generate from the release's model (STRIDE per element, our library),
record imported ones, list, show, edit, assess and accept their risk. Flush, never commit."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.db.bulk import bind_processors, insert_rows
from medsec.errors import Conflict, InvalidInput, NotFound
from medsec.ingest.sysmodel_model import ImportedThreat
from medsec.models import Product, Release, RiskRecord, ThreatRow
from medsec.risk import rules as risk_rules
from medsec.risk import service as risk
from medsec.sysmodel import service as sysmodel
from medsec.threats import repository as repo
from medsec.threats import rules
from medsec.threats.schemas import (
    GenerateRead,
    ThreatCreate,
    ThreatEdit,
    ThreatRead,
    ThreatRiskRead,
)

_STRIDE_WORDS = {
    "spoofing": "S",
    "tampering": "T",
    "repudiation": "R",
    "information disclosure": "I",
    "denial of service": "D",
    "elevation of privilege": "E",
}
_THREAT_COLUMNS = (
    "release_id",
    "key",
    "library_id",
    "category",
    "title",
    "description",
    "target_kind",
    "target_id",
    "status",
    "origin",
    "stale",
    "principles",
    "created_by",
    "created_at",
    "updated_by",
    "updated_at",
)
_IMPORTED_STATUS = {
    "open": "open",
    "mitigated": "mitigated",
    "notapplicable": "accepted",
    "exposed": "open",
    "mitigated_partially": "open",
}


def risk_read(r: RiskRecord) -> ThreatRiskRead:
    """The read model of a risk record."""
    return ThreatRiskRead(
        id=r.id,
        version=r.version,
        hazardous_situation=r.hazardous_situation,
        harm=r.harm,
        severity=r.severity,
        exploitability=r.exploitability,
        risk_before=r.risk_before,
        residual=r.residual,
        region=r.region,
        acceptable=r.acceptable,
        fda_class=r.fda_class,
        status=r.status,
        rationale=r.rationale,
        accepted_by=r.accepted_by,
        accepted_at=r.accepted_at,
    )


def _read(t: Any, prod: Product, rel: Release, rec: RiskRecord | None) -> ThreatRead:
    """The read model of a threat (a ``ThreatRow`` or a row of its columns)."""
    return ThreatRead(
        id=t.id,
        product=prod.name,
        release=rel.version,
        key=t.key,
        library_id=t.library_id,
        category=t.category,
        category_name=rules.category_name(t.category),
        title=t.title,
        description=t.description,
        target_kind=t.target_kind,
        target_id=t.target_id,
        status=t.status,
        severity=t.severity,
        origin=t.origin,
        stale=t.stale,
        principles=list(t.principles or []),
        rationale=t.rationale,
        updated_by=t.updated_by,
        updated_at=t.updated_at,
        risk=risk_read(rec) if rec is not None else None,
    )


def generate(session: Session, *, product: str, release: str, actor: str) -> GenerateRead:
    """Generate the library's threats for the current model; edited threats keep their
    status and text, threats whose target left the model are marked stale (never deleted)."""
    prod, rel = sysmodel.release_of(session, product, release)
    accounts.require(session, actor, "analyst", rule="generating threats", product=prod.name)
    model = sysmodel.current_model(session, release_id=rel.id)
    if model is None:
        raise NotFound(f"{prod.name} {rel.version} has no system model (medsec model import)")
    current = sysmodel.get(session, product=product, release=release, actor=actor)
    made = rules.generate(model)
    existing = repo.generated_keys(session, rel.id)
    now = utcnow()
    seen = {g.key for g in made}
    new_rows = [
        (
            rel.id,
            g.key,
            g.library_id,
            g.category,
            g.title,
            g.description,
            g.target_kind,
            g.target_id,
            "open",
            "generated",
            False,
            list(g.principles),
            actor,
            now,
            actor,
            now,
        )
        for g in made
        if g.key not in existing
    ]
    kept = len(made) - len(new_rows)
    repo.set_stale(session, [tid for k, (tid, st) in existing.items() if k in seen and st], False)
    repo.set_stale(
        session, [tid for k, (tid, st) in existing.items() if k not in seen and not st], True
    )
    procs = bind_processors(session, ThreatRow.__table__, _THREAT_COLUMNS)
    insert_rows(
        session,
        ThreatRow.__table__,
        _THREAT_COLUMNS,
        [tuple(p(v) if p else v for p, v in zip(procs, row, strict=True)) for row in new_rows],
    )
    created = len(new_rows)
    stale = sum(1 for k in existing if k not in seen)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="threats.generate",
        object_type="release",
        object_id=rel.id,
        product_id=prod.id,
        details={
            "model_version": current.version,
            "created": created,
            "kept": kept,
            "stale": stale,
        },
    )
    total = repo.count(session, rel.id)
    return GenerateRead(
        product=prod.name,
        release=rel.version,
        model_version=current.version,
        created=created,
        kept=kept,
        stale=stale,
        total=total,
    )


def _category(text: str | None) -> str:
    if not text:
        return "?"
    low = text.strip().lower()
    if low[:1].upper() in "STRIDE" and len(low) == 1:
        return low.upper()
    for word, letter in _STRIDE_WORDS.items():
        if word in low:
            return letter
    return text.strip()[:40]


def record_imported(
    session: Session,
    *,
    product: str,
    release: str,
    threats: Sequence[ImportedThreat],
    actor: str,
) -> int:
    """Store the threats an imported model carried (keyed by target and title); a re-import
    keeps the threats already stored (with their edits). Returns how many were new."""
    prod, rel = sysmodel.release_of(session, product, release)
    accounts.require(session, actor, "analyst", rule="importing threats", product=prod.name)
    existing = {t.key for t in repo.of_release(session, rel.id)}
    now = utcnow()
    new = 0
    batch: set[str] = set()
    for t in threats:
        slug = re.sub(r"[^a-z0-9]+", "-", t.title.lower()).strip("-")[:80] or "threat"
        key = f"IMP-{slug}@{t.target}"[:300]
        n = 2
        while key in batch:  # the same title twice on one target within this file
            key, n = f"IMP-{slug}-{n}@{t.target}"[:300], n + 1
        batch.add(key)
        if key in existing:  # imported before (a re-import): keep the stored, maybe edited one
            continue
        status = _IMPORTED_STATUS.get((t.status or "open").strip().lower().replace(" ", ""), "open")
        session.add(
            ThreatRow(
                release_id=rel.id,
                key=key,
                library_id=None,
                category=_category(t.category),
                title=t.title,
                description="\n\n".join(x for x in (t.description, t.mitigation) if x) or None,
                target_kind="imported",
                target_id=t.target,
                status=status,
                severity=(t.severity or "").lower() or None,
                origin="imported",
                stale=False,
                principles=[],
                rationale="accepted in the imported model" if status == "accepted" else None,
                created_by=actor,
                created_at=now,
                updated_by=actor,
                updated_at=now,
            )
        )
        new += 1
    session.flush()
    if new:
        audit.record(
            session,
            actor=actor,
            action="threats.import",
            object_type="release",
            object_id=rel.id,
            product_id=prod.id,
            details={"threats": new},
        )
    return new


def list_threats(
    session: Session, *, product: str, release: str, actor: str, status: str | None = None
) -> list[ThreatRead]:
    """A release's threats with their current risk records."""
    prod, rel = sysmodel.release_of(session, product, release)
    sysmodel.require_read(session, actor, prod.name, rule="reading threats")
    rows = repo.rows_of_release(session, rel.id, status)
    risks = risk.current_for_threats(session, [t.id for t in rows])
    return [_read(t, prod, rel, risks.get(t.id)) for t in rows]


def _threat(session: Session, rel: Release, key: str) -> ThreatRow:
    row = repo.by_key(session, rel.id, key)
    if row is None:
        raise NotFound(f"release {rel.version!r} has no threat {key!r} (medsec threats list)")
    return row


def get_threat(session: Session, *, product: str, release: str, key: str, actor: str) -> ThreatRead:
    """One threat with its current risk record."""
    prod, rel = sysmodel.release_of(session, product, release)
    sysmodel.require_read(session, actor, prod.name, rule="reading threats")
    row = _threat(session, rel, key)
    return _read(row, prod, rel, risk.current_for_threats(session, [row.id]).get(row.id))


def threat_ids(session: Session, *, release_id: int, keys: Sequence[str]) -> dict[str, int]:
    """key -> id for threats of a release; NotFound naming the first unknown key."""
    out = {}
    for key in keys:
        row = repo.by_key(session, release_id, key)
        if row is None:
            raise NotFound(f"no threat {key!r} in this release (medsec threats list)")
        out[key] = row.id
    return out


def reads_by_ids(session: Session, ids: Sequence[int]) -> dict[int, tuple[str, int]]:
    """threat id -> (key, release id), for other domains' read models."""
    return repo.keys_by_ids(session, ids)


def keys_of_release(session: Session, *, release_id: int) -> dict[int, tuple[str, int]]:
    """threat id -> (key, release id) of one release's threats, for other domains' read models."""
    return repo.keys_of_release(session, release_id)


def set_threat(
    session: Session, *, product: str, release: str, key: str, edit: ThreatEdit, actor: str
) -> ThreatRead:
    """Edit a threat's status, severity or text (analyst role); audited with before/after."""
    prod, rel = sysmodel.release_of(session, product, release)
    accounts.require(session, actor, "analyst", rule="editing threats", product=prod.name)
    row = _threat(session, rel, key)
    before = {"status": row.status, "severity": row.severity, "title": row.title}
    if edit.status is not None:
        row.status = rules.check_status(edit.status, edit.rationale or row.rationale)
    if edit.severity is not None:
        sev = edit.severity.strip().lower()
        if sev not in rules.SEVERITIES:
            raise InvalidInput(
                f"unknown severity {edit.severity!r} (one of {', '.join(rules.SEVERITIES)})"
            )
        row.severity = sev
    if edit.title is not None:
        row.title = edit.title.strip()
    if edit.description is not None:
        row.description = edit.description
    if edit.rationale is not None:
        row.rationale = edit.rationale
    row.updated_by, row.updated_at = actor, utcnow()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="threats.set",
        object_type="threat",
        object_id=row.id,
        product_id=prod.id,
        details={
            "release": rel.version,
            "key": key,
            "before": before,
            "after": {"status": row.status, "severity": row.severity, "title": row.title},
        },
    )
    return _read(row, prod, rel, risk.current_for_threats(session, [row.id]).get(row.id))


def assess_risk(
    session: Session,
    *,
    product: str,
    release: str,
    key: str,
    hazardous_situation: str,
    harm: str,
    severity: str,
    exploitability: str,
    controls: Sequence[risk_rules.Control],
    actor: str,
    rationale: str | None = None,
) -> ThreatRead:
    """Record the threat's patient-harm risk (a new version of its risk record)."""
    prod, rel = sysmodel.release_of(session, product, release)
    row = _threat(session, rel, key)
    rec = risk.assess_threat(
        session,
        product_id=prod.id,
        product_name=prod.name,
        release_version=rel.version,
        threat_id=row.id,
        hazardous_situation=hazardous_situation,
        harm=harm,
        severity=severity,
        exploitability=exploitability,
        controls=controls,
        actor=actor,
        rationale=rationale,
    )
    return _read(row, prod, rel, rec)


def accept_risk(
    session: Session, *, product: str, release: str, key: str, actor: str, rationale: str | None
) -> ThreatRead:
    """Accept the residual risk of the threat's current risk record (reviewer role)."""
    prod, rel = sysmodel.release_of(session, product, release)
    row = _threat(session, rel, key)
    rec = risk.accept_threat(
        session,
        product_id=prod.id,
        product_name=prod.name,
        threat_id=row.id,
        actor=actor,
        rationale=rationale,
    )
    return _read(row, prod, rel, rec)


def follow_model(
    session: Session, *, product: str, release: str, actor: str
) -> GenerateRead | None:
    """Regenerate after a model edit when the release already has generated threats."""
    _, rel = sysmodel.release_of(session, product, release)
    if not any(t.origin == "generated" for t in repo.of_release(session, rel.id)):
        return None
    return generate(session, product=product, release=release, actor=actor)


def add_threat(
    session: Session, *, product: str, release: str, data: ThreatCreate, actor: str
) -> ThreatRead:
    """Add a threat by hand (analyst role); its target, when named, must be in the model."""
    prod, rel = sysmodel.release_of(session, product, release)
    accounts.require(session, actor, "analyst", rule="adding a threat", product=prod.name)
    if repo.by_key(session, rel.id, data.key) is not None:
        raise Conflict(f"release {rel.version!r} already has a threat {data.key!r}")
    kind = "model"
    if data.target_id is not None:
        model = sysmodel.current_model(session, release_id=rel.id)
        if model is None:
            raise NotFound(f"{prod.name} {rel.version} has no system model (medsec model import)")
        if model.element(data.target_id) is not None:
            kind = "element"
        elif any(f.id == data.target_id for f in model.flows):
            kind = "flow"
        else:
            raise InvalidInput(f"the model has no element or flow {data.target_id!r}")
    severity = (data.severity or "").strip().lower() or None
    if severity is not None and severity not in rules.SEVERITIES:
        raise InvalidInput(
            f"unknown severity {data.severity!r} (one of {', '.join(rules.SEVERITIES)})"
        )
    now = utcnow()
    row = ThreatRow(
        release_id=rel.id,
        key=data.key,
        library_id=None,
        category=data.category,
        title=data.title.strip(),
        description=data.description,
        target_kind=kind,
        target_id=data.target_id,
        status="open",
        severity=severity,
        origin="manual",
        stale=False,
        principles=[],
        created_by=actor,
        created_at=now,
        updated_by=actor,
        updated_at=now,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="threats.add",
        object_type="threat",
        object_id=row.id,
        product_id=prod.id,
        details={"release": rel.version, "key": row.key, "title": row.title},
    )
    return _read(row, prod, rel, None)
