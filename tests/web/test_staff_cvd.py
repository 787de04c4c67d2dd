"""CVD cases through the staff API and pages: the CLI's data, who sees what (cvd.access),
transitions and log messages with refusals leaving nothing changed, CSRF, hostile text."""

from __future__ import annotations

import json

import pytest
from _staff import add_account, case_state, demo_case, hostile_case
from _web import ADMIN, HOSTILE, OTHER, bearer, csrf_of, login

PROBLEM = "application/problem+json"


@pytest.fixture
def world(web_world, session_factory):
    """The web world plus 'oth', an analyst of the other product only."""
    add_account(session_factory, web_world, "oth", ["analyst"], [OTHER])
    return web_world


def _problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    return r.json()


def test_api_list_and_show_are_what_the_cli_shows(client, world, cli, monkeypatch, session_factory):
    receipt = demo_case(session_factory)
    monkeypatch.setenv("MEDSEC_ACTOR", ADMIN)
    api = client.get("/api/v1/cvd/cases", headers=bearer(world, ADMIN))
    assert api.status_code == 200, api.text
    code, out, err = cli("cvd", "list", "--format", "json")
    assert code == 0, err
    assert api.json() == json.loads(out)
    assert [c["receipt_id"] for c in api.json()] == [receipt]
    shown = client.get(f"/api/v1/cvd/cases/{receipt}", headers=bearer(world, ADMIN)).json()
    code, out, err = cli("cvd", "show", receipt, "--format", "json")
    assert code == 0, err
    assert shown == json.loads(out)
    assert shown["state"] == "remediated"
    assert shown["finder"]["email"] == "ada@research.example"


def test_access_follows_cvd_access(client, world, session_factory):
    receipt = demo_case(session_factory)
    # the analyst of the case's product sees it and the finder
    ana = client.get(f"/api/v1/cvd/cases/{receipt}", headers=bearer(world, "ana"))
    assert ana.status_code == 200 and ana.json()["finder"] is not None
    # the analyst of another product: not listed, refused
    assert client.get("/api/v1/cvd/cases", headers=bearer(world, "oth")).json() == []
    body = _problem(client.get(f"/api/v1/cvd/cases/{receipt}", headers=bearer(world, "oth")), 403)
    assert "no access to product" in body["detail"]
    # a viewer: an undisclosed case is neither listed nor shown
    assert client.get("/api/v1/cvd/cases", headers=bearer(world, "vic")).json() == []
    _problem(client.get(f"/api/v1/cvd/cases/{receipt}", headers=bearer(world, "vic")), 403)
    # no token
    _problem(client.get("/api/v1/cvd/cases"), 401)
    _problem(client.get("/api/v1/cvd/cases/VR-NOPE", headers=bearer(world, ADMIN)), 404)


def test_after_disclosure_a_viewer_sees_the_case_without_finder_or_messages(
    client, world, session_factory
):
    receipt = demo_case(session_factory)
    r = client.post(
        f"/api/v1/cvd/cases/{receipt}/transitions",
        headers=bearer(world, ADMIN),
        json={"action": "disclose", "reason": "advisory published"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "disclosed" and r.json()["milestones"]["disclosed_at"]
    listed = client.get("/api/v1/cvd/cases", headers=bearer(world, "vic")).json()
    assert [c["receipt_id"] for c in listed] == [receipt]
    seen = client.get(f"/api/v1/cvd/cases/{receipt}", headers=bearer(world, "vic")).json()
    assert seen["finder"] is None and seen["attachments"] == []
    assert seen["timeline"] and {e["kind"] for e in seen["timeline"]} == {"state"}
    assert "ada@research.example" not in json.dumps(seen)
    # the viewer of another product still sees nothing
    assert client.get("/api/v1/cvd/cases", headers=bearer(world, "val")).json() == []


def test_api_transition_refusals_change_nothing(client, world, session_factory):
    receipt = demo_case(session_factory)
    before = case_state(session_factory, receipt)
    url = f"/api/v1/cvd/cases/{receipt}/transitions"
    body = _problem(client.post(url, headers=bearer(world, ADMIN), json={"action": "triage"}), 422)
    assert "cvd.transition" in body["detail"]
    _problem(client.post(url, headers=bearer(world, ADMIN), json={"action": "fly"}), 422)
    _problem(client.post(url, headers=bearer(world, "vic"), json={"action": "disclose"}), 403)
    _problem(client.post(url, headers=bearer(world, "oth"), json={"action": "disclose"}), 403)
    _problem(client.post(url, json={"action": "disclose"}), 401)
    assert case_state(session_factory, receipt) == before


def test_api_log_message_and_its_refusals(client, world, session_factory):
    receipt = demo_case(session_factory)
    url = f"/api/v1/cvd/cases/{receipt}/messages"
    before = case_state(session_factory, receipt)
    _problem(client.post(url, headers=bearer(world, "ana"), json={"text": "  "}), 422)
    _problem(client.post(url, headers=bearer(world, "vic"), json={"text": "hello"}), 403)
    d = {"text": "x", "direction": "sideways"}
    _problem(client.post(url, headers=bearer(world, "ana"), json=d), 422)
    assert case_state(session_factory, receipt) == before
    r = client.post(
        url,
        headers=bearer(world, "ana"),
        json={"text": "We will publish on 1 March.", "direction": "outbound", "channel": "e-mail"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["visible_to_finder"] is True
    state, events, audits = case_state(session_factory, receipt)
    assert (state, events) == (before[0], before[1] + 1) and audits > before[2]
    shown = client.get(f"/api/v1/cvd/cases/{receipt}", headers=bearer(world, "ana")).json()
    assert shown["timeline"][-1]["text"] == "We will publish on 1 March."


def test_pages_list_show_and_move_a_case_with_csrf(client, world, session_factory):
    receipt = demo_case(session_factory)
    assert client.get("/cvd/cases").status_code == 303  # no login: to the login page
    login(client, world, ADMIN)
    listing = client.get("/cvd/cases")
    assert listing.status_code == 200 and receipt in listing.text
    assert receipt not in client.get("/cvd/cases?state=received").text
    page = client.get(f"/cvd/cases/{receipt}")
    assert page.status_code == 200
    assert (
        "Lucky 13" in page.text and "ICS-CERT" in page.text and "ada@research.example" in page.text
    )
    assert "<option>disclose</option>" in page.text
    before = case_state(session_factory, receipt)
    form = {"action": "disclose", "reason": "advisory out"}
    refused = client.post(f"/cvd/cases/{receipt}/transition", data={**form, "csrf": "wrong"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    bad = client.post(
        f"/cvd/cases/{receipt}/transition", data={"action": "triage", "csrf": csrf_of(page.text)}
    )
    assert bad.status_code == 422
    assert case_state(session_factory, receipt) == before
    done = client.post(
        f"/cvd/cases/{receipt}/transition", data={**form, "csrf": csrf_of(page.text)}
    )
    assert done.status_code == 303 and done.headers["location"].startswith(f"/cvd/cases/{receipt}")
    assert case_state(session_factory, receipt)[0] == "disclosed"
    msg = client.post(
        f"/cvd/cases/{receipt}/message",
        data={
            "text": "<b>note</b> for the file",
            "direction": "internal",
            "csrf": csrf_of(page.text),
        },
    )
    assert msg.status_code == 303
    again = client.get(f"/cvd/cases/{receipt}").text
    assert "&lt;b&gt;note&lt;/b&gt; for the file" in again and "<b>note</b>" not in again
    assert 'id="case-state">disclosed<' in again


def test_hostile_report_is_escaped_and_overdue_is_highlighted(client, world, session_factory):
    receipt = hostile_case(session_factory)
    login(client, world, ADMIN)
    listing = client.get("/cvd/cases?overdue=yes").text
    assert receipt in listing and 'class="overdue"' in listing and "overdue since" in listing
    page = client.get(f"/cvd/cases/{receipt}").text
    for raw in (HOSTILE, "<iframe", "<b>Mallory</b>", "<b>x</b>"):
        assert raw not in listing and raw not in page
    assert "&lt;iframe" in page and "&lt;b&gt;Mallory&lt;/b&gt;" in page
    assert "<option>acknowledge</option>" in page


def test_viewer_pages_hide_undisclosed_cases(client, world, session_factory):
    receipt = demo_case(session_factory)
    login(client, world, "vic")
    assert receipt not in client.get("/cvd/cases").text
    hidden = client.get(f"/cvd/cases/{receipt}")
    assert hidden.status_code == 403 and "Lucky 13" not in hidden.text
    login(client, world, "oth")
    assert client.get(f"/cvd/cases/{receipt}").status_code == 403
