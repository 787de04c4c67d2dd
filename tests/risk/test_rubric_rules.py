"""The MITRE medical-device CVSS rubric: every path of every flow, aggregation, trail, errors."""

from __future__ import annotations

import pytest

from medsec.errors import InvalidInput
from medsec.risk.rubric import QUESTIONS, questions, rubric_vector

CATEGORIES = "PDTWSO"
ROOTS = ["XAVN", "XACL", "XPRL", "XUI", "XS"] + [f"X{m}{c}" for m in "CIA" for c in CATEGORIES]


def _answers(**override: str) -> dict[str, str]:
    """Every first question (and XAVP) answered "no", then the given answers ("" removes one)."""
    out = dict.fromkeys(ROOTS, "no")
    if "XAVN" not in override:
        out["XAVP"] = "no"  # XAVN no -> XAVP no -> AV:L
    out.update(override)
    return {k: v for k, v in out.items() if v}


# STANDARDS.md §6 flows, with the interpretations the module docstring documents.
AV_PATHS = [
    ({"XAVN": "yes", "XAVT": "yes"}, "N"),
    ({"XAVN": "yes", "XAVT": "no", "XAVW": "yes", "XAVR": "yes"}, "L"),
    ({"XAVN": "yes", "XAVT": "no", "XAVW": "yes", "XAVR": "no"}, "A"),
    ({"XAVN": "yes", "XAVT": "no", "XAVW": "no"}, "A"),
    ({"XAVN": "no", "XAVP": "no"}, "L"),
    ({"XAVN": "no", "XAVP": "yes", "XAVPA": "yes"}, "P"),
    ({"XAVN": "no", "XAVP": "yes", "XAVPA": "no"}, "P"),
    # unknown: the worst case reachable from the question
    ({"XAVN": "unknown"}, "N"),
    ({"XAVN": "yes", "XAVT": "unknown"}, "N"),
    ({"XAVN": "yes", "XAVT": "no", "XAVW": "unknown"}, "A"),
    ({"XAVN": "yes", "XAVT": "no", "XAVW": "yes", "XAVR": "unknown"}, "A"),
    ({"XAVN": "no", "XAVP": "unknown"}, "L"),
    ({"XAVN": "no", "XAVP": "yes", "XAVPA": "unknown"}, "P"),
]
OTHER_PATHS = [
    ("AC", {"XACL": "yes"}, "L"),
    ("AC", {"XACL": "no"}, "H"),
    ("AC", {"XACL": "unknown"}, "L"),
    ("PR", {"XPRL": "no"}, "N"),
    ("PR", {"XPRL": "yes", "XPRZ": "no"}, "N"),
    ("PR", {"XPRL": "yes", "XPRZ": "yes", "XPRS": "yes"}, "H"),
    ("PR", {"XPRL": "yes", "XPRZ": "yes", "XPRS": "no"}, "L"),
    ("PR", {"XPRL": "unknown"}, "N"),
    ("PR", {"XPRL": "yes", "XPRZ": "yes", "XPRS": "unknown"}, "L"),
    ("UI", {"XUI": "no"}, "N"),
    ("UI", {"XUI": "yes"}, "R"),
    ("UI", {"XUI": "unknown"}, "N"),
    ("S", {"XS": "no"}, "U"),
    ("S", {"XS": "yes"}, "C"),
    ("S", {"XS": "unknown"}, "C"),
    ("C", {"XCP": "yes", "XCPM": "yes"}, "H"),
    ("C", {"XCP": "yes", "XCPM": "no"}, "L"),
    ("C", {"XCP": "yes", "XCPM": "unknown"}, "H"),
    ("C", {"XCP": "unknown"}, "H"),
    ("C", {}, "N"),
]
OTHER_PATHS += [(m, {f"X{m}{c}": a}, v) for m in "CIA" for c in CATEGORIES[1:] for a, v in
                (("yes", "H"), ("no", "N"), ("unknown", "H"))]  # fmt: skip
OTHER_PATHS += [(m, {f"X{m}P": a}, v) for m in "IA" for a, v in
                (("yes", "H"), ("no", "N"), ("unknown", "H"))]  # fmt: skip


@pytest.mark.parametrize(("path", "expected"), AV_PATHS)
def test_attack_vector_paths(path: dict[str, str], expected: str) -> None:
    result = rubric_vector(_answers(**path))
    assert result.metrics["AV"] == expected
    assert f"/AV:{expected}/" in result.vector
    assert [s.question for s in result.trail if s.metric == "AV"] == list(path)


@pytest.mark.parametrize(("metric", "path", "expected"), OTHER_PATHS)
def test_other_metric_paths(metric: str, path: dict[str, str], expected: str) -> None:
    result = rubric_vector(_answers(**path))
    assert result.metrics[metric] == expected
    assert f"{metric}:{expected}" in result.vector.split("/")


def test_all_worst_case_is_the_highest_score() -> None:
    result = rubric_vector(dict.fromkeys(ROOTS, "unknown"))
    assert result.vector == "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H"
    assert (result.score, result.severity) == (10.0, "critical")


def test_no_impact_scores_zero() -> None:
    result = rubric_vector(_answers())
    assert result.vector == "CVSS:3.1/AV:L/AC:H/PR:N/UI:N/S:U/C:N/I:N/A:N"
    assert (result.score, result.severity) == (0.0, "none")


def test_impact_is_worst_across_categories() -> None:
    low = rubric_vector(_answers(XCP="yes", XCPM="no"))
    assert low.metrics["C"] == "L"
    high = rubric_vector(_answers(XCP="yes", XCPM="no", XCO="yes"))
    assert high.metrics["C"] == "H"
    mixed = rubric_vector(_answers(XIT="yes", XAD="unknown"))
    assert (mixed.metrics["C"], mixed.metrics["I"], mixed.metrics["A"]) == ("N", "H", "H")


def test_score_of_a_typical_infusion_pump_finding() -> None:
    # adjacent wireless, at will, no login, no user, unchanged scope, therapy integrity/availability
    answers = _answers(XAVN="yes", XAVT="no", XAVW="yes", XAVR="no", XACL="yes", XIT="yes")
    answers["XAT"] = "yes"
    result = rubric_vector(answers)
    assert result.vector == "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:U/C:N/I:H/A:H"
    assert result.score == 8.1  # FIRST calculator


def test_trail_records_each_question_answer_rationale_and_outcome() -> None:
    answers = _answers(XAVN="yes", XAVT="no", XAVW="yes", XAVR="yes", XCP="yes", XCPM="no")
    why = {"XAVR": "NFC programmer wand, 5 cm", "XCPM": "one patient's record per device"}
    result = rubric_vector(answers, why)
    av = [s for s in result.trail if s.metric == "AV"]
    assert [(s.question, s.answer, s.leads_to) for s in av] == [
        ("XAVN", "yes", "XAVT"),
        ("XAVT", "no", "XAVW"),
        ("XAVW", "yes", "XAVR"),
        ("XAVR", "yes", "AV:L"),
    ]
    assert av[3].rationale == "NFC programmer wand, 5 cm"
    assert av[0].rationale == ""
    assert av[3].text == QUESTIONS["XAVR"].text
    cpm = next(s for s in result.trail if s.question == "XCPM")
    assert (cpm.category, cpm.leads_to, cpm.rationale) == ("PHI/PII", "C:L", why["XCPM"])
    assert len(result.trail) == len(ROOTS) + 4  # XAVT, XAVW, XAVR and XCPM beyond the roots
    assert result.answers.startswith("XAVN:yes/XAVT:no/XAVW:yes/XAVR:yes/XACL:no/")


def test_answers_are_case_insensitive() -> None:
    assert rubric_vector(_answers(XS="YES ")).metrics["S"] == "C"


def test_off_path_answers_are_ignored_and_reported() -> None:
    result = rubric_vector(_answers(XAVN="no", XAVP="no", XAVT="yes"))
    assert result.metrics["AV"] == "L"
    assert result.ignored == ("XAVT",)
    assert "XAVT" not in result.answers


def test_version_30() -> None:
    assert rubric_vector(_answers(), version="3.0").vector.startswith("CVSS:3.0/")
    with pytest.raises(InvalidInput, match=r"3\.0 or 3\.1"):
        rubric_vector(_answers(), version="4.0")


def test_questions_drive_the_flow() -> None:
    first = questions({})
    assert [q.id for q in first] == ROOTS
    assert [c.answer for c in first[0].choices] == ["yes", "no", "unknown"]
    after = questions({"XAVN": "yes"})
    assert after[0].id == "XAVT"
    assert questions(_answers(XAVN="no"))[0].id == "XAVP"
    assert questions(_answers()) == []


@pytest.mark.parametrize(
    ("answers", "rationales", "fragment"),
    [
        (_answers(XFOO="yes"), {}, "unknown rubric question 'XFOO'"),
        (_answers(XACL="maybe"), {}, "XACL: answer 'maybe' is not one of yes, no, unknown"),
        (_answers(XAVN="yes"), {}, "XAVT (AV) is unanswered"),
        (_answers(XCP="yes"), {}, "XCPM (C) is unanswered"),
        (_answers(XUI=""), {}, "XUI (UI) is unanswered"),
        (_answers(), {"XBAR": "because"}, "unknown rubric question 'XBAR'"),
    ],
)
def test_invalid_answers_name_the_question(
    answers: dict[str, str], rationales: dict[str, str], fragment: str
) -> None:
    with pytest.raises(InvalidInput) as info:
        rubric_vector(answers, rationales)
    assert fragment in str(info.value)


def test_questions_validates_too() -> None:
    with pytest.raises(InvalidInput, match="XNOPE"):
        questions({"XNOPE": "yes"})
