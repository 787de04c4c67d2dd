"""What medsec knows about each finding that feeds its risk, SSVC and priority: KEV, EPSS, CVSS
(source vectors, the device-context rescoring), and the latest SSVC decision. Batched."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

import cvss
from cvss.exceptions import CVSSError
from sqlalchemy.orm import Session

from medsec.core.severity import Scored, overall, score_one
from medsec.findings import repository as repo
from medsec.ingest.vuln_model import VulnRecord
from medsec.models import CvssRescore, Finding, SsvcDecisionRow
from medsec.vulns import queries as vuln_queries


@dataclass
class Signals:
    """Inputs of one finding's assessment, each with where it came from."""

    finding_id: int
    ids: list[str] = field(default_factory=list)
    kev: bool = False
    kev_date: str | None = None
    epss: float | None = None
    epss_percentile: float | None = None
    cvss_vector: str | None = None  # the vector in force: the rescoring if any, else the source's
    cvss_score: float | None = None
    cvss_source: str | None = None
    cvss_exploitability: float | None = None  # CVSS v3 exploitability subscore, when v3
    rescored: bool = False
    ssvc_outcome: str | None = None
    ssvc_exploitation: str | None = None
    ssvc_vector: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready form."""
        return asdict(self)


@lru_cache(maxsize=4096)
def exploitability_subscore(vector: str) -> float | None:
    """The CVSS v3 exploitability subscore of a vector (None for v2/v4 or an invalid vector)."""
    if not vector.startswith("CVSS:3"):
        return None
    try:
        return round(float(cvss.CVSS3(vector).esc), 1)
    except CVSSError:
        return None


@dataclass(frozen=True, slots=True)
class VulnContext:
    """What a caller already loaded for the findings' vulnerabilities: every id of each,
    KEV and EPSS rows by CVE, and the records of each with what a finding shows of them
    (`vulns.queries.shown_records_of`: no affected ranges)."""

    ids: dict[int, list[str]]
    kev: dict[str, Any]
    epss: dict[str, Any]
    records: dict[int, list[VulnRecord]]


def vuln_context(session: Session, vids: Sequence[int]) -> VulnContext:
    """Load the ids, KEV, EPSS and records of the given vulnerabilities (two queries)."""
    ids, kev, epss = vuln_queries.intel_of(session, vids)
    return VulnContext(ids, kev, epss, vuln_queries.shown_records_of(session, vids))


def signals_for(
    session: Session, findings: Sequence[Finding], context: VulnContext | None = None
) -> dict[int, Signals]:
    """Signals of many findings with a fixed number of queries (fewer with ``context``)."""
    vids = sorted({f.vulnerability_id for f in findings})
    ctx = context if context is not None else vuln_context(session, vids)
    ids, kev, epss = ctx.ids, ctx.kev, ctx.epss
    best: dict[int, Scored] = {}
    records: dict[int, list[Scored]] = {}
    for vid in vids:
        for rec in ctx.records.get(vid, ()):
            records.setdefault(vid, []).extend(
                score_one(s.type, s.value, s.source or rec.id) for s in rec.severities
            )
    for vid, scored in records.items():
        top = overall(s for s in scored if s.score is not None)
        if top is not None:
            best[vid] = top
    fids = [f.id for f in findings]
    rescores = repo.latest_by_finding(session, CvssRescore, fids)
    ssvc = repo.latest_by_finding(session, SsvcDecisionRow, fids)
    out: dict[int, Signals] = {}
    for f in findings:
        sig = Signals(finding_id=f.id, ids=ids.get(f.vulnerability_id, []))
        group_cves = [i for i in sig.ids if i.startswith("CVE-")]
        k = next((kev[c] for c in group_cves if c in kev), None)
        if k is not None:
            sig.kev, sig.kev_date = True, k.date_added.isoformat()
        e = max((epss[c] for c in group_cves if c in epss), key=lambda x: x.epss, default=None)
        if e is not None:
            sig.epss, sig.epss_percentile = e.epss, e.percentile
        r = rescores.get(f.id)
        if r is not None:
            sig.cvss_vector, sig.cvss_score, sig.cvss_source, sig.rescored = (
                r.vector,
                r.score,
                "rescored",
                True,
            )
        elif f.vulnerability_id in best:
            b = best[f.vulnerability_id]
            sig.cvss_vector, sig.cvss_score, sig.cvss_source = b.vector, b.score, b.source
        if sig.cvss_vector:
            sig.cvss_exploitability = exploitability_subscore(sig.cvss_vector)
        s = ssvc.get(f.id)
        if s is not None:
            sig.ssvc_outcome, sig.ssvc_vector = s.outcome, s.vector
            sig.ssvc_exploitation = (s.inputs.get("exploitation") or {}).get("value")
        out[f.id] = sig
    return out
