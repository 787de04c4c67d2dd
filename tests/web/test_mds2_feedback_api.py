"""Vendor MDS2 statements and rollout feedback over HTTP on the demo data: the device page shows
the vendor's statement for the release it runs, the advisory page the hospitals' feedback, and
the API files and lists both with roles and problem details."""

from __future__ import annotations

import io
import json

from _web import ADMIN, bearer, login
from openpyxl import Workbook

from medsec.advisories import service as advisories
from medsec.db.uow import unit_of_work

PROBLEM = "application/problem+json"


def _workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(["Question ID", "Question", "Answer", "Note"])
    ws.append(["RMOT-1", "Remote service?", "Yes", "<b>vendor VPN</b>"])
    ws.append(["CONN-4", "External?", "No", ""])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _tracking(session_factory) -> str:
    with unit_of_work(session_factory) as s:
        return next(a.tracking_id for a in advisories.list_advisories(s) if a.version)


def test_the_device_page_shows_the_vendors_statement_for_its_release(client, web_world):
    login(client, web_world, ADMIN)
    page = client.get("/assets/PUMP-013")  # runs 2.1.0: the demo filed the MDS2 for it
    assert page.status_code == 200
    assert "Vendor security statement (MDS2)" in page.text
    assert "infuguard-500-2.1.0-mds2.xlsx" in page.text and "SBOM-1" in page.text
    other = client.get("/assets/PUMP-001")  # runs 2.0.0: nothing filed
    assert "No MDS2 statement filed for this release" in other.text


def test_the_api_files_and_lists_vendor_statements(client, web_world):
    files = {"file": ("nw.xlsx", _workbook(), "application/octet-stream")}
    form = {"product": "InfuGuard 500", "release": "2.0.0"}
    r = client.post("/api/v1/assets/vendor-mds2", headers=bearer(web_world, "vic"),
                    files=files, data=form)  # fmt: skip
    assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
    r = client.post("/api/v1/assets/vendor-mds2", headers=bearer(web_world, "ana"),
                    files=files, data=form)  # fmt: skip
    assert r.status_code == 201, r.text
    got = r.json()
    assert got["release"] == "2.0.0" and [h["id"] for h in got["highlights"]] == [
        "CONN-4",
        "RMOT-1",
    ]
    bad = {"file": ("bad.xlsx", b"not a workbook", "application/octet-stream")}
    r = client.post("/api/v1/assets/vendor-mds2", headers=bearer(web_world, "ana"),
                    files=bad, data=form)  # fmt: skip
    assert r.status_code == 422 and "bad.xlsx" in r.json()["detail"]
    listed = client.get(
        "/api/v1/assets/vendor-mds2?product=InfuGuard%20500&release=2.0.0",
        headers=bearer(web_world, "vic"),
    ).json()
    assert [x["id"] for x in listed] == [got["id"]]
    login(client, web_world, ADMIN)
    page = client.get("/assets/PUMP-001")
    assert "&lt;b&gt;vendor VPN&lt;/b&gt;" in page.text  # the vendor's text is text


def test_the_advisory_shows_and_the_api_imports_rollout_feedback(
    client, web_world, session_factory
):
    tracking = _tracking(session_factory)
    listed = client.get(
        f"/api/v1/advisories/{tracking}/feedback", headers=bearer(web_world, "vic")
    ).json()
    assert listed[0]["failures"][0]["what_failed"].startswith("update stopped at 60 %")
    login(client, web_world, ADMIN)
    page = client.get(f"/advisories/{tracking}")
    assert "Rollout feedback from hospitals" in page.text and "update stopped at 60 %" in page.text
    message = {
        "format": "medsec-rollout-feedback/1",
        "update": "InfuGuard 500 2.1.0",
        "method": "remote",
        "target_version": "2.1.0",
        "failed_installations": [
            {"manufacturer": "M", "model": "InfuGuard 500", "installed_version": "2.0.0",
             "what_failed": "reboot loop", "when": "2026-11-30"}
        ],
    }  # fmt: skip
    url = f"/api/v1/advisories/{tracking}/feedback"
    body = {"file": ("f.json", json.dumps(message).encode(), "application/json")}
    r = client.post(url, headers=bearer(web_world, "ana"), files=body)
    assert r.status_code == 201, r.text
    message["failed_installations"][0]["serial"] = "SN-1"
    body = {"file": ("f.json", json.dumps(message).encode(), "application/json")}
    r = client.post(url, headers=bearer(web_world, "ana"), files=body)
    assert r.status_code == 422 and "/failed_installations/0/serial" in r.json()["detail"]
    r = client.post(url, headers=bearer(web_world, "vic"), files=body)
    assert r.status_code == 403
