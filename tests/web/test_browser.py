"""The web UI in a real Chromium (Playwright, Debian's /usr/bin/chromium, headless) against a
real uvicorn server on the demo data: log in, browse, triage, and check the CSP holds."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from _web import ADMIN, HOSTILE, HOSTILE_RELEASE, PRODUCT

pytestmark = pytest.mark.browser
CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture
def live_server(app) -> Iterator[str]:
    """The app served by uvicorn in a background thread on a free 127.0.0.1 port."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture
def browser():
    """Headless Debian Chromium; a missing browser fails the test (CI must install it)."""
    from playwright.sync_api import sync_playwright

    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh browser page that records every request and console message."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.requests = []
    pg.console = []
    pg.on("request", lambda r: pg.requests.append(r.url))
    pg.on("console", lambda m: pg.console.append(f"{m.type}: {m.text}"))
    yield pg
    context.close()


def _login(page, base: str, name: str, password: str) -> None:
    page.goto(base + "/")
    assert page.url.startswith(base + "/login")
    page.fill("input[name=name]", name)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def _shoot(page, tmp_path: Path, name: str) -> Path:
    folder = Path(os.environ.get("MEDSEC_SCREENSHOTS") or tmp_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    return path


def test_log_in_browse_triage_and_see_it_in_the_history(page, live_server, web_world, tmp_path):
    base = live_server
    _login(page, base, ADMIN, web_world.passwords[ADMIN])
    assert page.url == base + "/"
    assert page.locator("h1").inner_text() == "Products"
    page.click(f"text={PRODUCT}")
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
    assert page.url.endswith(f"/findings/{fid}#vex-history")
    last = page.locator("table.history tbody tr").last.inner_text()
    assert "web:psirt" in last and "never sees user input (browser test)" in last
    assert "not_affected" in last
    shot = _shoot(page, tmp_path, "finding")
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
    _login(page, base, "vic", web_world.passwords["vic"])
    page.goto(f"{base}/products/{PRODUCT}/releases/{HOSTILE_RELEASE}")
    cell = page.locator("table.components td.component").first
    assert cell.inner_text() == HOSTILE  # shown as text
    assert page.evaluate("typeof window.__pwned") == "undefined"  # never ran
    assert page.locator("table.components img").count() == 0
    page.goto(f"{base}/products/{PRODUCT}/risk")
    assert page.locator("svg.heatmap").count() == 2
    _shoot(page, tmp_path, "heatmap")
    page.goto(f"{base}/products/{PRODUCT}/findings")
    page.select_option("select[name=kev]", "yes")  # our own JS submits the filter form
    page.wait_for_url(re.compile(r".*kev=yes.*"))
    assert page.locator("table.findings tbody tr").count() >= 1
    assert "KEV" in page.locator("table.findings tbody").inner_text()
    assert all(u.startswith(base) for u in page.requests), [
        u for u in page.requests if not u.startswith(base)
    ]
    assert not [m for m in page.console if "Content Security Policy" in m], page.console
