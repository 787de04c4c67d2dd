"""The web UI does the assessment jobs: rescoring (environmental metrics and the MITRE rubric),
SSVC, patient-harm risk and the reviewer's acceptance, updates, feed upload and re-match, release
interfaces, and heat-map cells that lead to the findings they count."""

from __future__ import annotations

import json
import re

import pytest
from _web import ADMIN, KEV_CVE, PRODUCT, csrf_of, login
from sqlalchemy import select

from medsec.db.uow import unit_of_work
from medsec.models import AuditEvent, CvssRescore, RiskRecord, SsvcDecisionRow, Update

pytestmark = pytest.mark.db
P = PRODUCT.replace(" ", "%20")
FID_CVE = "CVE-2021-23337"


def _count(sf, model, **where) -> int:
    with unit_of_work(sf) as s:
        stmt = select(model)
        for k, v in where.items():
            stmt = stmt.where(getattr(model, k) == v)
        return len(list(s.execute(stmt).scalars()))


def _actions(sf) -> list[str]:
    with unit_of_work(sf) as s:
        return list(s.execute(select(AuditEvent.action).order_by(AuditEvent.id)).scalars())


def test_the_finding_page_leads_to_its_assessment(client, web_world):
    fid = web_world.finding_ids[FID_CVE]
    login(client, web_world, "vic")
    assert f'href="/findings/{fid}/assess"' in client.get(f"/findings/{fid}").text
    page = client.get(f"/findings/{fid}/assess")
    assert page.status_code == 200
    # viewers see the state but get no forms
    assert "Record rescoring" not in page.text and "Save risk record" not in page.text


def test_environmental_rescoring_from_the_web_keeps_text_on_refusal(
    client, web_world, session_factory
):
    fid = web_world.finding_ids[FID_CVE]
    login(client, web_world, "ana")
    csrf = csrf_of(client.get(f"/findings/{fid}/assess").text)
    before = _count(session_factory, CvssRescore, finding_id=fid)
    r = client.post(
        f"/findings/{fid}/rescore",
        data={"csrf": csrf, "metrics": "MAV-A", "reason": "typed <b>reason</b>"},
    )
    assert r.status_code == 422 and 'role="alert"' in r.text and "METRIC:VALUE" in r.text
    assert "typed &lt;b&gt;reason&lt;/b&gt;" in r.text and 'value="MAV-A"' in r.text
    assert _count(session_factory, CvssRescore, finding_id=fid) == before
    r = client.post(
        f"/findings/{fid}/rescore",
        data={"csrf": csrf, "metrics": "MAV:A/CR:H", "reason": "clinical VLAN only"},
    )
    assert r.status_code == 303 and "done=rescored" in r.headers["location"]
    page = client.get(r.headers["location"])
    assert "CVSS rescoring recorded." in page.text and "MAV:A" in page.text
    assert _count(session_factory, CvssRescore, finding_id=fid) == before + 1
    assert _actions(session_factory)[-1] == "finding.rescore"


def test_the_rubric_is_asked_step_by_step_and_records_its_vector(
    client, web_world, session_factory
):
    fid = web_world.finding_ids[FID_CVE]
    login(client, web_world, "ana")
    page = client.get(f"/findings/{fid}/rubric")
    csrf = csrf_of(page.text)
    answers: dict[str, str] = {}
    for _ in range(12):  # every flow ends within a few steps
        asked = sorted(set(re.findall(r'name="a_(X[A-Z]+)" value="yes"', page.text)) - set(answers))
        if not asked:
            break
        for qid in asked:
            answers[qid] = "no"
        data = {"csrf": csrf, "action": "next"} | {f"a_{q}": a for q, a in answers.items()}
        data["r_XAVN"] = "only a serial service port"
        page = client.post(f"/findings/{fid}/rubric", data=data)
        assert page.status_code == 200
    assert "Record rescoring" in page.text
    vector = re.search(r"CVSS:3\.1/[A-Z:/]+", page.text)
    assert vector
    data = {"csrf": csrf, "action": "record", "reason": "rubric for the pump"}
    data |= {f"a_{q}": a for q, a in answers.items()} | {"r_XAVN": "only a serial service port"}
    r = client.post(f"/findings/{fid}/rubric", data=data)
    assert r.status_code == 303
    with unit_of_work(session_factory) as s:
        row = (
            s.execute(
                select(CvssRescore)
                .where(CvssRescore.finding_id == fid)
                .order_by(CvssRescore.id.desc())
            )
            .scalars()
            .first()
        )
        assert row is not None and row.vector == vector.group(0) and row.rubric
        trail = row.rubric["trail"]
        assert any(t["rationale"] == "only a serial service port" for t in trail)


def test_ssvc_override_needs_a_reason_and_then_records_the_decision(
    client, web_world, session_factory
):
    fid = web_world.finding_ids[FID_CVE]
    login(client, web_world, "ana")
    page = client.get(f"/findings/{fid}/assess?role=supplier")
    csrf = csrf_of(page.text)
    chosen = {
        f"v_{p}": v
        for p, v in re.findall(r'name="v_(\w+)">.*?<option value="([^"]+)" selected', page.text)
    }
    assert "v_exploitation" in chosen
    data = {"csrf": csrf, "role": "supplier"} | chosen
    data["v_safety_impact"] = "catastrophic"
    r = client.post(f"/findings/{fid}/ssvc", data=data)
    assert r.status_code == 422 and "say why" in r.text
    assert _count(session_factory, SsvcDecisionRow, finding_id=fid) == 0
    data["why_safety_impact"] = "an overdose can follow"
    r = client.post(f"/findings/{fid}/ssvc", data=data)
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert "SSVC decision recorded." in page.text
    with unit_of_work(session_factory) as s:
        row = s.execute(
            select(SsvcDecisionRow).where(SsvcDecisionRow.finding_id == fid)
        ).scalar_one()
        assert row.inputs["safety_impact"]["source"] == "override"
        assert row.inputs["safety_impact"]["reason"].startswith("an overdose can follow")


def _assess(client, fid: int, csrf: str, **extra: str):
    data = {
        "csrf": csrf,
        "hazardous_situation": "dose settings changed over the network",
        "harm": "under-infusion delays therapy",
        "severity": "minor",
        "control_name": ["network allow-list", ""],
        "control_e": ["2", "1"],
        "control_s": ["0", "0"],
        "control_verified": ["0"],
    } | extra
    return client.post(f"/findings/{fid}/risk", data=data)


def test_risk_assessed_by_an_analyst_and_accepted_by_a_reviewer_with_who_when_why(
    client, web_world, session_factory
):
    fid = web_world.finding_ids[FID_CVE]
    login(client, web_world, "ana")
    csrf = csrf_of(client.get(f"/findings/{fid}/assess").text)
    r = _assess(client, fid, csrf, harm="  ")
    assert r.status_code == 422 and 'id="risk-error"' in r.text
    assert "dose settings changed over the network" in r.text  # typed text kept
    assert "network allow-list" in r.text
    r = _assess(client, fid, csrf)
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert "Risk record saved as a draft" in page.text
    assert "Accept residual risk" not in page.text  # analysts do not accept
    r = client.post(f"/findings/{fid}/risk/accept", data={"csrf": csrf, "confirm": "yes"})
    assert r.status_code == 403
    client.post("/logout", data={"csrf": csrf})

    login(client, web_world, "reviewer")
    page = client.get(f"/findings/{fid}/assess")
    assert "Accept residual risk" in page.text and "Save risk record" not in page.text
    csrf = csrf_of(page.text)
    r = client.post(
        f"/findings/{fid}/risk/accept", data={"csrf": csrf, "rationale": "allow-list tested"}
    )
    assert r.status_code == 422 and "tick the box" in r.text
    assert "allow-list tested" in r.text
    r = client.post(
        f"/findings/{fid}/risk/accept",
        data={"csrf": csrf, "rationale": "allow-list tested", "confirm": "yes"},
    )
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert "accepted by" in page.text and "reviewer" in page.text
    with unit_of_work(session_factory) as s:
        rec = s.execute(
            select(RiskRecord).where(RiskRecord.finding_id == fid, RiskRecord.is_current)
        ).scalar_one()
        assert rec.status == "accepted" and rec.accepted_by == "web:reviewer"
        assert rec.accepted_at is not None and rec.rationale == "allow-list tested"
        assert rec.controls[0]["name"] == "network allow-list" and rec.controls[0]["verified"]
    assert _actions(session_factory)[-2:] == ["risk.assess", "risk.accept"] or (
        _actions(session_factory)[-1] == "risk.accept"
    )


def test_heat_map_cells_link_to_the_findings_they_count(client, web_world, cli):
    login(client, web_world, "vic")
    page = client.get(f"/products/{P}/risk")
    links = re.findall(r'<a href="([^"]+)" aria-label="[^"]*"><g class="hm-cell"', page.text)
    counts = [int(n) for n in re.findall(r'<a href="[^"]+" aria-label="[^"]*"><g class="hm-cell"'
                                         r'[^>]*data-count="(\d+)"', page.text)]  # fmt: skip
    assert links and len(links) == len(counts) and all(n > 0 for n in counts)
    _, out, _ = cli("risk", "heatmap", "--product", PRODUCT, "--format", "json")
    expected = sum(c["count"] for c in json.loads(out)["before"])
    seen = 0
    for href, n in zip(links, counts, strict=True):
        cell = client.get(href.replace("&amp;", "&"))
        assert cell.status_code == 200
        # a finding's row links to it; a threat's risk record (counted too) says "threat"
        rows = re.findall(r'<tr><td>(?:<a href="/findings/\d+">|threat</td>)', cell.text)
        assert len(rows) == n, href
        if "view=before" in href:
            seen += n
    assert seen == expected > 0


def test_updates_recorded_from_the_web_with_their_oversight_level(
    client, web_world, session_factory
):
    login(client, web_world, "ana")
    page = client.get(f"/products/{P}/updates")
    assert page.status_code == 200 and "InfuGuard 2.1.0 security update" in page.text
    csrf = csrf_of(page.text)
    offered = re.findall(r'name="finding" value="(\d+)"', page.text)
    assert offered
    before = _count(session_factory, Update)
    data = {"csrf": csrf, "name": "", "method": "remote", "finding": offered,
            "effect": ["fixed"] + [""] * (len(offered) - 1)}  # fmt: skip
    r = client.post(f"/products/{P}/updates", data=data)
    assert r.status_code == 422 and "give the update a name" in r.text
    assert _count(session_factory, Update) == before
    data["name"] = "2.0.1 hotfix"
    r = client.post(f"/products/{P}/updates", data=data | {"planned": "next week"})
    assert r.status_code == 422 and "YYYY-MM-DD" in r.text and 'value="2.0.1 hotfix"' in r.text
    r = client.post(f"/products/{P}/updates", data=data | {"planned": "2026-03-01"})
    assert r.status_code == 303
    page = client.get(r.headers["location"])
    assert "2.0.1 hotfix" in page.text and "Remote update" in page.text
    with unit_of_work(session_factory) as s:
        row = s.execute(select(Update).where(Update.name == "2.0.1 hotfix")).scalar_one()
        assert row.addressed == [{"finding": int(offered[0]), "effect": "fixed"}]
        assert row.oversight in ("low", "medium", "high")
        assert str(row.planned) == "2026-03-01"


def test_feed_upload_and_rematch_from_the_web(client, web_world, session_factory, tmp_path):
    login(client, web_world, "ana")
    page = client.get("/feeds")
    assert page.status_code == 200
    csrf = csrf_of(page.text)
    bad = client.post(
        "/feeds/import",
        data={"csrf": csrf, "source": "kev"},
        files={"file": ("kev.json", b"{not json", "application/json")},
    )
    assert bad.status_code == 422 and 'id="import-error"' in bad.text
    assert "kev.json" in bad.text and "/tmp" not in bad.text and "medsec-feed-" not in bad.text
    osv = {
        "schema_version": "1.6.0",
        "id": "GHSA-test-test-test",
        "modified": "2024-01-01T00:00:00Z",
        "aliases": ["CVE-2099-0001"],
        "summary": "web feed test",
        "affected": [
            {
                "package": {"ecosystem": "npm", "name": "lodash"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}]}],
            }
        ],
    }
    r = client.post(
        "/feeds/import",
        data={"csrf": csrf, "source": "auto"},
        files={"file": ("advisory.json", json.dumps(osv).encode(), "application/json")},
    )
    assert r.status_code == 200 and "Imported advisory.json" in r.text, r.text[-2000:]
    assert "1 new" in r.text
    assert "upload:advisory.json" in client.get("/feeds").text
    r = client.post("/feeds/match", data={"csrf": csrf, "product": PRODUCT, "release": "2.0.0"})
    assert r.status_code == 200 and f"Re-matched {PRODUCT} 2.0.0" in r.text
    new = int(re.search(r"<strong>(\d+)</strong> new finding", r.text).group(1))
    assert new >= 1  # the demo's 2.0.0 ships lodash
    r = client.post("/feeds/match", data={"csrf": csrf, "product": "", "release": "2.0.0"})
    assert r.status_code == 422 and "name the product too" in r.text
    r = client.post("/feeds/match", data={"csrf": csrf, "product": "No Such Pump"})
    assert r.status_code in (404, 422)


def test_viewers_cannot_import_or_rematch(client, web_world):
    login(client, web_world, "vic")
    csrf = csrf_of(client.get("/feeds").text)
    r = client.post("/feeds/match", data={"csrf": csrf})
    assert r.status_code == 403
    r = client.post(
        "/feeds/import",
        data={"csrf": csrf},
        files={"file": ("kev.json", b"{}", "application/json")},
    )
    assert r.status_code == 403


def test_release_interfaces_are_editable_in_the_web(client, web_world):
    login(client, web_world, ADMIN)
    url = f"/products/{P}/releases/2.0.0"
    csrf = csrf_of(client.get(url).text)
    base = {"csrf": csrf, "use_environment": "hospital", "interfaces_form": "1"}
    rows = {
        "iface_name": ["Wi-Fi", "Service port", ""],
        "iface_protocol": ["HTTPS", "serial", ""],
        "iface_port": ["443", "", ""],
        "iface_direction": ["inbound", "both", ""],
        "iface_purpose": ["drug library updates", "field service", ""],
        "clinical_function": "delivers insulin",
    }
    r = client.post(f"{url}/edit", data=base | rows | {"iface_port": ["http", "", ""]})
    assert r.status_code == 422 and "port &#39;http&#39;" in r.text and 'value="Wi-Fi"' in r.text
    r = client.post(f"{url}/edit", data=base | rows)
    assert r.status_code == 303
    page = client.get(url).text
    assert "Wi-Fi HTTPS 443 inbound" in page and "Service port serial" in page
    assert "delivers insulin" in page
    # the rows replace the list: a row cleared is removed
    rows["iface_name"] = ["Wi-Fi", "", ""]
    assert client.post(f"{url}/edit", data=base | rows).status_code == 303
    assert "Service port" not in client.get(url).text


def test_kev_listed_finding_assessment_page_shows_the_signals(client, web_world):
    fid = web_world.finding_ids[KEV_CVE]
    login(client, web_world, "ana")
    page = client.get(f"/findings/{fid}/assess")
    assert page.status_code == 200 and "rescored for this device" in page.text
    assert "Exploitation" in page.text and "kev/epss" in page.text


def test_viewers_and_reviewers_cannot_post_analyst_forms(client, web_world, session_factory):
    fid = web_world.finding_ids[FID_CVE]
    login(client, web_world, "vic")
    csrf = csrf_of(client.get("/feeds").text)
    posts = {
        f"/findings/{fid}/rescore": {"metrics": "bad", "reason": "x"},
        f"/findings/{fid}/rubric": {"action": "next"},
        f"/findings/{fid}/ssvc": {"role": "supplier"},
        f"/findings/{fid}/risk": {"harm": ""},
        f"/findings/{fid}/risk/accept": {"confirm": "yes"},
        f"/products/{P}/updates": {"name": "x", "method": "remote"},
    }
    for url, data in posts.items():
        assert client.post(url, data={"csrf": csrf} | data).status_code == 403, url
    assert _count(session_factory, RiskRecord, finding_id=fid) == 0
