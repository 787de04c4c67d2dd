"""The Table 1 catalogue, evidence selectors and the verification rule (pure rules)."""

from __future__ import annotations

import pytest

from medsec.controls import rules
from medsec.errors import InvalidInput


def test_catalogue_has_the_seven_principles_of_table_1() -> None:
    assert rules.PRINCIPLE_IDS == (
        "secure-communication",
        "data-protection",
        "device-integrity",
        "user-authentication",
        "software-maintenance",
        "physical-access",
        "reliability-availability",
    )
    assert sum(len(p.points) for p in rules.PRINCIPLES) == 15


def test_principles_checked_and_ordered() -> None:
    assert rules.check_principles(["physical-access", "data-protection"]) == [
        "data-protection",
        "physical-access",
    ]
    with pytest.raises(InvalidInput, match="unknown design principle 'firewalls'"):
        rules.check_principles(["firewalls"])


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        ([], "unverified"),  # unverified until evidence says otherwise
        (["skipped"], "unverified"),
        (["pass"], "verified"),
        (["pass", "skipped"], "verified"),
        (["pass", "fail"], "failing"),
        (["error"], "failing"),
    ],
)
def test_verification_rule(outcomes: list[str], expected: str) -> None:
    assert rules.verification(outcomes) == expected


def test_selectors() -> None:
    assert rules.selects("junit:tests.auth::*", "junit", "tests.auth::test_lockout", ())
    assert not rules.selects("junit:tests.auth::*", "sarif", "tests.auth::x", ())
    assert rules.selects("tag:CWE-798", "sarif", "py/hardcoded", ("external/cwe/cwe-798",)) is False
    assert rules.selects("tag:*cwe-798", "sarif", "py/hardcoded", ("external/cwe/cwe-798",))
    with pytest.raises(InvalidInput, match="KIND:PATTERN"):
        rules.check_selector("tests.auth")
