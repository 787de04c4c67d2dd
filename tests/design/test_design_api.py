"""The design API: typed reads, edits through the services, problem details for bad input
and for accounts without access."""

from __future__ import annotations

import re
import shutil

import pytest
from design_world import JUNIT

BASE = "/api/v1/products/Pump/releases/1.0"


def _auth(design_web, name: str) -> dict[str, str]:
    return {"authorization": f"Bearer {design_web.tokens[name]}"}


def test_model_threats_controls_evidence_matrix(client, design_web) -> None:
    ana, vic = _auth(design_web, "ana"), _auth(design_web, "vic")
    r = client.get(f"{BASE}/model", headers=vic)
    assert r.status_code == 200 and r.json()["counts"]["elements"] == 3
    r = client.get(f"{BASE}/matrix", headers=vic)
    before = {row["threat"] for row in r.json()["rows"]}
    assert "MD-CROSSING@dose" not in before
    r = client.patch(f"{BASE}/model/elements/tablet", json={"boundary": "vendor"}, headers=ana)
    assert r.status_code == 200 and r.json()["version"] == 2
    after = client.get(f"{BASE}/matrix", headers=vic).json()
    rows = {row["threat"]: row for row in after["rows"]}
    assert rows["MD-CROSSING@dose"]["gaps"] == ["threat-without-control"]
    r = client.post(f"{BASE}/evidence?kind=junit", files={"file": ("r.xml", JUNIT)}, headers=ana)
    assert r.status_code == 201 and r.json()["counts"]["total"] == 3
    r = client.get("/api/v1/products/Pump/controls/C-TLS?release=1.0", headers=vic)
    assert r.json()["verification"] == "verified"
    r = client.patch(
        f"{BASE}/threats/MD-SUPPLY",
        json={"status": "transferred", "rationale": "supplier contract"},
        headers=ana,
    )
    assert r.status_code == 200 and r.json()["status"] == "transferred"
    q = client.get(f"{BASE}/questions", headers=vic).json()
    assert q["enough"] is False and q["did_we_do_enough"].startswith("Not yet")
    assert len(client.get("/api/v1/controls/catalogue", headers=vic).json()) == 7


def test_problems(client, design_web) -> None:
    ana, vic, other = (_auth(design_web, n) for n in ("ana", "vic", "other"))
    r = client.patch(f"{BASE}/model/elements/tablet", json={"name": "x"}, headers=vic)
    assert r.status_code == 403 and r.headers["content-type"].startswith("application/problem")
    assert client.get(f"{BASE}/threats", headers=other).status_code == 403
    r = client.post(
        f"{BASE}/evidence?kind=sarif", files={"file": ("s.sarif", b'{"runs": 1}')}, headers=ana
    )
    assert r.status_code == 422 and "/runs" in r.json()["detail"]
    assert client.get(f"{BASE}/threats/NOPE", headers=vic).status_code == 404
    r = client.post(
        "/api/v1/products/Pump/controls", json={"key": "bad key!", "name": "x"}, headers=ana
    )
    assert r.status_code == 422
    assert client.get(f"{BASE}/matrix").status_code == 401


@pytest.mark.skipif(shutil.which("dot") is None, reason="apt-get install -y graphviz")
def test_pages_escape_hostile_text(client, design_web) -> None:
    form = client.get("/login")
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert token is not None
    r = client.post(
        "/login",
        data={
            "name": "vic",
            "password": design_web.passwords["vic"],
            "token": token.group(1),
            "next": "/",
        },
    )
    assert r.status_code == 303
    for path in ("", "/threats", "/controls", "/evidence", "/matrix"):
        page = client.get(f"/design/Pump/1.0{path}")
        assert page.status_code == 200, path
        assert "<script>x</script>" not in page.text
    assert (
        "Mutual TLS &lt;script&gt;x&lt;/script&gt;" in client.get("/design/Pump/1.0/controls").text
    )
    svg = client.get("/design/Pump/1.0/diagram.svg")
    assert svg.headers["content-type"].startswith("image/svg+xml") and "<svg" in svg.text
