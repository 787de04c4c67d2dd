"""The daily jobs walked in a real Chromium against uvicorn: create a product and a release,
upload an SBOM and read its quality report, publish an advisory after its preview and the
confirmation. Screenshots go to MEDSEC_SCREENSHOTS, else tests/artifacts (kept by CI)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from _browser import login, shoot
from _web import ADMIN

from medsec.advisories import service as advisories
from medsec.db.uow import unit_of_work

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"


@pytest.fixture
def shots(monkeypatch) -> Path:
    """Where the screenshots go (tests/artifacts unless MEDSEC_SCREENSHOTS says otherwise)."""
    import os

    if not os.environ.get("MEDSEC_SCREENSHOTS"):
        monkeypatch.setenv("MEDSEC_SCREENSHOTS", str(ARTIFACTS))
    return Path(os.environ["MEDSEC_SCREENSHOTS"])


def test_create_a_product_and_upload_an_sbom(page, live_server, web_world, tmp_path, shots):
    base = live_server
    login(page, base, ADMIN, web_world.passwords[ADMIN])
    page.fill("#new-product input[name=name]", "Journey Pump")
    page.fill("#new-product input[name=manufacturer]", "Example Medical")
    page.click("#new-product button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Journey Pump"
    assert "Product created." in page.locator("p.notice").inner_text()
    page.fill("#add-release input[name=version]", "1.0")
    page.select_option("#add-release select[name=use_environment]", "home")
    page.click("#add-release button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Journey Pump 1.0"
    shoot(page, shots, "journey-release")
    sbom = tmp_path / "pump.cdx.json"
    sbom.write_text(
        json.dumps(
            {
                "bomFormat": "CycloneDX",
                "specVersion": "1.6",
                "version": 1,
                "components": [
                    {"type": "library", "name": "lodash", "version": "4.17.20",
                     "purl": "pkg:npm/lodash@4.17.20"}
                ],
            }
        )
    )  # fmt: skip
    page.set_input_files("#sbom-upload input[type=file]", str(sbom))
    page.click("#sbom-upload button[type=submit]")
    page.wait_for_load_state()
    assert "SBOM revision 1: 1 components" in page.locator("h1").inner_text()
    assert "Quality score" in page.content()
    shoot(page, shots, "journey-sbom-quality")


def test_publish_an_advisory_after_preview_and_confirmation(
    page, live_server, web_world, session_factory, shots
):
    base = live_server
    with unit_of_work(session_factory) as s:
        tid = next(a.tracking_id for a in advisories.list_advisories(s) if a.version)
    login(page, base, "reviewer", web_world.passwords["reviewer"])
    page.goto(f"{base}/advisories/{tid}")
    revisions = page.locator("#revisions tbody tr").count()
    page.fill("#publish textarea[name=summary]", "Clarified the affected releases.")
    page.click("#publish button[type=submit]")
    page.wait_for_load_state()
    assert "This becomes public." in page.content()
    shoot(page, shots, "journey-publish-confirm")
    assert page.locator(f'a[href="/advisories/{tid}/preview/notice"]').count() == 1  # preview
    page.click("button:has-text('Publish revision')")
    page.wait_for_load_state()
    assert page.locator("#revisions tbody tr").count() == revisions + 1
    assert "Clarified the affected releases." in page.locator("#revisions").inner_text()
    shoot(page, shots, "journey-published")
