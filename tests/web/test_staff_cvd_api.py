"""CVD cases through the staff API and pages: the CLI's data, who sees what (cvd.access),
transitions and log messages with refusals leaving nothing changed, CSRF, hostile text."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from _staff import add_account, case_state, demo_case, hostile_case, product_case
from _web import ADMIN, HOSTILE, OTHER, PRODUCT, bearer, csrf_of, login

from medsec.cvd import coordination
from medsec.db.uow import unit_of_work

PROBLEM = "application/problem+json"


@pytest.fixture
def world(web_world, session_factory):
    """The web world plus 'oth', an analyst of the other product only."""
    add_account(session_factory, web_world, "oth", ["analyst"], [OTHER])
    return web_world


@pytest.fixture
def fresh(world, session_factory) -> str:
    """A new, undisclosed report linked to the demo product."""
    return product_case(session_factory, PRODUCT)


def _problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith(PROBLEM)
    return r.json()


def _ids(r) -> list[str]:
    assert r.status_code == 200, r.text
    return [c["receipt_id"] for c in r.json()]


def test_api_list_and_show_are_what_the_cli_shows(
    client, world, fresh, cli, monkeypatch, session_factory
):
    receipt = demo_case(session_factory)
    monkeypatch.setenv("MEDSEC_ACTOR", ADMIN)
    api = client.get("/api/v1/cvd/cases", headers=bearer(world, ADMIN))
    code, out, err = cli("cvd", "list", "--format", "json")
    assert code == 0, err
    assert api.json() == json.loads(out)
    assert sorted(_ids(api)) == sorted([receipt, fresh])
    shown = client.get(f"/api/v1/cvd/cases/{receipt}", headers=bearer(world, ADMIN)).json()
    code, out, err = cli("cvd", "show", receipt, "--format", "json")
    assert code == 0, err
    assert shown == json.loads(out)
    assert shown["state"] == "disclosed" and shown["credit"] == "Ada Example"
    assert shown["finder"]["email"] == "ada@research.example"


def test_access_follows_cvd_access(client, world, fresh):
    # the analyst of the case's product sees it and the finder
    ana = client.get(f"/api/v1/cvd/cases/{fresh}", headers=bearer(world, "ana"))
    assert ana.status_code == 200 and ana.json()["finder"]["email"] == "bob@finder.example"
    # the analyst of another product: not listed, refused
    assert fresh not in _ids(client.get("/api/v1/cvd/cases", headers=bearer(world, "oth")))
    # answered exactly as for a case that does not exist (nothing about the product leaks)
    body = _problem(client.get(f"/api/v1/cvd/cases/{fresh}", headers=bearer(world, "oth")), 404)
    assert body["detail"] == f"no CVD case {fresh!r} (see `medsec cvd list`)"
    # a viewer: an undisclosed case is neither listed nor shown
    assert fresh not in _ids(client.get("/api/v1/cvd/cases", headers=bearer(world, "vic")))
    _problem(client.get(f"/api/v1/cvd/cases/{fresh}", headers=bearer(world, "vic")), 404)
    _problem(client.get("/api/v1/cvd/cases"), 401)
    _problem(client.get("/api/v1/cvd/cases/VR-NOPE", headers=bearer(world, ADMIN)), 404)


def test_a_viewer_sees_a_disclosed_case_without_finder_and_nothing_under_embargo(
    client, world, session_factory
):
    receipt = demo_case(session_factory)
    assert _ids(client.get("/api/v1/cvd/cases", headers=bearer(world, "vic"))) == [receipt]
    seen = client.get(f"/api/v1/cvd/cases/{receipt}", headers=bearer(world, "vic")).json()
    assert seen["finder"] is None and seen["credit"] is None and seen["attachments"] == []
    assert seen["timeline"] and {e["kind"] for e in seen["timeline"]} == {"state"}
    assert "ada@research.example" not in json.dumps(seen)
    assert _ids(client.get("/api/v1/cvd/cases", headers=bearer(world, "val"))) == []
    with unit_of_work(session_factory) as s:
        until = date.today() + timedelta(days=30)
        coordination.set_embargo(s, case=receipt, until=until, actor=f"cli:{ADMIN}")
    assert _ids(client.get("/api/v1/cvd/cases", headers=bearer(world, "vic"))) == []
    _problem(client.get(f"/api/v1/cvd/cases/{receipt}", headers=bearer(world, "vic")), 404)
    login(client, world, "vic")
    hidden = client.get(f"/cvd/cases/{receipt}")
    assert hidden.status_code == 404 and "Lucky 13" not in hidden.text
    assert receipt not in client.get("/cvd/cases").text


def test_api_transitions_and_refusals_that_change_nothing(client, world, fresh, session_factory):
    before = case_state(session_factory, fresh)
    url = f"/api/v1/cvd/cases/{fresh}/transitions"
    body = _problem(
        client.post(url, headers=bearer(world, ADMIN), json={"action": "disclose"}), 422
    )
    assert "cvd.transition" in body["detail"]
    _problem(client.post(url, headers=bearer(world, ADMIN), json={"action": "fly"}), 422)
    _problem(client.post(url, headers=bearer(world, "vic"), json={"action": "acknowledge"}), 404)
    _problem(client.post(url, headers=bearer(world, "oth"), json={"action": "acknowledge"}), 404)
    _problem(client.post(url, json={"action": "acknowledge"}), 401)
    assert case_state(session_factory, fresh) == before
    r = client.post(url, headers=bearer(world, "ana"), json={"action": "acknowledge"})
    assert r.status_code == 200, r.text
    assert r.json()["state"] == "acknowledged" and r.json()["milestones"]["acknowledged_at"]
    state, events, audits = case_state(session_factory, fresh)
    assert (state, events) == ("acknowledged", before[1] + 1) and audits > before[2]
    assert r.json()["timeline"][-1]["actor"] == "api:ana"


def test_api_log_message_and_its_refusals(client, world, fresh, session_factory):
    url = f"/api/v1/cvd/cases/{fresh}/messages"
    before = case_state(session_factory, fresh)
    _problem(client.post(url, headers=bearer(world, "ana"), json={"text": "  "}), 422)
    _problem(client.post(url, headers=bearer(world, "vic"), json={"text": "hello"}), 404)
    d = {"text": "x", "direction": "sideways"}
    _problem(client.post(url, headers=bearer(world, "ana"), json=d), 422)
    assert case_state(session_factory, fresh) == before
    r = client.post(
        url,
        headers=bearer(world, "ana"),
        json={"text": "We will publish on 1 March.", "direction": "outbound", "channel": "e-mail"},
    )
    assert r.status_code == 201, r.text
    assert r.json()["visible_to_finder"] is True
    state, events, audits = case_state(session_factory, fresh)
    assert (state, events) == (before[0], before[1] + 1) and audits > before[2]
    shown = client.get(f"/api/v1/cvd/cases/{fresh}", headers=bearer(world, "ana")).json()
    assert shown["timeline"][-1]["text"] == "We will publish on 1 March."


def test_pages_list_show_and_move_a_case_with_csrf(client, world, fresh, session_factory):
    receipt = demo_case(session_factory)
    assert client.get("/cvd/cases").status_code == 303  # no login: to the login page
    login(client, world, ADMIN)
    listing = client.get("/cvd/cases")
    assert listing.status_code == 200 and receipt in listing.text and fresh in listing.text
    assert receipt not in client.get("/cvd/cases?state=received").text
    demo = client.get(f"/cvd/cases/{receipt}").text
    assert "Lucky 13" in demo and "ICS-CERT" in demo and "ada@research.example" in demo
    assert "<option>close</option>" in demo and "<dd>Ada Example</dd>" in demo
    page = client.get(f"/cvd/cases/{fresh}")
    assert page.status_code == 200 and "<option>acknowledge</option>" in page.text
    before = case_state(session_factory, fresh)
    form = {"action": "acknowledge", "reason": ""}
    refused = client.post(f"/cvd/cases/{fresh}/transition", data={**form, "csrf": "wrong"})
    assert refused.status_code == 403 and "CSRF" in refused.text
    bad = client.post(
        f"/cvd/cases/{fresh}/transition", data={"action": "remediated", "csrf": csrf_of(page.text)}
    )
    assert bad.status_code == 422
    assert case_state(session_factory, fresh) == before
    done = client.post(f"/cvd/cases/{fresh}/transition", data={**form, "csrf": csrf_of(page.text)})
    assert done.status_code == 303 and done.headers["location"].startswith(f"/cvd/cases/{fresh}")
    assert case_state(session_factory, fresh)[0] == "acknowledged"
    msg = client.post(
        f"/cvd/cases/{fresh}/message",
        data={
            "text": "<b>note</b> for the file",
            "direction": "internal",
            "csrf": csrf_of(page.text),
        },
    )
    assert msg.status_code == 303
    again = client.get(f"/cvd/cases/{fresh}").text
    assert "&lt;b&gt;note&lt;/b&gt; for the file" in again and "<b>note</b>" not in again
    assert 'id="case-state">acknowledged<' in again and "<option>triage</option>" in again


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


def test_viewer_and_other_analyst_pages_hide_undisclosed_cases(client, world, fresh):
    login(client, world, "vic")
    assert fresh not in client.get("/cvd/cases").text
    hidden = client.get(f"/cvd/cases/{fresh}")
    assert hidden.status_code == 404 and "bob@finder.example" not in hidden.text
    login(client, world, "oth")
    assert client.get(f"/cvd/cases/{fresh}").status_code == 404
    assert fresh not in client.get("/cvd/cases").text
