"""Advisories through the staff API and pages, and the public CSAF provider directory: the
CLI's bytes, the notice, publishing rights, and only TLP:WHITE published revisions served."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from _web import ADMIN, PRODUCT, bearer, csrf_of, login

from medsec.advisories import service as advisories
from medsec.db.uow import unit_of_work

PROBLEM = "application/problem+json"
WELL_KNOWN = "/.well-known/csaf"


@pytest.fixture
def tid(web_world, session_factory) -> str:
    """The tracking id of the demo's published TLP:WHITE advisory."""
    with unit_of_work(session_factory) as s:
        return next(a.tracking_id for a in advisories.list_advisories(s) if a.version)


@pytest.fixture
def as_psirt(cli, monkeypatch):
    """The CLI acting as the demo's admin."""
    monkeypatch.setenv("MEDSEC_ACTOR", ADMIN)
    monkeypatch.delenv("MEDSEC_CSAF_SIGNING_KEY", raising=False)
    return cli


def _draft(sf, tlp: str, tracking_id: str) -> str:
    with unit_of_work(sf) as s:
        adv = advisories.create(
            s,
            product=PRODUCT,
            title=f"{tlp} test",
            actor=f"cli:{ADMIN}",
            tlp=tlp,
            tracking_id=tracking_id,
            vulnerabilities=advisories.decided_vulnerabilities(s, product=PRODUCT),
            clinician_note="Keep infusing; watch the local pump alarm.",
            namespace="https://psirt.example-medical.test",
        )
        return adv.tracking_id


def test_api_list_show_and_every_export_are_the_cli_bytes(
    client, web_world, tid, as_psirt, tmp_path
):
    listed = client.get("/api/v1/advisories", headers=bearer(web_world, "vic")).json()
    assert [a["tracking_id"] for a in listed] == [tid]
    assert (listed[0]["product"], listed[0]["status"], listed[0]["tlp"]) == (
        PRODUCT,
        "final",
        "WHITE",
    )
    shown = client.get(f"/api/v1/advisories/{tid}", headers=bearer(web_world, "vic")).json()
    code, out, err = as_psirt("advisory", "show", tid, "--format", "json")
    assert code == 0, err
    assert shown == json.loads(out) and shown["revisions"][0]["number"] == "1"
    login(client, web_world, "vic")
    for fmt in ("csaf", "cyclonedx-vex", "openvex"):
        target = tmp_path / fmt
        assert as_psirt("advisory", "export", tid, "--format", fmt, "--out", str(target))[0] == 0
        api = client.get(f"/api/v1/advisories/{tid}/{fmt}", headers=bearer(web_world, "vic"))
        assert api.status_code == 200 and api.content == target.read_bytes()
        page = client.get(f"/advisories/{tid}/download/{fmt}")
        assert page.content == target.read_bytes()
    html = tmp_path / "notice.html"
    assert as_psirt("advisory", "notice", tid, "--out", str(html))[0] == 0
    api = client.get(f"/api/v1/advisories/{tid}/notice.html", headers=bearer(web_world, "vic"))
    assert api.content == html.read_bytes()
    pdf = client.get(f"/api/v1/advisories/{tid}/notice.pdf", headers=bearer(web_world, "vic"))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    bad = client.get(f"/api/v1/advisories/{tid}/yaml", headers=bearer(web_world, "vic"))
    assert bad.status_code == 422 and bad.headers["content-type"].startswith(PROBLEM)


def test_api_access_and_publishing_rights(client, web_world, tid):
    assert client.get("/api/v1/advisories", headers=bearer(web_world, "val")).json() == []
    r = client.get(f"/api/v1/advisories/{tid}", headers=bearer(web_world, "val"))
    assert r.status_code == 404 and r.headers["content-type"].startswith(PROBLEM)  # hidden
    assert client.get(f"/api/v1/advisories/{tid}/csaf").status_code == 401
    url = f"/api/v1/advisories/{tid}/publish"
    body = {"summary": "Second look.", "status": "final"}
    assert client.post(url, headers=bearer(web_world, "ana"), json=body).status_code == 403
    assert client.post(url, headers=bearer(web_world, "vic"), json=body).status_code == 403
    refused = client.post(
        url, headers=bearer(web_world, "reviewer"), json={**body, "status": "interim"}
    )
    assert refused.status_code == 409  # final stays final
    shown = client.get(f"/api/v1/advisories/{tid}", headers=bearer(web_world, "vic")).json()
    assert len(shown["revisions"]) == 1
    done = client.post(url, headers=bearer(web_world, "reviewer"), json=body)
    assert done.status_code == 201, done.text
    assert done.json()["number"] == "2"
    shown = client.get(f"/api/v1/advisories/{tid}", headers=bearer(web_world, "vic")).json()
    assert [r["number"] for r in shown["revisions"]] == ["1", "2"]
    assert shown["revisions"][1]["published_by"] == "api:reviewer"


def test_pages_show_the_advisory_its_notice_and_publish_with_csrf(client, web_world, tid):
    login(client, web_world, "reviewer")
    assert tid in client.get("/advisories").text
    page = client.get(f"/advisories/{tid}")
    assert page.status_code == 200 and "Initial public release." in page.text
    assert f"/advisories/{tid}/download/openvex" in page.text
    assert f"{WELL_KNOWN}/white/" in page.text
    notice = client.get(f"/advisories/{tid}/notice")
    assert notice.status_code == 200 and "<h2>What to do now</h2>" in notice.text
    csp = notice.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "'sha256-" in csp and "'self'" not in csp
    form = {"summary": "Clarified.", "status": "final"}
    refused = client.post(f"/advisories/{tid}/publish", data={**form, "csrf": "nope"})
    assert refused.status_code == 403
    assert "Clarified." not in client.get(f"/advisories/{tid}").text
    ask = client.post(f"/advisories/{tid}/publish", data={**form, "csrf": csrf_of(page.text)})
    assert ask.status_code == 200 and "This becomes public." in ask.text  # TLP:WHITE, final
    # the previews of the revision being published (not of the last one) and what it changes
    assert f'href="/advisories/{tid}/preview"' in ask.text
    assert f'href="/advisories/{tid}/preview/notice"' in ask.text
    assert f'href="/advisories/{tid}/diff"' in ask.text
    assert "Clarified." not in client.get(f"/advisories/{tid}").text  # nothing published yet
    done = client.post(
        f"/advisories/{tid}/publish",
        data={**form, "csrf": csrf_of(page.text), "confirmed": "yes"},
    )
    assert done.status_code == 303
    assert "Clarified." in client.get(f"/advisories/{tid}").text
    login(client, web_world, "val")
    assert client.get(f"/advisories/{tid}").status_code == 404  # hidden, as if missing
    assert tid not in client.get("/advisories").text


def _exported(as_psirt, out: Path, base: str) -> dict[str, bytes]:
    code, _, err = as_psirt("advisory", "directory", "--out", str(out), "--base-url", base)
    assert code == 0, err
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}


def test_the_served_directory_is_the_exported_folder(client, web_world, tid, as_psirt, tmp_path):
    files = _exported(as_psirt, tmp_path / "dir", "https://testserver")
    assert f"{WELL_KNOWN[1:]}/provider-metadata.json" in files and len(files) == 6
    for rel, data in files.items():
        r = client.get("/" + rel)  # no login, no token
        assert r.status_code == 200, rel
        assert r.content == data, rel
    meta = client.get(f"{WELL_KNOWN}/provider-metadata.json")
    assert meta.headers["content-type"] == "application/json"
    assert meta.json()["canonical_url"] == f"https://testserver{WELL_KNOWN}/provider-metadata.json"
    index = client.get(f"{WELL_KNOWN}/white/index.txt")
    assert index.headers["content-type"].startswith("text/plain")
    assert (
        client.get(f"{WELL_KNOWN}/white/changes.csv").headers["content-type"].startswith("text/csv")
    )
    (path,) = index.text.split()
    doc = client.get(f"{WELL_KNOWN}/white/{path}").content
    for alg in ("sha256", "sha512"):
        side = client.get(f"{WELL_KNOWN}/white/{path}.{alg}")
        assert side.headers["content-type"].startswith("text/plain")
        digest, name = side.text.split()
        assert digest == hashlib.new(alg, doc).hexdigest() and path.endswith(name)
    assert json.loads(doc)["document"]["tracking"]["id"] == tid


def test_conditional_get_and_the_configured_base_url(app, client, web_world, tid):
    first = client.get(f"{WELL_KNOWN}/provider-metadata.json")
    etag, modified = first.headers["etag"], first.headers["last-modified"]
    assert (
        client.get(
            f"{WELL_KNOWN}/provider-metadata.json", headers={"if-none-match": etag}
        ).status_code
        == 304
    )
    again = client.get(
        f"{WELL_KNOWN}/provider-metadata.json", headers={"if-modified-since": modified}
    )
    assert again.status_code == 304 and again.content == b""
    other = client.get(f"{WELL_KNOWN}/provider-metadata.json", headers={"if-none-match": '"x"'})
    assert other.status_code == 200 and other.content == first.content
    head = client.head(f"{WELL_KNOWN}/provider-metadata.json")
    assert head.status_code == 200 and head.content == b""
    assert head.headers["content-length"] == str(len(first.content))
    assert head.headers["etag"] == etag
    app.state.settings = _with_base(app.state.settings, "https://psirt.example.org/")
    meta = client.get(f"{WELL_KNOWN}/provider-metadata.json").json()
    assert meta["distributions"] == [
        {"directory_url": f"https://psirt.example.org{WELL_KNOWN}/white/"}
    ]
    app.state.settings = _with_base(app.state.settings, "http://psirt.example.org")
    refused = client.get(f"{WELL_KNOWN}/provider-metadata.json")
    assert refused.status_code == 404 and "https" in refused.text


def _with_base(settings, base: str):
    from dataclasses import replace

    return replace(settings, public_base_url=base)


def test_drafts_and_amber_advisories_are_not_served(client, web_world, tid, session_factory):
    before = client.get(f"{WELL_KNOWN}/white/index.txt").text
    _draft(session_factory, "WHITE", "ACME-WHITE-DRAFT")
    amber = _draft(session_factory, "AMBER", "ACME-AMBER-1")
    r = client.post(
        f"/api/v1/advisories/{amber}/publish",
        headers=bearer(web_world, "reviewer"),
        json={"summary": "Initial (restricted).", "status": "final"},
    )
    assert r.status_code == 201, r.text
    assert client.get(f"{WELL_KNOWN}/white/index.txt").text == before
    year = before.split("/")[0]
    for name in ("acme-white-draft", "acme-amber-1"):
        for folder in ("white", "amber"):
            assert client.get(f"{WELL_KNOWN}/{folder}/{year}/{name}.json").status_code == 404
    assert client.get(f"{WELL_KNOWN}/amber/index.txt").status_code == 404
    assert client.get(f"{WELL_KNOWN}/../secret.key").status_code == 404
