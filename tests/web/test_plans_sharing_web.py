"""Pages for incident response plans (team, contacts, exercises) and information sharing
(agreements, imports, export under an agreement): forms CSRF-checked, hostile text escaped,
plus the plans API (parity with `medsec incident plan`)."""

from __future__ import annotations

import json
import re

import pytest
from _web import ADMIN, HOSTILE, bearer, csrf_of, login

PLAN = "Example Medical Devices PSIRT incident response plan"
NASTY = 'Plan <b onmouseover="x()"> & co'  # a "/" in a name cannot be a path segment


@pytest.fixture
def logged_in(client, web_world):
    """The client logged in as the demo's admin."""
    r = login(client, web_world, ADMIN)
    assert r.status_code == 303, r.text
    return client


def test_plans_pages_and_forms(logged_in):
    client = logged_in
    page = client.get("/incidents/plans")
    assert page.status_code == 200 and PLAN in page.text
    token = csrf_of(page.text)
    r = client.post(
        "/incidents/plans",
        data={"csrf": token, "name": NASTY, "scope": HOSTILE, "policy": "Handle incidents."},
    )
    assert r.status_code == 303
    shown = client.get(r.headers["location"])
    assert (
        shown.status_code == 200
        and HOSTILE not in shown.text
        and "never exercised" in shown.text.lower()
    )
    base = r.headers["location"]
    forms = {
        "members": {"person": "Ana <b>", "group": "manager", "raci": "plan=A,detect=R"},
        "contacts": {"kind": "regulator", "jurisdiction": "US", "name": "FDA", "channel": "eMDR"},
        "exercises": {
            "kind": "tabletop",
            "held_on": "2026-02-01",
            "scenario": "rogue update server",
            "participants": "Ana, Ben",
        },
    }
    for part, data in forms.items():
        r = client.post(f"{base}/{part}", data={"csrf": token, **data})
        assert r.status_code == 303, (part, r.text[:300])
    shown = client.get(base).text
    assert "Ana &lt;b&gt;" in shown and "eMDR" in shown and "rogue update server" in shown
    bad = {**forms["exercises"], "held_on": "yesterday"}
    assert client.post(f"{base}/exercises", data={"csrf": token, **bad}).status_code == 422
    assert client.post(f"{base}/members", data={**forms["members"]}).status_code == 403  # CSRF


def test_plans_api(client, web_world):
    h = bearer(web_world, ADMIN)
    listed = client.get("/api/v1/incidents/plans", headers=h).json()
    assert PLAN in [p["name"] for p in listed]
    r = client.post(
        "/api/v1/incidents/plans",
        headers=h,
        json={"name": "API plan", "scope": "all", "policy": "p"},
    )
    assert r.status_code == 201, r.text
    r = client.post(
        "/api/v1/incidents/plans/API plan/exercises",
        headers=h,
        json={"kind": "technical", "held_on": "2026-03-01", "scenario": "s", "participants": []},
    )
    assert r.status_code == 422 and "participants" in r.text
    r = client.post(
        "/api/v1/incidents/plans/API plan/members",
        headers=h,
        json={"person": "Ana", "group": "analysis", "raci": "assess=R"},
    )
    assert r.status_code == 201
    shown = client.get("/api/v1/incidents/plans/API plan", headers=h).json()
    assert [m["person"] for m in shown["team"]] == ["Ana"]
    assert client.get("/api/v1/incidents/plans/nope", headers=h).status_code == 404


def test_sharing_page_agreements_import_and_export(logged_in, shared_data):
    client = logged_in
    page = client.get("/sharing")
    assert page.status_code == 200 and "Health-ISAC" in page.text  # the demo's agreement
    token = csrf_of(page.text)
    r = client.post(
        "/sharing/agreements",
        data={"csrf": token, "partner": HOSTILE, "scope": "all products", "tlp": "clear",
              "signed_on": "2026-01-01"},
    )  # fmt: skip
    assert r.status_code == 303
    assert HOSTILE not in client.get("/sharing").text
    found = re.search(r'href="/incidents/(INC-\d{4}-\d{4})"', client.get("/incidents").text)
    assert found is not None
    demo_ref = found.group(1)
    export = {"csrf": token, "org": "Acme", "partner": "Health-ISAC", "incident": demo_ref}
    r = client.post("/sharing/export", data=export)
    assert r.status_code == 200, r.text[:300]
    assert r.headers["content-disposition"].startswith('attachment; filename="stix-green-')
    bundle = json.loads(r.content)
    assert bundle["type"] == "bundle" and "Example General Hospital" not in r.text
    r = client.post("/sharing/export", data={**export, "partner": "Nobody"})
    assert r.status_code == 422 and "no sharing agreement with" in r.text
    example = shared_data / "stix/cti-stix2-json-schemas/examples/indicator-for-c2-ip-address.json"
    r = client.post(
        "/sharing/imports",
        data={"csrf": token},
        files={"file": ("c2.json", example.read_bytes(), "application/json")},
    )
    assert r.status_code == 303
    assert "c2.json" in client.get("/sharing").text


def test_lessons_learned_forms_on_the_incident_page(logged_in):
    """The demo's closed incident has a threat action: its form adds the threat to the
    release's threat model and the link shows on the incident page."""
    client = logged_in
    found = re.search(r'href="/incidents/(INC-\d{4}-\d{4})"', client.get("/incidents").text)
    assert found is not None
    ref = found.group(1)
    page = client.get(f"/incidents/{ref}").text
    action = re.search(r'action="/incidents/[^"]+/actions/(\d+)/threat"', page)
    assert action is not None and "lesson-threat" in page
    token = csrf_of(page)
    url = f"/incidents/{ref}/actions/{action.group(1)}/threat"
    r = client.post(url, data={"csrf": token, "category": "S", "release": "2.1.0"})
    assert r.status_code == 303, r.text[:300]
    key = f"{ref}-A{action.group(1)}"
    assert (
        f"threat {key} in the threat model of InfuGuard 500 2.1.0"
        in client.get(f"/incidents/{ref}").text
    )
    assert key in client.get("/design/InfuGuard 500/2.1.0/threats").text
    again = client.post(url, data={"csrf": token, "category": "S", "release": "2.1.0"})
    assert again.status_code == 409
