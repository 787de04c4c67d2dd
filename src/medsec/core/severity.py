"""Severity of a vulnerability from what its sources state: CVSS vectors scored, labels mapped.

The overall severity is the highest among the sources; each source's vector and score stay
visible. CVSS is scored by `medsec.core.cvss`, the one scorer (v2, v3.0, v3.1, v4.0).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from medsec.errors import InvalidInput

ORDER = ("none", "low", "medium", "high", "critical")
_LABELS = {
    "none": "none",
    "info": "none",
    "informational": "none",
    "negligible": "none",
    "low": "low",
    "minor": "low",
    "medium": "medium",
    "moderate": "medium",
    "high": "high",
    "important": "high",
    "serious": "high",
    "critical": "critical",
}


@dataclass(frozen=True, slots=True)
class Scored:
    """One source's severity: label, numeric score when CVSS, and the vector it came from."""

    severity: str | None  # one of ORDER, or None when unknown
    score: float | None
    vector: str | None
    type: str
    source: str | None
    error: str | None = None


def rank(severity: str | None) -> int:
    """Position of a severity label in ORDER (-1 for unknown)."""
    return ORDER.index(severity) if severity in ORDER else -1


@lru_cache(maxsize=65536)
def score_vector(kind: str, vector: str) -> tuple[str, float]:
    """(severity, score in force) of a CVSS vector, by the one scorer `medsec.core.cvss.parse`:
    the environmental score when environmental metrics are set, else temporal/threat, else base.
    Raises ValueError for an invalid vector."""
    from medsec.core.cvss import V4_PREFIX, parse  # the cvss library loads only when scoring

    if kind == "CVSS_V4" and not vector.startswith(V4_PREFIX):
        vector = V4_PREFIX + vector
    try:
        result = parse(vector)
    except InvalidInput as exc:
        raise ValueError(str(exc)) from exc
    return result.overall_severity, result.overall_score


def score_one(kind: str, value: str, source: str | None = None) -> Scored:
    """Score one stated severity (a CVSS vector or a label)."""
    if kind.startswith("CVSS"):
        try:
            sev, num = score_vector(kind, value)
        except ValueError as exc:
            return Scored(None, None, value, kind, source, str(exc))
        return Scored(sev, num, value, kind, source)
    return Scored(_LABELS.get(value.strip().lower()), None, None, kind, source)


def overall(scored: Iterable[Scored]) -> Scored | None:
    """The highest severity among the scored sources (CVSS preferred on ties)."""
    best: Scored | None = None
    for s in scored:
        if s.severity is None:
            continue
        if best is None or (rank(s.severity), s.score or 0) > (
            rank(best.severity),
            best.score or 0,
        ):
            best = s
    return best


def group_summary(scored: Iterable[Scored]) -> tuple[str | None, float | None]:
    """(severity shown, CVSS score in force) of a vulnerability from every source's scoring: the
    highest severity of any source, and the score of the highest-scored CVSS vector."""
    items = list(scored)
    shown = overall(items)
    numeric = overall(s for s in items if s.score is not None)
    return (shown.severity if shown else None), (numeric.score if numeric else None)


def score_stated(severities: Iterable[dict[str, object]], record_id: str) -> list[Scored]:
    """Score the severities of one stored advisory (``SeverityScore`` fields as JSON)."""
    return [
        score_one(str(s["type"]), str(s["value"]), str(s.get("source") or record_id))
        for s in severities
    ]
