"""The incident pages in a real Chromium: open an incident with a hostile title from the list
page, assess it, record its severity and see the notification deadlines, confirm it, and open
the demo's closed incident; no CSP violation, nothing loaded from elsewhere, the script in the
title never runs."""

from __future__ import annotations

import pytest
from _browser import login, shoot
from _web import ADMIN, HOSTILE, PRODUCT

pytestmark = pytest.mark.browser


def test_open_assess_and_confirm_an_incident(page, live_server, web_world, tmp_path):
    base = live_server
    login(page, base, ADMIN, web_world.passwords[ADMIN])
    page.click("header nav >> text=Incidents")
    assert page.locator("h1").inner_text() == "Incidents (1)"
    page.fill("input[name=title]", HOSTILE)
    page.fill("input[name=product]", PRODUCT)
    page.fill("input[name=release]", "2.0.0")
    page.check("input[name=jurisdictions][value=EU]")
    page.select_option("select[name=source]", "hospital")
    page.click("#open button[type=submit]")
    page.wait_for_load_state()
    assert HOSTILE in page.locator("h1").inner_text()  # shown as text
    assert page.evaluate("window.__pwned") is None
    assert page.locator("#incident-phase").inner_text() == "reported, not yet assessed"
    page.select_option("#phase select[name=action]", "assess")
    page.click('#phase button:has-text("Apply")')
    page.wait_for_load_state()
    assert page.locator("#incident-phase").inner_text() == "being assessed"
    page.select_option("select[name=safety]", "serious")
    page.select_option("select[name=privacy]", "none")
    page.click("text=Record severity")
    page.wait_for_load_state()
    rows = page.locator("table.notifications tbody tr").all_inner_texts()
    assert any(
        "Serious incident report (MDR Art. 87)" in r and "15 calendar days" in r for r in rows
    )
    page.select_option("#phase select[name=action]", "confirm")
    page.click('#phase button:has-text("Apply")')
    page.wait_for_load_state()
    assert page.locator("#incident-phase").inner_text() == "containment under way"
    shoot(page, tmp_path, "incident")
    page.click("header nav >> text=Incidents")
    page.click("table.incidents tbody a >> nth=0")
    assert page.locator("#incident-phase").inner_text() == "closed"
    assert "custody chain intact" in page.locator("#evidence").inner_text()
    assert not [m for m in page.console if "Content Security Policy" in m], page.console
    assert all(u.startswith(base) for u in page.requests), page.requests
