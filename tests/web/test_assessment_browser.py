"""The assessment journeys walked in a real Chromium against uvicorn: an analyst triages a finding
and rescores it, a reviewer accepts the risk the analyst assessed, and a re-match is run from the
web. Screenshots go to MEDSEC_SCREENSHOTS, else tests/artifacts (kept by CI)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _browser import login, shoot
from _web import PRODUCT
from sqlalchemy import select

from medsec.db.uow import unit_of_work
from medsec.models import CvssRescore, RiskRecord

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FID_CVE = "CVE-2021-23337"


@pytest.fixture
def shots(monkeypatch) -> Path:
    """Where the screenshots go (tests/artifacts unless MEDSEC_SCREENSHOTS says otherwise)."""
    if not os.environ.get("MEDSEC_SCREENSHOTS"):
        monkeypatch.setenv("MEDSEC_SCREENSHOTS", str(ARTIFACTS))
    return Path(os.environ["MEDSEC_SCREENSHOTS"])


def test_analyst_triages_and_rescores_then_reviewer_accepts_the_risk(
    page, live_server, web_world, session_factory, shots
):
    base = live_server
    fid = web_world.finding_ids[FID_CVE]
    login(page, base, "ana", web_world.passwords["ana"])
    page.goto(f"{base}/findings/{fid}")
    page.select_option("#triage select[name=status]", "affected")
    page.fill("#triage textarea[name=reason]", "lodash template reachable from the service UI")
    page.fill("#triage textarea[name=action_statement]", "update to 2.1.0")
    page.click("#triage button[type=submit]")
    page.wait_for_load_state()
    assert "Decision recorded: Affected" in page.locator("p.notice").inner_text()
    page.click("text=Assess this finding")
    page.wait_for_load_state()
    page.fill("#rescore input[name=metrics]", "MAV:A/CR:H")
    page.fill("#rescore textarea[name=reason]", "reachable only from the clinical VLAN")
    page.click("#rescore button[type=submit]")
    page.wait_for_load_state()
    assert "CVSS rescoring recorded." in page.locator("p.notice").inner_text()
    shoot(page, shots, "assess-rescored")
    page.fill("#risk textarea[name=hazardous_situation]", "pump settings changed remotely")
    page.fill("#risk textarea[name=harm]", "delayed therapy")
    page.select_option("#risk select[name=severity]", "minor")
    page.locator("#risk input[name=control_name]").first.fill("network allow-list")
    page.locator("#risk input[name=control_e]").first.fill("2")
    page.click("#risk button[type=submit]")
    page.wait_for_load_state()
    assert "Risk record saved as a draft" in page.locator("p.notice").inner_text()
    page.click("header form.logout button")
    page.wait_for_load_state()

    login(page, base, "reviewer", web_world.passwords["reviewer"])
    page.goto(f"{base}/findings/{fid}/assess#accept")
    page.fill("#accept textarea[name=rationale]", "allow-list verified in the pen test")
    page.keyboard.press("Tab")
    page.check("#accept input[name=confirm]")
    shoot(page, shots, "assess-accept-confirm")
    page.click("#accept button[type=submit]")
    page.wait_for_load_state()
    assert "Residual risk accepted" in page.locator("p.notice").inner_text()
    assert "accepted by" in page.locator("#accept").inner_text()
    shoot(page, shots, "assess-accepted")
    page.set_viewport_size({"width": 380, "height": 900})  # a phone: one column, no sideways page
    page.goto(f"{base}/findings/{fid}/assess")
    wide = page.evaluate(
        "[...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right"
        " > window.innerWidth + 1 && !e.closest('table')).map(e => e.tagName + '.' + e.className"
        " + '#' + e.id).slice(0, 8)"
    )
    assert wide == [], wide
    shoot(page, shots, "assess-narrow")
    with unit_of_work(session_factory) as s:
        rec = s.execute(
            select(RiskRecord).where(RiskRecord.finding_id == fid, RiskRecord.is_current)
        ).scalar_one()
        assert rec.status == "accepted" and rec.accepted_by == "web:reviewer"
        assert rec.rationale == "allow-list verified in the pen test"
        rescored = s.execute(select(CvssRescore).where(CvssRescore.finding_id == fid)).scalar()
        assert rescored is not None and "MAV:A" in rescored.vector


def test_rematch_from_the_web_and_follow_a_heat_map_cell(page, live_server, web_world, shots):
    base = live_server
    login(page, base, "ana", web_world.passwords["ana"])
    page.goto(f"{base}/feeds")
    page.select_option("#match select[name=product]", PRODUCT)
    page.check("#match input[name=full]")
    page.click("#match button[type=submit]")
    page.wait_for_load_state()
    summary = page.locator("#match-result").inner_text()
    assert f"Re-matched {PRODUCT}" in summary and "new finding" in summary
    shoot(page, shots, "rematch-summary")
    page.goto(f"{base}/products/{PRODUCT.replace(' ', '%20')}/risk")
    cell = page.locator("svg a").first
    expected = int(cell.locator("g").get_attribute("data-count") or "0")
    cell.click()
    page.wait_for_load_state()
    assert page.locator("table.findings tbody tr").count() == expected > 0
    shoot(page, shots, "heatmap-cell-findings")
