"""Embargoes hold at publication: an advisory on a vulnerability whose linked CVD case is under
embargo is not published, not served in the provider directory, and the case is not disclosed,
until a reviewer releases the embargo early with a reason (audited)."""

from __future__ import annotations

import time
from datetime import date, timedelta

import pytest
from _seed import READY, Case, add_accounts, seed
from sqlalchemy import select

from medsec.advisories import publish, service
from medsec.cvd import coordination, intake_service, links
from medsec.cvd import service as cvd
from medsec.db.uow import unit_of_work
from medsec.errors import Conflict, InvalidInput, PermissionDenied
from medsec.models import AuditEvent
from medsec.models.base import utcnow

CASES = [Case("1.0", "openssl@1.1.1k", "CVE-2021-3711", "affected", action="Install 2.0.")]
UNTIL = date(2027, 12, 31)


def _world(session_factory) -> tuple[str, str]:
    """A product with a finding, a valid case linked to it (finder credited), a draft."""
    with unit_of_work(session_factory) as s:
        add_accounts(s)
        seed(s, "InfuSafe", CASES)
        fields = {"product": "InfuSafe", "version": "1.0", "description": "heap overflow " * 5}
        receipt = intake_service.submit_report(s, fields=fields, source="api").receipt_id
        now = utcnow()
        cvd.transition(s, case=receipt, action="acknowledge", actor="cli:ana", now=now)
        cvd.transition(
            s, case=receipt, action="triage", outcome="valid", reason="ok", actor="cli:ana"
        )
        links.link(s, case=receipt, actor="cli:ana", product="InfuSafe", vuln="CVE-2021-3711")
        links.set_credit(s, case=receipt, credit="Ada Finder", actor="cli:ana")
        for action in ("start-remediation", "remediated"):
            cvd.transition(s, case=receipt, action=action, reason="fix 2.0", actor="cli:ana")
        adv = service.create(s, product="InfuSafe", title="OpenSSL", actor="cli:ana", **READY)
        return receipt, adv.tracking_id


def _public(session_factory) -> list[bytes]:
    with session_factory() as s:
        return [data for _tlp, data in publish.published_documents(s)]


def test_an_embargoed_case_blocks_publication_serving_and_disclosure_until_released(
    session_factory,
):
    receipt, tid = _world(session_factory)
    with unit_of_work(session_factory) as s:
        publish.publish(s, tracking_id=tid, summary="First.", actor="cli:rev")
        coordination.set_embargo(s, case=receipt, until=UNTIL, actor="cli:ana")
    assert _public(session_factory) == []  # published before the embargo: no longer served
    with unit_of_work(session_factory) as s:
        with pytest.raises(Conflict, match=f"{receipt} until 2027-12-31"):
            publish.publish(s, tracking_id=tid, summary="Second.", actor="cli:rev")
    with unit_of_work(session_factory) as s:
        with pytest.raises(InvalidInput, match="under embargo until 2027-12-31"):
            cvd.transition(s, case=receipt, action="disclose", reason="now", actor="cli:ana")
    with unit_of_work(session_factory) as s:
        with pytest.raises(PermissionDenied, match="reviewer role"):
            coordination.release_embargo(s, case=receipt, reason="patched", actor="cli:ana")
    with unit_of_work(session_factory) as s:
        with pytest.raises(InvalidInput, match="needs a reason"):
            coordination.release_embargo(s, case=receipt, reason="  ", actor="cli:rev")
    with unit_of_work(session_factory) as s:
        coordination.release_embargo(
            s, case=receipt, reason="exploited in the wild; patch shipped", actor="cli:rev"
        )
    time.sleep(1.1)  # one revision per second
    with unit_of_work(session_factory) as s:
        publish.publish(s, tracking_id=tid, summary="Second.", actor="cli:rev")
        cvd.transition(s, case=receipt, action="disclose", reason="released", actor="cli:ana")
    (doc,) = _public(session_factory)
    assert b"Ada Finder" in doc
    with session_factory() as s:
        (event,) = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "cvd.case.embargo.release")
        )
        assert event.actor == "cli:rev"
        assert event.details["reason"] == "exploited in the wild; patch shipped"
        assert event.details["embargo_date"] == "2027-12-31"


def test_a_new_embargo_date_supersedes_an_early_release(session_factory):
    receipt, tid = _world(session_factory)
    with unit_of_work(session_factory) as s:
        coordination.set_embargo(s, case=receipt, until=UNTIL, actor="cli:ana")
        coordination.release_embargo(s, case=receipt, reason="agreed", actor="cli:rev")
        coordination.set_embargo(s, case=receipt, until=UNTIL + timedelta(days=1), actor="cli:ana")
    with unit_of_work(session_factory) as s:
        with pytest.raises(Conflict, match="under embargo"):
            publish.publish(s, tracking_id=tid, summary="First.", actor="cli:rev")
