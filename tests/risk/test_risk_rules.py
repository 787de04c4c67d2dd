"""Risk policy, exploitability derivation, evaluation, FDA clock, acceptance and heat map."""

from __future__ import annotations

import json
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medsec.errors import InvalidInput
from medsec.risk.rules import (
    Control,
    Exploitability,
    FdaClass,
    Region,
    RiskEvaluation,
    RiskPolicy,
    Severity,
    check_acceptance,
    derive_exploitability,
    evaluate,
    fda_reporting_clock,
    heat_map,
    override_exploitability,
    validate_risk_record,
)

E = list(Exploitability)
S = list(Severity)
RANK = {"acceptable": 0, "alarp": 1, "unacceptable": 2}
POLICY = RiskPolicy.default()


def _small_policy(regions: list[list[str]]) -> dict[str, object]:
    """A policy dict whose level names simply mirror the regions."""
    n, m = len(regions), len(regions[0])
    return {
        "name": "t",
        "exploitability_levels": [f"e{i}" for i in range(n)],
        "severity_levels": [f"s{j}" for j in range(m)],
        "risk_levels": ["acceptable", "alarp", "unacceptable"],
        "cells": [[{"level": r, "region": r} for r in row] for row in regions],
    }


# --- policy ----------------------------------------------------------------------------------


def test_default_policy_is_5_by_5_with_iso_14971_severities() -> None:
    assert POLICY.severity_levels == (
        "negligible",
        "minor",
        "serious",
        "critical",
        "catastrophic",
    )
    assert POLICY.exploitability_levels == ("very_low", "low", "medium", "high", "very_high")
    assert len(POLICY.cells) == 5 and all(len(r) == 5 for r in POLICY.cells)


def test_default_policy_corners() -> None:
    assert POLICY.cell("very_low", "negligible").region is Region.ACCEPTABLE
    assert POLICY.cell("very_high", "catastrophic").region is Region.UNACCEPTABLE
    assert POLICY.cell("very_high", "catastrophic").level == POLICY.risk_levels[-1]
    # catastrophic harm with any exploitability above very low is unacceptable
    assert {POLICY.cell(e, "catastrophic").region for e in E[1:]} == {Region.UNACCEPTABLE}
    # ALARP exists somewhere, so the rationale rule is reachable
    assert any(c.region is Region.ALARP for row in POLICY.cells for c in row)


@given(st.data())
def test_default_policy_is_monotonic(data: st.DataObject) -> None:
    e1, e2 = sorted(data.draw(st.lists(st.integers(0, 4), min_size=2, max_size=2)))
    s1, s2 = sorted(data.draw(st.lists(st.integers(0, 4), min_size=2, max_size=2)))
    lo, hi = POLICY.cells[e1][s1], POLICY.cells[e2][s2]
    assert RANK[lo.region] <= RANK[hi.region]
    assert POLICY.level_rank(lo.level) <= POLICY.level_rank(hi.level)


def test_policy_round_trips_through_json() -> None:
    data = json.loads(json.dumps(POLICY.to_dict()))
    assert RiskPolicy.from_dict(data) == POLICY


def _is_monotone(m: list[list[str]]) -> bool:
    return all(
        RANK[m[i][j]] >= RANK[m[i - 1][j]] if i else True for i in range(len(m)) for j in range(3)
    ) and all(
        RANK[m[i][j]] >= RANK[m[i][j - 1]] if j else True for i in range(len(m)) for j in range(3)
    )


@settings(max_examples=200)
@given(
    st.lists(st.lists(st.sampled_from(list(RANK)), min_size=3, max_size=3), min_size=3, max_size=3)
)
def test_from_dict_accepts_exactly_the_monotonic_matrices(m: list[list[str]]) -> None:
    if _is_monotone(m):
        policy = RiskPolicy.from_dict(_small_policy(m))
        assert policy.cell("e2", "s2").region.value == m[2][2]
    else:
        with pytest.raises(InvalidInput, match=r"\[risk\.policy\.monotonic\]"):
            RiskPolicy.from_dict(_small_policy(m))


def test_from_dict_refuses_a_missing_cell() -> None:
    d = _small_policy([["acceptable"] * 3] * 3)
    d["cells"] = d["cells"][:2]  # type: ignore[index]
    with pytest.raises(InvalidInput, match=r"\[risk\.policy\.cells\] every cell must be defined"):
        RiskPolicy.from_dict(d)


def test_from_dict_refuses_unknown_level_region_and_duplicates() -> None:
    d = _small_policy([["acceptable"] * 3] * 3)
    d["cells"][0][0]["level"] = "huge"  # type: ignore[index]
    with pytest.raises(InvalidInput, match=r"\[risk\.policy\.cells\].*'huge'"):
        RiskPolicy.from_dict(d)
    d = _small_policy([["acceptable"] * 3] * 3)
    d["cells"][0][0]["region"] = "fine"  # type: ignore[index]
    with pytest.raises(InvalidInput, match=r"\[risk\.policy\.shape\]"):
        RiskPolicy.from_dict(d)
    d = _small_policy([["acceptable"] * 3] * 3)
    d["severity_levels"] = ["a", "a", "b"]
    with pytest.raises(InvalidInput, match=r"\[risk\.policy\.levels\]"):
        RiskPolicy.from_dict(d)
    with pytest.raises(InvalidInput, match=r"\[risk\.policy\.shape\]"):
        RiskPolicy.from_dict({"name": "x"})


def test_unknown_levels_are_refused_with_the_rule() -> None:
    with pytest.raises(InvalidInput, match=r"\[risk\.severity\.unknown\].*'deadly'"):
        POLICY.cell("low", "deadly")
    with pytest.raises(InvalidInput, match=r"\[risk\.exploitability\.unknown\]"):
        POLICY.cell("certain", "minor")


def test_scale_exploitability_onto_a_3_level_policy() -> None:
    p = RiskPolicy.from_dict(_small_policy([["acceptable"] * 3] * 3))
    assert p.scale_exploitability(Exploitability.VERY_LOW) == "e0"
    assert p.scale_exploitability(Exploitability.MEDIUM) == "e1"
    assert p.scale_exploitability(Exploitability.VERY_HIGH) == "e2"
    assert POLICY.scale_exploitability("high") == "high"


# --- exploitability --------------------------------------------------------------------------


def test_kev_or_active_exploitation_is_very_high_whatever_else() -> None:
    lv, reasons = derive_exploitability(0.1, 0.0001, True, "none")
    assert lv is Exploitability.VERY_HIGH
    assert any("KEV" in r for r in reasons)
    assert derive_exploitability(0.1, None, False, "active")[0] is Exploitability.VERY_HIGH


def test_single_signals() -> None:
    assert derive_exploitability(3.9, None, False, None)[0] is Exploitability.HIGH
    assert derive_exploitability(0.2, None, False, None)[0] is Exploitability.VERY_LOW
    assert derive_exploitability(None, 0.7, False, None)[0] is Exploitability.VERY_HIGH
    assert derive_exploitability(None, 0.001, False, None)[0] is Exploitability.LOW
    assert derive_exploitability(None, None, False, "public poc")[0] is Exploitability.HIGH


def test_no_data_assumes_a_conservative_level_and_says_so() -> None:
    lv, reasons = derive_exploitability(None, None, False, None)
    assert lv is Exploitability.HIGH  # worst case short of known exploitation
    assert len(reasons) == 1 and "no exploitability data" in reasons[0]


@pytest.mark.parametrize(
    ("args", "rule"),
    [
        ((4.5, None, False, None), "cvss_range"),
        ((-1.0, None, False, None), "cvss_range"),
        ((None, 1.5, False, None), "epss_range"),
        ((None, None, False, "rumoured"), "ssvc_value"),
    ],
)
def test_bad_exploitability_inputs_are_refused(
    args: tuple[float | None, float | None, bool, str | None], rule: str
) -> None:
    with pytest.raises(InvalidInput, match=rf"\[risk\.exploitability\.{rule}\]"):
        derive_exploitability(*args)


SSVC_ORDER = ["none", "public poc", "active"]


@settings(max_examples=300)
@given(
    st.floats(0, 3.9),
    st.floats(0, 3.9),
    st.floats(0, 1),
    st.floats(0, 1),
    st.booleans(),
    st.booleans(),
    st.integers(0, 2),
    st.integers(0, 2),
)
def test_more_evidence_never_lowers_exploitability(
    c1: float, c2: float, p1: float, p2: float, k1: bool, k2: bool, v1: int, v2: int
) -> None:
    lo = derive_exploitability(min(c1, c2), min(p1, p2), k1 and k2, SSVC_ORDER[min(v1, v2)])[0]
    hi = derive_exploitability(max(c1, c2), max(p1, p2), k1 or k2, SSVC_ORDER[max(v1, v2)])[0]
    assert E.index(lo) <= E.index(hi)


def test_override_needs_a_reason() -> None:
    with pytest.raises(InvalidInput, match=r"\[risk\.exploitability\.override_reason\]"):
        override_exploitability(Exploitability.HIGH, "low", "  ")
    lv, reasons = override_exploitability(Exploitability.HIGH, "low", "needs physical access")
    assert lv is Exploitability.LOW and "needs physical access" in reasons[0]


# --- evaluation ------------------------------------------------------------------------------


def test_no_controls_leaves_the_risk_as_it_was() -> None:
    ev = evaluate(POLICY, "critical", "very_high", [])
    assert ev.residual == ev.before == POLICY.cell("very_high", "critical")
    assert not ev.acceptable and ev.fda_class is FdaClass.UNCONTROLLED


def test_controls_move_down_by_their_stated_steps() -> None:
    ev = evaluate(
        POLICY, "critical", "very_high", [Control("segmentation", 2), Control("signed fw", 1)]
    )
    assert ev.residual_exploitability == "low" and ev.residual_severity == "critical"
    assert ev.residual == POLICY.cell("low", "critical")
    assert ev.controls_applied == ("segmentation", "signed fw")
    assert ev.acceptable is (ev.residual.region is not Region.UNACCEPTABLE)
    assert ev.fda_class is (FdaClass.CONTROLLED if ev.acceptable else FdaClass.UNCONTROLLED)


def test_severity_steps_floor_and_unverified_controls() -> None:
    ev = evaluate(
        POLICY,
        "serious",
        "medium",
        [Control("interlock", 0, 9), Control("waf", 9), Control("paper", 3, verified=False)],
    )
    assert (ev.residual_exploitability, ev.residual_severity) == ("very_low", "negligible")
    assert ev.controls_ignored == ("paper",)
    assert ev.acceptable and ev.fda_class is FdaClass.CONTROLLED


def test_bad_controls_are_refused() -> None:
    with pytest.raises(InvalidInput, match=r"\[risk\.control\.steps\]"):
        Control("x", -1)
    with pytest.raises(InvalidInput, match=r"\[risk\.control\.name\]"):
        Control(" ")


@given(st.integers(0, 4), st.integers(0, 4), st.integers(0, 4), st.integers(0, 4))
def test_more_control_never_raises_residual_risk(e: int, s: int, a: int, b: int) -> None:
    weak = evaluate(POLICY, S[s], E[e], [Control("c", min(a, b))])
    strong = evaluate(POLICY, S[s], E[e], [Control("c", max(a, b))])
    assert RANK[strong.residual.region] <= RANK[weak.residual.region]
    assert RANK[weak.residual.region] <= RANK[weak.before.region]


# --- FDA clock, acceptance, records, heat map ------------------------------------------------


def test_uncontrolled_risk_gets_the_30_and_60_day_clock() -> None:
    clock = fda_reporting_clock("uncontrolled", date(2024, 1, 1))
    assert clock is not None
    assert clock.communicate_by == date(2024, 1, 31)
    assert clock.remediate_by == date(2024, 3, 1)  # 2024 is a leap year
    assert any("ISAO" in c for c in clock.conditions) and len(clock.conditions) == 4
    assert fda_reporting_clock(FdaClass.CONTROLLED, date(2024, 1, 1)) is None


def _eval(region: Region) -> RiskEvaluation:
    for e in E:
        for s in S:
            if POLICY.cell(e, s).region is region:
                return evaluate(POLICY, s, e, [])
    raise AssertionError(region)


def test_unacceptable_residual_is_refused_even_for_a_reviewer() -> None:
    with pytest.raises(InvalidInput, match=r"\[risk\.acceptance\.unacceptable\]"):
        check_acceptance("reviewer", _eval(Region.UNACCEPTABLE), "we like it")


def test_acceptance_needs_the_reviewer_role() -> None:
    with pytest.raises(InvalidInput, match=r"\[risk\.acceptance\.reviewer_role\].*'engineer'"):
        check_acceptance("engineer", _eval(Region.ACCEPTABLE))
    check_acceptance("reviewer", _eval(Region.ACCEPTABLE))


def test_alarp_needs_a_rationale() -> None:
    alarp = _eval(Region.ALARP)
    with pytest.raises(InvalidInput, match=r"\[risk\.acceptance\.alarp_rationale\]"):
        check_acceptance("reviewer", alarp, "")
    check_acceptance("reviewer", alarp, "further controls impair therapy")


def test_risk_record_needs_situation_and_harm() -> None:
    with pytest.raises(InvalidInput, match=r"\[risk\.record\.hazardous_situation\]"):
        validate_risk_record("", "overdose")
    with pytest.raises(InvalidInput, match=r"\[risk\.record\.harm\]"):
        validate_risk_record("pump accepts forged command", " ")
    validate_risk_record("pump accepts forged command", "overdose")


def test_heat_map_counts_every_cell() -> None:
    items = [("high", "critical"), ("high", "critical"), ("low", "minor")]
    hm = heat_map(POLICY, items)
    assert len(hm) == 25 and sum(hm.values()) == 3
    assert hm[("high", "critical")] == 2 and hm[("low", "minor")] == 1
    assert hm[("very_low", "negligible")] == 0
    with pytest.raises(InvalidInput, match=r"\[risk\.severity\.unknown\]"):
        heat_map(POLICY, [("high", "fatal")])
