"""In a real Chromium: edit a model element in the web form and see the matrix change."""

from __future__ import annotations

import pytest
from design_browser import browser, live_server, login, page  # noqa: F401

pytestmark = pytest.mark.browser


def test_edit_an_element_and_see_the_matrix_change(page, live_server, design_web):  # noqa: F811
    base = live_server
    login(page, base, "ana", design_web.passwords["ana"])
    page.goto(base + "/design/Pump/1.0/matrix")
    assert page.locator('tr[data-threat="MD-CROSSING@dose"]').count() == 0
    rows_before = page.locator("table.matrix tbody tr").count()
    page.goto(base + "/design/Pump/1.0")
    assert page.locator("h1").inner_text() == "System model of Pump 1.0"
    form = page.locator('tr[data-element="tablet"] form.edit-element')
    form.locator("select[name=boundary]").select_option("vendor")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/design/Pump/1.0#elements")
    assert "Version 2" in page.content()
    page.goto(base + "/design/Pump/1.0/matrix")
    row = page.locator('tr[data-threat="MD-CROSSING@dose"]')
    assert row.count() == 1 and "gap" in (row.get_attribute("class") or "")
    assert "threats without a control" in row.inner_text()
    assert page.locator("table.matrix tbody tr").count() == rows_before + 1
    assert all(u.startswith(base) for u in page.requests), page.requests


def test_edit_a_flow_and_see_the_threats_and_matrix_change(page, live_server, design_web):  # noqa: F811
    base = live_server
    login(page, base, "ana", design_web.passwords["ana"])
    page.goto(base + "/design/Pump/1.0/matrix")
    assert page.locator('tr[data-threat="MD-SAFETY-DATA@fw"]').count() == 0
    rows_before = page.locator("table.matrix tbody tr").count()
    page.goto(base + "/design/Pump/1.0")
    form = page.locator('tr[data-flow="fw"] form.edit-flow')
    form.locator("input[name=port]").fill("70000")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert "port 70000 is outside 0-65535" in page.locator("#model-error").inner_text()
    form = page.locator('tr[data-flow="fw"] form.edit-flow')
    assert form.locator("input[name=port]").input_value() == "70000"  # the typed text is kept
    form.locator("input[name=port]").fill("8443")
    form.locator("select[name=classification]").select_option("safety-critical")
    form.locator("button[type=submit]").click()
    page.wait_for_load_state()
    assert page.url.endswith("/design/Pump/1.0#flows")
    assert "Version 2" in page.content()
    page.goto(base + "/design/Pump/1.0/threats")
    assert page.locator("text=MD-SAFETY-DATA@fw").count() >= 1
    page.goto(base + "/design/Pump/1.0/matrix")
    row = page.locator('tr[data-threat="MD-SAFETY-DATA@fw"]')
    assert row.count() == 1 and "gap" in (row.get_attribute("class") or "")
    assert page.locator("table.matrix tbody tr").count() == rows_before + 1
    assert all(u.startswith(base) for u in page.requests), page.requests
