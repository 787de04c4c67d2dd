"""Feeds, matching, findings, vulnerability look-up and the one-shot scan, from the CLI."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.shared_data

JUICE = "sboms/cyclonedx-examples/SBOM/juice-shop/via_npm/bare/bom.1.4.json"


def test_feeds_match_findings_and_vuln_show(cli, shared_data):
    code, out, _ = cli(
        "feeds",
        "import",
        str(shared_data / "advisories/ghsa-subset"),
        str(shared_data / "kev/known_exploited_vulnerabilities.json"),
    )
    assert code == 0
    assert "16 records (16 new" in out and "KEV 1404" in out
    code, out, _ = cli("feeds", "import", str(shared_data / "advisories/ghsa-subset"))
    assert "0 new, 0 updated, 16 unchanged" in out
    cli("sbom", "import", "--create", str(shared_data / JUICE), "-p", "Juice", "-r", "1")
    code, out, _ = cli("match")
    assert code == 0 and "1 release(s) fully" in out
    code, out, _ = cli("findings", "list", "-p", "Juice", "--format", "json")
    rows = json.loads(out)
    lodash = [r for r in rows if r["component"]["name"] == "lodash"]
    assert {r["component"]["version"] for r in lodash} == {"2.4.2", "4.17.19"} or lodash
    assert all(r["vulnerability"]["id"] == "CVE-2021-23337" for r in lodash)
    for r in rows:
        assert set(r) >= {"component", "vulnerability", "matched_by", "status", "first_seen"}
        assert set(r["vulnerability"]) >= {"id", "aliases", "summary", "severities", "kev", "epss"}
        assert r["matched_by"][0]["identifier"] == "purl"
    code, out, _ = cli("vuln", "show", "GHSA-35jh-r3h4-6jhm", "--format", "json")
    data = json.loads(out)
    assert data["id"] == "CVE-2021-23337" and data["aliases"] == ["GHSA-35jh-r3h4-6jhm"]
    assert data["severities"][0]["vector"].startswith("CVSS:3.1/")
    code, _, err = cli("vuln", "show", "CVE-1999-0000")
    assert code == 3 and "no vulnerability" in err
    code, out, _ = cli("feeds", "list", "--format", "json")
    assert [s["kind"] for s in json.loads(out)] == ["osv", "kev", "osv"]


def test_scan_stores_nothing_and_gates_on_severity(cli, shared_data, tmp_path):
    sbom, feeds = str(shared_data / JUICE), str(shared_data / "advisories/ghsa-subset")
    code, out, _ = cli("scan", sbom, "--feeds", feeds, "--format", "json")
    assert code == 0
    findings = json.loads(out)
    pairs = {(f["component"]["name"], f["component"]["version"]) for f in findings}
    assert ("ws", "7.4.6") in pairs and ("lodash", "4.17.21") not in pairs
    code, out, _ = cli("product", "list", "--format", "json")
    assert json.loads(out) == []
    code, _, _ = cli("scan", sbom, "--feeds", feeds, "--fail-on", "critical", "--format", "json")
    worst = max((f["vulnerability"]["cvss_score"] or 0) for f in findings)
    assert code == (1 if worst >= 9.0 else 0)
    code, _, _ = cli("scan", sbom, "--feeds", feeds, "--fail-on", "low", "--format", "json")
    assert code == 1
    code, out, _ = cli("scan", sbom, "--feeds", feeds, "--format", "sarif")
    sarif = json.loads(out)
    assert sarif["version"] == "2.1.0"
    assert len(sarif["runs"][0]["results"]) == len(findings)
    rule_ids = {r["id"] for r in sarif["runs"][0]["tool"]["driver"]["rules"]}
    assert rule_ids == {f["vulnerability"]["id"] for f in findings}
    code, _, err = cli("scan", sbom, "--feeds", feeds, "--fail-on", "bad")
    assert code == 2 and "--fail-on" in err


def test_scan_with_product_stores_and_matches(cli, shared_data):
    code, _, _ = cli(
        "scan",
        str(shared_data / JUICE),
        "--feeds",
        str(shared_data / "advisories/ghsa-subset"),
        "-p",
        "Juice",
        "-r",
        "9",
        "--format",
        "json",
    )
    assert code == 0
    # the scan read the feeds from files; the stored release was matched against stored feeds (none)
    code, out, _ = cli("findings", "list", "-p", "Juice", "--format", "json")
    assert code == 0 and json.loads(out) == []
    cli("feeds", "import", str(shared_data / "advisories/ghsa-subset"))
    code, out, _ = cli("match")
    assert "incrementally" in out
    code, out, _ = cli("findings", "list", "-p", "Juice", "-r", "9", "--format", "json")
    assert len(json.loads(out)) > 0


def test_demo_builds_a_workspace_with_findings(cli, tmp_path):
    home = tmp_path / "demo"
    code, out, _ = cli("demo", "--home", str(home))
    assert code == 0
    assert "release 2.0.0: 15 components" in out and "findings in 2.0.0: 10" in out
    assert "findings in 2.1.0: 0" in out
    assert "export MEDSEC_ACTOR=psirt" in out  # how to act as a demo account
    assert (home / "medsec.db").exists() and (home / "infuguard-500-2.0.0.cdx.json").exists()
    code, out, _ = cli("demo", "--home", str(home))
    assert code == 0  # a demo workspace is recreated
    (tmp_path / "mine").mkdir()
    code, _, err = cli("demo", "--home", str(tmp_path / "mine"))
    assert code == 4 and "not a medsec demo workspace" in err
