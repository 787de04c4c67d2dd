"""Pure risk rules: exploitability from threat data, evaluation before/after controls, FDA
controlled/uncontrolled classification with its reporting clock, residual-risk acceptance, heat map.

Seed 5.2: the risk analysis "should focus on assessing the risk of patient harm by considering the
exploitability of the vulnerability and the severity of patient harm if it were exploited", taking
compensating controls and mitigations into account. Seed 6.4.1 a: the postmarket risk assessment
decides whether the residual risk is acceptable.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from medsec.risk.policy import Cell, Exploitability, Region, RiskPolicy, Severity, refuse

__all__ = [
    "Cell",
    "Control",
    "Exploitability",
    "FdaClass",
    "FdaReportingClock",
    "Region",
    "RiskEvaluation",
    "RiskPolicy",
    "Severity",
    "check_acceptance",
    "derive_exploitability",
    "evaluate",
    "fda_reporting_clock",
    "heat_map",
    "override_exploitability",
    "validate_risk_record",
]

REVIEWER_ROLE = "reviewer"
_E = tuple(Exploitability)

# Thresholds of derive_exploitability (each signal sets a floor; the highest floor wins).
CVSS_EXPLOITABILITY_BANDS = (  # CVSS v3.x exploitability subscore (0 .. 3.9)
    (3.5, Exploitability.HIGH),  # e.g. AV:N/AC:L/PR:N/UI:N = 3.9
    (2.5, Exploitability.MEDIUM),  # e.g. network with low privileges or user interaction
    (1.5, Exploitability.LOW),  # adjacent/local access, some complexity
    (0.0, Exploitability.VERY_LOW),  # physical access, high complexity, high privileges
)
EPSS_BANDS = (  # FIRST EPSS probability of exploitation activity in the next 30 days
    (0.5, Exploitability.VERY_HIGH),
    (0.1, Exploitability.HIGH),
    (0.01, Exploitability.MEDIUM),
    (0.0, Exploitability.LOW),
)
SSVC_EXPLOITATION = {  # SSVC Exploitation decision point (v1.1.0 names and the older "poc")
    "none": Exploitability.LOW,
    "public poc": Exploitability.HIGH,
    "public_poc": Exploitability.HIGH,
    "poc": Exploitability.HIGH,
    "p": Exploitability.HIGH,
    "n": Exploitability.LOW,
    "active": Exploitability.VERY_HIGH,
    "a": Exploitability.VERY_HIGH,
}
NO_DATA_DEFAULT = Exploitability.HIGH


def derive_exploitability(
    cvss_exploitability_subscore: float | None,
    epss: float | None,
    kev: bool,
    ssvc_exploitation: str | None,
) -> tuple[Exploitability, list[str]]:
    """Exploitability level from CVSS v3.x exploitability, EPSS, KEV and SSVC, with reasons.

    Each known signal sets a floor and the highest floor wins (so more evidence of exploitation
    never lowers the level): listed in CISA KEV → very_high; SSVC exploitation active → very_high,
    public PoC → high, none → low; EPSS ≥ 0.5 → very_high, ≥ 0.1 → high, ≥ 0.01 → medium, else
    low; CVSS exploitability subscore ≥ 3.5 → high, ≥ 2.5 → medium, ≥ 1.5 → low, else very_low
    (CVSS alone never says very_high: that needs evidence of exploitation). With no signal at all
    the reasonably foreseeable worst case short of known exploitation, high, is assumed.
    """
    found: list[tuple[Exploitability, str]] = []
    if cvss_exploitability_subscore is not None:
        x = float(cvss_exploitability_subscore)
        if not 0.0 <= x <= 3.9:
            raise refuse(
                "risk.exploitability.cvss_range",
                f"CVSS v3 exploitability subscore must be within 0..3.9, got {x}",
            )
        level = next(lv for t, lv in CVSS_EXPLOITABILITY_BANDS if x >= t)
        found.append((level, f"CVSS exploitability subscore {x:.1f} → {level}"))
    if epss is not None:
        p = float(epss)
        if not 0.0 <= p <= 1.0:
            raise refuse("risk.exploitability.epss_range", f"EPSS must be within 0..1, got {p}")
        level = next(lv for t, lv in EPSS_BANDS if p >= t)
        found.append((level, f"EPSS {p:.4f} → {level}"))
    if kev:
        found.append((Exploitability.VERY_HIGH, "listed in CISA KEV (known exploited) → very_high"))
    if ssvc_exploitation is not None:
        key = ssvc_exploitation.strip().lower()
        if key not in SSVC_EXPLOITATION:
            raise refuse(
                "risk.exploitability.ssvc_value",
                f"SSVC exploitation {ssvc_exploitation!r} is not none, public poc or active",
            )
        level = SSVC_EXPLOITATION[key]
        found.append((level, f"SSVC exploitation {key} → {level}"))
    if not found:
        return NO_DATA_DEFAULT, [
            f"no exploitability data: reasonably foreseeable worst case {NO_DATA_DEFAULT} assumed"
        ]
    best = max((lv for lv, _ in found), key=_E.index)
    return best, [*(r for _, r in found), f"highest signal wins → {best}"]


def override_exploitability(
    derived: Exploitability, level: Exploitability | str, reason: str | None
) -> tuple[Exploitability, list[str]]:
    """Replace a derived exploitability by a person's judgement; a reason is required."""
    if not reason or not reason.strip():
        raise refuse(
            "risk.exploitability.override_reason",
            "overriding the derived exploitability needs a reason",
        )
    new = Exploitability(level)
    return new, [f"derived {derived}, overridden to {new}: {reason.strip()}"]


@dataclass(frozen=True, slots=True)
class Control:
    """A risk control and its stated effect, in steps down the exploitability/severity scales.

    Control effect model: most security controls make exploitation harder (exploitability steps);
    only controls that limit the harm itself (an independent safety interlock, a dose limit in
    hardware) lower severity. Effects of all verified controls add up and stop at the lowest level.
    An unverified control has no effect (ISO 14971 7.2: effectiveness must be verified).
    """

    name: str
    exploitability_steps: int = 1
    severity_steps: int = 0
    verified: bool = True

    def __post_init__(self) -> None:
        if not self.name.strip():
            raise refuse("risk.control.name", "a control needs a name")
        if self.exploitability_steps < 0 or self.severity_steps < 0:
            raise refuse("risk.control.steps", f"control {self.name!r}: steps must be ≥ 0")


class FdaClass(StrEnum):
    """FDA postmarket (2016) classification of cybersecurity risk of patient harm."""

    CONTROLLED = "controlled"
    UNCONTROLLED = "uncontrolled"


@dataclass(frozen=True, slots=True)
class RiskEvaluation:
    """Risk before and after controls, whether the residual is acceptable, and the FDA class."""

    policy: str
    severity: str
    exploitability_before: str
    before: Cell
    residual_severity: str
    residual_exploitability: str
    residual: Cell
    controls_applied: tuple[str, ...]
    controls_ignored: tuple[str, ...]
    acceptable: bool
    fda_class: FdaClass
    residual_level_rank: int
    reasons: tuple[str, ...] = field(default=())


def evaluate(
    policy: RiskPolicy, severity: str, exploitability_before: str, controls: Sequence[Control]
) -> RiskEvaluation:
    """Evaluate a risk: cell before controls, residual cell after, acceptability and FDA class.

    Residual risk is acceptable when its region is acceptable or ALARP (ALARP acceptance needs a
    rationale, see ``check_acceptance``); FDA class is controlled exactly when it is acceptable.
    """
    s0 = policy.severity_rank(severity)
    e0 = policy.exploitability_rank(exploitability_before)
    used = [c for c in controls if c.verified]
    ignored = tuple(c.name for c in controls if not c.verified)
    e1 = max(0, e0 - sum(c.exploitability_steps for c in used))
    s1 = max(0, s0 - sum(c.severity_steps for c in used))
    before = policy.cells[e0][s0]
    residual = policy.cells[e1][s1]
    ok = residual.region is not Region.UNACCEPTABLE
    reasons = [
        f"before controls: {exploitability_before} × {severity} → {before.level} ({before.region})"
    ]
    reasons += [
        f"control {c.name!r}: −{c.exploitability_steps} exploitability, −{c.severity_steps} "
        "severity"
        for c in used
    ]
    reasons += [f"control {n!r} not verified: no effect counted" for n in ignored]
    reasons.append(
        f"residual: {policy.exploitability_levels[e1]} × {policy.severity_levels[s1]} → "
        f"{residual.level} ({residual.region})"
    )
    return RiskEvaluation(
        policy=policy.name,
        severity=severity,
        exploitability_before=exploitability_before,
        before=before,
        residual_severity=policy.severity_levels[s1],
        residual_exploitability=policy.exploitability_levels[e1],
        residual=residual,
        controls_applied=tuple(c.name for c in used),
        controls_ignored=ignored,
        acceptable=ok,
        fda_class=FdaClass.CONTROLLED if ok else FdaClass.UNCONTROLLED,
        residual_level_rank=policy.level_rank(residual.level),
        reasons=tuple(reasons),
    )


@dataclass(frozen=True, slots=True)
class FdaReportingClock:
    """FDA postmarket facts for an uncontrolled risk: the 30- and 60-day clock from discovery."""

    discovered_on: date
    communicate_by: date  # notify customers/users: vulnerability, impact, controls, timeline
    remediate_by: date  # fix, validate and distribute (or controls) bringing risk to acceptable
    conditions: tuple[str, ...]


COMMUNICATE_DAYS = 30
REMEDIATE_DAYS = 60
REPORTING_EXEMPTION_CONDITIONS = (
    "no known serious adverse events or deaths associated with the vulnerability",
    f"within {COMMUNICATE_DAYS} days of learning of the vulnerability, the manufacturer tells "
    "customers and users about it, its impact, compensating controls and the remediation timeline",
    f"within {REMEDIATE_DAYS} days the manufacturer fixes, validates and distributes the fix (or "
    "controls) reducing the risk of patient harm to an acceptable level",
    "the manufacturer participates in an ISAO",
)


def fda_reporting_clock(fda_class: FdaClass | str, discovered_on: date) -> FdaReportingClock | None:
    """The 30/60-day clock for an uncontrolled risk; None for a controlled one (routine update).

    FDA postmarket guidance (2016): a controlled risk is handled as a routine update/patch, not
    reportable under 21 CFR 806; an uncontrolled one is reportable unless all the conditions hold.
    """
    if FdaClass(fda_class) is FdaClass.CONTROLLED:
        return None
    return FdaReportingClock(
        discovered_on=discovered_on,
        communicate_by=discovered_on + timedelta(days=COMMUNICATE_DAYS),
        remediate_by=discovered_on + timedelta(days=REMEDIATE_DAYS),
        conditions=REPORTING_EXEMPTION_CONDITIONS,
    )


def check_acceptance(role: str, evaluation: RiskEvaluation, rationale: str | None = None) -> None:
    """Refuse a residual-risk acceptance that breaks a rule; return quietly when it may go ahead.

    Rules, in order: an unacceptable residual risk is never accepted (whatever the role); only the
    reviewer role accepts; an ALARP residual risk needs a written rationale.
    """
    if evaluation.residual.region is Region.UNACCEPTABLE:
        raise refuse(
            "risk.acceptance.unacceptable",
            "an unacceptable residual risk cannot be accepted; add or strengthen controls",
        )
    if role != REVIEWER_ROLE:
        raise refuse(
            "risk.acceptance.reviewer_role",
            f"accepting a residual risk needs the {REVIEWER_ROLE!r} role, not {role!r}",
        )
    if evaluation.residual.region is Region.ALARP and not (rationale and rationale.strip()):
        raise refuse(
            "risk.acceptance.alarp_rationale",
            "a residual risk in the ALARP region is accepted only with a rationale",
        )


def validate_risk_record(hazardous_situation: str, harm: str) -> None:
    """A risk record must name the hazardous situation and the harm (ISO 14971 terms)."""
    if not hazardous_situation.strip():
        raise refuse("risk.record.hazardous_situation", "a risk record needs a hazardous situation")
    if not harm.strip():
        raise refuse("risk.record.harm", "a risk record needs the harm to the patient")


def heat_map(policy: RiskPolicy, items: Iterable[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """Count (exploitability, severity) pairs per policy cell; every cell present, zero if empty."""
    counts = {(e, s): 0 for e in policy.exploitability_levels for s in policy.severity_levels}
    for e, s in items:
        policy.exploitability_rank(e)
        policy.severity_rank(s)
        counts[(e, s)] += 1
    return counts
