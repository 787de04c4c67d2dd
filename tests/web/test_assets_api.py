"""The hospital workspace over HTTP on the demo data: the API (typed, problem details, roles,
product access) and the pages (dashboard SVG, import preview before anything is stored)."""

from __future__ import annotations

import io

from _web import ADMIN, bearer, csrf_of, login
from sqlalchemy import func, select

from medsec.models import Asset

PROBLEM = "application/problem+json"


def _count(session_factory) -> int:
    with session_factory() as s:
        return int(s.execute(select(func.count(Asset.id))).scalar_one())


def test_the_api_lists_shows_and_explains_exposure(client, web_world):
    h = bearer(web_world, "vic")  # a viewer reads the workspace
    assets = client.get("/api/v1/assets", headers=h).json()
    assert len(assets) == 24 and {a["asset_tag"] for a in assets} >= {"PUMP-001", "DEV-001"}
    one = client.get("/api/v1/assets/PUMP-001", headers=h).json()
    assert one["target_label"].endswith("InfuGuard 500 2.0.0")
    rep = client.get("/api/v1/assets/PUMP-002/exposure", headers=h).json()
    (e,) = rep["assets"]
    states = {i["vulnerability"]: i["state"] for i in e["items"]}
    assert states["CVE-2021-35042"] == "cleared"  # the manufacturer's not_affected
    assert e["exposed"] == sum(1 for s in states.values() if s == "exposed")
    hist = client.get("/api/v1/assets/PUMP-009/history", headers=h).json()
    assert [x["action"] for x in hist][:2] == ["created", "mapped"]  # confirmed in the demo
    assert client.get("/api/v1/assets/rollouts/InfuGuard%202.1.0%20ICU/feedback", headers=h).json()[
        "failed_installations"
    ]


def test_the_api_refuses_with_problems_and_keeps_other_products_hidden(client, web_world):
    r = client.post(
        "/api/v1/assets/controls",
        headers=bearer(web_world, "vic"),
        json={"kind": "monitoring", "description": "d", "owner": "o", "segment": "icu-clinical"},
    )
    assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
    r = client.post(
        "/api/v1/assets/controls",
        headers=bearer(web_world, "ana"),
        json={"kind": "laser", "description": "d", "owner": "o", "segment": "icu-clinical"},
    )
    assert r.status_code == 422 and "kind 'laser'" in r.json()["detail"]
    # val may only see product "Other Monitor": the pumps' assets are not shown, and a pump's
    # asset answers exactly like one that does not exist
    val = bearer(web_world, "val")
    visible = {a["asset_tag"] for a in client.get("/api/v1/assets", headers=val).json()}
    assert visible and not any(t.startswith("PUMP-") for t in visible)
    hidden = client.get("/api/v1/assets/PUMP-001", headers=val)
    missing = client.get("/api/v1/assets/NOPE-1", headers=val)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace("PUMP-001", "X") == missing.json()["detail"].replace(
        "NOPE-1", "X"
    )


def test_an_api_import_lands_whole_or_not_at_all(client, web_world, session_factory):
    before = _count(session_factory)
    bad = b"asset_tag,manufacturer,model\nN-1,Acme,Vent\nN-2,,Vent\n"
    h = bearer(web_world, ADMIN)
    r = client.post("/api/v1/assets/imports", headers=h, files={"file": ("inv.csv", bad)})
    assert r.status_code == 422 and "row 3" in r.json()["detail"]
    assert _count(session_factory) == before
    r = client.post(
        "/api/v1/assets/imports",
        headers=h,
        files={"file": ("inv.csv", bad)},
        data={"skip_bad_rows": "true"},
    )
    assert r.status_code == 201 and r.json()["created"] == 1
    assert [s["row"] for s in r.json()["skipped"]] == [3]
    assert _count(session_factory) == before + 1


def test_pages_dashboard_and_import_preview(client, web_world, session_factory):
    login(client, web_world, ADMIN)
    dash = client.get("/assets/exposure")
    assert dash.status_code == 200 and "<svg" in dash.text and "data-outcome=" in dash.text
    page = client.get("/assets/PUMP-001")
    assert "the manufacturer says" in page.text and "not_affected" not in page.text
    form = client.get("/assets/import")
    before = _count(session_factory)
    hostile = b"asset_tag,manufacturer,model\nH-1,<script>alert(1)</script>,Vent\nH-2,,Vent\n"
    preview = client.post(
        "/assets/import",
        data={"csrf": csrf_of(form.text)},
        files={"file": ("inv.csv", io.BytesIO(hostile))},
    )
    assert preview.status_code == 200 and "Rows with errors (1)" in preview.text
    assert _count(session_factory) == before  # a preview stores nothing
    content = preview.text.split('name="content" value="')[1].split('"')[0]
    done = client.post(
        "/assets/import",
        data={
            "csrf": csrf_of(preview.text),
            "content": content,
            "filename": "inv.csv",
            "commit": "yes",
            "skip_bad_rows": "yes",
        },
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert _count(session_factory) == before + 1
    shown = client.get("/assets/H-1").text
    assert "<script>alert(1)</script>" not in shown and "&lt;script&gt;" in shown


def test_page_forms_record_a_control_and_move_a_rollout(client, web_world):
    login(client, web_world, ADMIN)
    seg_page = client.get("/assets/segments/wards-legacy")
    assert "Record a compensating control" in seg_page.text
    r = client.post(
        "/assets/controls",
        data={
            "csrf": csrf_of(seg_page.text),
            "segment": "wards-legacy",
            "kind": "monitoring",
            "description": "IDS alerts on the ward VLAN",
            "owner": "SOC",
            "covers": "CVE-2021-3711, CVE-2020-16150",
            "verified_on": "2026-11-01",
            "evidence": "IDS rule review 2026-11-01",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/assets/segments/wards-legacy"
    bad = client.post(
        "/assets/controls",
        data={"csrf": csrf_of(seg_page.text), "segment": "wards-legacy", "kind": "laser",
              "description": "d", "owner": "o"},
    )  # fmt: skip
    assert bad.status_code == 422 and "kind" in bad.text
    h = bearer(web_world, "vic")
    controls = client.get("/api/v1/assets/controls", headers=h).json()
    mine = [c for c in controls if c["description"] == "IDS alerts on the ward VLAN"]
    assert mine and mine[0]["covers"] == ["CVE-2020-16150", "CVE-2021-3711"]
    # a planned device in the demo rollout moves from its page
    rollout = client.get("/api/v1/assets/rollouts", headers=h).json()[0]
    tag = next(i["asset_tag"] for i in rollout["items"] if i["status"] == "planned")
    device = client.get(f"/assets/{tag}")
    assert 'action="/assets/rollouts/move"' in device.text
    moved = client.post(
        "/assets/rollouts/move",
        data={"csrf": csrf_of(device.text), "rollout": rollout["name"], "asset": tag,
              "status": "validated"},
        follow_redirects=False,
    )  # fmt: skip
    assert moved.status_code == 303
    after = client.get(f"/api/v1/assets/rollouts/{rollout['name']}", headers=h).json()
    assert {i["asset_tag"]: i["status"] for i in after["items"]}[tag] == "validated"


def test_the_device_page_files_a_vendor_mds2_for_its_release(
    client, web_world, session_factory, tmp_path
):
    """The vendor's MDS2 XLSX uploaded on a device's page is filed against the release the
    device runs and shown there; a file that is not a workbook is refused with nothing filed."""
    from medsec.db.uow import unit_of_work
    from medsec.mds2 import service as mds2
    from medsec.models import VendorMds2

    out = tmp_path / "vendor.xlsx"
    with unit_of_work(session_factory) as s:
        mds2.export_file(s, product="InfuGuard 500", release="2.0.0", out=out, actor=ADMIN)
    with session_factory() as s:
        before = s.execute(select(func.count(VendorMds2.id))).scalar_one()
    login(client, web_world, ADMIN)
    page = client.get("/assets/PUMP-001")
    assert "File the vendor's MDS2" in page.text
    bad = client.post(
        "/assets/PUMP-001/mds2",
        data={"csrf": csrf_of(page.text)},
        files={"file": ("x.xlsx", b"not a workbook", "application/octet-stream")},
        follow_redirects=False,
    )
    assert bad.status_code == 422
    with session_factory() as s:
        assert s.execute(select(func.count(VendorMds2.id))).scalar_one() == before
    r = client.post(
        "/assets/PUMP-001/mds2",
        data={"csrf": csrf_of(page.text)},
        files={"file": ("vendor.xlsx", out.read_bytes(), "application/octet-stream")},
        follow_redirects=False,
    )
    assert r.status_code == 303 and r.headers["location"] == "/assets/PUMP-001#mds2"
    shown = client.get("/assets/PUMP-001").text
    assert "vendor.xlsx, filed by" in shown
