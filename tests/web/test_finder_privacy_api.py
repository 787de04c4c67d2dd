"""A draft advisory shows no finder credit and no discovery date to viewers (API and pages);
the security roles still see them."""

from __future__ import annotations

import orjson
from _web import ADMIN, PRODUCT, bearer, login

from medsec.advisories import service
from medsec.db.uow import unit_of_work


def _draft(session_factory) -> str:
    with unit_of_work(session_factory) as s:
        return service.create(s, product=PRODUCT, title="draft", actor=f"cli:{ADMIN}").tracking_id


def _acks(body: bytes) -> list:
    doc = orjson.loads(body)
    return [(v.get("acknowledgments"), v.get("discovery_date")) for v in doc["vulnerabilities"]]


def test_a_viewer_gets_a_draft_without_finder_data(client, web_world, session_factory):
    tid = _draft(session_factory)
    url = f"/api/v1/advisories/{tid}/csaf"
    staff = client.get(url, headers=bearer(web_world, ADMIN))
    assert staff.status_code == 200
    assert any(a for a, _ in _acks(staff.content)), "the security roles see the credit"
    assert b"Ada Example" in staff.content
    viewer = client.get(url, headers=bearer(web_world, "vic"))
    assert viewer.status_code == 200
    assert all(a is None and d is None for a, d in _acks(viewer.content))
    assert b"Ada Example" not in viewer.content
    for fmt in ("notice.html", "cyclonedx-vex", "openvex"):
        r = client.get(f"/api/v1/advisories/{tid}/{fmt}", headers=bearer(web_world, "vic"))
        assert r.status_code == 200 and b"Ada Example" not in r.content, fmt
    login(client, web_world, "vic")
    for path in (f"/advisories/{tid}/notice", f"/advisories/{tid}/download/csaf"):
        r = client.get(path)
        assert r.status_code == 200 and b"Ada Example" not in r.content, path
