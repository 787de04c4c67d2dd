"""Refusals reach the audit log (403s, CSRF failures, 429s once per client and minute), and
reads of confidential material (a CVD case with its finder, an SBOM export) are audited."""

from __future__ import annotations

from _web import ADMIN, bearer, login
from sqlalchemy import select

from medsec.models import AuditEvent


def _events(session_factory, action: str) -> list[AuditEvent]:
    with session_factory() as s:
        return list(s.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_403_is_audited_with_the_account_and_the_path(client, web_world, session_factory):
    fid = web_world.finding_ids["CVE-2020-16150"]
    body = {"status": "affected", "reason": "r", "action_statement": "a"}
    r = client.post(f"/api/v1/findings/{fid}/vex", json=body, headers=bearer(web_world, "vic"))
    assert r.status_code == 403
    (event,) = _events(session_factory, "refused.403")
    assert event.actor == "api:vic"
    assert event.details["path"] == f"/api/v1/findings/{fid}/vex"
    assert event.details["method"] == "POST"


def test_a_csrf_failure_is_audited(client, web_world, session_factory):
    login(client, web_world, "ana")
    fid = web_world.finding_ids["CVE-2021-23337"]
    r = client.post(f"/findings/{fid}/triage", data={"status": "affected", "reason": "x"})
    assert r.status_code == 403
    (event,) = _events(session_factory, "refused.403")
    assert event.actor == "web:ana" and event.details["path"] == f"/findings/{fid}/triage"


def test_429s_are_audited_once_per_client_and_window(client, web_world, session_factory):
    codes = [login(client, web_world, "vic", password="wrong").status_code for _ in range(9)]
    assert codes.count(429) >= 3
    events = _events(session_factory, "refused.429")
    assert len(events) == 1 and events[0].details["path"] == "/login"


def test_viewing_a_cvd_case_with_its_finder_is_audited(client, web_world, session_factory):
    cases = client.get("/api/v1/cvd/cases", headers=bearer(web_world, ADMIN)).json()
    receipt = cases[0]["receipt_id"]
    r = client.get(f"/api/v1/cvd/cases/{receipt}", headers=bearer(web_world, ADMIN))
    assert r.status_code == 200
    (event,) = _events(session_factory, "cvd.case.read")
    assert event.actor == f"api:{ADMIN}" and event.details == {"receipt_id": receipt}
