"""The web UI in a real Chromium (Playwright, Debian's /usr/bin/chromium, headless) against a
real uvicorn server on the demo data: log in, browse, triage, and check the CSP holds."""

from __future__ import annotations

import re

import pytest
from _browser import login, shoot
from _web import ADMIN, HOSTILE, HOSTILE_RELEASE, PRODUCT

pytestmark = pytest.mark.browser


def test_log_in_browse_triage_and_see_it_in_the_history(page, live_server, web_world, tmp_path):
    base = live_server
    login(page, base, ADMIN, web_world.passwords[ADMIN])
    assert page.url == base + "/"
    assert page.locator("h1").inner_text() == "Products"
    page.click(f"article.product h2 >> text={PRODUCT}")
    assert page.locator("h1").inner_text() == PRODUCT
    page.click("table.grid >> text=2.0.0")
    assert page.locator("h1").inner_text() == f"{PRODUCT} 2.0.0"
    assert page.locator("table.components tbody tr").count() > 5
    assert "level of support" in page.locator("table.components thead").inner_text()
    fid = web_world.finding_ids["CVE-2021-23337"]
    page.click(f'table.findings a[href="/findings/{fid}"] >> nth=0')
    assert re.match(rf"Finding {fid}: CVE-2021-23337", page.locator("h1").inner_text())
    assert "Inputs and their sources" in page.content()
    page.select_option("select[name=status]", "not_affected")
    page.select_option("select[name=justification]", "vulnerable_code_not_in_execute_path")
    page.fill("textarea[name=reason]", "lodash template() never sees user input (browser test)")
    page.click("text=Record decision")
    page.wait_for_load_state()
    assert page.url.endswith(f"/findings/{fid}?recorded=not_affected#vex-history")
    assert "Decision recorded: Not affected" in page.locator("p.notice").inner_text()
    last = page.locator("table.history tbody tr").last.inner_text()
    assert "web:psirt" in last and "never sees user input (browser test)" in last
    assert "Not affected" in last
    shot = shoot(page, tmp_path, "finding")
    assert shot.exists()
    assert all(u.startswith(base) for u in page.requests), page.requests
    assert not [m for m in page.console if "Content Security Policy" in m], page.console


def test_csp_header_no_external_requests_and_hostile_names_are_text(
    page, live_server, web_world, tmp_path
):
    base = live_server
    response = page.goto(base + "/login")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"
    login(page, base, "vic", web_world.passwords["vic"])
    page.goto(f"{base}/products/{PRODUCT}/releases/{HOSTILE_RELEASE}")
    cell = page.locator("table.components td.component").first
    assert cell.inner_text() == HOSTILE  # shown as text
    assert page.evaluate("typeof window.__pwned") == "undefined"  # never ran
    assert page.locator("table.components img").count() == 0
    page.goto(f"{base}/products/{PRODUCT}/risk")
    assert page.locator("svg.heatmap").count() == 2
    shoot(page, tmp_path, "heatmap")
    page.goto(f"{base}/products/{PRODUCT}/findings")
    page.select_option("select[name=kev]", "yes")  # our own JS submits the filter form
    page.wait_for_url(re.compile(r".*kev=yes.*"))
    assert page.locator("table.findings tbody tr").count() >= 1
    assert "KEV" in page.locator("table.findings tbody").inner_text()
    assert all(u.startswith(base) for u in page.requests), [
        u for u in page.requests if not u.startswith(base)
    ]
    assert not [m for m in page.console if "Content Security Policy" in m], page.console
