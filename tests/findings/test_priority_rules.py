"""Work-list order of open findings and its explanation."""

from __future__ import annotations

import itertools
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medsec.errors import InvalidInput
from medsec.findings.priority import priority_key, why

Row = tuple[str, int | None, str | None, bool | None, float | None, float | None]


def _order(rows: list[Row]) -> list[str]:
    return [r[0] for r in sorted(rows, key=lambda r: priority_key(*r[1:]), reverse=True)]


def test_residual_risk_comes_before_everything_else() -> None:
    rows: list[Row] = [
        ("loud", 1, "Immediate", True, 0.97, 9.8),
        ("harmful", 3, "Defer", False, 0.001, 2.0),
    ]
    assert _order(rows) == ["harmful", "loud"]


def test_each_criterion_breaks_ties_of_the_ones_before() -> None:
    rows: list[Row] = [
        ("cvss", 2, "Scheduled", False, 0.1, 9.0),
        ("base", 2, "Scheduled", False, 0.1, 5.0),
        ("epss", 2, "Scheduled", False, 0.2, 1.0),
        ("kev", 2, "Scheduled", True, 0.0, 1.0),
        ("ssvc", 2, "Out-of-Cycle", False, 0.0, 1.0),
    ]
    assert _order(rows) == ["ssvc", "kev", "epss", "cvss", "base"]


def test_ssvc_outcomes_rank_in_dsoi_order_and_cisa_levels() -> None:
    rows: list[Row] = [
        (o, None, o, None, None, None) for o in ["Defer", "Immediate", "Scheduled", "Out-of-Cycle"]
    ]
    assert _order(rows) == ["Immediate", "Out-of-Cycle", "Scheduled", "Defer"]
    rows = [(o, None, o, None, None, None) for o in ["Track", "Act", "Track*", "Attend"]]
    assert _order(rows) == ["Act", "Attend", "Track*", "Track"]


def test_missing_values_rank_lowest() -> None:
    rows: list[Row] = [
        ("none", None, None, None, None, None),
        ("zero", 0, "Defer", False, 0.0, 0.0),
    ]
    assert _order(rows) == ["zero", "none"]
    assert _order([("a", 1, None, None, None, None), ("b", 1, None, None, None, 0.0)]) == ["b", "a"]


def test_unknown_ssvc_outcome_is_refused() -> None:
    with pytest.raises(InvalidInput, match=r"\[priority\.ssvc_outcome\.unknown\]"):
        priority_key(None, "urgent", None, None, None)
    with pytest.raises(InvalidInput, match=r"\[priority\.ssvc_outcome\.unknown\]"):
        why(None, "urgent", None, None, None)


opt_level = st.none() | st.integers(0, 3)
opt_ssvc = st.none() | st.sampled_from(["Defer", "Scheduled", "Out-of-Cycle", "Immediate"])
opt_bool = st.none() | st.booleans()
opt_epss = st.none() | st.floats(0, 1)
opt_cvss = st.none() | st.floats(0, 10)


@given(st.lists(st.tuples(opt_level, opt_ssvc, opt_bool, opt_epss, opt_cvss), max_size=30))
def test_sorted_keys_never_increase(items: list[tuple[Any, ...]]) -> None:
    keys = [priority_key(*r) for r in sorted(items, key=lambda r: priority_key(*r), reverse=True)]
    assert all(x >= y for x, y in itertools.pairwise(keys))
    for r in items:  # a present value always outranks a missing one in the same criterion
        k = priority_key(*r)
        assert all(v == -1.0 or v >= 0.0 for v in k)


@pytest.mark.parametrize(("epss", "cvss"), [(1.5, None), (None, 11.0), (float("nan"), None)])
def test_out_of_range_scores_are_refused(epss: float | None, cvss: float | None) -> None:
    with pytest.raises(InvalidInput, match=r"\[priority\.(epss|cvss)\.range\]"):
        priority_key(None, None, None, epss, cvss)


def test_why_explains_every_criterion() -> None:
    text = why(3, "Immediate", True, 0.42, 9.8, residual_risk_label="very_high")
    assert len(text) == 5
    assert "very_high" in text[0] and "3" in text[0]
    assert "Immediate" in text[1]
    assert "KEV" in text[2] and "not" not in text[2]
    assert "0.42" in text[3] and "9.8" in text[4]
    missing = why(None, None, None, None, None)
    assert "no risk record" in missing[0] and "no SSVC" in missing[1]
    assert "unknown" in missing[2] and "no EPSS" in missing[3] and "no CVSS" in missing[4]
    assert "not in CISA KEV" in why(0, None, False, None, None)[2]


def test_unassessed_critical_rises_above_assessed_medium_findings() -> None:
    # the review's case: PyYAML 9.8 with no risk record sank below assessed mediums
    rows: list[Row] = [
        ("assessed-medium-a", 2, "Scheduled", False, 0.01, 5.5),
        ("assessed-high", 3, "Out-of-Cycle", False, 0.2, 7.5),
        ("pyyaml-unassessed", None, None, False, 0.02, 9.8),
        ("unassessed-medium", None, None, False, 0.5, 5.0),
    ]
    assert _order(rows) == [
        "pyyaml-unassessed",
        "assessed-high",
        "assessed-medium-a",
        "unassessed-medium",
    ]
    assert why(None, None, False, 0.02, 9.8)[0].startswith("high severity and no risk record yet")
    assert why(None, None, False, 0.5, 5.0)[0].startswith("no risk record yet")


@pytest.mark.parametrize(
    ("ssvc", "kev", "cvss", "rises"),
    [
        (None, True, None, True),
        (None, None, 7.0, True),
        (None, None, 6.9, False),
        ("Immediate", None, None, True),
        ("Act", None, 3.0, True),
        ("Scheduled", False, 6.9, False),
    ],
)
def test_what_counts_as_high_severity_when_unassessed(
    ssvc: str | None, kev: bool | None, cvss: float | None, rises: bool
) -> None:
    assessed = ("assessed", 4, "Immediate", True, 0.9, 9.9)
    assert (_order([assessed, ("new", None, ssvc, kev, None, cvss)])[0] == "new") is rises
