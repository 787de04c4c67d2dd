"""Real third-party files through the new upload paths: the CISA KEV catalog over the API and a
CISA ICSMA CSAF advisory through the feeds page."""

from __future__ import annotations

import json

import pytest
from _web import bearer, csrf_of, login

pytestmark = pytest.mark.db

CSAF = "csaf/cisa/csaf_files/OT/white/2019/icsma-19-274-01.json"


def test_the_real_kev_catalog_uploaded_over_the_api(client, web_world, shared_data):
    path = shared_data / "kev/known_exploited_vulnerabilities.json"
    listed = len(json.loads(path.read_bytes())["vulnerabilities"])
    r = client.post(
        "/api/v1/feeds/imports",
        files={"file": (path.name, path.read_bytes(), "application/json")},
        headers=bearer(web_world, "ana"),
    )
    assert r.status_code == 201, r.text[:500]
    assert r.json()["kinds"] == ["kev"] and r.json()["kev"] == listed > 1000
    again = client.post(
        "/api/v1/feeds/imports",
        files={"file": (path.name, path.read_bytes(), "application/json")},
        headers=bearer(web_world, "ana"),
    )
    assert again.status_code == 201 and again.json()["kev"] == listed  # idempotent


def test_a_real_cisa_csaf_advisory_imported_from_the_feeds_page(client, web_world, shared_data):
    path = shared_data / CSAF
    login(client, web_world, "ana")
    csrf = csrf_of(client.get("/feeds").text)
    r = client.post(
        "/feeds/csaf",
        data={"csrf": csrf},
        files={"file": (path.name, path.read_bytes(), "application/json")},
    )
    assert r.status_code == 200 and 'id="csaf-result"' in r.text, r.text[-1500:]
    assert "ICSMA-19-274-01" in r.text and ": imported" in r.text
    assert "/csaf/documents/ICSMA-19-274-01" in r.text
    again = client.post(
        "/feeds/csaf",
        data={"csrf": csrf},
        files={"file": (path.name, path.read_bytes(), "application/json")},
    )
    assert "already imported" in again.text
    broken = client.post(
        "/feeds/csaf",
        data={"csrf": csrf},
        files={"file": ("bad.json", b'{"document": {}}', "application/json")},
    )
    assert broken.status_code == 422 and 'id="csaf-error"' in broken.text
    assert "--force" not in broken.text
