"""The web UI does the daily jobs: products and releases created, edited, renamed and deleted
(with audit and confirmation), and an SBOM uploaded with its quality report and diff."""

from __future__ import annotations

import json

import pytest
from _web import ADMIN, PRODUCT, csrf_of, login
from sqlalchemy import select

from medsec.db.uow import unit_of_work
from medsec.models import AuditEvent

pytestmark = pytest.mark.db


def _sbom(*components: tuple[str, str]) -> bytes:
    comps = [
        {"type": "library", "name": n, "version": v, "purl": f"pkg:npm/{n}@{v}"}
        for n, v in components
    ]
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": comps}
    return json.dumps(doc).encode()


def _actions(sf) -> list[str]:
    with unit_of_work(sf) as s:
        return list(s.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_product_and_release_from_the_browser(client, web_world, session_factory):
    login(client, web_world, ADMIN)
    home = client.get("/")
    assert "New product" in home.text
    csrf = csrf_of(home.text)
    r = client.post("/products", data={"csrf": csrf, "name": "", "manufacturer": "Acme"})
    assert r.status_code == 422 and 'role="alert"' in r.text and 'value="Acme"' in r.text
    r = client.post(
        "/products", data={"csrf": csrf, "name": PRODUCT, "manufacturer": "Acme <i>x</i>"}
    )
    assert r.status_code == 422 and "already exists" in r.text
    assert "Acme &lt;i&gt;x&lt;/i&gt;" in r.text  # typed text kept, as text
    r = client.post("/products", data={"csrf": csrf, "name": "Gateway", "manufacturer": "Acme"})
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert "Product created." in page.text and "Add a release" in page.text
    r = client.post(
        "/products/Gateway/releases",
        data={"csrf": csrf, "version": "1.0", "use_environment": "home"},
    )
    assert r.status_code == 303
    rel = client.get(r.headers["location"])
    assert "Release added." in rel.text and "Home use" in rel.text
    r = client.post(
        "/products/Gateway/releases/1.0/edit",
        data={
            "csrf": csrf,
            "use_environment": "both",
            "clinical_function": "relays pump alarms to nurses",
        },
    )
    assert r.status_code == 303
    rel = client.get(r.headers["location"])
    assert "relays pump alarms to nurses" in rel.text and "Hospital and home use" in rel.text
    r = client.post(
        "/products/Gateway/edit",
        data={"csrf": csrf, "manufacturer": "Acme", "new_name": "Alarm Gateway"},
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/products/Alarm%20Gateway")
    r = client.post("/products/Alarm Gateway/delete", data={"csrf": csrf, "confirm": "nope"})
    assert r.status_code == 422 and "type the product name" in r.text
    r = client.post(
        "/products/Alarm Gateway/delete", data={"csrf": csrf, "confirm": "Alarm Gateway"}
    )
    assert r.status_code == 422 and "release row(s) depend on it" in r.text
    r = client.post(
        "/products/Alarm Gateway/releases/1.0/delete", data={"csrf": csrf, "confirm": "1.0"}
    )
    assert r.status_code == 303
    r = client.post(
        "/products/Alarm Gateway/delete", data={"csrf": csrf, "confirm": "Alarm Gateway"}
    )
    assert r.status_code == 303 and "Alarm Gateway" not in client.get("/").text
    actions = _actions(session_factory)
    for a in ("product.create", "release.create", "release.edit", "product.rename",
              "release.delete", "product.delete"):  # fmt: skip
        assert a in actions


def test_viewers_see_no_forms_and_cannot_post(client, web_world):
    login(client, web_world, "vic")
    home = client.get("/")
    assert "New product" not in home.text
    r = client.post(
        "/products", data={"csrf": csrf_of(home.text), "name": "X", "manufacturer": "Y"}
    )
    assert r.status_code == 403
    rel = client.get(f"/products/{PRODUCT}/releases/2.0.0")
    assert "Upload an SBOM" not in rel.text and "Edit this release" not in rel.text


def test_sbom_upload_shows_quality_and_diff(client, web_world, session_factory):
    login(client, web_world, ADMIN)
    csrf = csrf_of(client.get("/").text)
    client.post("/products", data={"csrf": csrf, "name": "Gateway", "manufacturer": "Acme"})
    client.post("/products/Gateway/releases", data={"csrf": csrf, "version": "1.0"})
    url = "/products/Gateway/releases/1.0/sbom"
    r = client.post(
        url, data={"csrf": csrf}, files={"file": ("/srv/ci/fw.json", _sbom(("a", "1")))}
    )
    assert r.status_code == 200, r.text
    assert "SBOM revision 1: 1 components" in r.text and "Quality score" in r.text
    assert "first SBOM" in r.text and "/srv/ci" not in r.text  # no server file path shown
    r = client.post(
        url, data={"csrf": csrf}, files={"file": ("fw2.json", _sbom(("a", "2"), ("b", "1")))}
    )
    assert "Changes against revision 1" in r.text
    assert "<li>1 added</li>" in r.text and "<li>1 with a new version</li>" in r.text
    before = _actions(session_factory)
    r = client.post(url, data={"csrf": csrf}, files={"file": ("bad.json", b"{not json")})
    assert r.status_code == 422 and "bad.json" in r.text and "Nothing was stored" in r.text
    assert _actions(session_factory) == before
    rel = client.get("/products/Gateway/releases/1.0")
    assert "revision 2" in rel.text and "fw2.json" in rel.text


def test_dashboard_charts_are_server_side_svg_with_linked_kev_bars(client, web_world):
    from _web import KEV_CVE

    login(client, web_world, ADMIN)
    home = client.get("/").text
    assert home.count('<svg xmlns="http://www.w3.org/2000/svg" class="chart"') == 5
    for title in (
        "Open findings by SSVC outcome",
        "Open findings by residual risk",
        "Open findings listed in CISA KEV",
        "Findings first seen per month",
        "CVD cases with overdue deadlines",
    ):
        assert f"<title>{title}</title>" in home
    kev_link = f"/products/{PRODUCT.replace(' ', '%20')}/findings?kev=yes&amp;sort=release"
    assert f'<a href="{kev_link}"' in home
    kev_page = client.get(f"/products/{PRODUCT}/findings?kev=yes&sort=release").text
    assert KEV_CVE in kev_page
    assert "<script" not in home.split("<main>")[1]  # no script in the charts
