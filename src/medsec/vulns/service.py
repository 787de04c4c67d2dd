"""Use cases of vulnerability intelligence: import feeds, look vulnerabilities up."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.core.severity import Scored, group_summary, score_stated
from medsec.db import bulk
from medsec.errors import NotFound
from medsec.ingest.feed_common import FeedBatch, FeedProblem
from medsec.ingest.feeds import read_feed
from medsec.ingest.vuln_model import EpssScore, KevEntry, VulnRecord
from medsec.models import Advisory, AdvisoryKey, EpssRow, FeedSnapshot, KevEntryRow, Vulnerability
from medsec.vulns import aliases, codec
from medsec.vulns import repository as repo
from medsec.vulns.schemas import AdvisoryValues


@dataclass
class FeedImportResult:
    """What one feed import read, stored and skipped."""

    path: str
    kinds: set[str] = field(default_factory=set)
    snapshot_ids: list[int] = field(default_factory=list)
    records: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    older_skipped: int = 0
    withdrawn: int = 0
    kev: int = 0
    epss: int = 0
    problems: list[FeedProblem] = field(default_factory=list)
    change_seq: int = 0
    seen: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)


def import_feed(
    session: Session,
    *,
    path: Path,
    actor: str,
    source: str = "auto",
    max_bytes: int = 512 * 1024 * 1024,
    source_name: str | None = None,
) -> FeedImportResult:
    """Import a feed file, directory or zip dump; idempotent, newer `modified` wins.

    ``source_name`` (default: the path) is what provenance records, e.g. the URL downloaded.
    """
    origin = source_name or str(path)
    result = FeedImportResult(path=origin, change_seq=repo.max_change_seq(session) + 1)
    snapshots: dict[str, FeedSnapshot] = {}
    for batch in read_feed(path, source=source, max_bytes=max_bytes):
        snap = snapshots.get(batch.kind)
        if snap is None:
            snap = FeedSnapshot(
                kind=batch.kind,
                source_name=origin,
                digest=batch.snapshot_digest,
                imported_by=actor,
                meta=_jsonable(batch.metadata),
            )
            session.add(snap)
            session.flush()
            snapshots[batch.kind] = snap
        _import_batch(session, batch, snap, result)
    for snap in snapshots.values():
        snap.problems = [asdict(p) for p in result.problems if p][:1000]
    result.kinds = set(snapshots)
    result.snapshot_ids = [s.id for s in snapshots.values()]
    audit.record(
        session,
        actor=actor,
        action="feed.import",
        object_type="feed_snapshot",
        object_id=result.snapshot_ids[0] if result.snapshot_ids else None,
        details={
            "path": origin,
            "kinds": sorted(result.kinds),
            "digests": sorted(s.digest for s in snapshots.values()),
            "new": result.new,
            "updated": result.updated,
            "unchanged": result.unchanged,
            "problems": len(result.problems),
        },
    )
    return result


def _jsonable(meta: dict[str, Any]) -> dict[str, Any]:
    return {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in meta.items()}


def _import_batch(
    session: Session, batch: FeedBatch, snap: FeedSnapshot, result: FeedImportResult
) -> None:
    result.problems.extend(batch.problems)
    if batch.records:
        _upsert_records(session, batch.records, snap, result)
    if batch.kev:
        _upsert_kev(session, batch.kev, snap)
        result.kev += len(batch.kev)
    if batch.epss:
        _upsert_epss(session, batch.epss, snap)
        result.epss += len(batch.epss)
    snap.records += len(batch.records) + len(batch.kev) + len(batch.epss)


def _newest(records: list[VulnRecord]) -> list[VulnRecord]:
    best: dict[tuple[str, str], VulnRecord] = {}
    for r in records:
        key = (r.source, r.id)
        prior = best.get(key)
        if prior is None or _later(r, prior):
            best[key] = r
    return list(best.values())


def _later(a: VulnRecord, b: VulnRecord) -> bool:
    if a.modified is None or b.modified is None:
        return True
    return a.modified >= b.modified


def _upsert_records(
    session: Session, records: list[VulnRecord], snap: FeedSnapshot, result: FeedImportResult
) -> None:
    records = _newest(records)
    result.records += len(records)
    # the same record in two files of one import (NVD yearly files overlap): the first one wins
    # unless a later one is strictly newer, so importing the same files again changes nothing
    fresh = []
    for r in records:
        key = (r.source, r.id)
        if key in result.seen and not _strictly_newer(r.modified, result.seen[key]):
            result.unchanged += 1
            continue
        result.seen[key] = r.modified
        fresh.append(r)
    records = fresh
    existing = repo.existing_advisories(session, [(r.source, r.id) for r in records])
    changed: list[tuple[VulnRecord, AdvisoryValues, int | None]] = []
    for r in records:
        values = codec.record_values(r)
        prior = existing.get((r.source, r.id))
        if prior is not None:
            if prior.content_hash == values["content_hash"]:
                result.unchanged += 1
                continue
            if r.modified and prior.modified and _aware(r.modified) < _aware(prior.modified):
                result.older_skipped += 1
                continue
        changed.append((r, values, prior.id if prior is not None else None))
        result.withdrawn += r.withdrawn is not None
    if not changed:
        return
    groups = aliases.assign_groups(session, [codec.all_ids(r) for r, _, _ in changed])
    new_rows: list[AdvisoryValues] = []
    new_records: list[VulnRecord] = []
    upd_rows: list[dict[str, Any]] = []
    stored: list[tuple[int, VulnRecord]] = []
    for (r, values, prior_id), group in zip(changed, groups, strict=True):
        values["vulnerability_id"] = group
        values["snapshot_id"] = snap.id
        values["change_seq"] = result.change_seq
        if prior_id is None:
            new_rows.append(values)
            new_records.append(r)
        else:
            upd_rows.append({"id": prior_id, **values})
            stored.append((prior_id, r))
    if new_rows:
        stored += zip(repo.insert_advisories(session, new_rows), new_records, strict=True)
        result.new += len(new_rows)
    if upd_rows:
        repo.update_advisories(session, upd_rows)
        result.updated += len(upd_rows)
    key_rows = [(aid, *key) for aid, r in stored for key in sorted(codec.lookup_keys(r))]
    bulk.insert_rows(
        session, AdvisoryKey.__table__, ("advisory_id", "kind", "space", "name"), key_rows
    )
    refresh_scores(session, sorted(set(groups)))
    session.flush()


def refresh_scores(session: Session, vulnerability_ids: Sequence[int]) -> None:
    """Recompute the stored severity and CVSS score of vulnerabilities from all their records
    (what the finding list filters and sorts by in SQL); every advisory write calls it."""
    scored: dict[int, list[Scored]] = {vid: [] for vid in vulnerability_ids}
    for vid, source_id, severities in repo.stated_severities(session, vulnerability_ids):
        scored[vid].extend(score_stated(severities or [], source_id))
    repo.store_scores(session, {vid: group_summary(items) for vid, items in scored.items()})


def _strictly_newer(a: Any, b: Any) -> bool:
    return a is not None and b is not None and _aware(a) > _aware(b)


def _aware(value: Any) -> Any:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def _upsert_kev(session: Session, entries: list[KevEntry], snap: FeedSnapshot) -> None:
    rows = {
        e.cve_id: {
            "cve_id": e.cve_id,
            "vendor": e.vendor,
            "product": e.product,
            "name": e.name,
            "date_added": e.date_added,
            "due_date": e.due_date,
            "known_ransomware": e.known_ransomware,
            "required_action": e.required_action,
            "snapshot_id": snap.id,
        }
        for e in entries
    }
    bulk.upsert_rows(session, KevEntryRow.__table__, list(rows.values()), ("cve_id",))


def _upsert_epss(session: Session, scores: list[EpssScore], snap: FeedSnapshot) -> None:
    rows = {
        s.cve_id: {
            "cve_id": s.cve_id,
            "epss": s.epss,
            "percentile": s.percentile,
            "score_date": s.score_date,
            "model_version": s.model_version,
            "snapshot_id": snap.id,
        }
        for s in scores
    }
    bulk.upsert_rows(session, EpssRow.__table__, list(rows.values()), ("cve_id",))


def get_vulnerability(
    session: Session, vuln_id: str
) -> tuple[Vulnerability, list[str], list[Advisory]]:
    """A vulnerability by any of its ids, with every alias and every source record."""
    vuln = repo.vulnerability_by_alias(session, vuln_id)
    if vuln is None:
        raise NotFound(
            f"no vulnerability known as {vuln_id!r} (import feeds with `medsec feeds import`)"
        )
    ids = repo.group_ids(session, [vuln.id]).get(vuln.id, [])
    return vuln, ids, repo.advisories_of_groups(session, [vuln.id])


def kev_for(session: Session, cves: list[str]) -> dict[str, KevEntryRow]:
    """KEV entries of the given CVE ids."""
    return repo.kev_for(session, cves)


def epss_for(session: Session, cves: list[str]) -> dict[str, EpssRow]:
    """EPSS scores of the given CVE ids."""
    return repo.epss_for(session, cves)


def exploitation_signals(
    session: Session, cves: Sequence[str]
) -> dict[str, tuple[bool, float | None]]:
    """Per CVE: listed in CISA KEV, and its EPSS probability (None when unknown)."""
    wanted = sorted(set(cves))
    kev = repo.kev_for(session, wanted)
    epss = repo.epss_for(session, wanted)
    return {c: (c in kev, epss[c].epss if c in epss else None) for c in wanted}


@dataclass(frozen=True, slots=True)
class FeedStatus:
    """When a vulnerability database (feed kind) was last imported, from where, how many records."""

    kind: str
    source_name: str
    imported_at: Any
    records: int


def feed_status(session: Session) -> dict[str, FeedStatus]:
    """The last import of each vulnerability database medsec consults (documents, plan)."""
    return {
        k: FeedStatus(k, r.source_name, _aware(r.imported_at), r.records)
        for k, r in repo.latest_snapshots(session).items()
    }


def feed_snapshots(session: Session) -> list[FeedSnapshot]:
    """Every imported feed snapshot, newest first."""
    return repo.all_snapshots(session)
