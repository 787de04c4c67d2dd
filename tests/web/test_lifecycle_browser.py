"""The lifecycle page in a real Chromium: the timeline SVG drawn under the strict CSP, the
releases' status, and a due notice opened as the customer gets it."""

from __future__ import annotations

import pytest
from _browser import login, shoot
from _web import PRODUCT

pytestmark = pytest.mark.browser


def test_lifecycle_page_timeline_and_notice(page, live_server, web_world, tmp_path):
    base = live_server
    login(page, base, "vic", web_world.passwords["vic"])
    page.goto(f"{base}/products/{PRODUCT}/lifecycle?on=2025-11-14")
    assert page.locator("h1").inner_text() == f"Support lifecycle: {PRODUCT}"
    assert page.locator("svg.lifecycle-timeline g.tl-row").count() == 3
    box = page.locator("svg.lifecycle-timeline").bounding_box()
    assert box is not None and box["width"] > 300
    rows = page.locator("table.lifecycle tbody tr")
    assert "at risk" in rows.nth(1).inner_text()
    assert "openssl 1.1.1n" in rows.nth(1).inner_text()
    shoot(page, tmp_path, "lifecycle")
    page.click("table.notices >> text=ja")
    page.wait_for_load_state()
    assert (
        "サードパーティ製コンポーネントのサポート終了のお知らせ" in page.locator("h1").inner_text()
    )
    assert all(u.startswith(base) for u in page.requests), page.requests
    assert not [m for m in page.console if "Content Security Policy" in m], page.console
