"""Order of the work list of open findings, and the reasons shown next to each one.

Criteria, most important first: residual risk of patient harm (the policy's risk-level rank),
SSVC outcome, listed in CISA KEV, EPSS probability, CVSS base score. A missing value ranks below
every present value of the same criterion, so the order is total and deterministic; equal keys
keep their input order (Python's sort is stable), so callers append their own id to break ties.

One exception to "missing ranks below": a finding with no risk record yet that is high-severity
(CVSS base score 7.0 or more, listed in CISA KEV, or an SSVC outcome of Out-of-Cycle/Immediate
or Attend/Act) ranks above every assessed finding. Its patient-harm risk is unknown, not low;
an unassessed critical must not sink below assessed medium findings. Once its risk is assessed
it takes the place its residual risk gives it.
"""

from __future__ import annotations

from medsec.errors import InvalidInput

# SSVC outcome groups: DSOI (supplier and deployer trees) and the CISA coordinator levels.
SSVC_RANK = {
    "defer": 0,
    "d": 0,
    "scheduled": 1,
    "s": 1,
    "out-of-cycle": 2,
    "out_of_cycle": 2,
    "o": 2,
    "immediate": 3,
    "i": 3,
    "track": 0,
    "track*": 1,
    "track star": 1,
    "attend": 2,
    "act": 3,
}
MISSING = -1.0
HIGH_CVSS = 7.0
# Above any policy's residual-risk rank (policies have a handful of levels); JSON-safe.
UNASSESSED_URGENT = 1000.0

PriorityKey = tuple[float, float, float, float, float]


def _ssvc_rank(outcome: str | None) -> int:
    if outcome is None:
        return -1
    key = outcome.strip().lower()
    if key not in SSVC_RANK:
        raise InvalidInput(
            f"[priority.ssvc_outcome.unknown] SSVC outcome {outcome!r} is not Defer, Scheduled, "
            "Out-of-Cycle, Immediate (or CISA Track, Track*, Attend, Act)"
        )
    return SSVC_RANK[key]


def _check_range(name: str, value: float | None, top: float) -> None:
    if value is not None and not 0.0 <= value <= top:  # also refuses NaN
        raise InvalidInput(f"[priority.{name}.range] {name} must be within 0..{top:g}, got {value}")


def priority_key(
    residual_risk_level: int | None,
    ssvc_outcome: str | None,
    kev: bool | None,
    epss: float | None,
    cvss: float | None,
) -> PriorityKey:
    """Sort key of an open finding; sort with ``reverse=True`` to put the most urgent first.

    ``residual_risk_level`` is the rank of the residual risk level in the risk policy (0 = lowest;
    ``RiskEvaluation.residual_level_rank``); None when no risk record exists yet.
    """
    _check_range("epss", epss, 1.0)
    _check_range("cvss", cvss, 10.0)
    ssvc = _ssvc_rank(ssvc_outcome)
    if residual_risk_level is not None:
        first = float(residual_risk_level)
    elif unassessed_urgent(ssvc_outcome, kev, cvss):
        first = UNASSESSED_URGENT
    else:
        first = MISSING
    return (
        first,
        float(ssvc),
        MISSING if kev is None else float(kev),
        MISSING if epss is None else float(epss),
        MISSING if cvss is None else float(cvss),
    )


def unassessed_urgent(ssvc_outcome: str | None, kev: bool | None, cvss: float | None) -> bool:
    """Whether a finding without a risk record is high-severity enough to rank first."""
    return bool(kev) or (cvss is not None and cvss >= HIGH_CVSS) or _ssvc_rank(ssvc_outcome) >= 2


def why(
    residual_risk_level: int | None,
    ssvc_outcome: str | None,
    kev: bool | None,
    epss: float | None,
    cvss: float | None,
    *,
    residual_risk_label: str | None = None,
) -> list[str]:
    """Human-readable reasons for a finding's place in the work list, in criterion order."""
    priority_key(residual_risk_level, ssvc_outcome, kev, epss, cvss)  # same refusals
    out: list[str] = []
    if residual_risk_level is None and unassessed_urgent(ssvc_outcome, kev, cvss):
        out.append(
            "high severity and no risk record yet: ranked first until its patient-harm risk"
            " is assessed"
        )
    elif residual_risk_level is None:
        out.append("no risk record yet: residual risk of patient harm unknown")
    else:
        label = f" ({residual_risk_label})" if residual_risk_label else ""
        out.append(f"residual risk level {residual_risk_level}{label}")
    out.append(f"SSVC {ssvc_outcome}" if ssvc_outcome else "no SSVC decision")
    if kev is None:
        out.append("KEV status unknown")
    else:
        out.append("listed in CISA KEV (known exploited)" if kev else "not in CISA KEV")
    out.append(f"EPSS {epss:.4f}" if epss is not None else "no EPSS score")
    out.append(f"CVSS {cvss:.1f}" if cvss is not None else "no CVSS score")
    return out
