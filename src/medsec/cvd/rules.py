"""Pure CVD case rules: the vulnerability-handling state machine (ISO/IEC 30111 phases).

States follow the 30111 phases (receipt → verification → remediation development → release →
post-release) as the issue lists them; the allowed transitions are the data in ``TRANSITIONS``.
Design decisions (see each rule's ``note``):

- A report that is spam or withdrawn may be closed before acknowledgement (reason required).
- Triage always records an outcome; only a ``valid`` case goes on to remediation, any other
  outcome may only be closed (reason required). Re-triage (triaged → triaged) changes the
  outcome, e.g. a not-reproducible report after the finder sends a working proof of concept.
- A fix that fails verification sends the case back to remediation_in_progress.
- Disclosure before remediation is allowed with a reason (embargo expired, finder or a third
  party went public, active exploitation; seed 6.3.3 then asks for all possible mitigations to
  be explained). Such a case cannot be closed until it is remediated and disclosed again (the
  advisory update): ``CaseStatus.remediated`` remembers whether a fix was ever released.
- Reopening: only a closed case reopens, always to ``acknowledged`` with a reason (new
  information, regression, duplicate of a case that was itself reopened); the outcome and the
  remediated flag are cleared so the case is triaged afresh. Nothing else moves backwards.

Deadlines live in ``medsec.cvd.deadlines``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

from medsec.errors import InvalidInput


class CaseState(StrEnum):
    """Where a vulnerability report stands in handling (ISO/IEC 30111 phases)."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    TRIAGED = "triaged"
    REMEDIATION_IN_PROGRESS = "remediation_in_progress"
    REMEDIATED = "remediated"
    DISCLOSED = "disclosed"
    CLOSED = "closed"


class TriageOutcome(StrEnum):
    """Result of verification (30111: reproduce, duplicates, scope)."""

    VALID = "valid"
    DUPLICATE = "duplicate"
    OUT_OF_SCOPE = "out_of_scope"
    NOT_REPRODUCIBLE = "not_reproducible"


NOT_VALID = frozenset(TriageOutcome) - {TriageOutcome.VALID}


@dataclass(frozen=True, slots=True)
class CaseStatus:
    """A case's state, its triage outcome (once triaged) and whether a fix was ever released."""

    state: CaseState = CaseState.RECEIVED
    outcome: TriageOutcome | None = None
    remediated: bool = False


@dataclass(frozen=True, slots=True)
class TransitionRule:
    """One allowed move; guards on the current outcome / remediated flag are optional."""

    name: str
    source: CaseState
    target: CaseState
    note: str
    needs_reason: bool = False
    when_outcome: frozenset[TriageOutcome] | None = None  # current outcome must be one of these
    when_remediated: bool | None = None


S = CaseState
TRANSITIONS: tuple[TransitionRule, ...] = (
    TransitionRule("acknowledge", S.RECEIVED, S.ACKNOWLEDGED, "receipt acknowledged to finder"),
    TransitionRule(
        "close-unacknowledged", S.RECEIVED, S.CLOSED, "spam or withdrawn", needs_reason=True
    ),
    TransitionRule("triage", S.ACKNOWLEDGED, S.TRIAGED, "verification done; outcome required"),
    TransitionRule(
        "retriage", S.TRIAGED, S.TRIAGED, "outcome changed on new information", needs_reason=True
    ),
    TransitionRule(
        "start-remediation",
        S.TRIAGED,
        S.REMEDIATION_IN_PROGRESS,
        "valid report: develop fix or mitigation",
        when_outcome=frozenset({TriageOutcome.VALID}),
    ),
    TransitionRule(
        "close-not-valid",
        S.TRIAGED,
        S.CLOSED,
        "duplicate, out of scope or not reproducible",
        needs_reason=True,
        when_outcome=NOT_VALID,
    ),
    TransitionRule(
        "remediate", S.REMEDIATION_IN_PROGRESS, S.REMEDIATED, "fix or mitigation released"
    ),
    TransitionRule(
        "fix-rejected",
        S.REMEDIATED,
        S.REMEDIATION_IN_PROGRESS,
        "fix failed verification or was withdrawn",
        needs_reason=True,
    ),
    TransitionRule(
        "disclose-before-remediation",
        S.REMEDIATION_IN_PROGRESS,
        S.DISCLOSED,
        "embargo expired, public or exploited before a fix (seed 6.3.3)",
        needs_reason=True,
    ),
    TransitionRule(
        "remediate-after-disclosure",
        S.DISCLOSED,
        S.REMEDIATED,
        "fix released after an early disclosure; disclose again (advisory update)",
        when_remediated=False,
    ),
    TransitionRule("disclose", S.REMEDIATED, S.DISCLOSED, "advisory published (ISO/IEC 29147)"),
    TransitionRule(
        "close", S.DISCLOSED, S.CLOSED, "post-release: handling complete", when_remediated=True
    ),
    TransitionRule("reopen", S.CLOSED, S.ACKNOWLEDGED, "re-triage afresh", needs_reason=True),
)


def refuse(rule: str, message: str) -> InvalidInput:
    """An InvalidInput whose message starts with the broken rule's name in brackets."""
    return InvalidInput(f"[{rule}] {message}")


def _guard_ok(rule: TransitionRule, status: CaseStatus) -> bool:
    if rule.when_outcome is not None and status.outcome not in rule.when_outcome:
        return False
    return rule.when_remediated is None or status.remediated is rule.when_remediated


def find_rule(status: CaseStatus, new_state: CaseState) -> TransitionRule | None:
    """The rule allowing ``status`` → ``new_state``, or None when no rule allows it."""
    for rule in TRANSITIONS:
        if rule.source is status.state and rule.target is new_state and _guard_ok(rule, status):
            return rule
    return None


def allowed_targets(status: CaseStatus) -> tuple[CaseState, ...]:
    """States reachable from ``status`` in one step (for UI menus)."""
    return tuple(
        dict.fromkeys(
            r.target for r in TRANSITIONS if r.source is status.state and _guard_ok(r, status)
        )
    )


def transition(
    case_state: CaseStatus,
    new_state: CaseState | str,
    *,
    outcome: TriageOutcome | str | None = None,
    reason: str,
) -> CaseStatus:
    """Apply one move; raise InvalidInput naming the rule (``[cvd.transition.*]``) if refused."""
    try:
        target = CaseState(new_state)
    except ValueError:
        raise refuse("cvd.transition.unknown_state", f"unknown case state {new_state!r}") from None
    try:
        new_outcome = None if outcome is None else TriageOutcome(outcome)
    except ValueError:
        raise refuse("cvd.transition.unknown_outcome", f"unknown outcome {outcome!r}") from None
    rule = find_rule(case_state, target)
    if rule is None:
        raise _forbidden(case_state, target)
    if target is CaseState.TRIAGED and new_outcome is None:
        raise refuse(f"cvd.transition.{rule.name}", "triage needs an outcome")
    if target is not CaseState.TRIAGED and new_outcome is not None:
        raise refuse(f"cvd.transition.{rule.name}", "an outcome is only given when triaging")
    if rule.name == "retriage" and new_outcome is case_state.outcome:
        raise refuse("cvd.transition.retriage", f"outcome is already {new_outcome}")
    if rule.needs_reason and not reason.strip():
        raise refuse(f"cvd.transition.{rule.name}", f"{rule.name} needs a reason ({rule.note})")
    if rule.name == "reopen":
        return CaseStatus(CaseState.ACKNOWLEDGED)
    return replace(
        case_state,
        state=target,
        outcome=new_outcome if target is CaseState.TRIAGED else case_state.outcome,
        remediated=case_state.remediated or target is CaseState.REMEDIATED,
    )


def _forbidden(status: CaseStatus, target: CaseState) -> InvalidInput:
    same_pair = [r for r in TRANSITIONS if r.source is status.state and r.target is target]
    if not same_pair:
        allowed = ", ".join(allowed_targets(status)) or "none"
        return refuse(
            "cvd.transition.forbidden",
            f"{status.state} → {target} is not allowed (allowed from here: {allowed})",
        )
    rule = same_pair[0]
    if rule.when_outcome is not None:
        need = "/".join(sorted(rule.when_outcome))
        return refuse(
            f"cvd.transition.{rule.name}",
            f"{status.state} → {target} needs outcome {need}, case has {status.outcome}",
        )
    want = "after" if rule.when_remediated else "before"
    return refuse(
        f"cvd.transition.{rule.name}",
        f"{status.state} → {target} is only allowed {want} a fix was released",
    )


def risk_from_records(fda_classes: list[str]) -> str | None:
    """A case's FDA risk class derived from the current risk records of its linked findings:
    uncontrolled when any is uncontrolled, controlled when all are controlled, None (nothing to
    derive from) when no linked finding has a risk record."""
    if not fda_classes:
        return None
    return "uncontrolled" if "uncontrolled" in fda_classes else "controlled"
