"""The hospital's pages in Debian's Chromium: import an inventory with a bad row through the
preview, see the new device, and read the exposure dashboard; no CSP violation, no request
leaves the server."""

from __future__ import annotations

import pytest
from _browser import login, shoot
from _web import ADMIN

pytestmark = pytest.mark.browser


def test_import_preview_then_device_and_dashboard(page, live_server, web_world, tmp_path):
    base = live_server
    login(page, base, ADMIN, web_world.passwords[ADMIN])
    inventory = tmp_path / "ward.csv"
    inventory.write_text(
        "asset_tag,manufacturer,model,software_version,department,network_segment\n"
        "WARD-9,Example Medical Devices Inc.,InfuGuard 500,2.1.0,Ward 9,wards-legacy\n"
        "WARD-10,,InfuGuard 500,2.1.0,Ward 9,\n",
        encoding="utf-8",
    )
    page.goto(base + "/assets/import")
    page.set_input_files("input[name=file]", str(inventory))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert "Rows with errors (1)" in page.content()
    assert "row" in page.inner_text("table") and "manufacturer" in page.inner_text("table")
    shoot(page, tmp_path, "assets-import-preview")
    page.goto(base + "/assets?department=Ward%209")
    assert "WARD-9" not in page.content()  # the preview stored nothing
    page.goto(base + "/assets/import")
    page.set_input_files("input[name=file]", str(inventory))
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    page.check("input[name=skip_bad_rows]")
    page.click("text=Import 1 device(s)")
    page.wait_for_load_state()
    page.goto(base + "/assets?department=Ward%209")
    page.click("text=WARD-9")
    page.wait_for_load_state()
    body = page.inner_text("main")
    assert "InfuGuard 500 2.1.0" in body and "Exposure:" in body
    page.goto(base + "/assets/exposure")
    assert page.locator("svg.bars rect[data-outcome]").count() > 0
    shoot(page, tmp_path, "assets-exposure")
    assert not [c for c in page.console if "Content Security Policy" in c]
    assert all(r.startswith(base) or r.startswith("data:") for r in page.requests)
