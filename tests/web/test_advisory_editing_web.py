"""Advisory pages: an analyst drafts an advisory (refusals inline with the typed text kept),
edits it with its current values shown, previews the next revision's CSAF and customer notice
and reads the field diff against the last published revision; hostile text stays text."""

from __future__ import annotations

import re

import pytest
from _staff import demo_case
from _web import ADMIN, HOSTILE, KEV_CVE, PRODUCT, csrf_of, login

from medsec.advisories import service as advisories
from medsec.db.uow import unit_of_work

pytestmark = pytest.mark.db


def _published(sf) -> str:
    with unit_of_work(sf) as s:
        return next(a.tracking_id for a in advisories.list_advisories(s) if a.version != "0")


def test_analyst_drafts_and_edits_an_advisory(client, web_world):
    login(client, web_world, "ana")
    assert 'id="new-advisory"' in client.get("/advisories").text
    form = client.get(f"/advisories/new?product={PRODUCT}")
    assert form.status_code == 200 and 'value="2.0.0"' in form.text
    csrf = csrf_of(form.text)
    bad = client.post(
        "/advisories",
        data={
            "csrf": csrf,
            "product": PRODUCT,
            "title": HOSTILE,
            "releases": ["2.0.0"],
            "vulnerabilities": "CVE-1999-0000",
            "tlp": "GREEN",
        },
    )
    assert bad.status_code == 422 and "CVE-1999-0000" in bad.text and 'role="alert"' in bad.text
    assert "&lt;script&gt;" in bad.text and "<script>window" not in bad.text  # kept, as text
    assert re.search(r'value="GREEN" selected', bad.text)
    r = client.post(
        "/advisories",
        data={
            "csrf": csrf,
            "product": PRODUCT,
            "title": HOSTILE,
            "releases": ["2.0.0"],
            "picked": [KEV_CVE],
            "tlp": "GREEN",
        },
    )
    assert r.status_code == 303, r.text[:500]
    url = r.headers["location"].split("?")[0]
    tid = url.rsplit("/", 1)[1]
    detail = client.get(r.headers["location"])
    assert "Draft advisory created" in detail.text and "<script>window" not in detail.text
    edit = client.get(f"{url}/edit")
    assert edit.status_code == 200
    assert re.search(rf'value="{KEV_CVE}" checked', edit.text)  # current state shown
    assert re.search(r'value="2.0.0" checked', edit.text)
    refused = client.post(
        f"{url}/edit",
        data={
            "csrf": csrf,
            "title": "Pump TLS",
            "releases": [],
            "picked": [KEV_CVE],
            "tlp": "GREEN",
            "profile": "security-advisory",
            "namespace": "https://x.example",
        },
    )
    assert refused.status_code == 422 and "at least one release" in refused.text
    assert 'value="Pump TLS"' in refused.text
    saved = client.post(
        f"{url}/edit",
        data={
            "csrf": csrf,
            "title": "Pump TLS",
            "releases": ["2.0.0", "2.1.0"],
            "picked": [KEV_CVE],
            "tlp": "WHITE",
            "profile": "security-advisory",
            "clinician_note": "Keep the pumps on their own network.",
            "namespace": "https://psirt.maker.example",
        },
    )
    assert saved.status_code == 303
    page = client.get(saved.headers["location"])
    assert "Changes saved" in page.text and "Pump TLS" in page.text and "TLP:WHITE" in page.text
    preview = client.get(f"/advisories/{tid}/preview")
    assert preview.status_code == 200 and "&#34;Pump TLS&#34;" in preview.text
    notice = client.get(f"/advisories/{tid}/preview/notice")
    assert notice.status_code == 200 and "Pump TLS" in notice.text
    assert "default-src 'none'" in notice.headers["content-security-policy"]
    assert "Keep the pumps on their own network." in notice.text
    contact = client.get(f"/advisories/{tid}/preview/notice?contact=<b>psirt@maker.example</b>")
    assert "&lt;b&gt;psirt@maker.example&lt;/b&gt;" in contact.text  # given, and only as text
    diff = client.get(f"/advisories/{tid}/diff")
    assert "Nothing is published yet" in diff.text


def test_viewers_cannot_open_the_edit_forms(client, web_world, session_factory):
    tid = _published(session_factory)
    login(client, web_world, "vic")
    assert client.get(f"/advisories/{tid}/edit").status_code == 403
    assert client.get("/advisories/new").status_code == 403
    assert 'id="new-advisory"' not in client.get("/advisories").text
    assert client.get(f"/advisories/{tid}/diff").status_code == 200  # reading is allowed


def test_diff_page_shows_the_kev_change_since_the_published_revision(
    client, web_world, session_factory
):
    tid = _published(session_factory)
    login(client, web_world, ADMIN)
    page = client.get(f"/advisories/{tid}/diff")
    assert page.status_code == 200 and "Compared with published revision 1" in page.text
    assert f"Vulnerabilities › {KEV_CVE} › Threats › exploit_status" in page.text
    assert "Known Exploited" in page.text and "Revision bookkeeping" in page.text
    confirm = client.post(
        f"/advisories/{tid}/publish",
        data={"csrf": csrf_of(page.text), "summary": "KEV listing", "status": "final"},
    )
    assert confirm.status_code == 200 and f"/advisories/{tid}/preview" in confirm.text
    assert f"/advisories/{tid}/diff" in confirm.text


def test_draft_from_a_cvd_case_is_prefilled(client, web_world, session_factory):
    case = demo_case(session_factory)
    login(client, web_world, ADMIN)
    assert 'id="draft-advisory"' in client.get(f"/cvd/cases/{case}").text
    form = client.get(f"/advisories/new?case={case}")
    assert form.status_code == 200 and f"from CVD case {case}" in form.text
    assert re.search(r'name="picked" value="CVE-2020-16150" checked', form.text)


def test_the_publish_section_says_what_must_be_written_first(client, web_world, session_factory):
    """A draft without a note on patient care and with the placeholder namespace: the page
    lists both before the reviewer tries to publish (publishing them is refused)."""
    with unit_of_work(session_factory) as s:
        adv = advisories.create(
            s, product=PRODUCT, title="draft without its note", actor=ADMIN, releases=["2.0.0"]
        )
        tid = adv.tracking_id
    login(client, web_world, ADMIN)
    page = client.get(f"/advisories/{tid}").text
    block = page.split('id="incomplete"', 1)[1].split("</div>", 1)[0]
    assert "note on patient care is not written" in block and "placeholder" in block
    published = _published(session_factory)
    assert 'id="incomplete"' not in client.get(f"/advisories/{published}").text
