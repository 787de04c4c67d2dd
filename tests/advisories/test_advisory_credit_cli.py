"""Finders credited in advisories: valid CVD cases of the product linked to the vulnerability."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import orjson
from _seed import READY, Case, add_accounts, seed

from medsec.advisories import publish, service
from medsec.cvd import intake_service, links
from medsec.cvd import service as cvd
from medsec.db.uow import unit_of_work
from medsec.ingest.csaf import validate_csaf

T0 = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
CASES = [
    Case("1.0", "openssl@1.1.1k", "CVE-2021-3711", "affected", action="Install release 2.0."),
    Case("1.0", "zlib@1.2.11", "CVE-2018-25032", "affected", action="Install release 2.0."),
]


def _case(s, *, product: str, vuln: str, credit: str | None, outcome: str, days: int) -> str:
    fields = {"product": product, "version": "1.0", "description": f"{vuln} in our pump " * 3}
    receipt = intake_service.submit_report(
        s, fields=fields, source="api", now=T0 + timedelta(days=days)
    ).receipt_id
    at = T0 + timedelta(days=days + 1)
    cvd.transition(s, case=receipt, action="acknowledge", actor="cli:ana", now=at)
    reason = "reproduced" if outcome == "valid" else "known already"
    cvd.transition(
        s, case=receipt, action="triage", outcome=outcome, reason=reason, actor="cli:ana", now=at
    )
    links.link(s, case=receipt, actor="cli:ana", product=product, vuln=vuln)
    if credit is not None:
        links.set_credit(s, case=receipt, credit=credit, actor="cli:ana")
    return receipt


def _csaf(session_factory, product: str) -> dict:
    with unit_of_work(session_factory) as s:
        adv = service.create(
            s, product=product, title=f"{product} advisory", actor="cli:ana", **READY
        )
        rev = publish.publish(s, tracking_id=adv.tracking_id, summary="First.", actor="cli:rev")
        return orjson.loads(rev.csaf)


def test_valid_cases_of_the_product_credit_their_finders(session_factory) -> None:
    with unit_of_work(session_factory) as s:
        add_accounts(s)
        seed(s, "InfuSafe", CASES)
        seed(s, "OtherPump", [Case("1.0", "openssl@1.1.1k", "CVE-2021-3711", "affected", "Fix.")])
        _case(
            s,
            product="InfuSafe",
            vuln="CVE-2021-3711",
            credit="Ada  Example",
            outcome="valid",
            days=3,
        )
        _case(
            s, product="InfuSafe", vuln="CVE-2021-3711", credit="Bob <b>", outcome="valid", days=1
        )
        _case(s, product="InfuSafe", vuln="CVE-2021-3711", credit=None, outcome="valid", days=0)
        _case(
            s, product="InfuSafe", vuln="CVE-2018-25032", credit="Eve", outcome="duplicate", days=2
        )
        _case(
            s, product="OtherPump", vuln="CVE-2021-3711", credit="Mallory", outcome="valid", days=5
        )
    csaf = _csaf(session_factory, "InfuSafe")
    result = validate_csaf(orjson.dumps(csaf), source="credit")
    assert result.valid, result.failures
    by_cve = {v["cve"]: v for v in csaf["vulnerabilities"]}
    ack = by_cve["CVE-2021-3711"]["acknowledgments"]
    assert [a["names"] for a in ack] == [
        ["Bob <b>", "Ada Example"]
    ]  # by report date, spaces folded
    assert by_cve["CVE-2021-3711"]["discovery_date"].startswith("2026-10-01")  # first report
    assert "acknowledgments" not in by_cve["CVE-2018-25032"]  # a duplicate is not credited
    assert "discovery_date" not in by_cve["CVE-2018-25032"]


def test_credit_cli_sets_removes_and_refuses(cli, tmp_path, monkeypatch) -> None:
    assert cli("account", "add", "tester", "--role", "analyst")[0] == 0
    report = tmp_path / "report.txt"
    report.write_text("The pump's gateway leaks TLS session keys through timing.")
    code, out, err = cli(
        "cvd", "submit", "--product", "Pump", "--version", "1", "--description-file", str(report)
    )
    assert code == 0, err
    receipt = out.split("receipt id ", 1)[1].split()[0]
    code, out, err = cli("cvd", "credit", receipt, "Ada   Example")
    assert (code, out.strip()) == (0, f"case {receipt}: credit Ada Example")
    assert json.loads(cli("cvd", "show", receipt, "-f", "json")[1])["credit"] == "Ada Example"
    assert cli("cvd", "credit", receipt, "Ada", "--none")[0] == 2
    assert cli("cvd", "credit", receipt)[0] == 2
    assert cli("cvd", "credit", receipt, "x" * 201)[0] == 2
    assert json.loads(cli("cvd", "show", receipt, "-f", "json")[1])["credit"] == "Ada Example"
    assert cli("cvd", "credit", receipt, "--none")[0] == 0
    assert json.loads(cli("cvd", "show", receipt, "-f", "json")[1])["credit"] is None
    assert cli("account", "add", "watcher", "--role", "viewer")[0] == 0
    monkeypatch.setenv("MEDSEC_ACTOR", "watcher")
    assert cli("cvd", "credit", receipt, "Eve")[0] == 3  # a viewer does not even see the case
