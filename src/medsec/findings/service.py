"""Use cases of findings: full and incremental re-matching of releases against stored records."""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.core.gcpause import paused_gc
from medsec.findings import notices, reconcile
from medsec.findings import repository as repo
from medsec.matching.cpe import CpeIndex
from medsec.matching.engine import Candidate, Hit, Matcher, Miss
from medsec.matching.index import AdvisoryIndex
from medsec.models import MatchState
from medsec.vulns import codec
from medsec.vulns import queries as vuln_queries


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


def match(
    session: Session, *, actor: str, release_ids: list[int] | None = None, full: bool = False
) -> MatchReport:
    """Re-match releases: fully where the SBOM changed, else only against changed records."""
    started, begun = time.perf_counter(), utcnow()
    report = MatchReport()
    head = vuln_queries.change_head(session)
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
        _incremental(session, pairs, vuln_queries.groups_changed_after(session, seq), report)
    report.releases_full = len(full_pairs)
    report.releases_incremental = sum(len(p) for p in pending.values())
    for release_id, sbom_id in full_pairs + [p for ps in pending.values() for p in ps]:
        state = states.get(release_id) or session.get(MatchState, release_id)
        if state is None:
            state = MatchState(release_id=release_id)
            session.add(state)
        state.sbom_id, state.advisory_seq, state.matched_at = sbom_id, head, utcnow()
    session.flush()
    notices.emit_after_match(session, since=begun)  # new findings and KEV hits, told once
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


def matched(session: Session, *, release_id: int) -> bool:
    """True when the release's current SBOM was matched against the vulnerability records
    (component vulnerability search, seed 5.3)."""
    return repo.matched_current_sbom(session, release_id)


def _candidates(rows: list[Any]) -> list[Candidate]:
    return [Candidate(r.id, r.purl, r.cpe, r.version) for r in rows if r.purl or r.cpe]


def _match_candidates(rows: list[Any]) -> list[Candidate]:
    """``_candidates`` of ``repo.components`` rows, unpacked by position (a row's attribute
    lookup costs more than building the candidate)."""
    return [Candidate(i, purl, cpe, v) for i, _g, _n, v, purl, cpe in rows if purl or cpe]


def _origins(rows: list[Any], report: MatchReport) -> dict[str, reconcile.Origin]:
    """Record id -> source and vulnerability of the first advisory row with that id."""
    report.advisories += len(rows)
    by_record: dict[str, reconcile.Origin] = {}
    for row in rows:
        if row.source_id not in by_record:
            by_record[row.source_id] = reconcile.Origin(row.source, row.vulnerability_id)
    return by_record


def _matcher(rows: list[Any], report: MatchReport) -> tuple[Matcher, dict[str, Any]]:
    """One index over the advisory rows for the whole run, and their origins by record id."""
    return Matcher(codec.to_match_record(r) for r in rows), _origins(rows, report)


def _form_matcher(rows: list[Any], report: MatchReport) -> tuple[Matcher, dict[str, Any]]:
    """``_matcher`` from the advisories' compact match forms (no full record decoded)."""
    cpe_records: list[Any] = []
    advisories = AdvisoryIndex.build_plain(codec.match_parts(rows, cpe_records))
    return Matcher.of(advisories, CpeIndex.build(cpe_records)), _origins(rows, report)


JOIN_FROM_COMPONENTS = 20_000  # above: the database finds the advisories by a semi-join
FULL_BATCH_COMPONENTS = 1_500_000  # releases matched with one advisory index (bounds memory)


def _full(session: Session, pairs: list[tuple[int, int]], report: MatchReport) -> None:
    """Match every component of the given releases, a batch of releases per advisory index."""
    sizes = repo.component_counts(session, [s for _, s in pairs])
    batch: list[tuple[int, int]] = []
    total = 0
    for pair in pairs:
        if batch and total + sizes.get(pair[1], 0) > FULL_BATCH_COMPONENTS:
            with paused_gc():
                _full_batch(session, batch, report)
            batch, total = [], 0
        batch.append(pair)
        total += sizes.get(pair[1], 0)
    if batch:
        with paused_gc():
            _full_batch(session, batch, report)


def _full_batch(session: Session, pairs: list[tuple[int, int]], report: MatchReport) -> None:
    sbom_ids = [s for _, s in pairs]
    if sum(repo.component_counts(session, sbom_ids).values()) > JOIN_FROM_COMPONENTS:
        rows = vuln_queries.match_forms_of_sboms(session, sbom_ids)
    else:
        keys = repo.lookup_keys_of(session, sbom_ids)
        rows = vuln_queries.match_forms_for_keys(session, sorted(keys))
    matcher, by_record = _form_matcher(rows, report)
    del rows
    writer = reconcile.Writer(session)
    for release_id, sbom_id in pairs:
        comps = repo.components(session, sbom_id)
        report.components += len(comps)
        cands = _match_candidates(comps)
        hits, misses = matcher.match(cands, [c.cpe for c in cands if c.cpe])
        _count_misses(misses, report)
        existing = repo.finding_states(session, release_id)
        _reconcile(writer, release_id, comps, (hits, misses), by_record, existing, report)


def _incremental(
    session: Session, pairs: list[tuple[int, int]], groups: list[int], report: MatchReport
) -> None:
    """Re-match only the changed records' vulnerabilities, in every given release at once."""
    if not groups:
        return
    rows = vuln_queries.match_rows_of(session, groups)
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
    found: dict[int, list[Any]] = {}
    writer = reconcile.Writer(session)
    for f in repo.finding_states_of_groups(session, groups):  # once for all releases
        found.setdefault(f.release_id, []).append(f)
    for release_id, sbom_id in pairs:
        comps = by_sbom.get(sbom_id, [])
        if not comps and release_id not in found:
            continue
        report.components += len(comps)
        hits: list[Hit] = []
        misses: list[Miss] = []
        if comps:
            platform = repo.release_cpes(session, sbom_id) if cpe_keys else []
            hits, misses = matcher.match(_candidates(comps), platform)
            _count_misses(misses, report)
        existing = found.get(release_id, [])
        _reconcile(writer, release_id, comps, (hits, misses), by_record, existing, report)


def _count_misses(misses: list[Any], report: MatchReport) -> None:
    for miss in misses:
        report.unmatched[miss.reason.split(":")[0]] += 1


def _reconcile(
    writer: reconcile.Writer,
    release_id: int,
    comps: list[Any],
    matched: tuple[list[Hit], list[Miss]],
    by_record: dict[str, Any],
    existing: list[Any],
    report: MatchReport,
) -> None:
    """Make a release's findings (those given: all, or the changed vulnerabilities') match the
    hits, and the upstream-only matches of distribution packages (shown, not counted)."""
    hits, misses = matched
    upstream = [m for m in misses if m.upstream_only]
    desired = reconcile.desired_findings(comps, hits, by_record, upstream)
    new, resolved, reopened = reconcile.reconcile(writer, release_id, desired, existing)
    report.new += new
    report.resolved += resolved
    report.reopened += reopened
    report.active += sum(1 for *_, status in desired.values() if status == "active")


def match_summary(session: Session, release_id: int) -> tuple[Any, dict[int, list[str]]]:
    """When a release was last matched, and the active findings' vulnerability ids per component
    id (for the security test report's cross-reference; no access check)."""
    state = repo.match_states(session).get(release_id)
    out: dict[int, list[str]] = {}
    for component_id, key in repo.active_by_component(session, release_id):
        if component_id is not None:
            out.setdefault(component_id, []).append(key)
    return (state.matched_at if state else None), {k: sorted(v) for k, v in out.items()}
