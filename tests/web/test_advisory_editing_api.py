"""Advisories created and edited through `/api/v1/advisories` on both databases: from findings
or a CVD case as the CLI does, edits checked before anything changes and audited old -> new,
the next revision's CSAF preview, the field diff against the last published revision, publish,
and the same refusals as everywhere (403 below the role, 404 for a product one may not see)."""

from __future__ import annotations

import pytest
from _staff import demo_case
from _web import ADMIN, KEV_CVE, PRODUCT, bearer
from sqlalchemy import select

from medsec.advisories import service as advisories
from medsec.db.uow import unit_of_work
from medsec.models import AuditEvent

pytestmark = pytest.mark.db


def _published(sf) -> str:
    with unit_of_work(sf) as s:
        return next(a.tracking_id for a in advisories.list_advisories(s) if a.version != "0")


def _edits(sf) -> list[dict]:
    with unit_of_work(sf) as s:
        stmt = select(AuditEvent.details).where(AuditEvent.action == "advisory.edit")
        return list(s.execute(stmt).scalars())


def test_create_from_findings_then_edit(client, web_world, session_factory):
    ana = bearer(web_world, "ana")
    r = client.post(
        "/api/v1/advisories",
        json={
            "product": PRODUCT,
            "title": "Pump TLS update",
            "releases": ["2.0.0"],
            "vulnerabilities": ["CVE-2021-3711"],
            "tlp": "green",
        },
        headers=ana,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    tid = body["tracking_id"]
    assert body["status"] == "draft" and body["tlp"] == "GREEN"
    assert body["releases"] == ["2.0.0"] and body["listed_vulnerabilities"] == ["CVE-2021-3711"]
    assert [v["vulnerability"] for v in body["vulnerabilities"]] == ["CVE-2021-3711"]
    r = client.patch(
        f"/api/v1/advisories/{tid}",
        json={
            "title": "Pump TLS update (revised)",
            "clinician_note": "Keep pumps on the isolated network until updated.",
            "releases": ["2.0.0", "2.1.0"],
        },
        headers=ana,
    )
    assert r.status_code == 200, r.text
    assert r.json()["title"] == "Pump TLS update (revised)"
    assert r.json()["releases"] == ["2.0.0", "2.1.0"]
    [event] = _edits(session_factory)
    assert event["before"]["title"] == "Pump TLS update"
    assert event["after"]["title"] == "Pump TLS update (revised)"
    assert "clinician_note" in event["after"] and "release_ids" in event["after"]
    doc = client.get(f"/api/v1/advisories/{tid}/draft/csaf", headers=ana).json()
    assert doc["document"]["title"] == "Pump TLS update (revised)"
    assert doc["document"]["tracking"]["version"] == "1"  # the next revision
    diff = client.get(f"/api/v1/advisories/{tid}/draft/diff", headers=ana).json()
    assert diff["against"] is None and diff["changes"]  # nothing published: all new


def test_bad_edits_change_nothing(client, web_world, session_factory):
    ana = bearer(web_world, "ana")
    tid = _published(session_factory)
    before = client.get(f"/api/v1/advisories/{tid}", headers=ana).json()
    for body, status, words in (
        ({"title": "New", "tlp": "PURPLE"}, 422, "TLP"),
        ({"title": "New", "releases": ["9.9.9-nope"]}, 404, "9.9.9-nope"),
        ({"title": "New", "vulnerabilities": ["CVE-1999-0000"]}, 404, "CVE-1999-0000"),
        ({"title": "  "}, 422, "title"),
        ({"profile": "vex"}, 409, "profile"),
    ):
        r = client.patch(f"/api/v1/advisories/{tid}", json=body, headers=ana)
        assert r.status_code == status, (body, r.text)
        assert words in r.json()["detail"]
        assert r.headers["content-type"].startswith("application/problem+json")
    after = client.get(f"/api/v1/advisories/{tid}", headers=ana).json()
    assert after["title"] == before["title"] and after["tlp"] == before["tlp"]
    assert _edits(session_factory) == []


def test_diff_against_the_published_revision_then_publish(client, web_world, session_factory):
    ana, rev = bearer(web_world, "ana"), bearer(web_world, "reviewer")
    tid = _published(session_factory)
    since = client.get(f"/api/v1/advisories/{tid}/draft/diff", headers=ana).json()
    assert since["against"] == "1"
    stated = [c for c in since["changes"] if not c["tracking"]]
    # the test world lists KEV_CVE in a KEV catalog imported after the demo published:
    # the next revision states that it is exploited, and nothing else changed
    assert [(c["path"], c["kind"]) for c in stated] == [
        (f"/vulnerabilities[{KEV_CVE}]/threats[exploit_status]", "added")
    ]
    assert "Known Exploited" in stated[0]["new"]["details"]
    assert any(c["tracking"] for c in since["changes"])  # version and history move on
    client.patch(f"/api/v1/advisories/{tid}", json={"title": "Renamed advisory"}, headers=ana)
    diff = client.get(f"/api/v1/advisories/{tid}/draft/diff", headers=ana).json()
    title = [c for c in diff["changes"] if c["path"] == "/document/title"]
    assert title and title[0]["kind"] == "changed" and title[0]["new"] == "Renamed advisory"
    r = client.post(f"/api/v1/advisories/{tid}/publish", json={"summary": "Renamed."}, headers=rev)
    assert r.status_code == 201 and r.json()["number"] == "2"
    after = client.get(f"/api/v1/advisories/{tid}/draft/diff", headers=ana).json()
    assert after["against"] == "2"
    assert [c for c in after["changes"] if not c["tracking"]] == []


def test_create_from_a_cvd_case(client, web_world, session_factory):
    case = demo_case(session_factory)
    r = client.post("/api/v1/advisories", json={"case": case}, headers=bearer(web_world, ADMIN))
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["product"] == PRODUCT and body["listed_vulnerabilities"]
    assert all(v.startswith(("CVE-", "GHSA-")) for v in body["listed_vulnerabilities"])
    assert PRODUCT in body["title"]


def test_roles_and_hidden_products(client, web_world, session_factory):
    tid = _published(session_factory)
    vic, val = bearer(web_world, "vic"), bearer(web_world, "val")
    r = client.post("/api/v1/advisories", json={"product": PRODUCT, "title": "x"}, headers=vic)
    assert r.status_code == 403
    assert (
        client.patch(f"/api/v1/advisories/{tid}", json={"title": "x"}, headers=vic).status_code
        == 403
    )
    hidden = client.patch(f"/api/v1/advisories/{tid}", json={"title": "x"}, headers=val)
    missing = client.patch("/api/v1/advisories/NO-SUCH-1", json={"title": "x"}, headers=val)
    assert hidden.status_code == missing.status_code == 404
    viewer_doc = client.get(f"/api/v1/advisories/{tid}/draft/csaf", headers=vic).json()
    assert all("acknowledgments" not in v for v in viewer_doc["vulnerabilities"])
    staff_doc = client.get(
        f"/api/v1/advisories/{tid}/draft/csaf", headers=bearer(web_world, ADMIN)
    ).json()
    assert any("acknowledgments" in v for v in staff_doc["vulnerabilities"])
