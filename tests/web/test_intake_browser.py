"""A finder in a real Chromium: fills the public form (a refusal first, which keeps the hostile
text as text), sends it with an attachment, opens the private status link (the JS path moves
the token from the fragment into a POST), and replies; the CSP reports no violation."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from _browser import shoot
from test_intake_web_api import Clock

pytestmark = pytest.mark.browser
HOSTILE = '"><img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>'
DESCRIPTION = "Stored XSS in the pump's web console patient name field:\n" + HOSTILE
REPLY = 'Here is more: <img src=x onerror="window.__pwned=3"> and </li></ol><b>bold</b>'
CSP_SPY = (
    "window.__csp = [];"
    "document.addEventListener('securitypolicyviolation',"
    " function (e) { window.__csp.push(e.violatedDirective + ' ' + e.blockedURI); });"
)


@pytest.fixture
def app(intake_app):
    """The live server runs the intake app (no demo data needed)."""
    return intake_app


def _clean(pg) -> None:
    assert pg.evaluate("window.__csp") == []
    assert pg.evaluate("typeof window.__pwned") == "undefined"
    assert not [m for m in pg.console if "Content Security Policy" in m], pg.console


def test_a_finder_reports_follows_the_private_link_and_replies(
    page,
    live_server,
    intake_app,
    session_factory,
    tmp_path,
):
    base = live_server
    clock = Clock()
    intake_app.state.clock = clock
    page.context.add_init_script(CSP_SPY)
    page.goto(base + "/login")
    page.click("header >> text=Report a vulnerability")
    page.wait_for_url(base + "/report")
    assert page.locator("h1").inner_text() == "Report a vulnerability"
    box = page.locator("input[name=website]").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0  # the honeypot is off-screen
    shoot(page, tmp_path, "report-form")
    page.fill("#f-product", "Infusion pump IP-200")
    page.fill("#f-version", "4.1.2")
    page.fill("#f-description", DESCRIPTION)
    page.fill("#f-cvss_vector", "CVSS:3.1/AV:Q")
    clock.advance(30)
    page.click("text=Send report")
    page.wait_for_load_state()
    assert "cvss_vector:" in page.locator(".flash.bad").inner_text()
    assert page.locator("#f-description").input_value() == DESCRIPTION  # kept, as text
    assert page.locator("section.report img").count() == 0
    _clean(page)

    page.fill("#f-cvss_vector", "")
    page.set_input_files(
        "#f-attachments",
        files=[{"name": "poc.txt", "mimeType": "text/plain", "buffer": b"GET /console?n=<x>"}],
    )
    clock.advance(30)
    page.click("text=Send report")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Thank you")
    receipt = page.locator("#receipt-id").inner_text()
    token = page.locator("#status-token").inner_text()
    link = page.locator("#status-link").get_attribute("href")
    assert link == f"{base}/report/status/{receipt}#token={token}"
    shoot(page, tmp_path, "report-receipt")
    _clean(page)

    status = page.context.new_page()
    status.requests, status.console = [], []
    status.on("request", lambda r: status.requests.append(r.url))
    status.on("console", lambda m: status.console.append(f"{m.type}: {m.text}"))
    status.goto(link)
    status.wait_for_url(base + "/report/status")  # our JS posted the form
    assert status.locator("h1").inner_text() == f"Report {receipt}"
    assert status.locator("#state").inner_text() == "received"
    assert "was received and stored" in status.locator("ol.messages").inner_text()
    status.fill("#f-text", REPLY)
    status.click("text=Send message")
    status.wait_for_load_state()
    assert "Your message was added." in status.locator(".flash.good").inner_text()
    assert status.locator("ol.messages li .text").last.inner_text() == REPLY
    assert status.locator("ol.messages img, ol.messages b").count() == 0
    shoot(status, tmp_path, "report-status")
    _clean(status)
    for url in page.requests + status.requests:
        assert url.startswith(base), url
        parts = urlsplit(url)
        assert token not in parts.path + parts.query, url  # the server never saw it

    from medsec.models import CvdAttachment, CvdCase

    with session_factory() as s:
        case = s.query(CvdCase).one()
        assert case.description == DESCRIPTION and not case.held_for_review
        assert s.query(CvdAttachment).one().name == "poc.txt"


def test_without_javascript_the_finder_pastes_the_token(browser, live_server, intake_client):
    body = intake_client.post(
        "/api/v1/cvd/reports",
        json={"product": "IP-200", "version": "4", "description": "a long enough description"},
    ).json()
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(f"{live_server}/report/status/{body['receipt_id']}#token={body['status_token']}")
    assert pg.locator("h1").inner_text() == "Status of your report"  # nothing was sent
    pg.fill("#f-token", body["status_token"])
    pg.click("text=Show status")
    pg.wait_for_load_state()
    assert pg.locator("h1").inner_text() == f"Report {body['receipt_id']}"
    context.close()
