"""Use cases of findings: full and incremental re-matching of releases against stored records."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, update
from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.findings import repository as repo
from medsec.matching.engine import Candidate, Hit, Matcher
from medsec.models import Finding, FindingEvent, MatchState
from medsec.models.base import utcnow
from medsec.vulns import codec
from medsec.vulns import repository as vuln_repo


@dataclass
class MatchReport:
    """What one `medsec match` run did."""

    releases_full: int = 0
    releases_incremental: int = 0
    components: int = 0
    advisories: int = 0
    new: int = 0
    resolved: int = 0
    reopened: int = 0
    active: int = 0
    unmatched: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0


FINDINGS: Any = Finding.__table__
FINDING_EVENTS: Any = FindingEvent.__table__


def _by_keys(rows: list[dict[str, Any]]) -> list[list[dict[str, Any]]]:
    """Group bulk-update rows by their set of keys (one executemany per shape)."""
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(sorted(row)), []).append(row)
    return list(groups.values())


def component_key(row: Any) -> str:
    """The identity a finding is kept under across SBOM revisions: purl, else group/name@version."""
    if row.purl:
        return f"purl:{row.purl}"
    name = f"{row.group}/{row.name}" if row.group else row.name
    return f"name:{name}@{row.version or ''}"


def match(
    session: Session, *, actor: str, release_ids: list[int] | None = None, full: bool = False
) -> MatchReport:
    """Re-match releases: fully where the SBOM changed, else only against changed records."""
    started = time.perf_counter()
    report = MatchReport()
    head = vuln_repo.max_change_seq(session)
    states = repo.match_states(session)
    full_pairs: list[tuple[int, int]] = []
    pending: dict[int, list[tuple[int, int]]] = {}  # advisory seq -> (release, sbom) to update
    for release_id, sbom_id in repo.current_sboms(session, release_ids):
        state = states.get(release_id)
        if full or state is None or state.sbom_id != sbom_id:
            full_pairs.append((release_id, sbom_id))
        elif state.advisory_seq < head:
            pending.setdefault(state.advisory_seq, []).append((release_id, sbom_id))
    if full_pairs:
        _full(session, full_pairs, report)
    for seq, pairs in pending.items():
        _incremental(session, pairs, vuln_repo.groups_changed_after(session, seq), report)
    report.releases_full = len(full_pairs)
    report.releases_incremental = sum(len(p) for p in pending.values())
    for release_id, sbom_id in full_pairs + [p for ps in pending.values() for p in ps]:
        state = states.get(release_id) or session.get(MatchState, release_id)
        if state is None:
            state = MatchState(release_id=release_id)
            session.add(state)
        state.sbom_id, state.advisory_seq, state.matched_at = sbom_id, head, utcnow()
    session.flush()
    report.seconds = time.perf_counter() - started
    if report.releases_full or report.releases_incremental:
        audit.record(
            session,
            actor=actor,
            action="findings.match",
            object_type="release",
            details={
                "full": report.releases_full,
                "incremental": report.releases_incremental,
                "new": report.new,
                "resolved": report.resolved,
                "reopened": report.reopened,
            },
        )
    return report


def _candidates(rows: list[Any]) -> list[Candidate]:
    return [Candidate(r.id, r.purl, r.cpe, r.version) for r in rows if r.purl or r.cpe]


def _matcher(rows: list[Any], report: MatchReport) -> tuple[Matcher, dict[str, Any]]:
    """One index over the advisory rows for the whole run, and rows by record id."""
    report.advisories += len(rows)
    by_record: dict[str, Any] = {}
    for row in rows:
        by_record.setdefault(row.source_id, row)
    return Matcher(codec.to_match_record(r) for r in rows), by_record


FULL_BATCH_COMPONENTS = 250_000  # releases matched with one advisory index (bounds memory)


def _full(session: Session, pairs: list[tuple[int, int]], report: MatchReport) -> None:
    """Match every component of the given releases, a batch of releases per advisory index."""
    sizes = repo.component_counts(session, [s for _, s in pairs])
    batch: list[tuple[int, int]] = []
    total = 0
    for pair in pairs:
        if batch and total + sizes.get(pair[1], 0) > FULL_BATCH_COMPONENTS:
            _full_batch(session, batch, report)
            batch, total = [], 0
        batch.append(pair)
        total += sizes.get(pair[1], 0)
    if batch:
        _full_batch(session, batch, report)


def _full_batch(session: Session, pairs: list[tuple[int, int]], report: MatchReport) -> None:
    keys = repo.lookup_keys_of(session, [s for _, s in pairs])
    matcher, by_record = _matcher(vuln_repo.match_rows_for_keys(session, sorted(keys)), report)
    for release_id, sbom_id in pairs:
        comps = repo.components(session, sbom_id)
        report.components += len(comps)
        cpes = [r.cpe for r in comps if r.cpe]
        hits, misses = matcher.match(_candidates(comps), cpes)
        _count_misses(misses, report)
        existing = repo.findings_of(session, release_id)
        _reconcile(session, release_id, comps, hits, by_record, existing=existing, report=report)


def _incremental(
    session: Session, pairs: list[tuple[int, int]], groups: list[int], report: MatchReport
) -> None:
    """Re-match only the changed records' vulnerabilities, in every given release at once."""
    if not groups:
        return
    rows = vuln_repo.match_rows_of_groups(session, groups)
    matcher, by_record = _matcher(rows, report)
    pkg_keys: set[tuple[str, str]] = set()
    cpe_keys: set[str] = set()
    for row in rows:
        for kind, space, name in codec.lookup_keys(codec.to_match_record(row)):
            if kind == "pkg":
                pkg_keys.add((space, name))
            else:
                cpe_keys.add(name)
    release_of = {sbom: release for release, sbom in pairs}
    by_sbom: dict[int, list[Any]] = {}
    for row in repo.components_by_keys(
        session, list(release_of), sorted(pkg_keys), sorted(cpe_keys)
    ):
        by_sbom.setdefault(row.sbom_id, []).append(row)
    found: dict[int, list[Finding]] = {}
    for f in repo.findings_of_groups(session, groups):  # once for all releases
        found.setdefault(f.release_id, []).append(f)
    for release_id, sbom_id in pairs:
        comps = by_sbom.get(sbom_id, [])
        if not comps and release_id not in found:
            continue
        report.components += len(comps)
        hits: list[Hit] = []
        if comps:
            platform = repo.release_cpes(session, sbom_id) if cpe_keys else []
            hits, misses = matcher.match(_candidates(comps), platform)
            _count_misses(misses, report)
        existing = found.get(release_id, [])
        _reconcile(session, release_id, comps, hits, by_record, existing=existing, report=report)


def _count_misses(misses: list[Any], report: MatchReport) -> None:
    for miss in misses:
        report.unmatched[miss.reason.split(":")[0]] += 1


def _reconcile(
    session: Session,
    release_id: int,
    comps: list[Any],
    hits: list[Hit],
    adv_by_source_id: dict[str, Any],
    *,
    existing: list[Finding],
    report: MatchReport,
) -> None:
    """Make a release's findings (those given: all, or the changed vulnerabilities') match hits."""
    now = utcnow()
    comp_by_id = {r.id: r for r in comps}
    desired: dict[tuple[str, int], tuple[int, list[dict[str, Any]]]] = {}
    for h in hits:
        adv = adv_by_source_id[h.record_id]
        key = (component_key(comp_by_id[h.component_id]), adv.vulnerability_id)
        _cid, expl = desired.setdefault(key, (h.component_id, []))
        expl.append(
            {
                "record": h.record_id,
                "source": adv.source,
                "identifier": h.identifier,
                "value": h.value,
                "reason": h.reason,
            }
        )
    current = {(f.component_key, f.vulnerability_id): f for f in existing}
    events: list[dict[str, Any]] = []
    new_keys = [key for key in desired if key not in current]
    if new_keys:  # one INSERT … RETURNING for every new finding, then one for their events
        rows = [
            {
                "release_id": release_id,
                "component_key": key[0],
                "component_id": desired[key][0],
                "vulnerability_id": key[1],
                "status": "active",
                "first_seen": now,
                "last_seen": now,
                "explanations": desired[key][1],
            }
            for key in new_keys
        ]
        stmt = insert(FINDINGS).returning(FINDINGS.c.id, sort_by_parameter_order=True)
        for fid, key in zip(session.execute(stmt, rows).scalars(), new_keys, strict=True):
            events.append(
                {
                    "finding_id": fid,
                    "at": now,
                    "event": "new",
                    "details": {"matched_by": desired[key][1]},
                }
            )
        report.new += len(new_keys)
    updates: list[dict[str, Any]] = []
    for key, f in current.items():
        if key in desired:
            cid, expl = desired[key]
            if f.status != "active":
                events.append(
                    {
                        "finding_id": f.id,
                        "at": now,
                        "event": "reopened",
                        "details": {"matched_by": expl},
                    }
                )
                report.reopened += 1
            updates.append(
                {
                    "id": f.id,
                    "status": "active",
                    "resolved_at": None,
                    "component_id": cid,
                    "last_seen": now,
                    "explanations": expl,
                }
            )
        elif f.status == "active":
            events.append(
                {
                    "finding_id": f.id,
                    "at": now,
                    "event": "resolved",
                    "details": {"reason": "no longer matches the current SBOM and records"},
                }
            )
            updates.append({"id": f.id, "status": "resolved", "resolved_at": now})
            report.resolved += 1
    for f in existing:  # these rows change below by bulk statements, not through the objects
        session.expire(f)
    for group in _by_keys(updates):
        cols: dict[str, Any] = {k: bindparam(f"v_{k}") for k in group[0] if k != "id"}
        change = update(FINDINGS).where(FINDINGS.c.id == bindparam("v_id")).values(**cols)
        session.execute(change, [{f"v_{k}": v for k, v in row.items()} for row in group])
    if events:
        session.execute(insert(FINDING_EVENTS), events)
    report.active += len(desired)
