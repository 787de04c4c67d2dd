"""CVD case state machine: every allowed and forbidden move, guards, reasons, reopening."""

from __future__ import annotations

import itertools

import pytest

from medsec.cvd.rules import (
    CaseState,
    CaseStatus,
    TriageOutcome,
    allowed_targets,
    transition,
)
from medsec.errors import InvalidInput

S, OC = CaseState, TriageOutcome
ANY = "any"
# Hand-written specification: (from, to) -> guard. Guard is ANY, an outcome set, or a
# remediated flag. Everything not listed is forbidden.
SPEC: dict[tuple[CaseState, CaseState], object] = {
    (S.RECEIVED, S.ACKNOWLEDGED): ANY,
    (S.RECEIVED, S.CLOSED): ANY,
    (S.ACKNOWLEDGED, S.TRIAGED): ANY,
    (S.TRIAGED, S.TRIAGED): ANY,
    (S.TRIAGED, S.REMEDIATION_IN_PROGRESS): {OC.VALID},
    (S.TRIAGED, S.CLOSED): {OC.DUPLICATE, OC.OUT_OF_SCOPE, OC.NOT_REPRODUCIBLE},
    (S.REMEDIATION_IN_PROGRESS, S.REMEDIATED): ANY,
    (S.REMEDIATION_IN_PROGRESS, S.DISCLOSED): ANY,
    (S.REMEDIATED, S.REMEDIATION_IN_PROGRESS): ANY,
    (S.REMEDIATED, S.DISCLOSED): ANY,
    (S.DISCLOSED, S.REMEDIATED): False,
    (S.DISCLOSED, S.CLOSED): True,
    (S.CLOSED, S.ACKNOWLEDGED): ANY,
}


def _expected(status: CaseStatus, target: CaseState) -> bool:
    guard = SPEC.get((status.state, target))
    if guard is None:
        return False
    if guard == ANY:
        return True
    if isinstance(guard, bool):
        return status.remediated is guard
    assert isinstance(guard, set)
    return status.outcome in guard


STATUSES = [
    CaseStatus(state, outcome, remediated)
    for state, outcome, remediated in itertools.product(S, [None, *OC], [False, True])
]
CASES = [(status, target) for status in STATUSES for target in S]


def _outcome_for(status: CaseStatus, target: CaseState) -> TriageOutcome | None:
    if target is not S.TRIAGED:
        return None
    return OC.DUPLICATE if status.outcome is OC.VALID else OC.VALID


@pytest.mark.parametrize(
    ("status", "target"),
    CASES,
    ids=[f"{s.state}-{s.outcome}-{s.remediated}->{t}" for s, t in CASES],
)
def test_transition_table(status: CaseStatus, target: CaseState) -> None:
    outcome = _outcome_for(status, target)
    if _expected(status, target):
        result = transition(status, target, outcome=outcome, reason="documented reason")
        assert result.state is target
        assert target in allowed_targets(status)
    else:
        with pytest.raises(InvalidInput, match=r"^\[cvd\.transition\.[a-z_-]+\]"):
            transition(status, target, outcome=outcome, reason="documented reason")
        assert target not in allowed_targets(status)


def test_happy_path_records_outcome_and_remediation() -> None:
    st = CaseStatus()
    st = transition(st, "acknowledged", reason="")
    st = transition(st, S.TRIAGED, outcome="valid", reason="")
    assert st.outcome is OC.VALID and not st.remediated
    for target in (S.REMEDIATION_IN_PROGRESS, S.REMEDIATED, S.DISCLOSED, S.CLOSED):
        st = transition(st, target, reason="")
    assert st == CaseStatus(S.CLOSED, OC.VALID, True)


def test_early_disclosure_must_be_remediated_and_disclosed_again_before_closing() -> None:
    st = CaseStatus(S.REMEDIATION_IN_PROGRESS, OC.VALID)
    st = transition(st, S.DISCLOSED, reason="finder published at a conference")
    with pytest.raises(InvalidInput, match=r"\[cvd\.transition\.close\].*after a fix"):
        transition(st, S.CLOSED, reason="done")
    st = transition(st, S.REMEDIATED, reason="")
    st = transition(st, S.DISCLOSED, reason="")
    assert transition(st, S.CLOSED, reason="").state is S.CLOSED


def test_valid_case_cannot_be_closed_at_triage_and_message_names_the_rule() -> None:
    st = CaseStatus(S.TRIAGED, OC.VALID)
    with pytest.raises(InvalidInput, match=r"\[cvd\.transition\.close-not-valid\].*valid"):
        transition(st, S.CLOSED, reason="we don't want to fix it")


@pytest.mark.parametrize(
    ("status", "target", "rule"),
    [
        (CaseStatus(S.RECEIVED), S.CLOSED, "close-unacknowledged"),
        (CaseStatus(S.TRIAGED, OC.DUPLICATE), S.CLOSED, "close-not-valid"),
        (CaseStatus(S.REMEDIATED, OC.VALID, True), S.REMEDIATION_IN_PROGRESS, "fix-rejected"),
        (CaseStatus(S.REMEDIATION_IN_PROGRESS, OC.VALID), S.DISCLOSED, "disclose-before"),
        (CaseStatus(S.CLOSED, OC.DUPLICATE), S.ACKNOWLEDGED, "reopen"),
    ],
)
def test_reason_required(status: CaseStatus, target: CaseState, rule: str) -> None:
    with pytest.raises(InvalidInput, match=rf"\[cvd\.transition\.{rule}"):
        transition(status, target, reason="   ")
    assert transition(status, target, reason="because").state is target


def test_retriage_needs_reason_and_a_different_outcome() -> None:
    st = CaseStatus(S.TRIAGED, OC.NOT_REPRODUCIBLE)
    with pytest.raises(InvalidInput, match="retriage"):
        transition(st, S.TRIAGED, outcome=OC.VALID, reason="")
    with pytest.raises(InvalidInput, match="already"):
        transition(st, S.TRIAGED, outcome=OC.NOT_REPRODUCIBLE, reason="again")
    assert transition(st, S.TRIAGED, outcome=OC.VALID, reason="new PoC").outcome is OC.VALID


def test_outcome_rules() -> None:
    with pytest.raises(InvalidInput, match="needs an outcome"):
        transition(CaseStatus(S.ACKNOWLEDGED), S.TRIAGED, reason="")
    with pytest.raises(InvalidInput, match="only given when triaging"):
        transition(CaseStatus(), S.ACKNOWLEDGED, outcome=OC.VALID, reason="")
    with pytest.raises(InvalidInput, match="unknown_outcome"):
        transition(CaseStatus(S.ACKNOWLEDGED), S.TRIAGED, outcome="wontfix", reason="")
    with pytest.raises(InvalidInput, match="unknown_state"):
        transition(CaseStatus(), "fixed", reason="")


def test_reopen_clears_outcome_and_remediated() -> None:
    st = transition(CaseStatus(S.CLOSED, OC.VALID, True), S.ACKNOWLEDGED, reason="regression")
    assert st == CaseStatus(S.ACKNOWLEDGED, None, False)


def test_forbidden_message_lists_allowed_moves() -> None:
    with pytest.raises(InvalidInput) as err:
        transition(CaseStatus(), S.DISCLOSED, reason="")
    assert "[cvd.transition.forbidden]" in str(err.value)
    assert "acknowledged" in str(err.value) and "closed" in str(err.value)
