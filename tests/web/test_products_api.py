"""Products, releases and SBOM upload over the API: typed writes with roles, audit, problems,
and the CI-style SBOM upload (auto-create off by default, quality and diff answered)."""

from __future__ import annotations

import json

import pytest
from _web import ADMIN, PRODUCT, bearer
from sqlalchemy import select

from medsec.db.uow import unit_of_work
from medsec.models import AuditEvent

pytestmark = pytest.mark.db


def _sbom(*components: tuple[str, str]) -> bytes:
    comps = [
        {"type": "library", "name": n, "version": v, "purl": f"pkg:pypi/{n}@{v}"}
        for n, v in components
    ]
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": comps}
    return json.dumps(doc).encode()


def _actions(session_factory) -> list[str]:
    with unit_of_work(session_factory) as s:
        return list(s.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_product_and_release_lifecycle(client, web_world, session_factory):
    admin, ana, vic = (bearer(web_world, n) for n in (ADMIN, "ana", "vic"))
    body = {"name": "Ventilator", "manufacturer": "Acme"}
    assert client.post("/api/v1/products", json=body, headers=vic).status_code == 403
    r = client.post("/api/v1/products", json=body, headers=admin)
    assert r.status_code == 201 and r.json()["releases"] == []
    assert client.post("/api/v1/products", json=body, headers=admin).status_code == 409
    r = client.patch("/api/v1/products/Ventilator", json={"description": "ICU"}, headers=admin)
    assert r.status_code == 200 and r.json()["description"] == "ICU"
    rel = {"version": "1.0", "use_environment": "home"}
    r = client.post("/api/v1/products/Ventilator/releases", json=rel, headers=admin)
    assert r.status_code == 201 and r.json()["use_environment"] == "home"
    r = client.patch(
        "/api/v1/products/Ventilator/releases/1.0",
        json={"clinical_function": "breathing support", "interfaces": [{"name": "wifi"}]},
        headers=admin,
    )
    assert r.status_code == 200
    assert r.json()["clinical_function"] == "breathing support"
    assert r.json()["interfaces"] == [{"name": "wifi", "protocol": None, "port": None,
                                       "direction": None, "purpose": None}]  # fmt: skip
    bad = client.patch(
        "/api/v1/products/Ventilator/releases/1.0", json={"use_environment": "moon"}, headers=admin
    )
    assert bad.status_code == 422
    r = client.post("/api/v1/products/Ventilator/rename", json={"name": "ICU Vent"}, headers=admin)
    assert r.status_code == 200 and r.json()["name"] == "ICU Vent"
    assert client.delete("/api/v1/products/ICU Vent", headers=admin).status_code == 409
    # ana is an analyst of the demo product only
    # ana has no access to "ICU Vent": its release is answered exactly like a missing one
    assert client.delete("/api/v1/products/ICU Vent/releases/1.0", headers=ana).status_code == 404
    assert client.delete("/api/v1/products/ICU Vent/releases/1.0", headers=admin).status_code == 204
    assert client.delete("/api/v1/products/ICU Vent", headers=admin).status_code == 204
    assert client.get("/api/v1/products/ICU Vent", headers=admin).status_code == 404
    actions = _actions(session_factory)
    for a in ("product.create", "product.edit", "release.edit", "product.rename",
              "release.delete", "product.delete"):  # fmt: skip
        assert a in actions


def test_sbom_upload_for_ci(client, web_world, session_factory):
    admin, vic = bearer(web_world, ADMIN), bearer(web_world, "vic")
    url = "/api/v1/products/InfuGuard-500/releases/3.0/sboms"
    files = {"file": ("fw.cdx.json", _sbom(("zlib", "1.2.11")), "application/json")}
    r = client.post(url, files=files, headers=admin)
    assert r.status_code == 404
    assert "did you mean" in r.json()["detail"] and "auto-create" in r.json()["detail"]
    r = client.post(url + "?auto-create=true", files=files, headers=vic)
    assert r.status_code == 403
    r = client.post(url + "?auto-create=true", files=files, headers=admin)
    assert r.status_code == 201, r.text
    first = r.json()
    assert first["created_product"] and first["created_release"] and first["revision"] == 1
    assert first["diff"] is None and 0 <= first["quality_score"] <= 100
    assert any(g["element"] for g in first["quality_gaps"])
    files = {"file": ("fw2.cdx.json", _sbom(("zlib", "1.3"), ("openssl", "3.0.8")))}
    second = client.post(url, files=files, headers=admin).json()
    assert second["revision"] == 2 and not second["created_product"]
    assert second["diff"] == {
        "previous_revision": 1, "added": 1, "removed": 0, "changed": 1, "unchanged": 0,
    }  # fmt: skip
    before = _actions(session_factory)
    broken = {"file": ("broken.cdx.json", b'{"bomFormat": "CycloneDX", "specVersion": "1.6", ')}
    r = client.post(url, files=broken, headers=admin)
    assert r.status_code == 422 and "broken.cdx.json" in r.json()["detail"]
    assert _actions(session_factory) == before  # nothing half-stored
    assert client.post(url, files={"file": ("e.json", b"")}, headers=admin).status_code == 422
    shown = client.get("/api/v1/products/InfuGuard-500/releases", headers=admin).json()
    assert shown[0]["current_sbom_revision"] == 2 and shown[0]["component_count"] == 2
    _ = PRODUCT


def test_markets_over_the_api_and_on_the_product_page(client, web_world, session_factory):
    from _web import csrf_of, login

    admin = bearer(web_world, ADMIN)
    body = {"name": "Monitor", "manufacturer": "Acme"}
    assert client.post("/api/v1/products", json=body, headers=admin).status_code == 201
    r = client.patch("/api/v1/products/Monitor", json={"markets": ["jp", "EU"]}, headers=admin)
    assert r.status_code == 200 and r.json()["markets"] == ["jp", "eu"]
    bad = client.patch("/api/v1/products/Monitor", json={"markets": ["uk"]}, headers=admin)
    assert bad.status_code == 422 and "'uk'" in bad.json()["detail"]
    listed = client.get("/api/v1/products", headers=admin).json()
    assert next(p for p in listed if p["name"] == "Monitor")["markets"] == ["jp", "eu"]
    assert client.get("/api/v1/products/Monitor", headers=admin).json()["markets"] == ["jp", "eu"]
    login(client, web_world, ADMIN)
    page = client.get("/products/Monitor")
    assert "Markets: Japan (MHLW/PMDA), European Union (MDR, MDCG 2019-16)" in page.text
    form = {"csrf": csrf_of(page.text), "manufacturer": "Acme", "markets_shown": "1"}
    saved = client.post("/products/Monitor/edit", data={**form, "markets": ["fda"]})
    assert saved.status_code in (200, 303)
    assert client.get("/api/v1/products/Monitor", headers=admin).json()["markets"] == ["fda"]
    client.post("/products/Monitor/edit", data={**form, "description": "ICU"})  # none ticked
    page = client.get("/products/Monitor")
    assert "none recorded (the FDA profile&#39;s deadlines apply)" in page.text
