"""The ISO/IEC 27035 phase machine: every action from every status against a hand-written
specification, the guards (severity, review, reasons), reopening, a seeded random walk, and the
plan's RACI rules."""

from __future__ import annotations

import itertools
import random

import pytest

from medsec.errors import InvalidInput
from medsec.incidents.rules import (
    ACTIONS,
    IncidentStatus,
    Phase,
    allowed_actions,
    parse_raci,
    raci_gaps,
    transition,
    with_review,
)

P = Phase
# (phase, action) -> (target, needs reason). Everything not listed is forbidden.
SPEC: dict[tuple[Phase, str], tuple[Phase, bool]] = {
    (P.REPORTED, "assess"): (P.ASSESSING, False),
    (P.REPORTED, "dismiss"): (P.CLOSED, True),
    (P.ASSESSING, "dismiss"): (P.CLOSED, True),
    (P.ASSESSING, "confirm"): (P.CONTAINING, False),
    (P.CONTAINING, "eradicate"): (P.ERADICATING, False),
    (P.CONTAINING, "recover"): (P.RECOVERING, True),
    (P.ERADICATING, "recover"): (P.RECOVERING, False),
    (P.ERADICATING, "recontain"): (P.CONTAINING, True),
    (P.RECOVERING, "recontain"): (P.CONTAINING, True),
    (P.RECOVERING, "learn"): (P.LESSONS_LEARNED, False),
    (P.LESSONS_LEARNED, "close"): (P.CLOSED, False),
    (P.CLOSED, "reopen"): (P.ASSESSING, True),
}
STATUSES = [
    IncidentStatus(p, sev, dis, rev)
    for p, sev, dis, rev in itertools.product(P, [False, True], [False, True], [False, True])
]


def _expected(status: IncidentStatus, action: str, reason: str) -> IncidentStatus | None:
    spec = SPEC.get((status.phase, action))
    if spec is None:
        return None
    target, needs_reason = spec
    if action == "confirm" and not status.severity_assessed:
        return None
    if action == "close" and not status.reviewed:
        return None
    if needs_reason and not reason:
        return None
    if action == "reopen":
        return IncidentStatus(P.ASSESSING, status.severity_assessed, False, False)
    return IncidentStatus(
        target, status.severity_assessed, status.dismissed or action == "dismiss", status.reviewed
    )


@pytest.mark.parametrize("status", STATUSES, ids=str)
@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("reason", ["", "why"])
def test_every_action_from_every_status(status: IncidentStatus, action: str, reason: str) -> None:
    want = _expected(status, action, reason)
    if want is None:
        with pytest.raises(InvalidInput, match=r"^\[incident\.phase\."):
            transition(status, action, reason=reason)
    else:
        assert transition(status, action, reason=reason) == want


def test_allowed_actions_are_exactly_those_that_succeed_with_a_reason() -> None:
    for status in STATUSES:
        ok = {a for a in ACTIONS if _expected(status, a, "why") is not None}
        assert set(allowed_actions(status)) == ok, status


def test_refusals_name_the_rule_and_say_what_is_missing() -> None:
    with pytest.raises(InvalidInput, match=r"\[incident\.phase\.confirm\] assess the patient"):
        transition(IncidentStatus(P.ASSESSING), "confirm", reason="")
    with pytest.raises(InvalidInput, match=r"\[incident\.phase\.close\] record the closing"):
        transition(IncidentStatus(P.LESSONS_LEARNED, True), "close", reason="")
    with pytest.raises(InvalidInput, match=r"\[incident\.phase\.dismiss\] dismiss needs a reason"):
        transition(IncidentStatus(P.ASSESSING), "dismiss", reason="  ")
    with pytest.raises(InvalidInput, match=r"allowed: assess, dismiss"):
        transition(IncidentStatus(P.REPORTED), "learn", reason="")
    with pytest.raises(InvalidInput, match=r"unknown_action"):
        transition(IncidentStatus(P.REPORTED), "escalate", reason="")


def test_review_only_while_learning_lessons() -> None:
    assert with_review(IncidentStatus(P.LESSONS_LEARNED, True)).reviewed is True
    with pytest.raises(InvalidInput, match=r"incident\.review\.phase"):
        with_review(IncidentStatus(P.RECOVERING, True))


def test_seeded_random_walk_reaches_every_phase_and_matches_the_specification() -> None:
    rng = random.Random(27035)
    status = IncidentStatus()
    seen = {status.phase}
    accepted = refused = 0
    for _ in range(3000):
        if rng.random() < 0.05:  # the severity gets assessed, the review gets written
            status = IncidentStatus(status.phase, True, status.dismissed, status.reviewed)
        if status.phase is P.LESSONS_LEARNED and rng.random() < 0.3:
            status = with_review(status)
        action = rng.choice(ACTIONS)
        reason = rng.choice(["", "new information"])
        want = _expected(status, action, reason)
        try:
            got = transition(status, action, reason=reason)
        except InvalidInput:
            assert want is None, (status, action, reason)
            refused += 1
            continue
        assert got == want, (status, action, reason)
        status = got
        seen.add(status.phase)
        accepted += 1
    assert seen == set(P)
    assert accepted > 200 and refused > 2000


def test_raci_parsing_and_gaps() -> None:
    assert parse_raci("plan=A, detect=r ,learn=I") == {"plan": "A", "detect": "R", "learn": "I"}
    with pytest.raises(InvalidInput, match=r"'plan=X'"):
        parse_raci("plan=X")
    with pytest.raises(InvalidInput, match=r"'triage=R'"):
        parse_raci("triage=R")
    full = {"plan": "A", "detect": "A", "assess": "A", "respond": "A", "learn": "A"}
    doer = {"plan": "R", "detect": "R", "assess": "R", "respond": "R", "learn": "R"}
    assert raci_gaps([full, doer]) == []
    gaps = raci_gaps([full, full, {"plan": "R"}])
    assert "plan and prepare: 2 accountable (A), needs exactly one" in gaps
    assert "detect and report: nobody responsible (R)" in gaps
    assert "plan and prepare: nobody responsible (R)" not in gaps
