"""Imported CSAF through the staff API and pages: upload (refusals name the failing tests and
pointers, nothing stored), forced import, the list and detail, and vendor statements."""

from __future__ import annotations

from pathlib import Path

from _web import ADMIN, HOSTILE, PRODUCT, bearer, login

from medsec.advisories import publish
from medsec.advisories import service as advisories
from medsec.db.uow import unit_of_work

PROBLEM = "application/problem+json"
CISA = Path("csaf/cisa/csaf_files/OT/white/2022/icsma-22-006-01.json")
INVALID = Path("csaf/oasis/csaf_2.0/examples/csaf/csaf_vex/2022-evd-uc-08-001.json")


def _upload(client, world, name: str, data: bytes, *, who: str = ADMIN, force: bool = False):
    url = "/api/v1/csaf/imports" + ("?force=true" if force else "")
    files = {"file": (name, data, "application/json")}
    return client.post(url, headers=bearer(world, who), files=files)


def _docs(client, world) -> list[dict]:
    r = client.get("/api/v1/csaf/documents?all_versions=true", headers=bearer(world, "vic"))
    assert r.status_code == 200
    return r.json()


def test_upload_a_real_cisa_advisory_then_list_and_show_it(client, web_world, shared_data):
    data = (shared_data / CISA).read_bytes()
    r = _upload(client, web_world, CISA.name, data)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["tracking_id"] == "ICSMA-22-006-01" and body["outcome"] == "new"
    assert body["valid"] is True and body["source"] == CISA.name
    again = _upload(client, web_world, CISA.name, data)
    assert again.status_code == 201 and again.json()["outcome"] == "unchanged"
    assert [d["tracking_id"] for d in _docs(client, web_world)] == ["ICSMA-22-006-01"]
    shown = client.get("/api/v1/csaf/documents/ICSMA-22-006-01", headers=bearer(web_world, "vic"))
    doc = shown.json()
    assert doc["title"] == "Philips Engage Software" and doc["products"]
    assert all(p["mapped_to"] or p["unmapped_reason"] for p in doc["products"])
    login(client, web_world, "vic")
    listing = client.get("/csaf").text
    assert "ICSMA-22-006-01" in listing and "Philips Engage Software" in listing
    page = client.get("/csaf/documents/ICSMA-22-006-01")
    assert page.status_code == 200
    assert doc["products"][0]["name"] in page.text and "unmapped" in page.text
    assert client.get("/csaf/documents/NOPE-1").status_code == 404


def test_an_invalid_upload_is_refused_with_test_ids_and_pointers(client, web_world, shared_data):
    data = (shared_data / INVALID).read_bytes()
    r = _upload(client, web_world, INVALID.name, data)
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    body = r.json()
    assert body["failed_tests"] == ["6.1.27"] and body["source"] == INVALID.name
    assert body["failures"] and all(f["path"].startswith("/") for f in body["failures"])
    assert body["location"] == body["failures"][0]["path"]
    assert _docs(client, web_world) == []  # nothing stored
    not_json = _upload(client, web_world, "x.json", b"{not json")
    assert not_json.status_code == 422 and _docs(client, web_world) == []
    assert _upload(client, web_world, "x.json", b"").status_code == 422
    assert _upload(client, web_world, INVALID.name, data, who="vic").status_code == 403
    assert _docs(client, web_world) == []
    forced = _upload(client, web_world, INVALID.name, data, force=True)
    assert forced.status_code == 201 and forced.json()["valid"] is False
    (row,) = _docs(client, web_world)
    assert {f["test"] for f in row["failures"]} == {"6.1.27"}
    login(client, web_world, "vic")
    assert "no (" in client.get("/csaf").text


def test_vendor_statements_per_product_and_release(client, web_world, session_factory):
    with unit_of_work(session_factory) as s:
        tid = next(a.tracking_id for a in advisories.list_advisories(s) if a.version)
        _, data = publish.document(s, tracking_id=tid, fmt="csaf")
    data = data.replace(b"https://psirt.example-medical.test", b"https://supplier.example.net")
    r = _upload(client, web_world, "supplier.json", data)
    assert r.status_code == 201, r.text
    assert r.json()["mapped"] > 0
    url = f"/api/v1/products/{PRODUCT}/statements"
    said = client.get(url, headers=bearer(web_world, "vic")).json()
    assert said and {s["tracking_id"] for s in said} == {tid}
    assert all(s["status"] and s["mapped_to"]["kind"] for s in said)
    one = client.get(url + "?release=2.0.0", headers=bearer(web_world, "vic")).json()
    assert one and all(s["mapped_to"]["release"] in (None, "2.0.0") for s in one)
    assert client.get(url, headers=bearer(web_world, "val")).status_code == 404  # hidden
    assert (
        client.get(
            f"/api/v1/products/{HOSTILE}/statements", headers=bearer(web_world, "vic")
        ).status_code
        == 404
    )
    login(client, web_world, "vic")
    page = client.get(f"/products/{PRODUCT}/releases/2.0.0").text
    assert "What vendors say" in page and tid in page


def test_csaf_pages_need_a_login(client):
    assert client.get("/csaf").status_code == 303
    assert client.get("/api/v1/csaf/documents").status_code == 401


def test_a_large_advisory_page_groups_remediations_and_pages_statements(
    client, web_world, session_factory, shared_data
):
    from medsec.imported_csaf import service as csaf_import

    path = shared_data / "csaf/cisa/csaf_files/OT/white/2019/icsma-19-274-01.json"
    with unit_of_work(session_factory) as s:  # imported from its server path, as the CLI does
        csaf_import.import_csaf(
            s, data=path.read_bytes(), source=str(path), force=True, actor=f"cli:{ADMIN}"
        )
    login(client, web_world, "vic")
    page = client.get("/csaf/documents/ICSMA-19-274-01").text
    assert str(path.parent) not in page and "icsma-19-274-01.json" in page  # no server path
    head = page[page.index('id="statements"') :]
    total = int(head.split("(", 1)[1].split(" ", 1)[0])
    assert total == 99 and "1–50 shown" in head
    assert head.count("<tr>") - 1 == 50  # one page of statements
    remediations = page[page.index('id="remediations"') :]
    texts = [t.split("</p>")[0] for t in remediations.split("</strong>: ")[1:]]
    assert texts and len(texts) == len(set(texts))  # each distinct text once
    nxt = client.get("/csaf/documents/ICSMA-19-274-01?offset=50").text
    assert "51–99 shown" in nxt


def test_mappings_to_products_the_caller_may_not_see_are_left_out(
    client, web_world, session_factory
):
    with unit_of_work(session_factory) as s:
        tid = next(a.tracking_id for a in advisories.list_advisories(s) if a.version)
        _, data = publish.document(s, tracking_id=tid, fmt="csaf")
    data = data.replace(b"https://psirt.example-medical.test", b"https://supplier.example.net")
    assert _upload(client, web_world, "supplier.json", data).status_code == 201
    url = f"/api/v1/csaf/documents/{tid}"
    full = client.get(url, headers=bearer(web_world, "vic")).json()
    assert any(p["mapped_to"] for p in full["products"])  # vic sees every product
    other = client.get(url, headers=bearer(web_world, "val"))  # val sees the other product only
    assert other.status_code == 200
    assert all(p["mapped_to"] == [] for p in other.json()["products"])
    assert "2.0.0" not in str([p["mapped_to"] for p in other.json()["products"]])
    login(client, web_world, "val")
    page = client.get(f"/csaf/documents/{tid}")
    assert page.status_code == 200 and "unmapped" in page.text  # the page shows no mapping
