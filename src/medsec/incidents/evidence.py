"""Evidence items: the original bytes kept compressed with their SHA-256, never served inline,
and an append-only, hash-chained chain of custody per item (who held it, when, what was done)."""

from __future__ import annotations

import hashlib
import zlib
from datetime import datetime

import orjson
from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.errors import InvalidInput, NotFound
from medsec.incidents import repository
from medsec.incidents.schemas import CustodyRead, EvidenceRead
from medsec.incidents.service import load, now_or, text
from medsec.models import Incident, IncidentCustody, IncidentEvidence

CUSTODY_ACTIONS = ("collected", "transferred", "analysed", "stored", "copied", "returned")
GENESIS = "0" * 64
MAX_EVIDENCE_BYTES = 64 * 1024 * 1024


def custody_digest(prev_hash: str, entry: IncidentCustody, sha256: str) -> str:
    """The hash of one custody entry chained to the previous one and the item's SHA-256."""
    at = repository.aware(entry.at) or entry.at
    body = {
        "evidence_sha256": sha256,
        "seq": entry.seq,
        "at": at.isoformat(),
        "actor": entry.actor,
        "action": entry.action,
        "holder": entry.holder,
        "note": entry.note,
    }
    payload = prev_hash.encode() + orjson.dumps(body, option=orjson.OPT_SORT_KEYS)
    return hashlib.sha256(payload).hexdigest()


def chain_intact(item: IncidentEvidence, entries: list[IncidentCustody]) -> bool:
    """True when every entry's hash verifies and links to the one before."""
    prev = GENESIS
    for seq, entry in enumerate(entries, start=1):
        if entry.seq != seq or entry.prev_hash != prev:
            return False
        if custody_digest(prev, entry, item.sha256) != entry.hash:
            return False
        prev = entry.hash
    return True


def _append(
    session: Session,
    item: IncidentEvidence,
    *,
    actor: str,
    action: str,
    holder: str,
    note: str,
    at: datetime,
) -> IncidentCustody:
    chain = repository.custody_of(session, [item.id])
    prev = chain[-1].hash if chain else GENESIS
    entry = IncidentCustody(
        evidence_id=item.id,
        seq=len(chain) + 1,
        at=at.replace(microsecond=0),
        actor=actor,
        action=action,
        holder=holder,
        note=note,
        prev_hash=prev,
        hash="",
    )
    entry.hash = custody_digest(prev, entry, item.sha256)
    session.add(entry)
    session.flush()
    return entry


def add(
    session: Session,
    *,
    ref: str,
    name: str,
    data: bytes,
    source: str,
    actor: str,
    holder: str | None = None,
    description: str = "",
    now: datetime | None = None,
) -> EvidenceRead:
    """Store an evidence item (bytes compressed, SHA-256 recorded) and open its custody chain."""
    at = now_or(now)
    row, _ = load(session, ref, actor, rule="incident evidence")
    if len(data) > MAX_EVIDENCE_BYTES:
        raise InvalidInput(f"{name}: evidence is {len(data)} bytes, at most {MAX_EVIDENCE_BYTES}")
    clean_name = text("name", name, required=True, limit=300).replace("/", "_")
    item = IncidentEvidence(
        incident_id=row.id,
        name=clean_name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        data=zlib.compress(data, 6),
        source=text("source", source, required=True, limit=2000),
        description=text("description", description, limit=5000),
        collected_by=actor,
        collected_at=at,
    )
    session.add(item)
    session.flush()
    _append(
        session,
        item,
        actor=actor,
        action="collected",
        holder=text("holder", holder, limit=500) or actor,
        note="",
        at=at,
    )
    audit.record(
        session,
        actor=actor,
        action="incident.evidence",
        object_type="incident",
        object_id=row.id,
        product_id=row.product_id,
        details={"ref": row.ref, "evidence": item.id, "sha256": item.sha256, "size": item.size},
    )
    return _read(item, repository.custody_of(session, [item.id]))


def _item(session: Session, row: Incident, evidence_id: int) -> IncidentEvidence:
    for item in repository.evidence_of(session, row.id):
        if item.id == evidence_id:
            return item
    raise NotFound(f"incident {row.ref} has no evidence item {evidence_id}")


def custody(
    session: Session,
    *,
    ref: str,
    evidence_id: int,
    action: str,
    holder: str,
    actor: str,
    note: str = "",
    now: datetime | None = None,
) -> CustodyRead:
    """Append one chain-of-custody entry (entries are never changed or removed)."""
    at = now_or(now)
    row, _ = load(session, ref, actor, rule="incident evidence")
    if action not in CUSTODY_ACTIONS:
        raise InvalidInput(f"custody action {action!r} is not one of {', '.join(CUSTODY_ACTIONS)}")
    item = _item(session, row, evidence_id)
    entry = _append(
        session,
        item,
        actor=actor,
        action=action,
        holder=text("holder", holder, required=True, limit=500),
        note=text("note", note, limit=5000),
        at=at,
    )
    audit.record(
        session,
        actor=actor,
        action="incident.custody",
        object_type="incident",
        object_id=row.id,
        product_id=row.product_id,
        details={"ref": row.ref, "evidence": item.id, "seq": entry.seq, "custody": action},
    )
    return _custody_read(entry)


def data(session: Session, *, ref: str, evidence_id: int, actor: str) -> tuple[EvidenceRead, bytes]:
    """One evidence item's metadata and original bytes (checked against its SHA-256); the
    download is recorded in the audit log."""
    row, _ = load(session, ref, actor, rule="incident evidence")
    item = _item(session, row, evidence_id)
    raw = zlib.decompress(item.data)
    if hashlib.sha256(raw).hexdigest() != item.sha256:
        raise InvalidInput(f"evidence {item.id}: stored bytes no longer match their SHA-256")
    audit.record(
        session,
        actor=actor,
        action="incident.evidence.download",
        object_type="incident",
        object_id=row.id,
        product_id=row.product_id,
        details={"ref": row.ref, "evidence": item.id},
    )
    return _read(item, repository.custody_of(session, [item.id])), raw


def _custody_read(entry: IncidentCustody) -> CustodyRead:
    return CustodyRead(
        seq=entry.seq,
        at=repository.aware(entry.at) or entry.at,
        actor=entry.actor,
        action=entry.action,
        holder=entry.holder,
        note=entry.note,
        hash=entry.hash,
    )


def _read(item: IncidentEvidence, chain: list[IncidentCustody]) -> EvidenceRead:
    return EvidenceRead(
        id=item.id,
        name=item.name,
        sha256=item.sha256,
        size=item.size,
        source=item.source,
        description=item.description,
        collected_by=item.collected_by,
        collected_at=repository.aware(item.collected_at) or item.collected_at,
        custody=[_custody_read(e) for e in chain],
        custody_intact=chain_intact(item, chain),
    )


def reads(session: Session, row: Incident) -> list[EvidenceRead]:
    """The evidence of an incident with each item's custody chain (one query for the chains)."""
    items = repository.evidence_of(session, row.id)
    chains: dict[int, list[IncidentCustody]] = {}
    for entry in repository.custody_of(session, [i.id for i in items]):
        chains.setdefault(entry.evidence_id, []).append(entry)
    return [_read(i, chains.get(i.id, [])) for i in items]
