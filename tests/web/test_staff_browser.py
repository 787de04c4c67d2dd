"""The staff pages in a real Chromium: log in, open the demo's CVD case, close it, open
the advisory and its customer notice, and fetch the public provider-metadata.json."""

from __future__ import annotations

import json

import pytest
from _browser import login, shoot
from _web import ADMIN

pytestmark = pytest.mark.browser


def test_case_to_closed_then_the_advisory_notice_and_the_directory(
    page,
    live_server,
    web_world,
    tmp_path,
):
    base = live_server
    login(page, base, ADMIN, web_world.passwords[ADMIN])
    page.click("header nav >> text=CVD cases")
    assert page.locator("h1").inner_text().startswith("CVD cases")
    page.click("table.cases tbody a >> nth=0")
    assert page.locator("#case-state").inner_text() == "disclosed"
    assert "Lucky 13" in page.locator("#report").inner_text()
    shoot(page, tmp_path, "cvd-case")
    page.select_option("select[name=action]", "close")
    page.fill("textarea[name=reason]", "handling complete (browser test)")
    page.click("text=Apply")
    page.wait_for_load_state()
    assert page.locator("#case-state").inner_text() == "closed"
    last = page.locator("table.history tr.ev-state").last.inner_text()
    assert "disclosed → closed" in last and "web:psirt" in last
    shoot(page, tmp_path, "cvd-case-closed")
    page.click("header nav >> text=Advisories")
    page.click("table.advisories tbody a >> nth=0")
    assert page.locator("#advisory-status").inner_text() == "final"
    page.click("#open-notice")
    page.wait_for_load_state()
    assert page.locator("h2", has_text="What to do now").count() == 1
    border = page.evaluate("getComputedStyle(document.querySelector('h2')).borderBottomStyle")
    assert border == "solid"  # the notice's own stylesheet applies: its CSP names its hash
    shoot(page, tmp_path, "notice")
    response = page.goto(base + "/.well-known/csaf/provider-metadata.json")
    assert response.status == 200
    assert response.headers["content-type"] == "application/json"
    meta = json.loads(response.body())
    assert meta["canonical_url"].startswith("https://127.0.0.1:")
    assert not [m for m in page.console if "Content Security Policy" in m], page.console
    assert all(u.startswith(base) for u in page.requests), page.requests
