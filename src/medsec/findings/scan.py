"""One-shot scan of an SBOM file: match it against feed files or the stored feeds; store nothing."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from medsec.core.cpe import cpe_key
from medsec.core.gcpause import paused_gc
from medsec.core.severity import rank
from medsec.findings import display
from medsec.ingest.feeds import read_feed
from medsec.ingest.sbom import parse_sbom
from medsec.ingest.sbom_model import ParsedSbom
from medsec.ingest.vuln_model import VulnRecord
from medsec.matching.aliases import group_records
from medsec.matching.engine import Matcher, Miss
from medsec.sbom.convert import package_key
from medsec.vulns import display as vuln_display
from medsec.vulns import queries as vuln_queries


@dataclass
class ScanResult:
    """Findings of a scan, plus what could not be evaluated."""

    sbom: ParsedSbom
    findings: list[dict[str, Any]] = field(default_factory=list)
    misses: list[Miss] = field(default_factory=list)
    records: int = 0

    @property
    def unmatched(self) -> list[dict[str, Any]]:
        """The components that could not be evaluated, with why (built when asked for)."""
        comps = self.sbom.components
        return [
            {
                "component": display.component_view(comps[m.component_id]),
                "identifier": m.identifier,
                "reason": m.reason,
            }
            for m in self.misses
        ]

    def worst(self) -> str | None:
        """The highest severity among the findings."""
        sev = [f["vulnerability"]["severity"] for f in self.findings]
        return max(sev, key=rank, default=None)


@dataclass
class ScanIndex:
    """What every scan of one feed set needs, built once: the matcher's indexes, the alias
    groups and the records by id."""

    matcher: Matcher
    groups: dict[str, tuple[str, list[str]]]
    by_id: dict[str, VulnRecord]
    size: int  # the number of records it was built from


@dataclass
class Intelligence:
    """Records, KEV and EPSS to scan against; the scan index is built on the first scan and
    kept for every later one (rebuilt only when records were added)."""

    records: list[VulnRecord] = field(default_factory=list)
    kev: dict[str, Any] = field(default_factory=dict)
    epss: dict[str, Any] = field(default_factory=dict)
    _index: ScanIndex | None = field(default=None, repr=False, compare=False)

    def index(self) -> ScanIndex:
        """The scan index of these records, built once."""
        if self._index is None or self._index.size != len(self.records):
            self._index = ScanIndex(
                matcher=Matcher(self.records),
                groups=group_records(self.records),
                by_id={r.id: r for r in self.records},
                size=len(self.records),
            )
        return self._index


def load_feeds(paths: Sequence[Path], *, max_bytes: int) -> Intelligence:
    """Read feed files, directories or zips into memory."""
    intel = Intelligence()
    for path in paths:
        for batch in read_feed(path, max_bytes=max_bytes):
            intel.records.extend(batch.records)
            intel.kev.update({k.cve_id: k for k in batch.kev})
            intel.epss.update({e.cve_id: e for e in batch.epss})
    return intel


def load_stored(session: Session, sbom: ParsedSbom) -> Intelligence:
    """The stored records that could apply to the SBOM's components, with KEV and EPSS."""
    keys: set[tuple[str, str, str]] = set()
    for c in sbom.components:
        space, name = package_key(c.purl)
        if space and name:
            keys.add(("pkg", space, name))
        ck = cpe_key(c.cpe) if c.cpe else None
        if ck:
            keys.add(("cpe", "cpe", ck))
    records = vuln_queries.records_for_keys(session, sorted(keys))
    cves = sorted({i for r in records for i in (r.id, *r.aliases) if i.startswith("CVE-")})
    kev: dict[str, Any] = dict(vuln_queries.kev_for(session, cves))
    epss: dict[str, Any] = dict(vuln_queries.epss_for(session, cves))
    return Intelligence(records, kev, epss)


def scan(sbom: ParsedSbom, intel: Intelligence) -> ScanResult:
    """Match every component of the SBOM; group hits by vulnerability (aliases merged)."""
    with paused_gc():  # many small acyclic objects; see core.gcpause
        return _scan(sbom, intel)


def _scan(sbom: ParsedSbom, intel: Intelligence) -> ScanResult:
    comps = sbom.components
    platform = [c.cpe for c in comps if c.cpe]
    index = intel.index()  # component ids are positions in the SBOM
    outcome = index.matcher.outcome([(c.purl, c.cpe, c.version) for c in comps], platform)
    groups, by_id = index.groups, index.by_id
    grouped: dict[tuple[int, str], list[dict[str, Any]]] = {}
    for cid, rid, identifier, value, reason in outcome.explanations():
        grouped.setdefault((cid, groups[rid][0]), []).append(
            {
                "record": rid,
                "source": by_id[rid].source,
                "identifier": identifier,
                "value": value,
                "reason": reason,
            }
        )
    result = ScanResult(sbom=sbom, misses=outcome.misses(), records=len(intel.records))
    views: dict[str, dict[str, Any]] = {}  # one view per vulnerability, shared by its components
    for (cid, key), matched_by in sorted(grouped.items()):
        view = views.get(key)
        if view is None:
            ids = groups[matched_by[0]["record"]][1]
            recs = [by_id[i] for i in ids if i in by_id]
            view = views[key] = vuln_display.vulnerability_view(
                key, ids, recs, intel.kev, intel.epss
            )
        result.findings.append(
            {
                "component": display.component_view(comps[cid]),
                "vulnerability": dict(view),
                "matched_by": matched_by,
            }
        )
    return result


def parse(data: bytes, *, source: str, max_bytes: int, lenient: bool = False) -> ParsedSbom:
    """Parse the SBOM to scan."""
    return parse_sbom(data, source=source, max_bytes=max_bytes, strict=not lenient)


def at_or_above(findings: Iterable[dict[str, Any]], threshold: str) -> int:
    """How many findings have a severity at or above the threshold."""
    return sum(1 for f in findings if rank(f["vulnerability"]["severity"]) >= rank(threshold))
