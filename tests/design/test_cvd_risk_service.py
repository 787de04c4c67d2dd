"""One risk truth: a CVD case's controlled/uncontrolled class comes from the risk records of
its linked findings (the demo's case used to say "uncontrolled" beside a "controlled,
accepted" record)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from medsec.cvd import rules
from medsec.cvd import service as cvd
from medsec.db.uow import unit_of_work
from medsec.demo import service as demo
from medsec.errors import InvalidInput
from medsec.findings import listing
from medsec.models import CvdCase
from medsec.risk import service as risk


def test_rule() -> None:
    assert rules.risk_from_records([]) is None
    assert rules.risk_from_records(["controlled", "controlled"]) == "controlled"
    assert rules.risk_from_records(["controlled", "uncontrolled"]) == "uncontrolled"


def test_demo_case_follows_its_risk_record(session_factory, tmp_path) -> None:
    with unit_of_work(session_factory) as s:
        report = demo.build(s, tmp_path)
    with unit_of_work(session_factory) as s:
        case = s.execute(select(CvdCase)).scalar_one()
        assert case.receipt_id == report.cvd_case
        f = next(
            x
            for x in listing.list_findings(s, product="InfuGuard 500", version="2.0.0")
            if x.vulnerability.id == "CVE-2020-16150"
        )
        record = risk.current(s, [f.id])[f.id]
        assert (record.fda_class, record.status) == ("controlled", "accepted")
        assert case.risk == record.fda_class
    with unit_of_work(session_factory) as s, pytest.raises(InvalidInput, match="say controlled"):
        cvd.set_risk(s, case=report.cvd_case or "", risk="uncontrolled", actor="demo:psirt")


def test_case_follows_a_changed_risk_record(session_factory, tmp_path) -> None:
    """A new version of a linked finding's risk record re-derives the case's class (one risk
    truth without `cvd risk CASE derived`), audited with its cause."""
    from medsec.audit import service as audit

    with unit_of_work(session_factory) as s:
        report = demo.build(s, tmp_path)
    with unit_of_work(session_factory) as s:
        f = next(
            x
            for x in listing.list_findings(s, product="InfuGuard 500", version="2.0.0")
            if x.vulnerability.id == "CVE-2020-16150"
        )
        rec = risk.assess(
            s,
            finding_id=f.id,
            hazardous_situation="a forged update image reaches the pump",
            harm="wrong dose delivered",
            severity="catastrophic",
            controls=[],
            actor="demo:psirt",
        )
        assert rec.fda_class == "uncontrolled"
        assert cvd.follow_risk_records(s, finding_ids=[f.id], actor="demo:psirt") == 1
        assert cvd.follow_risk_records(s, finding_ids=[f.id], actor="demo:psirt") == 0
    with unit_of_work(session_factory) as s:
        case = s.execute(select(CvdCase)).scalar_one()
        assert case.receipt_id == report.cvd_case and case.risk == "uncontrolled"
        events = [e for e in audit.list_events(s, limit=500) if e.action == "cvd.case.risk"]
        assert events[0].details["cause"] == "a linked finding's risk record changed"
        assert (events[0].details["from"], events[0].details["to"]) == (
            "controlled",
            "uncontrolled",
        )
