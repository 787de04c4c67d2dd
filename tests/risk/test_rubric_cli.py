"""`medsec cvss score|rubric|questions` as a user runs them (the sub-app, or mounted in main)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from medsec.app import cli as cli_main
from medsec.errors import MedsecError
from medsec.risk.cvss_cli import app

ROOTS = ["XAVN", "XACL", "XPRL", "XUI", "XS"] + [f"X{m}{c}" for m in "CIA" for c in "PDTWSO"]


def _mounted() -> bool:
    return any(g.name == "cvss" for g in cli_main.app.registered_groups)


def run(capsys: pytest.CaptureFixture[str], *args: str, stdin: str = "") -> tuple[int, str, str]:
    """(exit code, stdout, stderr): through medsec's main() once mounted, else the sub-app."""
    if _mounted() and not stdin:
        with pytest.raises(SystemExit) as done:
            cli_main.main(["cvss", *args])
            raise SystemExit(0)
        captured = capsys.readouterr()
        return int(done.value.code or 0), captured.out, captured.err
    result = CliRunner().invoke(app, list(args), input=stdin)
    if isinstance(result.exception, MedsecError):  # what main() does with domain errors
        return cli_main.exit_code(result.exception), result.output, str(result.exception)
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result.exit_code, result.output, ""


def _all_no(*extra: str) -> list[str]:
    args = [x for q in ROOTS for x in ("--answer", f"{q}=no")] + ["--answer", "XAVP=no"]
    return args + list(extra)


def test_score_table(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "score", "CVSS:3.1/AV:L/AC:H/PR:N/UI:N/S:C/C:H/I:L/A:H")
    assert code == 0
    assert "CVSS 3.1" in out and "8.1 high" in out
    assert "overall (base)" in out
    assert "8.0" not in out  # the v3.1 environmental formula value is not shown as a score


def test_score_json_v4(capsys: pytest.CaptureFixture[str]) -> None:
    vector = "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N/MSI:S"
    code, out, _ = run(capsys, "score", vector, "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert (data["baseScore"], data["environmentalScore"]) == (9.3, 10.0)
    assert data["overall"] == {"score": 10.0, "name": "CVSS-BE"}


def test_score_invalid_vector_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "score", "CVSS:3.1/AV:N/AC:L")
    assert code == 2
    assert "PR, UI, S, C, I, A" in err


def test_rubric_from_options(capsys: pytest.CaptureFixture[str]) -> None:
    args = _all_no("-a", "XS=yes", "-a", "XIT=yes", "-r", "XIT=bolus volume can be changed")
    code, out, _ = run(capsys, "rubric", *args, "--format", "json")
    data = json.loads(out)
    assert code == 0
    assert data["vector"] == "CVSS:3.1/AV:L/AC:H/PR:N/UI:N/S:C/C:N/I:H/A:N"
    assert data["score"] == 5.9  # 1.08 * (7.52*.531 - ~0 + 8.22*.55*.44*.85*.85) = 5.86
    xit = next(s for s in data["trail"] if s["question"] == "XIT")
    assert (xit["leads_to"], xit["rationale"]) == ("I:H", "bolus volume can be changed")
    assert data["answers"].startswith("XAVN:no/XAVP:no/XACL:no")


def test_rubric_from_file_with_rationales(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers: dict[str, object] = dict.fromkeys(ROOTS, "unknown")
    answers["XAVN"] = {"answer": "yes", "rationale": "BLE telemetry"}
    answers |= {"XAVT": "no", "XAVW": "yes", "XAVR": "no"}
    path = tmp_path / "answers.json"
    path.write_text(json.dumps(answers))
    code, out, _ = run(capsys, "rubric", "--answers", str(path))
    assert code == 0
    assert "CVSS:3.1/AV:A/AC:L/PR:N/UI:N/S:C/C:H/I:H/A:H" in out
    assert "BLE telemetry" in out


def test_rubric_missing_answer_names_the_next_question(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rubric", "--answer", "XAVN=yes")
    assert code == 2
    assert "answer XAVT next" in err


def test_rubric_bad_answer_and_bad_option(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "rubric", "--answer", "XACL=perhaps")
    assert (code, "XACL" in err) == (2, True)
    code, _, err = run(capsys, "rubric", "--answer", "XACL")
    assert (code, "QUESTION_ID=VALUE" in err) == (2, True)


def test_rubric_interactive_asks_what_is_missing(capsys: pytest.CaptureFixture[str]) -> None:
    given = [a for q in ROOTS[1:] for a in ("--answer", f"{q}=no")]
    # XAVN: a wrong word is asked again, then yes; XAVT yes; empty rationales
    code, out, _ = run(capsys, "rubric", *given, "--interactive", stdin="maybe\nyes\n\nyes\n\n")
    assert code == 0
    assert "AV:N/AC:H" in out


def test_questions_lists_every_question(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "questions", "--format", "json")
    rows = {r["id"]: r for r in json.loads(out)}
    assert code == 0
    assert len(rows) == 31  # 12 for AV..S, 18 for C/I/A categories, XCPM
    assert rows["XAVR"]["answers"] == {"yes": "AV:L", "no": "AV:A", "unknown": "AV:A"}
