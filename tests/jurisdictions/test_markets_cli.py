"""A product's markets (`product edit --markets`, API, page) choose the profiles whose CVD
deadlines and incident reporting timelines apply; `medsec jurisdictions list|show`."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

pytestmark = pytest.mark.db

RECEIVED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
REPORT = {
    "product": "Pump",
    "version": "1.0",
    "description": "The pump web UI accepts unauthenticated dose changes over HTTP.",
    "finder_name": "Grace Finder",
    "finder_email": "grace@finder.example",
}


def test_jurisdictions_list_and_show(cli):
    code, out, _ = cli("jurisdictions", "list", "--format", "json")
    assert code == 0
    rows = json.loads(out)
    assert [r["code"] for r in rows] == ["fda", "eu", "jp", "ca"]
    assert all(r["unverified_facts"] >= 1 for r in rows)
    code, out, _ = cli("jurisdictions", "show", "jp", "--format", "json")
    shown = json.loads(out)
    assert shown["cvd"]["disclosure_days"] == {
        "days": 45,
        "source": shown["cvd"]["disclosure_days"]["source"],
        "verified": False,
        "note": "STANDARDS.md marks the 45 days unverified.",
    }
    assert "/cvd/disclosure_days" in shown["unverified"]
    code, out, _ = cli("jurisdictions", "show", "fda")
    assert code == 0 and "uncontrolled risk" in out and "30" in out
    code, _, err = cli("jurisdictions", "show", "uk")
    assert code == 3 and "one of: fda, eu, jp, ca" in err


def _uow():
    from medsec.cli import runtime

    runtime.reset()
    return runtime.uow()


def test_markets_edit_and_the_deadlines_and_timelines_they_choose(cli):
    from medsec.audit import service as audit
    from medsec.cvd import intake_service, links
    from medsec.cvd import service as cvd
    from medsec.incidents import service as incidents

    assert cli("account", "add", "tester")[0] == 0
    assert cli("product", "add", "Pump", "-m", "Acme")[0] == 0
    shown = json.loads(cli("product", "show", "Pump", "--format", "json")[1])
    assert shown["markets"] == []
    code, out, _ = cli("product", "show", "Pump")
    assert "none recorded (the FDA profile applies)" in out
    code, _, err = cli("product", "edit", "Pump", "--markets", "jp,uk")
    assert code == 2 and "'uk'" in err
    assert json.loads(cli("product", "show", "Pump", "--format", "json")[1])["markets"] == []
    code, _, err = cli("product", "edit", "Pump", "--markets", "JP, fda")
    assert code == 0, err
    assert json.loads(cli("product", "show", "Pump", "--format", "json")[1])["markets"] == [
        "jp",
        "fda",
    ]
    with _uow() as s:
        (edit,) = [e for e in audit.list_events(s) if e.action == "product.edit"]
        assert edit.details["changes"]["markets"] == [[], ["jp", "fda"]]
        receipt = intake_service.submit_report(s, fields=REPORT, now=RECEIVED).receipt_id
        links.link(s, case=receipt, actor="cli:tester", product="Pump")
        detail = cvd.case_detail(s, case=receipt, actor="cli:tester", now=RECEIVED)
        by_name = {d.name: d for d in detail.deadlines}
        assert by_name["disclose"].due == RECEIVED + timedelta(days=45)  # Japan's, the stricter
        assert by_name["communicate"].due == RECEIVED + timedelta(days=30)  # FDA's
        assert "(unverified)" in by_name["disclose"].source
        listed = cvd.list_cases(s, actor="cli:tester", now=RECEIVED + timedelta(days=46))
        assert "disclose" in listed[0].overdue
        row = incidents.open_incident(
            s, title="Pump gateway compromised", actor="cli:tester", product="Pump", now=RECEIVED
        )
        assert row.jurisdictions == ["JP", "US"]
    assert cli("product", "edit", "Pump", "--markets", "")[0] == 0
    with _uow() as s:
        detail = cvd.case_detail(s, case=receipt, actor="cli:tester", now=RECEIVED)
        by_name = {d.name: d for d in detail.deadlines}
        assert by_name["disclose"].due == RECEIVED + timedelta(days=90)  # back to today's FDA
        row = incidents.open_incident(s, title="Other", actor="cli:tester", product="Pump")
        assert row.jurisdictions == []
