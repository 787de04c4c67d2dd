"""Update methods (seed Table 2) and regulatory oversight level (seed Table 3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from medsec.errors import InvalidInput
from medsec.updates.rules import (
    UPDATE_METHODS,
    AddressedFinding,
    OversightLevel,
    UpdateEffect,
    UpdateMethod,
    oversight_level,
)

HYGIENE, FIXED, REDUCED = UpdateEffect.CYBER_HYGIENE, UpdateEffect.FIXED, UpdateEffect.RISK_REDUCED


def test_three_update_methods_with_user_responsibilities() -> None:
    assert {m.value for m in UpdateMethod} == {"remote", "user_managed", "service_visit"}
    assert set(UPDATE_METHODS) == set(UpdateMethod)
    for info in UPDATE_METHODS.values():
        assert info.summary.strip() and info.user_responsibility.strip()
    assert "remote connectivity" in UPDATE_METHODS[UpdateMethod.REMOTE].user_responsibility
    assert "third party" in UPDATE_METHODS[UpdateMethod.USER_MANAGED].summary
    visit = UPDATE_METHODS[UpdateMethod.SERVICE_VISIT]
    assert "serious harm" in visit.summary and visit.note and "qualified" in visit.note


def test_table_3_rows() -> None:
    assert oversight_level([], cyber_hygiene=True).level is OversightLevel.LOW
    fixed_ok = oversight_level([AddressedFinding("CVE-1", FIXED, True)])
    assert fixed_ok.level is OversightLevel.MEDIUM
    reduced_ok = oversight_level([AddressedFinding("CVE-2", REDUCED, True)])
    assert reduced_ok.level is OversightLevel.MEDIUM
    high = oversight_level([AddressedFinding("CVE-3", FIXED, False)])
    assert high.level is OversightLevel.HIGH and high.review_before_release_possible


def test_seed_example_hygiene_plus_a_reduced_plus_b_fixed_is_high() -> None:
    """Seed 6.4.3: strengthen security, reduce the risk of A, fix B (unacceptable) → high."""
    d = oversight_level(
        [AddressedFinding("A", REDUCED, True), AddressedFinding("B", FIXED, False)],
        cyber_hygiene=True,
    )
    assert d.level is OversightLevel.HIGH
    assert d.deciding == ("B",)
    assert len(d.reasons) == 4 and "highest" in d.reasons[-1]


def test_other_impact_flags_possible_review_before_release() -> None:
    d = oversight_level([], cyber_hygiene=True, other_impact=True)
    assert d.level is OversightLevel.LOW and d.review_before_release_possible
    assert not oversight_level([], cyber_hygiene=True).review_before_release_possible


def test_refusals_name_the_rule() -> None:
    with pytest.raises(InvalidInput, match=r"\[updates\.addressed\.empty\]"):
        oversight_level([])
    with pytest.raises(InvalidInput, match=r"\[updates\.addressed\.residual_unknown\].*CVE-9"):
        oversight_level([AddressedFinding("CVE-9", FIXED)])
    with pytest.raises(
        InvalidInput, match=r"\[updates\.addressed\.hygiene_with_unacceptable_risk\]"
    ):
        oversight_level([AddressedFinding("CVE-8", HYGIENE, False)])


item = st.builds(
    AddressedFinding,
    st.text(min_size=1, max_size=5),
    st.sampled_from([FIXED, REDUCED]),
    st.booleans(),
)
ORDER = [OversightLevel.LOW, OversightLevel.MEDIUM, OversightLevel.HIGH]


@given(st.lists(item, min_size=1, max_size=8), st.booleans())
def test_level_is_the_highest_of_the_items(items: list[AddressedFinding], hygiene: bool) -> None:
    d = oversight_level(items, cyber_hygiene=hygiene)
    singles = [oversight_level([i]).level for i in items]
    assert d.level == max(singles, key=ORDER.index)
    assert (d.level is OversightLevel.HIGH) == any(not i.residual_acceptable_before for i in items)
