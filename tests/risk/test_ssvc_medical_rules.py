"""Medical-device suggestions for SSVC: ISO 14971 harm, KEV/EPSS/PoC, use environment."""

from __future__ import annotations

import pytest

from medsec.errors import InvalidInput
from medsec.risk.ssvc import (
    decide,
    exploitation_from,
    exposure_from,
    safety_impact_from_harm,
)

# Our documented mapping (ISO/TR 24971 example scale -> IEC 61508-style SSVC levels).
HARM = [
    ("negligible", "negligible"),
    ("minor", "negligible"),
    ("serious", "marginal"),
    ("critical", "critical"),
    ("catastrophic", "catastrophic"),
]


@pytest.mark.parametrize(("harm", "expected"), HARM)
def test_safety_impact_from_harm(harm: str, expected: str) -> None:
    s = safety_impact_from_harm(harm.upper())
    assert s.value == expected
    assert harm in s.reason


def test_harm_mapping_is_monotone_and_feeds_the_tables() -> None:
    ranks = ["negligible", "marginal", "critical", "catastrophic"]
    got = [ranks.index(safety_impact_from_harm(h).value) for h, _ in HARM]
    assert got == sorted(got)
    si = safety_impact_from_harm("serious").value
    d = decide("supplier", E="none", U="laborious", TI="partial", safety_impact=si)
    assert d.derived[0].priority == "significant"
    assert d.priority == "scheduled"


def test_harm_override_and_errors() -> None:
    s = safety_impact_from_harm("catastrophic", override="R")
    assert s.value == "critical"
    assert s.reason.startswith("set by assessor (suggested catastrophic")
    with pytest.raises(InvalidInput, match="negligible, minor, serious, critical, catastrophic"):
        safety_impact_from_harm("major")
    with pytest.raises(InvalidInput, match="Safety Impact"):
        safety_impact_from_harm("minor", override="hazardous")


@pytest.mark.parametrize(
    ("kev", "epss", "poc", "expected", "fragment"),
    [
        (True, None, None, "active", "KEV"),
        (True, 0.001, False, "active", "EPSS 0.001"),
        (False, None, True, "public poc", "proof of concept"),
        (False, 0.5, None, "public poc", "presumed"),
        (False, 0.1, None, "public poc", "presumed"),
        (False, 0.099, None, "none", "unknown"),
        (False, 0.97, False, "none", "no public PoC known"),
        (False, None, None, "none", "not in CISA KEV"),
    ],
)
def test_exploitation_from(
    kev: bool, epss: float | None, poc: bool | None, expected: str, fragment: str
) -> None:
    s = exploitation_from(kev, epss, poc)
    assert s.value == expected
    assert fragment in s.reason


def test_exploitation_threshold_override_and_errors() -> None:
    assert exploitation_from(False, 0.05, None, epss_threshold=0.05).value == "public poc"
    s = exploitation_from(False, None, None, override="active")
    assert s.value == "active"
    assert "suggested none" in s.reason
    for bad in (-0.1, 1.5):
        with pytest.raises(InvalidInput, match="EPSS"):
            exploitation_from(False, bad, None)
    with pytest.raises(InvalidInput, match="Exploitation"):
        exploitation_from(True, override="rumoured")


@pytest.mark.parametrize(
    ("env", "net", "internet", "expected"),
    [
        ("hospital", True, True, "open"),
        (None, None, True, "open"),
        ("home", False, None, "small"),
        ("hospital", False, False, "small"),
        ("isolated", True, None, "small"),
        ("hospital", True, False, "controlled"),
        ("home", True, False, "controlled"),
        (None, True, False, "controlled"),
        ("hospital", True, None, "controlled"),
        ("Clinic", None, None, "controlled"),
        ("home", True, None, "open"),
        ("mobile", None, None, "open"),
        (None, None, None, "open"),
    ],
)
def test_exposure_from(
    env: str | None, net: bool | None, internet: bool | None, expected: str
) -> None:
    s = exposure_from(env, net, internet)
    assert s.value == expected
    assert s.reason


def test_exposure_override_and_errors() -> None:
    s = exposure_from("home", True, None, override="controlled")
    assert s == ("controlled", s.reason)
    assert "suggested open" in s.reason
    with pytest.raises(InvalidInput, match="isolated, hospital, clinic, home, mobile"):
        exposure_from("orbit", True, True)
    with pytest.raises(InvalidInput, match="cannot be internet-facing"):
        exposure_from("home", False, True)
    with pytest.raises(InvalidInput, match="System Exposure"):
        exposure_from("home", True, True, override="everywhere")
