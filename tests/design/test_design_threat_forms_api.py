"""Web forms and API routes for manual threats, threat risk assessment, reviewer acceptance
and evidence triage (parity with the CLI): refusals inline with the typed text kept."""

from __future__ import annotations

import re

from design_world import JUNIT

from medsec.db.uow import unit_of_work
from medsec.evidence import service as evidence
from medsec.threats import service as threats

PAGE = "/design/Pump/1.0/threats"
API = "/api/v1/products/Pump/releases/1.0"


def _login(client, design_web, name: str, path: str = PAGE) -> str:
    client.cookies.clear()
    form = client.get("/login")
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert token is not None
    r = client.post(
        "/login",
        data={
            "name": name,
            "password": design_web.passwords[name],
            "token": token.group(1),
            "next": "/",
        },
    )
    assert r.status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get(path).text)
    assert csrf is not None
    return csrf.group(1)


def _threat(session_factory, key: str):
    with unit_of_work(session_factory) as s:
        return threats.get_threat(s, product="Pump", release="1.0", key=key, actor="t")


def test_manual_threat_risk_and_acceptance_in_the_web(client, design_web, session_factory):
    csrf = _login(client, design_web, "ana")
    new = {
        "csrf": csrf,
        "key": "HAND-1",
        "title": "Dose replayed <i>from</i> a backup",
        "category": "T",
        "target": "ghost",
        "severity": "high",
    }
    r = client.post(PAGE, data=new)
    assert r.status_code == 422 and "no element or flow &#39;ghost&#39;" in r.text
    assert 'value="Dose replayed &lt;i&gt;from&lt;/i&gt; a backup"' in r.text
    r = client.post(PAGE, data={**new, "key": "bad key!", "target": "dose"})
    assert r.status_code == 422 and "key" in r.text and 'value="bad key!"' in r.text
    assert client.post(PAGE, data={**new, "target": "dose"}).status_code == 303
    assert _threat(session_factory, "HAND-1").origin == "manual"
    risk = {
        "csrf": csrf,
        "hazardous_situation": "the pump runs a replayed dose",
        "harm": "",
        "severity": "critical",
        "exploitability": "low",
    }
    r = client.post(f"{PAGE}/HAND-1/risk", data=risk)
    assert r.status_code == 422 and "written by a person" in r.text
    assert "the pump runs a replayed dose</textarea>" in r.text
    r = client.post(f"{PAGE}/HAND-1/risk", data={**risk, "harm": "overdose"})
    assert r.status_code == 303
    t = _threat(session_factory, "HAND-1")
    assert t.risk is not None and (t.risk.harm, t.risk.status) == ("overdose", "draft")
    r = client.post(f"{PAGE}/HAND-1/accept", data={"csrf": csrf})
    assert r.status_code == 422 and "reviewer" in r.text  # the risk rule: reviewers accept
    csrf = _login(client, design_web, "rev")
    page = client.get(PAGE).text
    assert "accept-risk" in page and "assess-risk" not in page  # a reviewer only accepts
    r = client.post(f"{PAGE}/HAND-1/accept", data={"csrf": csrf, "rationale": "benefit"})
    assert r.status_code == 303
    t = _threat(session_factory, "HAND-1")
    assert t.risk is not None and (t.risk.status, t.risk.accepted_by) == ("accepted", "web:rev")


def test_triage_a_failing_result_in_the_web(client, design_web, session_factory):
    with unit_of_work(session_factory) as s:
        evidence.import_file(
            s, product="Pump", release="1.0", data=JUNIT, source="j.xml", kind="junit", actor="ana"
        )
        (failed,) = [
            r
            for r in evidence.list_results(s, product="Pump", release="1.0", actor="ana")
            if r.outcome == "fail"
        ]
    path = "/design/Pump/1.0/evidence"
    csrf = _login(client, design_web, "ana", path)
    assert "1 to triage" in client.get(path).text
    url = f"{path}/{failed.id}/triage"
    assert client.post(url, data={"csrf": csrf, "note": " "}).status_code == 422
    r = client.post(url, data={"csrf": csrf, "note": "fixed in 1.0.1 <b>"})
    assert r.status_code == 303
    page = client.get(path).text
    assert "0 to triage" in page and "fixed in 1.0.1 &lt;b&gt;" in page


def test_risk_and_acceptance_through_the_api(client, design_web):
    def h(name):
        return {"authorization": f"Bearer {design_web.tokens[name]}"}

    body = {
        "hazardous_situation": "dose order altered in transit",
        "harm": "overdose",
        "severity": "critical",
        "exploitability": "low",
    }
    url = f"{API}/threats/FLOW-T@dose"
    assert client.post(f"{url}/risk", json=body, headers=h("vic")).status_code == 403
    r = client.post(f"{url}/risk", json=body, headers=h("ana"))
    assert r.status_code == 201, r.text
    assert r.json()["risk"]["version"] == 1 and r.json()["risk"]["status"] == "draft"
    r = client.post(f"{url}/risk", json={**body, "harm": ""}, headers=h("ana"))
    assert r.status_code == 422
    assert client.post(f"{url}/accept", json={}, headers=h("ana")).status_code in (403, 422)
    r = client.post(f"{url}/accept", json={"rationale": "benefit"}, headers=h("rev"))
    assert r.status_code == 200, r.text
    assert r.json()["risk"]["status"] == "accepted"


def test_result_verifies_a_threat_through_the_api_and_the_page(client, design_web, session_factory):
    with unit_of_work(session_factory) as s:
        evidence.import_file(
            s, product="Pump", release="1.0", data=JUNIT, source="j.xml", kind="junit", actor="ana"
        )
        (failed,) = [
            r
            for r in evidence.list_results(s, product="Pump", release="1.0", actor="ana")
            if r.outcome == "fail"
        ]
    url = f"{API}/evidence/results/{failed.id}/threats"
    h = {"authorization": f"Bearer {design_web.tokens['ana']}"}
    r = client.post(url, json={"threat": "MD-UPDATE@fw"}, headers=h)
    assert r.status_code == 201, r.text
    assert r.json()["verified_by"][0]["outcome"] == "fail"
    assert "failing-evidence" in r.json()["gaps"]
    assert client.post(url, json={"threat": "MD-UPDATE@fw"}, headers=h).status_code == 409
    vic = {"authorization": f"Bearer {design_web.tokens['vic']}"}
    assert client.post(url, json={"threat": "FLOW-T@dose"}, headers=vic).status_code == 403
    path = "/design/Pump/1.0/evidence"
    csrf = _login(client, design_web, "ana", path)
    r = client.post(f"{path}/{failed.id}/threats", data={"csrf": csrf, "threat": "FLOW-T@dose"})
    assert r.status_code == 303
    matrix = client.get("/design/Pump/1.0/matrix").text
    assert "(direct)" in matrix
