"""CVSS parsing: results, invalid vectors with helpful messages, environmental rescoring, JSON."""

from __future__ import annotations

import pytest

from medsec.core.cvss import InvalidVector, as_json, parse, severity_of, with_environment
from medsec.errors import InvalidInput

V31 = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"
V31_SC = "CVSS:3.1/AV:L/AC:H/PR:N/UI:N/S:C/C:H/I:L/A:H"  # FIRST calculator: base 8.1
V40 = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N"  # FIRST: 9.3


def test_v31_base_only_vector() -> None:
    r = parse(V31)
    assert (r.version, r.base_score, r.base_severity) == ("3.1", 9.8, "critical")
    assert (r.overall_score, r.nomenclature, r.groups) == (9.8, "base", ("base",))
    assert r.metrics == {
        "AV": "N",
        "AC": "L",
        "PR": "N",
        "UI": "N",
        "S": "U",
        "C": "H",
        "I": "H",
        "A": "H",
    }


def test_scope_changed_base_only_overall_is_base_not_environmental_formula() -> None:
    r = parse(V31_SC)
    assert r.base_score == 8.1
    assert r.environmental_score == 8.0  # the v3.1 modified-impact formula, see LIBRARIES.md
    assert (r.overall_score, r.nomenclature) == (8.1, "base")


def test_v31_temporal_and_environmental_groups() -> None:
    r = parse(V31 + "/E:U/RL:O/RC:C")  # 9.8 * .91 * .95 = 8.47 -> 8.5
    assert (r.temporal_score, r.overall_score, r.nomenclature) == (8.5, 8.5, "temporal")
    assert r.groups == ("base", "temporal")
    env = parse(V31 + "/MAV:P")  # physical: 6.42*.9152 + 8.22*.2*.77*.85*.85 -> 6.8
    assert env.groups == ("base", "environmental")
    assert (env.overall_score, env.overall_severity, env.nomenclature) == (
        6.8,
        "medium",
        "environmental",
    )


def test_not_defined_values_are_dropped_and_order_canonical() -> None:
    r = parse("CVSS:3.1/S:U/AV:N/AC:L/PR:N/UI:N/C:H/I:H/A:H/E:X/MAV:X")
    assert r.vector == V31
    assert r.groups == ("base",)


def test_v30_is_recognised() -> None:
    r = parse("CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H")
    assert (r.version, r.base_score) == ("3.0", 10.0)


def test_v4_base_threat_environmental_nomenclature() -> None:
    b = parse(V40)
    assert (b.version, b.base_score, b.nomenclature, b.temporal_score) == (
        "4.0",
        9.3,
        "CVSS-B",
        None,
    )
    bt = parse(V40 + "/E:U")
    assert bt.nomenclature == "CVSS-BT"
    assert bt.base_score == 9.3
    assert bt.temporal_score == bt.overall_score < 9.3
    be = parse(V40 + "/MSI:S")
    assert be.nomenclature == "CVSS-BE"
    assert be.environmental_score == be.overall_score == 10.0  # safety impact, see LIBRARIES.md
    bte = parse(V40 + "/E:U/MSI:S/S:P")
    assert bte.nomenclature == "CVSS-BTE"
    assert bte.groups == ("base", "threat", "environmental", "supplemental")
    assert bte.temporal_score == bt.temporal_score
    assert bte.environmental_score == bte.overall_score


def test_v4_supplemental_never_changes_score() -> None:
    r = parse(V40 + "/S:P/AU:Y/R:I/V:C/RE:H/U:Red")
    assert r.overall_score == r.base_score == 9.3
    assert r.nomenclature == "CVSS-B"
    assert r.metrics["U"] == "Red"


def test_v4_any_input_order_gives_schema_order() -> None:
    r = parse("CVSS:4.0/AC:L/AV:N/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N")
    assert r.vector == V40


def test_v2_read_only() -> None:
    r = parse("(AV:N/AC:L/Au:N/C:P/I:P/A:P)")
    assert (r.version, r.base_score, r.temporal_score) == ("2.0", 7.5, None)
    with pytest.raises(InvalidVector, match="read-only"):
        with_environment("AV:N/AC:L/Au:N/C:P/I:P/A:P", {"CR": "H"})


@pytest.mark.parametrize(
    ("vector", "fragment"),
    [
        ("CVSS:3.1/AV:N/AC:L", "lacks mandatory base metric(s) PR, UI, S, C, I, A"),
        ("CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N", "metric(s) SA"),
        (V31.replace("AV:N/", "AV:N/AV:N/"), "metric AV appears twice"),
        (V31.replace("AV:N", "AV:Q"), "invalid value 'Q' for metric AV"),
        (V40 + "/E:Q", "invalid value 'Q' for metric E"),
        (V40 + "/MSC:S", "invalid value 'S' for metric MSC"),
        (V31 + "/MSI:S", "unknown metric 'MSI'"),
        (V31[len("CVSS:3.1/") :], "lacks the 'CVSS:3.1/'"),
        (V40[len("CVSS:4.0/") :], "lacks the 'CVSS:4.0/'"),
        ("garbage", "not a CVSS vector"),
        ("", "empty"),
        ("CVSS:5.0/AV:N", "unsupported CVSS version 'CVSS:5.0'"),
        (V31 + "/", "stray '/'"),
        (V31 + "/E", "malformed field 'E'"),
        ("CVSS:3.1/", "has no metrics"),
        ("AV:N/AC:L/Au:N/C:P/I:P/A:Z", "invalid value 'Z' for metric A"),
    ],
)
def test_invalid_vectors_name_the_fault(vector: str, fragment: str) -> None:
    with pytest.raises(InvalidVector) as info:
        parse(vector)
    assert fragment in str(info.value)
    assert isinstance(info.value, InvalidInput)


def test_with_environment_applies_and_validates() -> None:
    out = with_environment(V40, {"msi": "s", "CR": "H"})
    assert out == V40 + "/CR:H/MSI:S"
    assert parse(out).environmental_score == 10.0
    assert with_environment(V31 + "/CR:H", {"CR": "X", "MAV": "L"}) == V31 + "/MAV:L"
    with pytest.raises(InvalidVector, match="not an environmental metric"):
        with_environment(V31, {"AV": "L"})
    with pytest.raises(InvalidVector, match="invalid value 'S' for metric MI"):
        with_environment(V31, {"MI": "S"})
    with pytest.raises(InvalidVector, match="not an environmental metric"):
        with_environment(V40, {"E": "A"})


def test_severity_bands() -> None:
    bands = [(0.0, "none"), (0.1, "low"), (3.9, "low"), (4.0, "medium"), (6.9, "medium")]
    bands += [(7.0, "high"), (8.9, "high"), (9.0, "critical"), (10.0, "critical")]
    assert [severity_of(s) for s, _ in bands] == [label for _, label in bands]


def test_as_json_v3_omits_unset_groups() -> None:
    data = as_json(parse(V31_SC))
    assert data["baseScore"] == 8.1
    assert data["vectorString"] == V31_SC
    assert "environmentalScore" not in data  # would be 8.0, misleading for a base-only vector
    full = as_json(parse(V31 + "/E:U/RL:O/CR:L"))  # temporal 9.8*.91*.95 -> 8.5
    assert (full["temporalSeverity"], full["environmentalScore"] > 0) == ("HIGH", True)


def test_as_json_v4_uses_first_schema_names() -> None:
    data = as_json(parse(V40 + "/E:P/MSI:S/MSC:N/R:I"))
    assert data["version"] == "4.0"
    assert data["attackRequirements"] == "NONE"
    assert data["vulnConfidentialityImpact"] == "HIGH"
    assert data["exploitMaturity"] == "PROOF_OF_CONCEPT"
    assert data["modifiedSubIntegrityImpact"] == "SAFETY"
    assert data["modifiedSubConfidentialityImpact"] == "NONE"
    assert data["Recovery"] == "IRRECOVERABLE"
    assert (data["baseScore"], data["baseSeverity"]) == (9.3, "CRITICAL")
    assert {"threatScore", "environmentalScore"} <= set(data)
