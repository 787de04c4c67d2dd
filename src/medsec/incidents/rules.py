"""Pure incident rules: the ISO/IEC 27035 phase machine (seed 6.5.1, Annex A).

27035-1 names five phases: plan and prepare, detect and report, assess and decide, respond
(contain, eradicate, recover; forensic evidence) and learn lessons. "Plan and prepare" is the
organisation's response plan, team and exercises (``incidents.plans``), not a state of one
incident. An incident moves through the others; the allowed moves are the data in
``TRANSITIONS`` and the CVD case machine (``medsec.cvd.rules``) is the model. Design decisions:

- Assessment ends in a decision: ``confirm`` (a real incident: respond) or ``dismiss`` (an
  event, not an incident; reason required). A report can be dismissed before assessment only
  with a reason (duplicate, test alarm).
- Confirming needs the severity assessed (patient-safety and privacy impact), because the
  notification deadlines follow from it.
- Response runs containment → eradication → recovery. Recovery may follow containment directly
  when nothing needs eradicating (reason required); a recurrence sends the incident back to
  containment (reason required).
- Lessons learned follow recovery; closing needs the closing review recorded (the review
  produces actions). A dismissed incident closes without a review.
- Reopening: only a closed incident reopens, always to assessment with a reason; the review
  and the dismissal are cleared. Nothing else moves backwards.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import StrEnum

from medsec.errors import InvalidInput


class Phase(StrEnum):
    """Where an incident stands (ISO/IEC 27035 phases, response split into its steps)."""

    REPORTED = "reported"
    ASSESSING = "assessing"
    CONTAINING = "containing"
    ERADICATING = "eradicating"
    RECOVERING = "recovering"
    LESSONS_LEARNED = "lessons_learned"
    CLOSED = "closed"


ISO_PHASE: dict[Phase, str] = {
    Phase.REPORTED: "detect and report",
    Phase.ASSESSING: "assess and decide",
    Phase.CONTAINING: "respond: contain",
    Phase.ERADICATING: "respond: eradicate",
    Phase.RECOVERING: "respond: recover",
    Phase.LESSONS_LEARNED: "learn lessons",
    Phase.CLOSED: "closed",
}

PHASE_LABEL: dict[Phase, str] = {
    Phase.REPORTED: "reported, not yet assessed",
    Phase.ASSESSING: "being assessed",
    Phase.CONTAINING: "containment under way",
    Phase.ERADICATING: "removing the cause",
    Phase.RECOVERING: "restoring normal operation",
    Phase.LESSONS_LEARNED: "reviewing lessons learned",
    Phase.CLOSED: "closed",
}


@dataclass(frozen=True, slots=True)
class IncidentStatus:
    """An incident's phase and the facts the guards read."""

    phase: Phase = Phase.REPORTED
    severity_assessed: bool = False
    dismissed: bool = False
    reviewed: bool = False


@dataclass(frozen=True, slots=True)
class PhaseRule:
    """One allowed move with its optional guards."""

    action: str
    source: Phase
    target: Phase
    note: str
    needs_reason: bool = False
    needs_severity: bool = False
    needs_review: bool = False
    when_dismissed: bool | None = None


P = Phase
TRANSITIONS: tuple[PhaseRule, ...] = (
    PhaseRule("assess", P.REPORTED, P.ASSESSING, "assessment started"),
    PhaseRule("dismiss", P.REPORTED, P.CLOSED, "duplicate or test alarm, never assessed", True),
    PhaseRule("dismiss", P.ASSESSING, P.CLOSED, "an event, not an incident", True),
    PhaseRule(
        "confirm",
        P.ASSESSING,
        P.CONTAINING,
        "an incident: respond",
        needs_severity=True,
    ),
    PhaseRule("eradicate", P.CONTAINING, P.ERADICATING, "contained; removing the cause"),
    PhaseRule("recover", P.ERADICATING, P.RECOVERING, "cause removed; restoring"),
    PhaseRule("recover", P.CONTAINING, P.RECOVERING, "nothing to eradicate (say why)", True),
    PhaseRule("recontain", P.ERADICATING, P.CONTAINING, "recurrence during eradication", True),
    PhaseRule("recontain", P.RECOVERING, P.CONTAINING, "recurrence during recovery", True),
    PhaseRule("learn", P.RECOVERING, P.LESSONS_LEARNED, "normal operation restored"),
    PhaseRule(
        "close",
        P.LESSONS_LEARNED,
        P.CLOSED,
        "closing review recorded",
        needs_review=True,
    ),
    PhaseRule("reopen", P.CLOSED, P.ASSESSING, "new information", True),
)
ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(r.action for r in TRANSITIONS))


def refuse(rule: str, message: str) -> InvalidInput:
    """An InvalidInput whose message starts with the broken rule's name in brackets."""
    return InvalidInput(f"[{rule}] {message}")


def _candidates(status: IncidentStatus, action: str) -> list[PhaseRule]:
    return [r for r in TRANSITIONS if r.action == action and r.source is status.phase]


def allowed_actions(status: IncidentStatus) -> tuple[str, ...]:
    """Actions whose rule applies from ``status`` with every guard met (for menus)."""
    out = []
    for rule in TRANSITIONS:
        if rule.source is not status.phase:
            continue
        if rule.needs_severity and not status.severity_assessed:
            continue
        if rule.needs_review and not status.reviewed:
            continue
        out.append(rule.action)
    return tuple(dict.fromkeys(out))


def find_rule(status: IncidentStatus, action: str) -> PhaseRule | None:
    """The rule for ``action`` from the status's phase, or None."""
    found = _candidates(status, action)
    return found[0] if found else None


def transition(status: IncidentStatus, action: str, *, reason: str) -> IncidentStatus:
    """Apply one action; raise InvalidInput naming the rule (``[incident.phase.*]``) if refused."""
    if action not in ACTIONS:
        raise refuse(
            "incident.phase.unknown_action",
            f"unknown action {action!r} (one of: {', '.join(ACTIONS)})",
        )
    rule = find_rule(status, action)
    if rule is None:
        allowed = ", ".join(allowed_actions(status)) or "none"
        raise refuse(
            "incident.phase.forbidden",
            f"{action} is not allowed while the incident is {status.phase} (allowed: {allowed})",
        )
    name = f"incident.phase.{rule.action}"
    if rule.needs_severity and not status.severity_assessed:
        raise refuse(name, "assess the patient-safety and privacy impact first")
    if rule.needs_review and not status.reviewed:
        raise refuse(name, "record the closing review (lessons learned) first")
    if rule.needs_reason and not reason.strip():
        raise refuse(name, f"{rule.action} needs a reason ({rule.note})")
    if rule.action == "reopen":
        return IncidentStatus(Phase.ASSESSING, status.severity_assessed)
    return replace(
        status, phase=rule.target, dismissed=status.dismissed or rule.action == "dismiss"
    )


def with_review(status: IncidentStatus) -> IncidentStatus:
    """The status once the closing review is recorded (only while learning lessons)."""
    if status.phase is not Phase.LESSONS_LEARNED:
        raise refuse(
            "incident.review.phase",
            f"the closing review is recorded while learning lessons (incident is {status.phase})",
        )
    return replace(status, reviewed=True)


# --- severity -------------------------------------------------------------------------------


class SafetyImpact(StrEnum):
    """Patient-safety impact, ordered from none to a threat to public health."""

    UNASSESSED = "unassessed"
    NONE = "none"
    POTENTIAL = "potential"  # could cause serious harm if it happened again
    SERIOUS = "serious"  # serious deterioration of a patient's health
    DEATH = "death"  # death, or unanticipated serious deterioration
    PUBLIC_HEALTH = "public_health"  # serious public-health threat


SAFETY_ORDER: tuple[SafetyImpact, ...] = tuple(SafetyImpact)


class PrivacyImpact(StrEnum):
    """Privacy impact: whether personal (health) data was or may have been breached."""

    UNASSESSED = "unassessed"
    NONE = "none"
    POSSIBLE = "possible"
    BREACH = "breach"  # a personal-data breach is confirmed


SAFETY_LABEL: dict[SafetyImpact, str] = {
    SafetyImpact.UNASSESSED: "not assessed yet",
    SafetyImpact.NONE: "no patient-safety impact",
    SafetyImpact.POTENTIAL: "could cause serious harm if it recurred",
    SafetyImpact.SERIOUS: "serious deterioration of a patient's health",
    SafetyImpact.DEATH: "a death or an unanticipated serious deterioration",
    SafetyImpact.PUBLIC_HEALTH: "a serious threat to public health",
}
PRIVACY_LABEL: dict[PrivacyImpact, str] = {
    PrivacyImpact.UNASSESSED: "not assessed yet",
    PrivacyImpact.NONE: "no personal data affected",
    PrivacyImpact.POSSIBLE: "personal data may have been exposed",
    PrivacyImpact.BREACH: "personal data was breached",
}


def at_least(value: SafetyImpact, floor: SafetyImpact) -> bool:
    """True when ``value`` is ``floor`` or worse (unassessed is never at least anything)."""
    if value is SafetyImpact.UNASSESSED:
        return False
    return SAFETY_ORDER.index(value) >= SAFETY_ORDER.index(floor)


def severity_assessed(safety: SafetyImpact, privacy: PrivacyImpact) -> bool:
    """Both impacts assessed."""
    return SafetyImpact.UNASSESSED not in (safety,) and privacy is not PrivacyImpact.UNASSESSED


# --- plan: Annex A groups and RACI ----------------------------------------------------------

GROUPS: dict[str, str] = {
    "manager": "directs the response and decides on major issues",
    "planning": "runs incident response operations",
    "monitoring": "real-time security monitoring",
    "response": "real-time response and technical support",
    "implementation": "carries out the incident response work",
    "analysis": "incident and vulnerability analysis",
    "external": "outside experts",
}
RACI_PHASES: dict[str, str] = {
    "plan": "plan and prepare",
    "detect": "detect and report",
    "assess": "assess and decide",
    "respond": "respond",
    "learn": "learn lessons",
}
RACI_LETTERS = frozenset("RACI")


def parse_raci(text: str) -> dict[str, str]:
    """``plan=A,detect=R,…`` as a dict; InvalidInput naming the bad part."""
    out: dict[str, str] = {}
    for part in text.split(","):
        if not part.strip():
            continue
        phase, sep, letter = part.partition("=")
        phase, letter = phase.strip().lower(), letter.strip().upper()
        if not sep or phase not in RACI_PHASES or letter not in RACI_LETTERS:
            raise refuse(
                "incident.plan.raci",
                f"{part.strip()!r}: expected PHASE=LETTER with PHASE one of "
                f"{', '.join(RACI_PHASES)} and LETTER one of R, A, C, I",
            )
        out[phase] = letter
    return out


def raci_gaps(assignments: list[dict[str, str]]) -> list[str]:
    """Phases without exactly one accountable (A) or without anyone responsible (R)."""
    gaps = []
    for phase, label in RACI_PHASES.items():
        letters = [a.get(phase) for a in assignments]
        accountable = letters.count("A")
        if accountable != 1:
            gaps.append(f"{label}: {accountable} accountable (A), needs exactly one")
        if "R" not in letters:
            gaps.append(f"{label}: nobody responsible (R)")
    return gaps


_NO_EXPLOITATION = re.compile(
    r"^\s*(none|no|not|unknown|n/a)\b|\b(no|not)\s+(known|publicly known|aware|observed|"
    r"exploited|evidence)|\bnot\s+been\s+(exploited|observed)|\bunlikely\b",
    re.IGNORECASE,
)


def claims_exploitation(details: str) -> bool:
    """True when a CSAF ``exploit_status`` threat's details report exploitation or a working
    exploit; False when they deny it ("No known exploitation", "not exploited", empty)."""
    text = details.strip()
    return bool(text) and not _NO_EXPLOITATION.search(text)
