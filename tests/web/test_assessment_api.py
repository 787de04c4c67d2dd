"""The assessment API: feed upload and re-match, rescoring (environmental and rubric), SSVC,
patient-harm risk and its acceptance, the heat map and its cells, updates — typed, role-checked,
hidden objects answered as missing, refusals as problems with nothing stored."""

from __future__ import annotations

import json

import pytest
from _web import OTHER, PRODUCT, bearer
from sqlalchemy import func, select

from medsec.db.uow import unit_of_work
from medsec.models import FeedSnapshot, RiskRecord, Update

pytestmark = pytest.mark.db
P = PRODUCT.replace(" ", "%20")
FID_CVE = "CVE-2021-23337"
RISK = {
    "hazardous_situation": "dose settings changed over the network",
    "harm": "under-infusion delays therapy",
    "severity": "minor",
    "controls": [{"name": "network allow-list", "exploitability_steps": 2}],
}


def test_risk_assessed_then_accepted_only_by_the_reviewer(client, web_world, session_factory):
    fid = web_world.finding_ids[FID_CVE]
    ana, rev = bearer(web_world, "ana"), bearer(web_world, "reviewer")
    r = client.post(f"/api/v1/findings/{fid}/risk", json=RISK | {"harm": ""}, headers=ana)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem")
    r = client.post(f"/api/v1/findings/{fid}/risk", json=RISK, headers=ana)
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["status"] == "draft" and body["controls"][0]["exploitability_steps"] == 2
    assert body["severity"] == "minor" and body["region"] in ("acceptable", "alarp")
    r = client.post(f"/api/v1/findings/{fid}/risk/acceptance", json={}, headers=ana)
    assert r.status_code == 403
    r = client.post(
        f"/api/v1/findings/{fid}/risk/acceptance", json={"rationale": "tested"}, headers=rev
    )
    assert r.status_code == 200, r.text
    done = r.json()
    assert done["status"] == "accepted" and done["accepted_by"] == "api:reviewer"
    assert done["accepted_at"] and done["rationale"] == "tested"
    history = client.get(f"/api/v1/findings/{fid}/risk", headers=bearer(web_world, "vic"))
    assert history.status_code == 200 and history.json()[-1]["status"] == "accepted"


def test_hidden_findings_answer_like_missing_ones(client, web_world):
    fid = web_world.finding_ids[FID_CVE]
    val = bearer(web_world, "val")  # a viewer of the other product only
    hidden = client.get(f"/api/v1/findings/{fid}/risk", headers=val)
    missing = client.get("/api/v1/findings/999999/risk", headers=val)
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json()["detail"].replace(str(fid), "N") == missing.json()["detail"].replace(
        "999999", "N"
    )
    assert client.get(f"/api/v1/findings/{fid}/ssvc", headers=val).status_code == 404


def test_environmental_rescoring_and_a_bad_metric(client, web_world):
    fid = web_world.finding_ids[FID_CVE]
    ana = bearer(web_world, "ana")
    bad = {"reason": "x", "environmental": {"MAV": "Q"}}
    r = client.post(f"/api/v1/findings/{fid}/rescores", json=bad, headers=ana)
    assert r.status_code == 422
    r = client.post(
        f"/api/v1/findings/{fid}/rescores",
        json={"reason": "clinical VLAN", "environmental": {"MAV": "A"}},
        headers=ana,
    )
    assert r.status_code == 201, r.text
    assert "MAV:A" in r.json()["vector"] and r.json()["by"] == "api:ana"
    detail = client.get(f"/api/v1/findings/{fid}", headers=ana).json()
    assert detail["signals"]["rescored"] is True


def test_the_rubric_questionnaire_over_the_api(client, web_world):
    vic = bearer(web_world, "vic")
    questions = client.get("/api/v1/rubric/questions", headers=vic).json()
    assert {"XAVN", "XACL"} <= {q["id"] for q in questions}
    answers: dict[str, str] = {}
    for _ in range(12):
        step = client.post("/api/v1/rubric/evaluations", json={"answers": answers}, headers=vic)
        assert step.status_code == 200
        data = step.json()
        if not data["questions"]:
            break
        answers |= {q["id"]: "unknown" for q in data["questions"]}
    assert data["vector"].startswith("CVSS:3.1/AV:N")  # unknown takes the worst case
    assert data["score"] >= 9.0
    fid = web_world.finding_ids[FID_CVE]
    r = client.post(
        f"/api/v1/findings/{fid}/rescores",
        json={"reason": "rubric, worst case", "rubric_answers": answers},
        headers=bearer(web_world, "ana"),
    )
    assert r.status_code == 201 and r.json()["vector"] == data["vector"]
    bad = client.post("/api/v1/rubric/evaluations", json={"answers": {"XNOPE": "yes"}}, headers=vic)
    assert bad.status_code == 422


def test_ssvc_suggestions_and_a_decision_with_an_override(client, web_world):
    fid = web_world.finding_ids[FID_CVE]
    ana = bearer(web_world, "ana")
    s = client.get(f"/api/v1/findings/{fid}/ssvc?role=supplier", headers=ana)
    assert s.status_code == 200
    points = {p["point"]: p for p in s.json()["points"]}
    assert points["exploitation"]["suggested"]["source"] == "kev/epss"
    assert "catastrophic" in points["safety_impact"]["values"]
    body = {"role": "supplier", "overrides": {"safety_impact": {"value": "critical", "reason": ""}}}
    r = client.post(f"/api/v1/findings/{fid}/ssvc", json=body, headers=ana)
    assert r.status_code == 422
    body["overrides"]["safety_impact"]["reason"] = "wrong dose possible"
    r = client.post(f"/api/v1/findings/{fid}/ssvc", json=body, headers=ana)
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "supplier" and r.json()["vector"].startswith("SSVCv2/")
    assert r.json()["inputs"]["safety_impact"]["source"] == "override"
    vic = bearer(web_world, "vic")
    assert client.post(f"/api/v1/findings/{fid}/ssvc", json=body, headers=vic).status_code == 403
    bad = client.get(f"/api/v1/findings/{fid}/ssvc?role=nobody", headers=ana)
    assert bad.status_code == 422


def test_heat_map_and_cells_count_the_same_findings(client, web_world, session_factory):
    vic = bearer(web_world, "vic")
    heat = client.get(f"/api/v1/products/{P}/risk/heatmap", headers=vic)
    assert heat.status_code == 200
    for view in ("before", "residual"):
        for cell in heat.json()[view]:
            if not cell["count"]:
                continue
            page = client.get(
                f"/api/v1/products/{P}/risk/cells",
                params={"view": view, "exploitability": cell["exploitability"],
                        "severity": cell["severity"], "limit": 1},
                headers=vic,
            )  # fmt: skip
            assert page.status_code == 200
            assert page.json()["total"] == cell["count"] and len(page.json()["items"]) == 1
    with unit_of_work(session_factory) as s:
        current = s.execute(
            select(func.count()).select_from(RiskRecord).where(RiskRecord.is_current.is_(True))
        ).scalar_one()
    assert heat.json()["records"] <= current
    r = client.get(
        f"/api/v1/products/{P}/risk/cells?view=sideways&exploitability=high&severity=minor",
        headers=vic,
    )
    assert r.status_code == 422
    other = client.get(
        f"/api/v1/products/{P}/risk/heatmap", headers=bearer(web_world, "val")
    )  # val sees only OTHER
    assert other.status_code == 404


def test_updates_over_the_api(client, web_world, session_factory):
    ana = bearer(web_world, "ana")
    listed = client.get(f"/api/v1/products/{P}/updates", headers=bearer(web_world, "vic"))
    assert listed.status_code == 200 and listed.json()[0]["method_title"] == "Service visit"
    fid = web_world.finding_ids[FID_CVE]
    body = {"name": "2.0.1", "method": "teleport", "addresses": [{"finding": fid}]}
    r = client.post(f"/api/v1/products/{P}/updates", json=body, headers=ana)
    assert r.status_code == 422 and "teleport" in r.json()["detail"]
    body["method"] = "remote"
    r = client.post(f"/api/v1/products/{P}/updates", json=body, headers=ana)
    assert r.status_code == 422 and "risk record" in r.json()["detail"]  # none for this finding
    client.post(f"/api/v1/findings/{fid}/risk", json=RISK, headers=ana)
    r = client.post(
        f"/api/v1/products/{P}/updates", json=body | {"planned": "2026-03-01"}, headers=ana
    )
    assert r.status_code == 201, r.text
    assert r.json()["planned"] == "2026-03-01"
    assert r.json()["addressed"] == [{"finding": fid, "effect": "fixed"}]
    assert r.json()["oversight"] in ("low", "medium", "high") and r.json()["oversight_reasons"]
    with unit_of_work(session_factory) as s:
        assert s.execute(select(Update).where(Update.name == "2.0.1")).scalar_one()
    # a finding of a product the caller may not see is not named
    other = client.post(
        f"/api/v1/products/{OTHER.replace(' ', '%20')}/updates",
        json=body,
        headers=bearer(web_world, "psirt"),
    )
    assert other.status_code == 422 and PRODUCT not in other.json()["detail"]


def test_feed_upload_and_rematch_over_the_api(client, web_world, session_factory):
    ana = bearer(web_world, "ana")
    with unit_of_work(session_factory) as s:
        snaps = s.execute(select(func.count()).select_from(FeedSnapshot)).scalar_one()
    r = client.post(
        "/api/v1/feeds/imports",
        files={"file": ("../../etc/kev.json", b"[1, 2", "application/json")},
        data={"source": "kev"},
        headers=ana,
    )
    assert r.status_code == 422 and "/tmp" not in r.text and "medsec-feed-" not in r.text
    with unit_of_work(session_factory) as s:  # nothing half-stored
        assert s.execute(select(func.count()).select_from(FeedSnapshot)).scalar_one() == snaps
    kev = {
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": "2024.06.01",
        "dateReleased": "2024-06-01T00:00:00.000Z",
        "count": 1,
        "vulnerabilities": [
            {
                "cveID": "CVE-2021-23337",
                "vendorProject": "lodash",
                "product": "lodash",
                "vulnerabilityName": "api test",
                "dateAdded": "2024-06-01",
                "shortDescription": "listed for the API test",
                "requiredAction": "apply updates",
                "dueDate": "2024-06-22",
                "knownRansomwareCampaignUse": "Unknown",
                "notes": "",
            }
        ],
    }
    r = client.post(
        "/api/v1/feeds/imports",
        files={"file": ("known_exploited_vulnerabilities.json", json.dumps(kev).encode())},
        headers=ana,
    )
    assert r.status_code == 201, r.text
    assert r.json()["kinds"] == ["kev"] and r.json()["kev"] == 1
    snaps_page = client.get("/api/v1/feeds/snapshots?limit=1", headers=bearer(web_world, "vic"))
    assert snaps_page.json()["total"] == snaps + 1
    assert snaps_page.json()["items"][0]["source"] == "upload:known_exploited_vulnerabilities.json"
    vic = bearer(web_world, "vic")
    assert client.post("/api/v1/matches", json={}, headers=vic).status_code == 403
    r = client.post("/api/v1/matches", json={"product": PRODUCT, "full": True}, headers=ana)
    assert r.status_code == 200, r.text
    assert r.json()["scope"] == PRODUCT and r.json()["releases_full"] >= 2
    r = client.post("/api/v1/matches", json={"release": "2.0.0"}, headers=ana)
    assert r.status_code == 422
    r = client.post("/api/v1/matches", json={"product": OTHER}, headers=ana)
    assert r.status_code == 404  # ana may not see it: answered as missing


def test_a_risk_assessed_over_the_api_re_derives_its_linked_cvd_case(
    client, web_world, session_factory
):
    """One risk truth through the API too: the demo case linked to CVE-2020-16150 follows a new
    uncontrolled risk record of its finding, audited with the cause."""
    from medsec.models import AuditEvent, CvdCase

    fid = web_world.finding_ids["CVE-2020-16150"]
    with unit_of_work(session_factory) as s:
        assert s.execute(select(CvdCase.risk)).scalar_one() == "controlled"
    uncontrolled = {
        "hazardous_situation": "a forged update image reaches the pump",
        "harm": "wrong dose delivered",
        "severity": "catastrophic",
        "controls": [],
    }
    r = client.post(
        f"/api/v1/findings/{fid}/risk", json=uncontrolled, headers=bearer(web_world, "ana")
    )
    assert r.status_code == 201, r.text
    with unit_of_work(session_factory) as s:
        assert s.execute(select(CvdCase.risk)).scalar_one() == "uncontrolled"
        causes = [
            e.details.get("cause")
            for e in s.execute(select(AuditEvent).where(AuditEvent.action == "cvd.case.risk"))
            .scalars()
            .all()
        ]
    assert "a linked finding's risk record changed" in causes
