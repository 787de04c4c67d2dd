"""`medsec incident` and `medsec share` end to end in-process: a hospital's report through every
phase with evidence, notifications and the closing review, JSON output with stable keys, exit
codes for refused input, missing things and missing rights, and nothing half-stored."""

from __future__ import annotations

import json

import pytest
import stix2

pytestmark = pytest.mark.shared_data


@pytest.fixture
def as_ana(world, monkeypatch):
    """The CLI acting as ana (admin)."""
    monkeypatch.setenv("MEDSEC_ACTOR", "ana")
    return world


def _ok(result):
    code, out, err = result
    assert code == 0, err
    return out


def test_full_incident_through_the_cli(cli, as_ana, tmp_path, shared_data, monkeypatch):
    _, finding_id = as_ana
    monkeypatch.setenv(
        "MEDSEC_STIX_SCHEMAS", str(shared_data / "stix/cti-stix2-json-schemas/schemas")
    )
    desc = tmp_path / "desc.txt"
    desc.write_text("The proxy logged a firmware download to GW-07.\n")
    out = _ok(
        cli(
            "incident",
            "open",
            "--title",
            "Firmware fetched from a look-alike server",
            "-p",
            "Pump",
            "-r",
            "2.0",
            "-j",
            "US",
            "-j",
            "eu",
            "--source",
            "hospital",
            "--reporter-org",
            "St. Example",
            "--asset",
            "GW-07",
            "--description-file",
            str(desc),
            "--detected-at",
            "2026-03-02T09:00Z",
        )
    )
    assert "INC-2026-0001 opened" in out
    ref = "INC-2026-0001"
    _ok(cli("incident", "phase", ref, "assess"))
    code, _, err = cli("incident", "phase", ref, "confirm")
    assert code == 2 and "[incident.phase.confirm] assess the patient-safety" in err
    out = _ok(
        cli(
            "incident",
            "severity",
            ref,
            "--safety",
            "serious",
            "--privacy",
            "none",
            "--flag",
            "criminal",
        )
    )
    assert "eu.mdr.serious-15" in out and "us.fda.mdr-30" in out
    _ok(cli("incident", "phase", ref, "confirm"))
    log = tmp_path / "proxy.log"
    log.write_bytes(b"GET /fw.bin 203.0.113.5\n")
    assert "evidence 1: sha256 " in _ok(
        cli("incident", "evidence", "add", ref, str(log), "--source", "hospital proxy")
    )
    _ok(
        cli(
            "incident",
            "evidence",
            "custody",
            ref,
            "1",
            "--action",
            "transferred",
            "--holder",
            "PSIRT vault",
        )
    )
    got = tmp_path / "copy.log"
    _ok(cli("incident", "evidence", "get", ref, "1", "--out", str(got)))
    assert got.read_bytes() == log.read_bytes()
    _ok(cli("incident", "link", ref, f"finding:{finding_id}"))
    _ok(
        cli(
            "incident",
            "indicator",
            ref,
            "--name",
            "look-alike server",
            "--pattern",
            "[domain-name:value = 'updates.evil.example']",
            "--shareable",
        )
    )
    _ok(
        cli(
            "incident",
            "log",
            ref,
            "--text",
            "Block the domain",
            "--to",
            "St. Example IT",
            "--channel",
            "phone",
        )
    )
    _ok(
        cli(
            "incident",
            "log",
            ref,
            "--text",
            "Pumps stay in use",
            "--kind",
            "decision",
            "--why",
            "signature check refused the file",
        )
    )
    draft = tmp_path / "draft.txt"
    draft.write_text("Serious incident report ...")
    _ok(
        cli(
            "incident",
            "notify",
            ref,
            "--obligation",
            "eu.mdr.serious-15",
            "--draft-file",
            str(draft),
        )
    )
    out = _ok(
        cli(
            "incident",
            "notify",
            ref,
            "--obligation",
            "eu.mdr.serious-15",
            "--sent",
            "--reference",
            "CA-77",
            "--format",
            "json",
        )
    )
    sent = {n["obligation"]: n for n in json.loads(out)}
    assert sent["eu.mdr.serious-15"]["reference"] == "CA-77"
    assert sent["eu.mdr.serious-15"]["draft"] == "Serious incident report ..."
    # detected 2026-03-02: FDA's 30 days and the rest are long past by now
    overdue = json.loads(_ok(cli("incident", "overdue", "--format", "json")))
    assert {o["obligation"] for o in overdue} == {"us.fda.mdr-30"}
    for step in ("eradicate", "recover", "learn"):
        _ok(cli("incident", "phase", ref, step))
    review = tmp_path / "review.txt"
    review.write_text("Signature checks held.")
    code, _, err = cli("incident", "close", ref, "--review-file", str(review))
    assert code == 2 and "at least one action" in err
    _ok(
        cli(
            "incident",
            "close",
            ref,
            "--review-file",
            str(review),
            "--action",
            "Monitor",
            "--threat",
            "Spoofed update server",
        )
    )
    shown = json.loads(_ok(cli("incident", "show", ref, "--format", "json")))
    assert shown["phase"] == "closed" and shown["review"] == "Signature checks held."
    phases = [e["to_phase"] for e in shown["events"] if e["kind"] == "phase"]
    assert phases == [
        "reported",
        "assessing",
        "containing",
        "eradicating",
        "recovering",
        "lessons_learned",
        "closed",
    ]
    assert shown["evidence"][0]["custody_intact"] is True
    assert "data" not in shown["evidence"][0]
    listed = json.loads(_ok(cli("incident", "list", "--format", "json")))
    assert [(i["ref"], i["phase"], i["overdue"]) for i in listed] == [
        (ref, "closed", ["us.fda.mdr-30"])
    ]
    assert "OVERDUE" in _ok(cli("incident", "show", ref))
    bundle = tmp_path / "bundle.json"
    export = (
        "share",
        "export",
        "--format",
        "stix",
        "--incident",
        ref,
        "--out",
        str(bundle),
        "--org",
        "Acme Medical",
        "--partner",
        "Health-ISAC",
    )
    code, _, err = cli(*export)
    assert code == 2 and "no sharing agreement with 'Health-ISAC'" in err
    assert not bundle.exists()
    agreement = ("share", "agreement", "--partner", "Health-ISAC", "--signed", "2026-01-10")
    _ok(cli(*agreement, "--scope", "incident summaries for all products", "--tlp", "green"))
    code, _, err = cli(*export)
    assert code == 2 and "allows up to TLP:GREEN, the incident is TLP:AMBER" in err
    _ok(cli(*agreement, "--scope", "incident summaries for all products", "--tlp", "amber"))
    out = _ok(cli(*export))
    assert "TLP:AMBER" in out
    data = json.loads(bundle.read_text())
    stix2.parse(data, allow_custom=False)
    assert "St. Example" not in bundle.read_text() and "GW-07" not in bundle.read_text()
    out = _ok(cli("share", "import", str(bundle), "--format", "json"))
    assert json.loads(out)["object_count"] == len(data["objects"])


def test_exit_codes_and_nothing_half_stored(cli, as_ana, tmp_path, monkeypatch):
    code, _, err = cli("incident", "open", "--title", "x", "-p", "Pump", "-r", "9.9")
    assert code == 3 and "9.9" in err
    code, _, err = cli("incident", "open", "--title", "x", "-j", "UK")
    assert code == 2 and "'UK'" in err
    code, _, err = cli("incident", "open", "--title", "x", "--detected-at", "yesterday")
    assert code == 2 and "--detected-at 'yesterday'" in err
    code, _, err = cli(
        "incident", "open", "--title", "x", "--description-file", str(tmp_path / "nope.txt")
    )
    assert code == 3 and "nope.txt: --description-file: no such file" in err
    assert json.loads(_ok(cli("incident", "list", "--format", "json"))) == []
    code, _, err = cli("incident", "show", "INC-1999-0001")
    assert code == 3 and "no incident" in err
    _ok(cli("incident", "open", "--title", "x", "-p", "Pump"))
    code, _, err = cli("incident", "link", "INC-2026-0001", "finding:999999")
    assert code == 3
    bad = tmp_path / "bad.json"
    bad.write_text('{"type": "bundle", "id": "bundle--1", "objects": []}')
    code, _, err = cli("share", "import", str(bad))
    assert code == 2 and f"{bad}: /id: not valid STIX 2.1" in err
    monkeypatch.setenv("MEDSEC_ACTOR", "vic")
    code, _, err = cli("incident", "show", "INC-2026-0001")
    assert code == 5 and "incidents are confidential" in err
    monkeypatch.setenv("MEDSEC_ACTOR", "otto")
    code, _, err = cli("incident", "phase", "INC-2026-0001", "assess")
    assert code == 5 and "no access to product 'Pump'" in err
    assert json.loads(_ok(cli("incident", "list", "--format", "json"))) == []


def test_plan_team_contacts_exercises(cli, as_ana, tmp_path):
    policy = tmp_path / "policy.txt"
    policy.write_text("We handle incidents under ISO/IEC 27035.")
    _ok(
        cli(
            "incident",
            "plan",
            "add",
            "PSIRT plan",
            "--scope",
            "Pump line",
            "--policy-file",
            str(policy),
            "-p",
            "Pump",
        )
    )
    _ok(
        cli(
            "incident",
            "plan",
            "member",
            "PSIRT plan",
            "--person",
            "Morgan",
            "--group",
            "manager",
            "--raci",
            "plan=A,detect=A,assess=A,respond=A,learn=A",
        )
    )
    code, _, err = cli(
        "incident",
        "plan",
        "member",
        "PSIRT plan",
        "--person",
        "X",
        "--group",
        "chefs",
        "--raci",
        "plan=R",
    )
    assert code == 2 and "group 'chefs'" in err
    _ok(
        cli(
            "incident",
            "plan",
            "contact",
            "PSIRT plan",
            "--kind",
            "regulator",
            "--jurisdiction",
            "jp",
            "--name",
            "PMDA",
            "--channel",
            "portal",
        )
    )
    _ok(
        cli(
            "incident",
            "plan",
            "exercise",
            "PSIRT plan",
            "--kind",
            "tabletop",
            "--date",
            "2026-02-01",
            "--scenario",
            "spoofed update server",
            "--participant",
            "Morgan",
        )
    )
    data = json.loads(_ok(cli("incident", "plan", "show", "PSIRT plan", "--format", "json")))
    assert data["team"][0]["raci"]["respond"] == "A"
    assert "plan and prepare: nobody responsible (R)" in data["raci_gaps"]
    assert data["contacts"][0]["jurisdiction"] == "JP"
    assert data["exercises"][0]["held_on"] == "2026-02-01"
    assert any(o.startswith("EU Serious incident report") for o in data["obligations"])
    assert json.loads(_ok(cli("incident", "plan", "list", "--format", "json"))) == ["PSIRT plan"]
    _ok(
        cli(
            "share",
            "agreement",
            "--partner",
            "Health-ISAC",
            "--scope",
            "indicators",
            "--tlp",
            "green",
            "--signed",
            "2026-01-10",
        )
    )
    rows = json.loads(_ok(cli("share", "agreements", "--format", "json")))
    assert [(r["partner"], r["tlp"]) for r in rows] == [("Health-ISAC", "green")]
