"""`medsec cvd`: the whole case from the command line, output formats and exit codes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime

from sqlalchemy import select

from medsec.cli import runtime
from medsec.db.uow import unit_of_work
from medsec.models import CvdCase

TODAY = datetime.now(UTC).date().isoformat()
RECEIPT = re.compile(r"receipt id (VR-[0-9A-Z]{16})")


def _setup(cli, tmp_path):
    assert cli("account", "add", "tester", "--role", "analyst")[0] == 0
    assert cli("account", "add", "vic", "--role", "viewer")[0] == 0
    assert cli("product", "add", "Pump", "--manufacturer", "ACME")[0] == 0
    assert cli("release", "add", "1.0", "--product", "Pump")[0] == 0
    desc = tmp_path / "desc.txt"
    desc.write_text("Unauthenticated dose change over HTTP <script>alert(1)</script>\n")
    return desc


def _submit(cli, desc, *extra):
    code, out, err = cli(
        "cvd",
        "submit",
        "--product",
        "Pump",
        "--version",
        "1.0",
        "--description-file",
        str(desc),
        "--finder-email",
        "eve@finder.example",
        *extra,
    )
    assert code == 0, err
    receipt = RECEIPT.search(out)
    assert receipt is not None and "status token" in out
    return receipt.group(1), out


def test_case_from_submit_to_remediated(cli, tmp_path, session_factory):
    desc = _setup(cli, tmp_path)
    log = tmp_path / "pump.log"
    log.write_text("dose=999 accepted\n")
    case, out = _submit(cli, desc, "--attach", str(log))
    token = out.split("status token (shown once, give it to the finder): ")[1].split()[0]
    with unit_of_work(session_factory) as s:
        row = s.execute(select(CvdCase)).scalar_one()
        assert row.token_hash != token and row.source == "email"
        assert row.description.startswith("Unauthenticated dose change over HTTP <script>")
    steps = [
        ("ack", case),
        ("triage", case, "--outcome", "valid"),
        ("link", case, "--product", "Pump", "--release", "1.0"),
        ("cve", case, "CVE-2026-4242"),
        ("coordinate", case, "--contact", "DE", "--informed", row.received_at.date().isoformat()),
        ("embargo", case, "2099-01-01"),
        ("risk", case, "uncontrolled"),
        ("log", case, "--text", "we reproduced it", "--to-finder"),
        ("remediate", case),
        ("remediated", case, "--reason", "fixed in 1.1"),
    ]
    for step in steps:
        code, _, err = cli("cvd", *step)
        assert code == 0, (step, err)
    code, out, _ = cli("cvd", "show", case, "--format", "json")
    data = json.loads(out)
    assert data["state"] == "remediated" and data["outcome"] == "valid"
    assert data["cve_id"] == "CVE-2026-4242" and data["product"] == "Pump"
    assert data["embargo_date"] == "2099-01-01"
    assert data["finder"]["email"] == "eve@finder.example"
    assert [c["organisation"] for c in data["coordination"]] == ["CERT Germany (CERT-Bund)"]
    assert [x["kind"] for x in data["links"]] == ["product", "release"]
    assert data["attachments"][0]["name"] == "pump.log"
    assert {d["name"]: d["state"] for d in data["deadlines"]}["acknowledge"] == "met"
    assert [e["to"] for e in data["timeline"] if e["kind"] == "state"][-1] == "remediated"
    code, text_out, _ = cli("cvd", "show", case)
    assert code == 0 and "&lt;script&gt;" not in text_out and "CERT-Bund" in text_out
    code, out, _ = cli("cvd", "list", "--format", "json")
    assert [(c["receipt_id"], c["state"]) for c in json.loads(out)] == [(case, "remediated")]
    code, out, _ = cli("cvd", "list", "--state", "received", "--format", "json")
    assert json.loads(out) == []
    code, out, _ = cli("cvd", "list")
    assert code == 0 and case in out
    code, out, _ = cli("cvd", "list", "--overdue", "--format", "json")
    assert code == 0 and json.loads(out) == []  # acknowledged and triaged in time


def test_exit_codes(cli, tmp_path, monkeypatch):
    desc = _setup(cli, tmp_path)
    case, _ = _submit(cli, desc)
    other, _ = _submit(cli, desc)
    assert cli("cvd", "cve", case, "CVE-2026-0001")[0] == 0
    cases = [
        (("cvd", "show", "VR-0000000000000000"), 3, "no CVD case"),
        (("cvd", "triage", case, "--outcome", "valid"), 2, "cvd.transition.forbidden"),
        (("cvd", "cve", other, "CVE-2026-0001"), 4, case),
        (("cvd", "cve", other, "CVE-1"), 2, "not a CVE id"),
        (("cvd", "coordinate", case, "--contact", "US", "--informed", TODAY), 2, "--org"),
        (("cvd", "embargo", case, "soon"), 2, "YYYY-MM-DD"),
        (("cvd", "link", case, "--product", "Nope"), 3, "no product"),
        (("cvd", "contacts", "--country", "ZZ"), 3, "Annex B"),
    ]
    for args, code, needle in cases:
        got, _, err = cli(*args)
        assert got == code, (args, err)
        assert needle in err and len(err.strip().splitlines()) == 1
    monkeypatch.setenv("MEDSEC_ACTOR", "vic")
    runtime.reset()
    got, _, err = cli("cvd", "ack", case)
    assert got == 3 and "no CVD case" in err  # an undisclosed case: as if it did not exist
    got, _, err = cli("cvd", "show", case)
    assert got == 3


def test_submit_refuses_bad_files_naming_them_and_stores_nothing(cli, tmp_path):
    desc = _setup(cli, tmp_path)
    bad = tmp_path / "latin1.txt"
    bad.write_bytes(b"caf\xe9 dose change")
    exe = tmp_path / "shot.png"
    exe.write_bytes(b"MZ\x90\x00 not a png")
    zipped = tmp_path / "poc.zip"
    zipped.write_bytes(b"PK\x03\x04")
    for args, needle in (
        (("--description-file", str(bad)), f"{bad}: description: is not valid UTF-8"),
        (("--description-file", str(desc), "--attach", str(exe)), f"{exe}:"),
        (("--description-file", str(desc), "--attach", str(zipped)), f"{zipped}: --attach"),
        (("--description-file", str(tmp_path / "missing.txt")), "missing.txt"),
    ):
        code, _, err = cli("cvd", "submit", "--product", "P", "--version", "1", *args)
        assert code in (2, 3) and needle in err, err
    code, out, _ = cli("cvd", "list", "--format", "json")
    assert json.loads(out) == []


def test_contacts_and_deadlines_policy(cli, tmp_path, monkeypatch):
    code, out, _ = cli("cvd", "contacts", "--country", "jp")
    assert code == 0 and "JPCERT/CC" in out and "ANSSI" not in out
    code, out, _ = cli("cvd", "contacts")
    assert "ANSSI" in out and "SingCERT" in out
    code, out, _ = cli("cvd", "deadlines")
    assert code == 0 and "acknowledge_business_days" in out and "ISO/IEC 29147" in out
    policy = tmp_path / "cvd-policy.json"
    policy.write_text('{"disclosure_days": 45}')
    monkeypatch.setenv("MEDSEC_CVD_POLICY", str(policy))
    code, out, _ = cli("cvd", "deadlines")
    assert code == 0 and "45" in out and "install policy file" in out
    policy.write_text('{"disclosure_dayz": 45}')
    code, _, err = cli("cvd", "deadlines")
    assert code == 2 and "cvd-policy.json: disclosure_dayz: unknown setting" in err
