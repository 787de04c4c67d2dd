"""The demo's CVD case: from the report to the published advisory that credits the finder."""

from __future__ import annotations

import json


def test_demo_case_goes_from_report_to_published_advisory(cli, tmp_path, monkeypatch):
    home = tmp_path / "demo"
    code, out, err = cli("demo", "--home", str(home))
    assert code == 0, err
    line = next(x for x in out.splitlines() if x.startswith("CVD case VR-"))
    receipt = line.split()[2].rstrip(":")
    monkeypatch.setenv("MEDSEC_HOME", str(home))
    monkeypatch.setenv("MEDSEC_DATABASE_URL", f"sqlite:///{home / 'medsec.db'}")
    monkeypatch.setenv("MEDSEC_ACTOR", "psirt")
    code, out, err = cli("cvd", "show", receipt, "--format", "json")
    assert code == 0, err
    case = json.loads(out)
    assert (case["state"], case["outcome"], case["remediated"]) == ("disclosed", "valid", True)
    assert case["credit"] == "Ada Example"
    assert case["cve_id"] == "CVE-2020-16150" and case["product"] == "InfuGuard 500"
    assert {x["kind"] for x in case["links"]} == {"product", "release", "vulnerability", "finding"}
    assert case["coordination"][0]["organisation"].startswith("Industrial Control Systems CERT")
    states = [e["to"] for e in case["timeline"] if e["kind"] == "state"]
    assert states == [
        "received",
        "acknowledged",
        "triaged",
        "remediation_in_progress",
        "remediated",
        "disclosed",
    ]
    assert all(d["state"] != "overdue" for d in case["deadlines"])
    disclosed = next(e for e in case["timeline"] if e["kind"] == "state" and e["to"] == "disclosed")
    tracking = disclosed["reason"].split()[1]
    csaf = json.loads((home / "advisories" / f"{tracking.lower()}.json").read_bytes())
    vuln = next(v for v in csaf["vulnerabilities"] if v.get("cve") == "CVE-2020-16150")
    assert vuln["acknowledgments"][0]["names"] == ["Ada Example"]
    assert vuln["discovery_date"].startswith(case["milestones"]["received_at"][:10])
    assert vuln["product_status"]["fixed"] and vuln["product_status"]["known_affected"]
    assert cli("db", "verify-audit")[0] == 0
