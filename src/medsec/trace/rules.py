"""Pure traceability rules: the matrix threat -> risk -> control -> verification -> result,
its gaps (threats without controls, controls without evidence, failing evidence, risks not
accepted; counted per threat), and the flat rows the table, CSV and XLSX outputs share."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

GAP_KINDS = (
    "threat-without-control",
    "control-without-evidence",
    "failing-evidence",
    "risk-not-accepted",
)
GAP_TEXT = {
    "threat-without-control": "threats without a control",
    "control-without-evidence": "threats whose control has no evidence yet",
    "failing-evidence": "threats whose control failed its tests",
    "risk-not-accepted": "threats whose risk is not accepted",
}
_NEEDS_CONTROL = frozenset({"open", "mitigated"})
_FAILED = frozenset({"fail", "error"})


@dataclass(frozen=True, slots=True)
class ResultCell:
    """One verification result linked to a control (or to the threat directly)."""

    kind: str
    key: str
    name: str
    outcome: str
    source: str  # the imported file's name


@dataclass(frozen=True, slots=True)
class ControlCell:
    """A control mitigating the threat, its verification status and its results."""

    key: str
    name: str
    verification: str  # verified | unverified | failing
    results: tuple[ResultCell, ...] = ()


@dataclass(frozen=True, slots=True)
class RiskCell:
    """A risk record hanging off the threat."""

    id: int
    harm: str
    residual: str
    region: str
    status: str  # draft | accepted
    fda_class: str


@dataclass(frozen=True, slots=True)
class ThreatCell:
    """The threat a matrix row starts from."""

    key: str
    title: str
    category: str
    status: str
    target: str | None


@dataclass(frozen=True, slots=True)
class MatrixRow:
    """One threat with its risks, controls, results and the gaps found on it."""

    threat: ThreatCell
    risks: tuple[RiskCell, ...]
    controls: tuple[ControlCell, ...]
    gaps: tuple[str, ...]
    verified_by: tuple[ResultCell, ...] = ()  # results linked to the threat directly


@dataclass(frozen=True, slots=True)
class Matrix:
    """The whole matrix of a release and the gap counts."""

    rows: tuple[MatrixRow, ...]
    gap_counts: dict[str, int] = field(default_factory=dict)

    @property
    def gaps(self) -> list[str]:
        """The gaps in words, for the fourth question ("did we do enough?")."""
        return [f"{n} {GAP_TEXT[k]}" for k, n in self.gap_counts.items() if n]


def row_gaps(
    threat: ThreatCell,
    risks: list[RiskCell],
    controls: list[ControlCell],
    direct: Sequence[ResultCell] = (),
) -> list[str]:
    """The gaps of one threat's chain; a failing result linked to the threat directly counts
    as failing evidence like a control's."""
    out = []
    if threat.status in _NEEDS_CONTROL and not controls:
        out.append("threat-without-control")
    if any(c.verification == "unverified" for c in controls):
        out.append("control-without-evidence")
    if any(c.verification == "failing" for c in controls) or any(
        r.outcome in _FAILED for r in direct
    ):
        out.append("failing-evidence")
    if any(r.status != "accepted" for r in risks):
        out.append("risk-not-accepted")
    return out


def build(
    rows: list[tuple[ThreatCell, list[RiskCell], list[ControlCell]]],
    direct: Mapping[str, Sequence[ResultCell]] | None = None,
) -> Matrix:
    """The matrix from each threat's risks and controls (and the results linked to a threat
    directly, by threat key), with the gaps flagged and counted."""
    out = []
    counts = dict.fromkeys(GAP_KINDS, 0)
    for threat, risks, controls in rows:
        mine = tuple((direct or {}).get(threat.key, ()))
        gaps = row_gaps(threat, risks, controls, mine)
        for g in gaps:
            counts[g] += 1
        out.append(MatrixRow(threat, tuple(risks), tuple(controls), tuple(gaps), mine))
    return Matrix(tuple(out), counts)


FLAT_COLUMNS = (
    "threat",
    "threat_title",
    "category",
    "threat_status",
    "target",
    "risks",
    "control",
    "control_name",
    "verification",
    "results",
    "gaps",
    "verified_by",
)


def flatten(matrix: Matrix) -> list[dict[str, str]]:
    """One line per threat and control (a threat without controls gets one line)."""
    lines = []
    for row in matrix.rows:
        risks = "; ".join(f"risk {r.id}: {r.residual} ({r.status})" for r in row.risks)
        base = {
            "threat": row.threat.key,
            "threat_title": row.threat.title,
            "category": row.threat.category,
            "threat_status": row.threat.status,
            "target": row.threat.target or "",
            "risks": risks,
            "gaps": ", ".join(row.gaps),
            "verified_by": "; ".join(f"{r.kind}:{r.key}={r.outcome}" for r in row.verified_by),
        }
        for c in row.controls or (None,):
            results = "; ".join(f"{r.kind}:{r.key}={r.outcome}" for r in c.results) if c else ""
            lines.append(
                base
                | {
                    "control": c.key if c else "",
                    "control_name": c.name if c else "",
                    "verification": c.verification if c else "",
                    "results": results,
                }
            )
    return [{k: line[k] for k in FLAT_COLUMNS} for line in lines]
