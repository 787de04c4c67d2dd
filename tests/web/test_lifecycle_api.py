"""The lifecycle API and pages on the demo: typed JSON, problem details, per-product access,
the timeline SVG, notices as HTML/PDF, the release page's lifecycle section, and CSAF notes."""

from __future__ import annotations

from _web import ADMIN, PRODUCT, bearer, login

P = PRODUCT.replace(" ", "%20")
BASE = f"/api/v1/lifecycle/products/{P}"
PROBLEM = "application/problem+json"


def test_status_horizon_and_plan_of_the_demo(client, web_world):
    h = bearer(web_world, "vic")
    r = client.get(f"{BASE}/status?on=2025-11-14", headers=h)
    assert r.status_code == 200, r.text
    by = {s["release"]: s for s in r.json()}
    assert by["2.0.0"]["lifecycle"]["eol"] == "2025-12-31"
    assert by["2.0.0"]["lifecycle"]["eol_announced_on"] == "2024-12-02"
    assert by["2.1.0"]["horizon"] == "2023-09-11"
    assert by["2.1.0"]["horizon_set_by"][0].startswith("openssl 1.1.1n")
    assert by["2.1.0"]["legacy"]["status"] == "at_risk"
    r = client.get(f"{BASE}/status?on=2026-01-01&release=2.0.0", headers=h)
    assert [s["phase"] for s in r.json()] == ["limited_support"]
    r = client.get(f"{BASE}/horizon?release=2.1.0&on=2025-11-14", headers=h)
    (hz,) = r.json()
    assert any("when the release shipped (2024-06-03)" in w for w in hz["warnings"])
    plan = client.get(f"{BASE}/plan?on=2025-11-14", headers=h).json()
    assert plan["assets"] == "not available" and plan["quarters"]
    r = client.get(f"{BASE}/releases/2.1.0/components?on=2025-11-14", headers=h)
    ssl = [c for c in r.json() if c["name"] == "openssl"]
    assert ssl[0]["level"] == "end_of_support" and ssl[0]["end_of_support"] == "2023-09-11"


def test_notices_and_drafts(client, web_world):
    h = bearer(web_world, "vic")
    due = client.get(f"{BASE}/notices?release=2.1.0&on=2025-11-14", headers=h).json()
    assert [n["milestone"] for n in due] == ["component_eos"]
    key = due[0]["key"]
    html = client.get(f"{BASE}/releases/2.1.0/notices/{key}.html?lang=ja&on=2025-11-14", headers=h)
    assert html.status_code == 200 and '<html lang="ja">' in html.text
    pdf = client.get(f"{BASE}/releases/2.1.0/notices/{key}.pdf?on=2025-11-14", headers=h)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    r = client.get(f"{BASE}/releases/2.1.0/notices/eol-12m-2.1.0.html", headers=h)
    assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)


def test_access_and_bad_input_are_problems(client, web_world):
    r = client.get(f"{BASE}/status", headers=bearer(web_world, "val"))  # viewer of OTHER only
    assert r.status_code == 403 and r.headers["content-type"].startswith(PROBLEM)
    body = {"eol_planned": "2030-01-01"}
    r = client.put(f"{BASE}/releases/2.1.0", json=body, headers=bearer(web_world, "vic"))
    assert r.status_code == 403
    r = client.put(f"{BASE}/releases/2.1.0", json=body, headers=bearer(web_world, "ana"))
    assert r.status_code == 422 and "before the end of life" in r.json()["detail"]
    r = client.put(
        f"{BASE}/releases/2.1.0",
        json={"eol_planned": "2028-13-01"},
        headers=bearer(web_world, "ana"),
    )
    assert r.status_code == 422 and r.headers["content-type"].startswith(PROBLEM)
    ok = {"eol_planned": "2028-01-31", "controls": [{"name": "<i>VLAN</i>", "until": None}]}
    r = client.put(f"{BASE}/releases/2.1.0", json=ok, headers=bearer(web_world, "ana"))
    assert r.status_code == 200 and r.json()["eol"] == "2028-01-31"
    assert r.json()["controls"] == [{"name": "<i>VLAN</i>", "until": None}]


def test_timeline_svg_and_pages(client, web_world):
    r = client.get(f"{BASE}/timeline.svg?on=2025-11-14", headers=bearer(web_world, "vic"))
    assert r.headers["content-type"].startswith("image/svg+xml")
    assert r.text.count('class="tl-row"') == 3  # 2.0.0, 2.1.0 and the hostile 9.9.9
    login(client, web_world, "vic")
    page = client.get(f"/products/{P}/lifecycle?on=2025-11-14")
    assert page.status_code == 200
    assert "<svg" in page.text and "at risk" in page.text and "Customer notices due (" in page.text
    assert "<script>window.__pwned" not in page.text
    release = client.get(f"/products/{P}/releases/2.1.0")
    assert 'id="lifecycle"' in release.text and "2023-09-11" in release.text
    assert "level of support (today)" in release.text
    assert release.text.count(">support ended</span>") >= 2  # openssl and Django, by date
    notice = client.get(
        f"/products/{P}/lifecycle/notices/2.1.0/component_eos-0m-python3.9@3.9.2-1"
        "?lang=en&on=2025-11-14"
    )
    assert notice.status_code == 200 and "Third-party component support notice" in notice.text
    assert "style-src 'sha256-" in notice.headers["content-security-policy"]


def test_csaf_advisory_carries_the_lifecycle_notes(client, web_world):
    h = bearer(web_world, ADMIN)
    (adv,) = client.get("/api/v1/advisories", headers=h).json()
    doc = client.get(f"/api/v1/advisories/{adv['tracking_id']}/csaf", headers=h).json()
    notes = {n.get("title"): n for n in doc["document"]["notes"]}
    lifecycle = [n for t, n in notes.items() if t and t.startswith("Support lifecycle of")]
    assert lifecycle and all(n["category"] == "other" for n in lifecycle)
    assert any("end of support 2026-12-31" in n["text"] for n in lifecycle)
