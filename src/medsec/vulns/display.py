"""How a vulnerability is shown: every id and source, the severities scored by the one CVSS
scorer, KEV and EPSS. Pure: used by `vuln show`, the findings list (stored data) and `scan`
(nothing stored)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from medsec.core.severity import overall, score_one
from medsec.ingest.vuln_model import VulnRecord


def vulnerability_view(
    key: str,
    ids: Iterable[str],
    records: Iterable[VulnRecord],
    kev: Mapping[str, Any],
    epss: Mapping[str, Any],
) -> dict[str, Any]:
    """A vulnerability as JSON-able data: ids, summary, severities per source, KEV and EPSS."""
    ids = sorted(set(ids))
    records = sorted(records, key=lambda r: (r.source != "osv", r.id))
    scored = [score_one(s.type, s.value, s.source or r.id) for r in records for s in r.severities]
    best = overall(scored)
    cves = [i for i in ids if i.startswith("CVE-")]
    kev_hit = next((kev[c] for c in cves if c in kev), None)
    epss_hit = max((epss[c] for c in cves if c in epss), key=lambda e: e.epss, default=None)
    return {
        "id": key,
        "aliases": [i for i in ids if i != key],
        "summary": next((r.summary for r in records if r.summary), None),
        "severity": best.severity if best else None,
        "cvss_score": best.score if best else None,
        "severities": [
            {
                "source": s.source,
                "type": s.type,
                "vector": s.vector,
                "score": s.score,
                "severity": s.severity,
                **({"error": s.error} if s.error else {}),
            }
            for s in scored
        ],
        "kev": None
        if kev_hit is None
        else {
            "cve": kev_hit.cve_id,
            "date_added": kev_hit.date_added.isoformat(),
            "due_date": kev_hit.due_date.isoformat() if kev_hit.due_date else None,
            "known_ransomware": kev_hit.known_ransomware,
        },
        "epss": None
        if epss_hit is None
        else {
            "cve": epss_hit.cve_id,
            "score": epss_hit.epss,
            "percentile": epss_hit.percentile,
            "date": epss_hit.score_date.isoformat() if epss_hit.score_date else None,
        },
        "records": [
            {
                "source": r.source,
                "id": r.id,
                "modified": r.modified.isoformat() if r.modified else None,
                "withdrawn": r.withdrawn is not None,
            }
            for r in records
        ],
    }
