"""The document and plan API and pages: build, list, download (with its file name), diff, the
plan form with its CSRF token; hidden revisions answer like missing ones."""

from __future__ import annotations

import re

import pytest
from docs_world import PRODUCT, RELEASE

pytestmark = pytest.mark.db


def _auth(web, name: str) -> dict[str, str]:
    return {"authorization": f"Bearer {web.tokens[name]}"}


def _login(client, web, name: str) -> None:
    form = client.get("/login")
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert token
    r = client.post(
        "/login",
        data={"name": name, "password": web.passwords[name], "token": token.group(1), "next": "/"},
    )
    assert r.status_code == 303


def test_build_list_download_diff(client, docs_web):
    ana, vic, val = (_auth(docs_web, n) for n in ("ana", "vic", "val"))
    body = {"kind": "customer", "product": PRODUCT, "release": RELEASE, "lang": "ja"}
    assert client.post("/api/v1/documents", json=body, headers=vic).status_code == 403
    r = client.post("/api/v1/documents", json=body, headers=ana)
    assert r.status_code == 201, r.text
    rev = r.json()
    assert rev["kind"] == "customer" and rev["lang"] == "ja" and rev["to_complete"]
    listed = client.get(f"/api/v1/documents?product={PRODUCT}", headers=vic).json()
    assert [x["id"] for x in listed] == [rev["id"]]
    got = client.get(f"/api/v1/documents/{rev['id']}/content", headers=vic)
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/html")
    assert 'filename="Vent-3.0-customer-ja.html"' in got.headers["content-disposition"]
    assert "顧客向けセキュリティ文書" in got.text
    d = client.get(f"/api/v1/documents/{rev['id']}/diff", headers=vic).json()
    assert d["inputs_changed"] is False
    hidden = client.get(f"/api/v1/documents/{rev['id']}", headers=val)
    missing = client.get("/api/v1/documents/987654", headers=val)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"] == missing.json()["detail"].replace("987654", str(rev["id"]))
    assert client.get(f"/api/v1/documents/{rev['id']}/content", headers=val).status_code == 404


def test_bad_requests_are_problems(client, docs_web):
    ana = _auth(docs_web, "ana")
    r = client.post(
        "/api/v1/documents",
        json={"kind": "poster", "product": PRODUCT, "release": RELEASE},
        headers=ana,
    )
    assert r.status_code == 422 and "unknown document kind 'poster'" in r.json()["detail"]
    assert r.headers["content-type"].startswith("application/problem+json")
    r = client.post(
        "/api/v1/documents", json={"kind": "risk", "product": "Nope", "release": "1"}, headers=ana
    )
    assert r.status_code == 404
    r = client.patch(
        f"/api/v1/products/{PRODUCT}/plan", json={"changes": {"bogus": 1}}, headers=ana
    )
    assert r.status_code == 422 and "unknown field" in r.json()["detail"]


def test_plan_api_and_pages(client, docs_web):
    ana, vic = _auth(docs_web, "ana"), _auth(docs_web, "vic")
    r = client.patch(
        f"/api/v1/products/{PRODUCT}/plan",
        json={"changes": {"recovery_plan": "Reinstall <script>x</script>"}, "note": "api"},
        headers=ana,
    )
    assert r.status_code == 200 and r.json()["version"] == 1
    versions = client.get(f"/api/v1/products/{PRODUCT}/plan/versions", headers=vic).json()
    assert versions[0]["changed"] == ["recovery_plan"]
    _login(client, docs_web, "ana")
    page = client.get(f"/products/{PRODUCT}/plan")
    assert page.status_code == 200
    assert "Reinstall &lt;script&gt;x&lt;/script&gt;" in page.text and "<script>x" not in page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    r = client.post(
        f"/products/{PRODUCT}/plan",
        data={
            "csrf": csrf,
            "recovery_plan": "Reinstall <script>x</script>",
            "isao_memberships": "H-ISAC",
            "update_methods": ["remote"],
            "note": "form",
        },
    )
    assert r.status_code == 303
    plan = client.get(f"/api/v1/products/{PRODUCT}/plan", headers=vic).json()
    assert plan["version"] == 2 and plan["content"]["isao_memberships"] == ["H-ISAC"]
    assert plan["content"]["update_methods"] == ["remote"]
    r = client.post(f"/products/{PRODUCT}/plan", data={"csrf": "wrong", "recovery_plan": "x"})
    assert r.status_code in (400, 403)
    docs = client.get(f"/products/{PRODUCT}/documents")
    csrf = re.search(r'name="csrf" value="([^"]+)"', docs.text).group(1)
    r = client.post(
        f"/products/{PRODUCT}/documents",
        data={"csrf": csrf, "kind": "tplc", "release": RELEASE, "lang": "en", "format": "html"},
    )
    assert r.status_code == 303
    docs = client.get(f"/products/{PRODUCT}/documents")
    rev = re.search(r'data-revision="(\d+)"', docs.text).group(1)
    got = client.get(f"/documents/{rev}/download")
    assert got.status_code == 200 and "H-ISAC" in got.text
    assert client.get(f"/documents/{rev}/diff").status_code == 200
