"""The design-phase commands end to end on the test database: model import (our file and a
real Threat Dragon model), diagram, threats, controls, evidence from real files, the matrix in
every format, variation analysis; bad input exits 2 naming the file and place."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from design_world import JUNIT, PUMP_YAML

P = ("--product", "Pump", "--release", "1.0")


@pytest.fixture
def ready(cli, tmp_path):
    assert cli("account", "add", "tester", "--role", "analyst")[0] == 0
    assert cli("product", "add", "Pump", "-m", "Acme")[0] == 0
    assert cli("release", "add", "1.0", "-p", "Pump")[0] == 0
    model = tmp_path / "pump.yaml"
    model.write_bytes(PUMP_YAML)
    code, out, err = cli("model", "import", str(model), *P)
    assert code == 0, err
    assert "model version 1" in out and "3 elements, 2 flows, 2 trust boundaries" in out
    return tmp_path


def test_model_threats_controls_evidence_matrix(cli, ready: Path) -> None:
    code, out, _ = cli("model", "export", *P, "--format", "json")
    assert code == 0 and json.loads(out)["medsec-system-model"] == 1
    code, out, _ = cli("threats", "generate", *P, "--format", "json")
    generated = json.loads(out)
    assert code == 0 and generated["created"] == generated["total"] > 20
    code, out, _ = cli(
        "threats",
        "set",
        "MD-SUPPLY",
        *P,
        "--status",
        "accepted",
        "--rationale",
        "supplier audited yearly",
    )
    assert code == 0 and "accepted" in out
    assert (
        cli(
            "controls",
            "add",
            "C-TLS",
            "-p",
            "Pump",
            "--name",
            "Mutual TLS",
            "--principle",
            "secure-communication",
            "--evidence",
            "junit:tests.test_tls::*",
        )[0]
        == 0
    )
    code, out, err = cli("controls", "link", "C-TLS", *P, "--threat", "FLOW-T@dose")
    assert code == 0, err
    code, out, _ = cli("controls", "show", "C-TLS", *P, "--format", "json")
    assert json.loads(out)["verification"] == "unverified"
    junit = ready / "junit.xml"
    junit.write_bytes(JUNIT)
    code, out, err = cli("evidence", "import", str(junit), "--kind", "junit", *P)
    assert code == 0 and "3 results" in out and "1 failed" in out, err
    code, out, _ = cli("controls", "show", "C-TLS", *P, "--format", "json")
    assert json.loads(out)["verification"] == "verified"
    code, out, err = cli("trace", "matrix", *P, "--format", "json")
    assert code == 0, err
    m = json.loads(out)
    rows = {r["threat"]: r for r in m["rows"]}
    assert rows["FLOW-T@dose"]["gaps"] == [] and rows["MD-SUPPLY"]["gaps"] == []
    assert rows["MD-DEPLOY"]["gaps"] == ["threat-without-control"]
    assert m["coverage"]["static-analysis"] is False
    code, out, _ = cli("trace", "matrix", *P, "--format", "csv")
    lines = list(csv.DictReader(io.StringIO(out)))
    assert len(lines) == len(m["rows"])
    xlsx = ready / "m.xlsx"
    assert cli("trace", "matrix", *P, "--format", "xlsx", "--out", str(xlsx))[0] == 0
    assert xlsx.read_bytes()[:2] == b"PK"
    code, out, _ = cli("threats", "questions", *P, "--format", "json")
    assert json.loads(out)["did_we_do_enough"].startswith("Not yet")
    code, out, _ = cli("model", "diff", *P, "--from", "1", "--format", "json")
    assert code == 0 and json.loads(out) == []


@pytest.mark.shared_data
def test_real_threat_dragon_model_and_evidence(cli, ready: Path, shared_data: Path) -> None:
    td = shared_data / "threat-models/threat-dragon/ThreatDragonModels/demo-threat-model.json"
    code, out, err = cli("model", "import", str(td), *P)
    assert code == 0, err
    assert "model version 2 of Pump 1.0 (threat-dragon-v1): 7 elements, 10 flows" in out
    assert "14 threats imported" in out and "not mapped" in out
    code, out, _ = cli("threats", "list", *P, "--status", "mitigated", "--format", "json")
    assert len(json.loads(out)) == 4  # the model's four mitigated threats
    code, out, _ = cli("model", "import", str(td), *P)
    assert code == 0 and "0 threats imported" in out  # a re-import keeps the stored threats
    code, out, _ = cli("model", "diff", *P, "--from", "2", "--to", "3", "--format", "json")
    assert json.loads(out) == []
    sarif = shared_data / "evidence/sarif/codeql-action/src/testdata/fingerprinting.expected.sarif"
    code, out, _ = cli("evidence", "import", str(sarif), "--kind", "sarif", *P, "--format", "json")
    assert code == 0 and json.loads(out)["counts"]["total"] == 2
    code, out, _ = cli("model", "diff", *P, "--from", "1", "--to", "3", "--format", "json")
    assert {c["change"] for c in json.loads(out)} == {"added", "removed"}


def test_bad_input_exits_2_with_file_and_place(cli, ready: Path) -> None:
    bad = ready / "bad.yaml"
    bad.write_bytes(PUMP_YAML.replace(b"type: device", b"type: toaster"))
    code, _, err = cli("model", "import", str(bad), *P)
    assert code == 2 and f"{bad}: /elements/0/type: unknown type 'toaster'" in err
    broken = ready / "broken.sarif"
    broken.write_bytes(b'{"version": "2.1.0", "runs": [{"results": 3}]}')
    code, _, err = cli("evidence", "import", str(broken), "--kind", "sarif", *P)
    assert code == 2 and "/runs/0/results" in err
    code, out, _ = cli("evidence", "list", *P, "--format", "json")
    assert json.loads(out)["imports"] == []
    code, _, err = cli("threats", "show", "NOPE", *P)
    assert code == 3 and "no threat 'NOPE'" in err
    code, _, err = cli(
        "controls", "add", "C-1", "-p", "Pump", "--name", "x", "--principle", "firewalls"
    )
    assert code == 2 and "unknown design principle" in err


@pytest.mark.skipif(shutil.which("dot") is None, reason="apt-get install -y graphviz")
def test_diagram(cli, ready: Path) -> None:
    svg = ready / "m.svg"
    assert cli("model", "diagram", *P, "--out", str(svg))[0] == 0
    text = svg.read_text()
    assert text.startswith("<svg") and "Hospital network" in text and "Dose order" in text


def test_vuln_where_without_findings(cli, ready: Path) -> None:
    code, out, _ = cli("vuln", "where", "CVE-2099-0001", "--format", "json")
    assert code == 0 and json.loads(out) == []
