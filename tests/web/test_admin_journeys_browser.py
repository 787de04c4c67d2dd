"""Admin and advisory journeys walked in Debian Chromium against uvicorn: an admin creates an
account with access to one product and the new user signs in and sees only that product; an
analyst drafts an advisory, edits it and reads its diff; a reviewer previews the CSAF and the
customer notice and publishes behind the confirmation; the next edit shows up in the diff
against the published revision. Screenshots go to MEDSEC_SCREENSHOTS, else tests/artifacts."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from _browser import login, shoot
from _web import ADMIN, KEV_CVE, OTHER, PRODUCT

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def shots(monkeypatch) -> Path:
    """Where the screenshots go (tests/artifacts unless MEDSEC_SCREENSHOTS says otherwise)."""
    if not os.environ.get("MEDSEC_SCREENSHOTS"):
        monkeypatch.setenv("MEDSEC_SCREENSHOTS", str(ARTIFACTS))
    return Path(os.environ["MEDSEC_SCREENSHOTS"])


def _logout(page) -> None:
    page.click("form.logout button[type=submit]")
    page.wait_for_load_state()


def test_admin_creates_an_account_and_the_new_user_signs_in(page, live_server, web_world, shots):
    base = live_server
    login(page, base, ADMIN, web_world.passwords[ADMIN])
    page.click("header nav a:has-text('Accounts')")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().startswith("Accounts")
    page.fill("#add-account input[name=name]", "nina")
    page.fill("#add-account input[name=password]", "nina-first-password")
    page.check("#add-account input[name=roles][value=analyst]")
    page.uncheck("#add-account input[name=roles][value=viewer]")
    page.check(f'#add-account input[name=products][value="{PRODUCT}"]')
    shoot(page, shots, "journey-account-form")
    page.click("#add-account button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "nina"
    assert "Account created." in page.locator("p.notice").inner_text()
    assert page.locator("#account-products").inner_text() == PRODUCT
    page.fill("#tokens input[name=label]", "CI pipeline")
    page.press("#tokens input[name=label]", "Enter")  # keyboard: Enter submits the form
    page.wait_for_load_state()
    secret = page.locator("#new-token-secret").input_value()
    assert secret.startswith("msk_")
    shoot(page, shots, "journey-account-token-once")
    page.goto(f"{base}/admin/accounts/nina")
    assert secret not in page.content()  # shown once only
    _logout(page)
    login(page, base, "nina", "nina-first-password")
    assert page.url == base + "/"
    body = page.locator("main").inner_text()
    assert PRODUCT in body and OTHER not in body
    assert page.locator("header nav a:has-text('Accounts')").count() == 0
    page.set_viewport_size({"width": 390, "height": 844})  # a phone
    page.goto(f"{base}/account")
    assert page.evaluate("document.documentElement.scrollWidth") <= 400
    shoot(page, shots, "journey-new-user-account-narrow")


def test_analyst_drafts_edits_and_a_reviewer_publishes_after_preview(
    page, live_server, web_world, shots
):
    base = live_server
    login(page, base, "ana", web_world.passwords["ana"])
    page.goto(f"{base}/advisories")
    page.click("#new-advisory")
    page.wait_for_load_state()
    page.select_option("form.filters select[name=product]", PRODUCT)
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    page.fill("#create input[name=title]", "InfuGuard 500: OpenSSL buffer overflow")
    page.check('#create input[name=releases][value="2.0.0"]')
    page.check(f'#create input[name=picked][value="{KEV_CVE}"]')
    page.select_option("#create select[name=tlp]", "WHITE")
    page.click("#create button[type=submit]")
    page.wait_for_load_state()
    assert "Draft advisory created" in page.locator("p.notice").inner_text()
    tid = page.url.split("/advisories/")[1].split("?")[0]
    page.click("#actions a:has-text('Edit draft')")
    page.wait_for_load_state()
    assert page.locator("#edit input[name=title]").input_value().startswith("InfuGuard 500")
    page.fill("#edit textarea[name=clinician_note]", "Keep the pumps on their own network.")
    page.fill("#edit input[name=namespace]", "https://psirt.example-medical.test")
    page.check('#edit input[name=releases][value="2.1.0"]')
    page.click("#edit button[type=submit]")
    page.wait_for_load_state()
    assert "Changes saved" in page.locator("p.notice").inner_text()
    page.goto(f"{base}/advisories/{tid}/diff")
    assert "Nothing is published yet" in page.content()
    shoot(page, shots, "journey-advisory-draft-diff")
    _logout(page)

    login(page, base, "reviewer", web_world.passwords["reviewer"])
    page.goto(f"{base}/advisories/{tid}/preview")
    assert "InfuGuard 500: OpenSSL buffer overflow" in page.locator("#csaf-preview").inner_text()
    page.goto(f"{base}/advisories/{tid}/preview/notice")
    assert "Keep the pumps on their own network." in page.content()
    page.goto(f"{base}/advisories/{tid}")
    page.fill("#publish textarea[name=summary]", "Initial release.")
    page.click("#publish button[type=submit]")
    page.wait_for_load_state()
    assert "This becomes public." in page.content()
    assert page.locator(f'a[href="/advisories/{tid}/preview"]').count() == 1
    page.click("button:has-text('Publish revision')")
    page.wait_for_load_state()
    assert page.locator("#revisions tbody tr").count() == 1
    _logout(page)

    login(page, base, "ana", web_world.passwords["ana"])
    page.goto(f"{base}/advisories/{tid}/edit")
    page.fill("#edit input[name=title]", "InfuGuard 500: OpenSSL and TLS vulnerabilities")
    page.click("#edit button[type=submit]")
    page.wait_for_load_state()
    page.goto(f"{base}/advisories/{tid}/diff")
    content = page.locator("main").inner_text()
    assert "Compared with published revision 1" in content
    assert "Document › Title" in content
    assert "InfuGuard 500: OpenSSL and TLS vulnerabilities" in content
    shoot(page, shots, "journey-advisory-diff-after-publish")
