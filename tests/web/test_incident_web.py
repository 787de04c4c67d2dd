"""Incident pages: list with phase and overdue notifications, the incident page with its forms,
each form's action (CSRF-checked), hostile text escaped, evidence only as a download."""

from __future__ import annotations

import re

import pytest
from _web import ADMIN, HOSTILE, PRODUCT, csrf_of, login


@pytest.fixture
def logged_in(client, web_world):
    """The client logged in as the demo's admin."""
    r = login(client, web_world, ADMIN)
    assert r.status_code == 303, r.text
    return client


def _open(client) -> tuple[str, str]:
    page = client.get("/incidents")
    token = csrf_of(page.text)
    r = client.post(
        "/incidents",
        data={
            "csrf": token,
            "title": HOSTILE,
            "product": PRODUCT,
            "release": "2.0.0",
            "jurisdictions": ["US", "JP"],
            "source": "hospital",
            "reporter_org": "<b>Hospital</b>",
        },
    )
    assert r.status_code == 303, r.text
    ref = r.headers["location"].split("/")[2].split("#")[0]
    return ref, token


def test_list_and_page_escape_hostile_text(logged_in):
    ref, _ = _open(logged_in)
    listing = logged_in.get("/incidents")
    assert listing.status_code == 200
    assert HOSTILE not in listing.text and "&lt;script&gt;" in listing.text
    assert "reported, not yet assessed" in listing.text
    page = logged_in.get(f"/incidents/{ref}")
    assert page.status_code == 200
    assert HOSTILE not in page.text and "<b>Hospital</b>" not in page.text
    assert 'action="/incidents/' + ref + '/phase"' in page.text


def test_every_form_acts(logged_in, tmp_path):
    ref, token = _open(logged_in)

    def post(path, **data):
        return logged_in.post(f"/incidents/{ref}/{path}", data={"csrf": token, **data})

    assert post("phase", action="assess").status_code == 303
    assert (
        post("severity", safety="potential", privacy="none", flags=["criminal"]).status_code == 303
    )
    assert post("phase", action="confirm").status_code == 303
    assert (
        post("log", kind="message", text="call", direction="outbound", counterpart="IT").status_code
        == 303
    )
    r = logged_in.post(
        f"/incidents/{ref}/evidence",
        data={"csrf": token, "source": "proxy"},
        files={"file": ("p.html", b"<script>alert(1)</script>", "text/html")},
    )
    assert r.status_code == 303, r.text
    page = logged_in.get(f"/incidents/{ref}").text
    (ev,) = re.findall(rf'href="/incidents/{ref}/evidence/(\d+)" download', page)
    assert post(f"evidence/{ev}/custody", action="stored", holder="vault").status_code == 303
    assert (
        post("notify", obligation="us.fda.mdr-30", step="sent", reference="MW-1").status_code == 303
    )
    page = logged_in.get(f"/incidents/{ref}")
    assert "containment under way" in page.text
    assert "MW-1" in page.text and "custody chain intact" in page.text
    download = logged_in.get(f"/incidents/{ref}/evidence/{ev}")
    assert download.status_code == 200 and download.content == b"<script>alert(1)</script>"
    assert download.headers["content-type"] == "application/octet-stream"
    assert download.headers["content-disposition"].startswith("attachment;")
    for step in ("eradicate", "recover", "learn"):
        assert post("phase", action=step).status_code == 303
    r = post("phase", action="close", review="held", improvement="monitor downloads")
    assert r.status_code == 303
    assert re.search(r'id="incident-phase">closed<', logged_in.get(f"/incidents/{ref}").text)


def test_forms_need_the_csrf_token_and_refusals_show_the_rule(logged_in):
    ref, token = _open(logged_in)
    r = logged_in.post(f"/incidents/{ref}/phase", data={"csrf": "forged", "action": "assess"})
    assert r.status_code == 403
    r = logged_in.post(f"/incidents/{ref}/phase", data={"csrf": token, "action": "learn"})
    assert r.status_code == 422 and "incident.phase.forbidden" in r.text
    assert "reported, not yet assessed" in logged_in.get(f"/incidents/{ref}").text


def test_viewer_sees_no_incident(client, web_world, session_factory):
    from medsec.db.uow import unit_of_work
    from medsec.incidents import views

    with unit_of_work(session_factory) as s:
        (demo,) = views.list_incidents(s, actor=f"cli:{ADMIN}")
    login(client, web_world, "vic")
    assert "No incident you may see." in client.get("/incidents").text
    r = client.get(f"/incidents/{demo.ref}")
    assert r.status_code == 403 and demo.title not in r.text


def test_the_open_form_records_affected_devices(logged_in):
    """Affected devices typed one per line: a workspace tag links the device, text stays text."""
    token = csrf_of(logged_in.get("/incidents").text)
    r = logged_in.post(
        "/incidents",
        data={
            "csrf": token,
            "title": "odd update traffic",
            "product": PRODUCT,
            "assets": "PUMP-002\n\n<b>home router</b>\n",
        },
    )
    assert r.status_code == 303, r.text
    page = logged_in.get(r.headers["location"]).text
    assert "PUMP-002" in page and "&lt;b&gt;home router&lt;/b&gt;" in page
    assert "<b>home router</b>" not in page
