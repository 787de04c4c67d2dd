"""The JSON API on the demo data: the same data as the CLI, problem details for every error,
authentication, per-product access, and one transaction per request."""

from __future__ import annotations

import json

from _web import ADMIN, OTHER, PRODUCT, bearer
from sqlalchemy import func, select

from medsec.api.deps import SessionDep
from medsec.audit import service as audit
from medsec.errors import Conflict
from medsec.models import AuditEvent, VexDecision

P = PRODUCT.replace(" ", "%20")
PROBLEM = "application/problem+json"


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith(PROBLEM)
    body = response.json()
    assert body["status"] == status and body["title"] and body["detail"] and body["type"]
    assert "Traceback" not in response.text
    return body


def _set(d: dict) -> dict:
    return {k: v for k, v in d.items() if v is not None}


def test_openapi_is_served_with_every_v1_route(client):
    doc = client.get("/api/openapi.json").json()
    paths = set(doc["paths"])
    assert "/api/v1/products/{product}/releases/{version}/components" in paths
    assert "post" in doc["paths"]["/api/v1/findings/{finding_id}/vex"]
    assert not any(p.startswith("/login") for p in paths)  # pages stay out of the API schema
    schemes = doc["components"]["securitySchemes"]
    assert [s["scheme"] for s in schemes.values()] == ["bearer"]


def test_no_token_or_a_wrong_one_is_a_401_problem(client, web_world):
    body = _problem(client.get("/api/v1/products"), 401)
    assert body["type"].endswith("unauthenticated")
    r = client.get("/api/v1/products", headers={"Authorization": "Bearer msk_not-a-token"})
    _problem(r, 401)
    assert r.headers["www-authenticate"].startswith("Bearer")
    r = client.get("/api/v1/products", headers={"Authorization": web_world.tokens[ADMIN]})
    _problem(r, 401)  # the scheme is required


def test_products_and_releases_are_what_the_cli_shows(client, web_world, cli):
    api = client.get("/api/v1/products", headers=bearer(web_world, "vic")).json()
    code, out, _ = cli("product", "list", "--format", "json")
    assert code == 0
    assert api == json.loads(out)
    releases = client.get(f"/api/v1/products/{P}/releases", headers=bearer(web_world, "vic"))
    code, out, _ = cli("release", "list", "--product", PRODUCT, "--format", "json")
    cli_releases = json.loads(out)
    api_releases = [
        {k: r[k] for k in c} | {"interfaces": [_set(i) for i in r["interfaces"]]}
        for r, c in zip(releases.json(), cli_releases, strict=True)
    ]
    assert api_releases == [
        c | {"interfaces": [_set(i) for i in c["interfaces"]]} for c in cli_releases
    ]
    assert releases.json()[0]["component_count"] > 0
    overview = client.get(f"/api/v1/products/{P}", headers=bearer(web_world, "vic")).json()
    by_version = {r["version"]: r for r in overview["releases"]}
    code, out, _ = cli("findings", "list", "--product", PRODUCT, "--format", "json")
    rows = json.loads(out)
    assert by_version["2.0.0"]["findings"] == sum(1 for r in rows if r["release"] == "2.0.0")
    assert by_version["2.0.0"]["components"] > 0


def test_components_are_paged_in_document_order(client, web_world, cli):
    h = bearer(web_world, "vic")
    url = f"/api/v1/products/{P}/releases/2.1.0/components"
    whole = client.get(url, params={"limit": 500}, headers=h).json()
    assert whole["total"] == len(whole["items"]) > 3
    pages = [
        client.get(url, params={"offset": o, "limit": 3}, headers=h).json()
        for o in range(0, whole["total"], 3)
    ]
    assert [c for p in pages for c in p["items"]] == whole["items"]
    assert {p["total"] for p in pages} == {whole["total"]}
    code, out, _ = cli("sbom", "show", "--product", PRODUCT, "--release", "2.1.0", "-f", "json")
    assert code == 0
    shown = json.loads(out)
    names = [c["name"] for c in (shown["components"] if isinstance(shown, dict) else shown)]
    assert [c["name"] for c in whole["items"]] == names
    assert any(c["support_level"] for c in whole["items"])  # support information is there


def test_findings_are_the_cli_json_and_filters_and_pages_hold(client, web_world, cli):
    h = bearer(web_world, "vic")
    url = f"/api/v1/products/{P}/findings"
    _, out, _ = cli("findings", "list", "--product", PRODUCT, "--format", "json")
    cli_rows = json.loads(out)
    api = client.get(url, params={"limit": 500}, headers=h).json()
    assert api["items"] == cli_rows and api["total"] == len(cli_rows)
    _, out, _ = cli("findings", "list", "--product", PRODUCT, "--sort", "priority", "-f", "json")
    prio = client.get(url, params={"sort": "priority", "limit": 500}, headers=h).json()
    assert [r["id"] for r in prio["items"]] == [r["id"] for r in json.loads(out)]
    for params, keep in (
        ({"kev": "true"}, lambda r: bool(r["vulnerability"]["kev"])),
        ({"kev": "false"}, lambda r: not r["vulnerability"]["kev"]),
        ({"severity": "high"}, lambda r: (r["vulnerability"]["severity"] or "") == "high"),
        ({"state": "not_affected"}, lambda r: (r["vex"] or {}).get("status") == "not_affected"),
        ({"state": "under_investigation"}, lambda r: r["vex"] is None),
    ):
        got = client.get(url, params={**params, "limit": 500}, headers=h).json()
        expected = [r["id"] for r in cli_rows if keep(r)]
        assert [r["id"] for r in got["items"]] == expected, params
        assert got["total"] == len(expected)
    assert any(r["vulnerability"]["kev"] for r in cli_rows)
    assert any(r["vex"] and r["vex"]["status"] == "not_affected" for r in cli_rows)
    one = client.get(url, params={"offset": 2, "limit": 2}, headers=h).json()
    assert [r["id"] for r in one["items"]] == [r["id"] for r in cli_rows[2:4]]
    rel = client.get(f"/api/v1/products/{P}/releases/2.0.0/findings", headers=h).json()
    assert {r["release"] for r in rel["items"]} == {"2.0.0"}
    assert rel["total"] == sum(1 for r in cli_rows if r["release"] == "2.0.0")


def test_one_finding_is_what_findings_show_gives(client, web_world, cli):
    fid = web_world.finding_ids["CVE-2021-3711"]
    api = client.get(f"/api/v1/findings/{fid}", headers=bearer(web_world, "vic")).json()
    code, out, _ = cli("findings", "show", str(fid), "--format", "json")
    assert code == 0 and api == json.loads(out)
    assert api["cvss_rescores"] and api["vex_history"]


def test_per_product_access_hides_and_refuses(client, web_world):
    h = bearer(web_world, "val")  # viewer of OTHER only
    assert [p["name"] for p in client.get("/api/v1/products", headers=h).json()] == [OTHER]
    fid = web_world.finding_ids["CVE-2021-3711"]
    for url in (
        f"/api/v1/products/{P}",
        f"/api/v1/products/{P}/releases",
        f"/api/v1/products/{P}/findings",
        f"/api/v1/products/{P}/releases/2.0.0/components",
        f"/api/v1/findings/{fid}",
    ):
        body = _problem(client.get(url, headers=h), 404)  # as if it did not exist
        assert "no access" not in body["detail"], url
        assert body["detail"].startswith(("no product named", "no finding")), url
    other = client.get(f"/api/v1/products/{OTHER.replace(' ', '%20')}", headers=h)
    assert other.status_code == 200 and other.json()["releases"] == []


def test_triage_needs_the_analyst_role_and_lands_in_the_history(client, web_world, session_factory):
    fid = web_world.finding_ids["CVE-2020-16150"]
    body = {
        "status": "affected",
        "reason": "reachable from the clinical VLAN",
        "action_statement": "install update 2.0.1",
    }
    url = f"/api/v1/findings/{fid}/vex"
    denied = _problem(client.post(url, json=body, headers=bearer(web_world, "vic")), 403)
    assert "analyst" in denied["detail"]
    made = client.post(url, json=body, headers=bearer(web_world, "ana"))
    assert made.status_code == 201, made.text
    assert made.json()["by"] == "api:ana" and made.json()["status"] == "affected"
    shown = client.get(f"/api/v1/findings/{fid}", headers=bearer(web_world, "ana")).json()
    assert shown["vex"]["reason"] == body["reason"]
    assert shown["vex_history"][-1]["by"] == "api:ana"
    with session_factory() as s:
        event = (
            s.execute(
                select(AuditEvent).where(AuditEvent.actor == "api:ana").order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )
    assert event and event[-1].action == "finding.vex"


def test_bad_input_is_a_422_problem_naming_the_place(client, web_world):
    h = bearer(web_world, "vic")
    body = _problem(client.get(f"/api/v1/products/{P}/findings?severity=huge", headers=h), 422)
    assert "severity" in body["detail"] and "critical" in body["detail"]
    body = _problem(client.get(f"/api/v1/products/{P}/findings?limit=0", headers=h), 422)
    assert body["errors"][0]["location"] == "query.limit"
    fid = web_world.finding_ids["CVE-2021-3711"]
    r = client.post(
        f"/api/v1/findings/{fid}/vex", json={"status": "x"}, headers=bearer(web_world, "ana")
    )
    assert "body.reason" in [e["location"] for e in _problem(r, 422)["errors"]]
    r = client.post(
        f"/api/v1/findings/{fid}/vex",
        json={"status": "not_affected", "reason": "no justification given"},
        headers=bearer(web_world, "ana"),
    )
    assert "justification" in _problem(r, 422)["detail"]
    _problem(client.get("/api/v1/findings/not-a-number", headers=h), 422)


def test_unknown_things_are_404_and_wrong_methods_405_problems(client, web_world):
    h = bearer(web_world, "vic")
    assert "nothing at" in _problem(client.get("/api/v1/nothing", headers=h), 404)["detail"]
    body = _problem(client.get("/api/v1/products/No%20Such", headers=h), 404)
    assert body["type"].endswith("not-found") and "No Such" in body["detail"]
    _problem(client.get("/api/v1/findings/999999", headers=h), 404)
    _problem(client.delete("/api/v1/products", headers=h), 405)


def test_a_revoked_token_no_longer_works(client, web_world, cli, monkeypatch):
    h = bearer(web_world, "vic")
    assert client.get("/api/v1/products", headers=h).status_code == 200
    code, _, err = cli("account", "revoke-token", str(web_world.token_ids["vic"]))
    assert code == 5 and "admin" in err  # the CLI's actor "tester" has no account
    monkeypatch.setenv("MEDSEC_ACTOR", "vic")  # an account may revoke its own token
    code, out, _ = cli("account", "revoke-token", str(web_world.token_ids["vic"]))
    assert code == 0 and "revoked" in out
    _problem(client.get("/api/v1/products", headers=h), 401)
    assert client.get("/api/v1/products", headers=bearer(web_world, "val")).status_code == 200


def test_a_failing_request_stores_nothing(app, client, web_world, session_factory):
    def write_then_fail(session: SessionDep) -> None:
        audit.record(session, actor="api:test", action="half.done", object_type="test")
        raise Conflict("stale state")

    app.add_api_route("/api/v1/_test/fail", write_then_fail, methods=["POST"])

    def ok(session: SessionDep) -> dict[str, str]:
        audit.record(session, actor="api:test", action="whole.done", object_type="test")
        return {"ok": "yes"}

    app.add_api_route("/api/v1/_test/ok", ok, methods=["POST"])
    assert _problem(client.post("/api/v1/_test/fail"), 409)["detail"] == "stale state"
    assert client.post("/api/v1/_test/ok").json() == {"ok": "yes"}
    with session_factory() as s:
        actions = set(s.execute(select(AuditEvent.action)).scalars())
        decisions = s.execute(select(func.count()).select_from(VexDecision)).scalar()
    assert "whole.done" in actions and "half.done" not in actions
    fid = web_world.finding_ids["CVE-2021-3711"]
    r = client.post(
        f"/api/v1/findings/{fid}/vex",
        json={"status": "fixed", "reason": "x", "scope": "galaxy"},
        headers=bearer(web_world, "ana"),
    )
    _problem(r, 422)
    with session_factory() as s:
        assert s.execute(select(func.count()).select_from(VexDecision)).scalar() == decisions


def test_every_api_response_carries_the_security_headers(client, web_world):
    for r in (
        client.get("/api/v1/products", headers=bearer(web_world, "vic")),
        client.get("/api/v1/products"),
        client.get("/api/openapi.json"),
    ):
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-content-type-options"] == "nosniff"
        assert r.headers["cache-control"] == "no-store"


def test_document_errors_name_source_and_location_and_crashes_show_no_traceback(app, web_world):
    from fastapi.testclient import TestClient

    from medsec.errors import DocumentError

    def bad_document() -> None:
        raise DocumentError("bomFormat is missing", source="pump.cdx.json", location="$.bomFormat")

    def crash() -> None:
        raise RuntimeError("secret internals /etc/passwd")

    app.add_api_route("/api/v1/_test/document", bad_document)
    app.add_api_route("/api/v1/_test/crash", crash)
    app.add_api_route("/_test/crash", crash)
    with TestClient(app, raise_server_exceptions=False) as c:
        body = _problem(c.get("/api/v1/_test/document"), 422)
        assert body["source"] == "pump.cdx.json" and body["location"] == "$.bomFormat"
        assert body["type"].endswith("invalid-document")
        r = c.get("/api/v1/_test/crash")
        body = _problem(r, 500)
        assert "secret internals" not in r.text and "RuntimeError" not in r.text
        page = c.get("/_test/crash")
        assert page.status_code == 500 and "secret internals" not in page.text
        assert "internal error" in page.text


def test_cookies_are_secure_over_https(app, web_world):
    from _web import login
    from fastapi.testclient import TestClient

    with TestClient(app, base_url="https://testserver", follow_redirects=False) as c:
        form = c.get("/login")
        assert "Secure" in form.headers["set-cookie"]
        done = login(c, web_world, "vic")
        assert done.status_code == 303 and "Secure" in done.headers["set-cookie"]


def test_an_account_without_any_role_reads_nothing(client, web_world, session_factory):
    from medsec.accounts import credentials
    from medsec.accounts import service as accounts
    from medsec.db.uow import unit_of_work

    with unit_of_work(session_factory) as s:
        accounts.add(s, name="nora", roles=[], products=[], actor=f"cli:{ADMIN}")
        token = credentials.issue_token(s, name="nora", label=None, actor=f"cli:{ADMIN}").secret
    h = {"Authorization": f"Bearer {token}"}
    assert "viewer role" in _problem(client.get("/api/v1/products", headers=h), 403)["detail"]
    _problem(client.get(f"/api/v1/products/{P}/findings", headers=h), 403)
