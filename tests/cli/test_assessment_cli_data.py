"""Assessment from the CLI: accounts, triage, rescoring, SSVC, risk, updates, work list, cvss."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.shared_data

JUICE = "sboms/cyclonedx-examples/SBOM/juice-shop/via_npm/bare/bom.1.4.json"


@pytest.fixture
def juice(cli, shared_data):
    cli("sbom", "import", "--create", str(shared_data / JUICE), "-p", "Juice", "-r", "1")
    cli("feeds", "import", str(shared_data / "advisories/ghsa-subset"))
    cli("match")
    code, out, _ = cli("findings", "list", "-p", "Juice", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    return cli, {(r["component"]["name"], r["component"]["version"]): r["id"] for r in rows}


def test_accounts_and_permissions(juice, monkeypatch):
    cli, ids = juice
    fid = ids[("lodash", "2.4.2")]
    code, _, err = cli(
        "findings", "triage", str(fid), "--status", "affected", "--action", "a", "--reason", "r"
    )
    assert code == 5 and "has no account" in err
    assert cli("account", "add", "tester", "--role", "analyst")[0] == 0  # first account: admin
    code, out, _ = cli("account", "add", "rev", "--role", "reviewer")
    assert code == 0 and "reviewer" in out
    monkeypatch.setenv("MEDSEC_ACTOR", "rev")
    code, _, err = cli("account", "add", "mallory", "--role", "admin")
    assert code == 5 and "only an admin adds accounts" in err


def test_triage_show_rescore_ssvc_risk_update_worklist(juice, monkeypatch):
    cli, ids = juice
    cli("account", "add", "tester", "--role", "analyst")
    cli("account", "add", "rev", "--role", "reviewer")
    lodash, braces = ids[("lodash", "2.4.2")], ids[("braces", "2.3.2")]
    code, _, err = cli(
        "findings", "triage", str(lodash), "--status", "not_affected", "--reason", "r"
    )
    assert code == 2 and "vex.not_affected.justification" in err
    code, out, _ = cli(
        "findings",
        "triage",
        str(lodash),
        "--status",
        "not_affected",
        "--justification",
        "code_not_reachable",
        "--vocabulary",
        "cyclonedx",
        "--reason",
        "template() unused",
    )
    assert code == 0 and "vulnerable_code_not_in_execute_path" in out
    code, out, _ = cli(
        "findings", "rescore", str(braces), "-m", "MAV=A", "--reason", "internal only"
    )
    assert code == 0 and "MAV:A" in out
    code, _, err = cli("findings", "rescore", str(braces), "-m", "MAV=Q", "--reason", "x")
    assert code == 2 and "MAV" in err
    code, out, _ = cli(
        "risk",
        "assess",
        str(braces),
        "--hazardous-situation",
        "portal altered",
        "--harm",
        "wrong dose shown",
        "--severity",
        "serious",
        "--control",
        "waf:1",
        "--format",
        "json",
    )
    risk = json.loads(out)
    assert code == 0 and risk["version"] == 1 and risk["controls"][0]["name"] == "waf"
    code, out, _ = cli("findings", "ssvc", str(braces), "--role", "supplier")
    assert code == 0 and "SSVCv2/" in out
    if risk["acceptable"]:
        code, _, err = cli("risk", "accept", str(braces), "--rationale", "ok")
        assert code == 2 and "reviewer" in err
        monkeypatch.setenv("MEDSEC_ACTOR", "rev")
        code, out, _ = cli("risk", "accept", str(braces), "--rationale", "verified")
        assert code == 0 and "accepted by cli:rev" in out
        monkeypatch.setenv("MEDSEC_ACTOR", "tester")
    code, out, _ = cli("findings", "show", str(braces), "--format", "json")
    data = json.loads(out)
    assert data["cvss_rescores"][0]["source_vector"].startswith("CVSS:3.1/AV:N")
    assert data["signals"]["cvss_source"] == "rescored"
    assert data["ssvc_decisions"][0]["inputs"]["safety_impact"]["source"] == "risk record v1"
    assert data["risk"]["exploitability_reasons"] and data["priority"]["why"]
    assert data["matched_by"][0]["record"].startswith("GHSA-")
    code, out, _ = cli(
        "update",
        "add",
        "u1",
        "-p",
        "Juice",
        "--method",
        "remote",
        "--addresses",
        f"{braces}:fixed",
    )
    assert code == 0 and "oversight level" in out
    code, _, err = cli(
        "update", "add", "u2", "-p", "Juice", "--method", "remote", "--addresses", f"{lodash}:fixed"
    )
    assert code == 2 and "no risk record" in err
    code, out, _ = cli("findings", "list", "-p", "Juice", "--sort", "priority", "--format", "json")
    rows = json.loads(out)
    work = [r["id"] for r in rows]
    assert braces in work and lodash not in work
    # unassessed high-severity findings rank first (issue 10, 12), then the assessed braces
    ahead = rows[: work.index(braces)]
    assert all(r["priority"]["why"][0].startswith("high severity and no risk") for r in ahead)
    assert rows[work.index(braces)]["priority"]["why"][0].startswith("residual risk level")
    code, out, _ = cli("risk", "heatmap", "-p", "Juice", "--format", "json")
    heat = json.loads(out)
    assert heat["records"] == 1 and sum(c["count"] for c in heat["before"]) == 1
    code, _, err = cli("findings", "show", "999999")
    assert code == 3 and "no finding 999999" in err


def test_cvss_score_command(cli):
    code, out, _ = cli(
        "cvss", "score", "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", "--format", "json"
    )
    data = json.loads(out)
    assert code == 0 and data["baseScore"] == 9.8
    code, _, err = cli("cvss", "score", "CVSS:3.1/AV:N")
    assert code == 2 and "AC" in err
