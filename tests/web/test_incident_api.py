"""`/api/v1/incidents`: the demo's incident as the CLI shows it, typed responses, opening and
moving incidents, RFC 9457 problems for refused input (422), missing rights (403) and unknown
incidents (404), and nothing stored by a refused request."""

from __future__ import annotations

import pytest
from _staff import add_account
from _web import ADMIN, HOSTILE, OTHER, PRODUCT, bearer

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


def test_demo_incident_list_and_show(client, world, cli, monkeypatch):
    r = client.get("/api/v1/incidents", headers=bearer(world, ADMIN))
    assert r.status_code == 200, r.text
    (summary,) = r.json()
    assert summary["phase"] == "closed" and summary["product"] == PRODUCT
    assert summary["overdue"] == []
    ref = summary["ref"]
    monkeypatch.setenv("MEDSEC_ACTOR", ADMIN)
    code, out, err = cli("incident", "list", "--format", "json")
    assert code == 0, err
    import json

    assert json.loads(out) == r.json()
    d = client.get(f"/api/v1/incidents/{ref}", headers=bearer(world, ADMIN)).json()
    assert [e["to_phase"] for e in d["events"] if e["kind"] == "phase"] == [
        "reported",
        "assessing",
        "containing",
        "eradicating",
        "recovering",
        "lessons_learned",
        "closed",
    ]
    assert all(n["sent_at"] for n in d["notifications"])
    assert d["evidence"][0]["custody_intact"] and "data" not in d["evidence"][0]
    schema = client.get("/api/openapi.json").json()
    ok = schema["paths"]["/api/v1/incidents/{ref}"]["get"]["responses"]["200"]
    assert ok["content"]["application/json"]["schema"]["$ref"].endswith("/IncidentRead")


def test_open_move_log_notify_over_the_api(client, world):
    h = bearer(world, ADMIN)
    r = client.post(
        "/api/v1/incidents",
        headers=h,
        json={
            "title": HOSTILE,
            "product": PRODUCT,
            "releases": ["2.0.0"],
            "jurisdictions": ["EU"],
            "detected_at": "2026-03-02T09:00:00Z",
        },
    )
    assert r.status_code == 201, r.text
    ref = r.json()["ref"]
    assert r.json()["title"] == HOSTILE
    body = _problem(
        client.post(f"/api/v1/incidents/{ref}/phase", headers=h, json={"action": "confirm"}), 422
    )
    assert "[incident.phase.forbidden]" in body["detail"]
    client.post(f"/api/v1/incidents/{ref}/phase", headers=h, json={"action": "assess"})
    r = client.post(
        f"/api/v1/incidents/{ref}/severity",
        headers=h,
        json={"safety": "death", "privacy": "none", "flags": []},
    )
    assert r.status_code == 200, r.text
    notes = {n["obligation"]: n for n in r.json()["notifications"]}
    assert notes["eu.mdr.death-10"]["overdue"] is True  # detected in March
    r = client.post(
        f"/api/v1/incidents/{ref}/notifications",
        headers=h,
        json={"obligation": "eu.mdr.death-10", "sent": True, "reference": "CA-1"},
    )
    assert r.status_code == 200 and r.json()["overdue"] is False
    r = client.post(
        f"/api/v1/incidents/{ref}/events",
        headers=h,
        json={"text": "keep pumps", "kind": "decision", "why": "file refused"},
    )
    assert r.status_code == 201 and r.json()["reason"] == "file refused"
    _problem(
        client.post(
            f"/api/v1/incidents/{ref}/events", headers=h, json={"text": "x", "kind": "decision"}
        ),
        422,
    )
    _problem(
        client.post(f"/api/v1/incidents/{ref}/links", headers=h, json={"target": "finding:0"}), 404
    )
    overdue = client.get("/api/v1/incidents/overdue", headers=h).json()
    assert overdue == []


def test_refusals_are_problems_and_store_nothing(client, world):
    before = client.get("/api/v1/incidents", headers=bearer(world, ADMIN)).json()
    _problem(
        client.post(
            "/api/v1/incidents", headers=bearer(world, ADMIN), json={"title": "x", "tlp": "purple"}
        ),
        422,
    )
    _problem(client.post("/api/v1/incidents", headers=bearer(world, ADMIN), json={}), 422)
    _problem(
        client.post("/api/v1/incidents", headers=bearer(world, "vic"), json={"title": "x"}), 403
    )
    assert client.get("/api/v1/incidents", headers=bearer(world, ADMIN)).json() == before
    ref = before[0]["ref"]
    _problem(client.get(f"/api/v1/incidents/{ref}", headers=bearer(world, "vic")), 403)
    _problem(client.get(f"/api/v1/incidents/{ref}", headers=bearer(world, "oth")), 403)
    assert client.get("/api/v1/incidents", headers=bearer(world, "vic")).json() == []
    assert client.get("/api/v1/incidents", headers=bearer(world, "oth")).json() == []
    _problem(client.get("/api/v1/incidents/INC-1999-0001", headers=bearer(world, ADMIN)), 404)
    _problem(client.get("/api/v1/incidents"), 401)


@pytest.mark.shared_data
def test_share_api_exports_validated_bundles_and_imports(client, world, shared_data):
    from medsec.sharing import stix_schema

    h = bearer(world, ADMIN)
    ref = client.get("/api/v1/incidents", headers=h).json()[0]["ref"]
    params = {"org": "Acme", "partner": "Health-ISAC", "incident": ref}
    r = client.get("/api/v1/share/stix", headers=h, params=params)
    assert r.status_code == 200, r.text
    bundle = r.json()
    schemas = shared_data / "stix/cti-stix2-json-schemas/schemas"
    assert stix_schema.errors(bundle, root=schemas) == []
    assert "Example General Hospital" not in r.text
    _problem(client.get("/api/v1/share/stix", headers=h, params={"org": "Acme"}), 422)
    refused = _problem(
        client.get("/api/v1/share/stix", headers=h, params={**params, "partner": "Other ISAO"}),
        422,
    )
    assert "no sharing agreement with 'Other ISAO'" in refused["detail"]
    _problem(
        client.get("/api/v1/share/stix", headers=bearer(world, "vic"), params=params),
        403,
    )
    example = shared_data / "stix/cti-stix2-json-schemas/examples/indicator-for-c2-ip-address.json"
    r = client.post("/api/v1/share/imports", headers=h, content=example.read_bytes())
    assert r.status_code == 201, r.text
    assert r.json()["objects"][0]["stix_type"] == "indicator"
    body = _problem(
        client.post(
            "/api/v1/share/imports",
            headers=h,
            content=b'{"type": "bundle", "id": "bundle--1", "objects": []}',
        ),
        422,
    )
    assert "/id" in body["detail"]
    assert len(client.get("/api/v1/share/imports", headers=h).json()) == 1
    r = client.post(
        "/api/v1/share/agreements",
        headers=h,
        json={
            "partner": "H-ISAC",
            "scope": "indicators",
            "tlp": "green",
            "signed_on": "2026-01-02",
        },
    )
    assert r.status_code == 201 and r.json()["tlp"] == "green"
    listed = client.get("/api/v1/share/agreements", headers=h).json()
    assert sorted(a["partner"] for a in listed) == ["H-ISAC", "Health-ISAC"]  # the demo's too


def test_lessons_learned_through_the_api(client, world):
    h = bearer(world, ADMIN)
    ref = client.get("/api/v1/incidents", headers=h).json()[0]["ref"]
    shown = client.get(f"/api/v1/incidents/{ref}", headers=h).json()
    threat_action = next(a["id"] for a in shown["actions"] if a["kind"] == "threat")
    url = f"/api/v1/incidents/{ref}/actions/{threat_action}/threat"
    r = client.post(url, headers=h, json={"category": "S", "release": "2.1.0"})
    assert r.status_code == 201, r.text
    assert r.json()["key"] == f"{ref}-A{threat_action}" and r.json()["origin"] == "manual"
    _problem(client.post(url, headers=h, json={"category": "S", "release": "2.1.0"}), 409)
    _problem(client.post(url, headers=bearer(world, "vic"), json={"category": "S"}), 403)
    links = client.get(f"/api/v1/incidents/{ref}", headers=h).json()["links"]
    assert f"threat:InfuGuard 500/2.1.0/{ref}-A{threat_action}" in [x["target"] for x in links]


def test_affected_assets_recorded_over_the_api(client, world):
    """A tag of the hospital workspace links the device; other text stays text; an unknown
    ``asset:TAG`` is refused with a problem and nothing is recorded."""
    h = bearer(world, ADMIN)
    r = client.post(
        "/api/v1/incidents",
        headers=h,
        json={"title": "odd traffic", "product": PRODUCT, "detected_at": "2026-03-02T09:00:00Z"},
    )
    assert r.status_code == 201, r.text
    ref = r.json()["ref"]
    _problem(client.post(f"/api/v1/incidents/{ref}/assets", headers=h, json={"assets": []}), 422)
    unknown = {"assets": ["asset:NO-SUCH-TAG"]}
    assert client.post(f"/api/v1/incidents/{ref}/assets", headers=h, json=unknown).status_code in (
        404,
        422,
    )
    body = {"assets": ["PUMP-002", "a patient's home router"]}
    r = client.post(f"/api/v1/incidents/{ref}/assets", headers=h, json=body)
    assert r.status_code == 200, r.text
    d = r.json()
    assert [a["tag"] for a in d["workspace_assets"]] == ["PUMP-002"]
    assert d["assets"] == ["a patient's home router"]
