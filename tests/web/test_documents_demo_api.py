"""The demo's generated documents: the submission set and the customer security documentation in
English and Japanese, as PDF (text extracted with pdftotext holds every section heading; the page
count and the first page's image are as expected) and as stored revisions the API lists and
downloads (audited; another product's viewer sees none of them)."""

from __future__ import annotations

import hashlib
import re
import subprocess

import pytest
from _web import PRODUCT, bearer
from PIL import Image
from sqlalchemy import select

from medsec.core.i18n import gettext_for
from medsec.documents.sections import sections_of
from medsec.models import AuditEvent

pytestmark = pytest.mark.db

PAGES = {"submission": (8, 30), "customer": (2, 8)}


def _text(path) -> str:
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
    return out.stdout.decode()


def _squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _pages(path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
    return int(re.search(r"Pages:\s+(\d+)", info).group(1))


@pytest.mark.parametrize("kind", ["submission", "customer"])
@pytest.mark.parametrize("lang", ["en", "ja"])
def test_demo_pdfs_hold_every_section_heading(web_world, tmp_path, kind, lang):
    folder = tmp_path / "demo" / "documents"
    pdf = folder / f"InfuGuard-500-2.1.0-{kind}-{lang}.pdf"
    html = folder / f"InfuGuard-500-2.1.0-{kind}-{lang}.html"
    assert pdf.is_file() and html.is_file()
    _ = gettext_for(lang, "documents")
    text = _squash(_text(pdf))
    headings = [_("To complete")] + [_(s.title) for s in sections_of(kind)]
    assert [h for h in headings if _squash(h) not in text] == []
    assert text.index(_squash(_("To complete"))) < text.index(_squash(_("Contents")))
    low, high = PAGES[kind]
    assert low <= _pages(pdf) <= high
    if lang == "ja":
        assert "記載が必要な事項" in text and "InfuGuard500" in text


def test_demo_pdf_first_page_is_an_a4_page_with_content(web_world, tmp_path):
    pdf = tmp_path / "demo" / "documents" / "InfuGuard-500-2.1.0-customer-ja.pdf"
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
    )
    (png,) = tmp_path.glob("p*.png")
    with Image.open(png) as image:
        assert image.size == (414, 585)  # A4 at 50 dpi
        gray = image.convert("L")
        dark = sum(gray.histogram()[:128])
    assert 0.005 < dark / (414 * 585) < 0.3  # text on the page, not a blank or black page
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, check=True).stdout
    assert b"Noto-Sans-CJK-JP" in fonts  # Japanese typography from fonts-noto-cjk


def test_demo_revisions_listed_downloaded_audited_and_hidden(client, web_world, session_factory):
    vic, val = bearer(web_world, "vic"), bearer(web_world, "val")
    revs = client.get(f"/api/v1/documents?product={PRODUCT}", headers=vic).json()
    assert {(r["kind"], r["lang"], r["format"]) for r in revs} == {
        (k, lang, f)
        for k in ("submission", "customer")
        for lang in ("en", "ja")
        for f in ("html", "pdf")
    }
    assert client.get("/api/v1/documents", headers=val).json() == []
    pdf = next(r for r in revs if r["format"] == "pdf" and r["kind"] == "customer")
    got = client.get(f"/api/v1/documents/{pdf['id']}/content", headers=vic)
    assert got.status_code == 200 and got.content.startswith(b"%PDF")
    assert hashlib.sha256(got.content).hexdigest() == pdf["output_sha256"]
    with session_factory() as s:
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "document.download"))
        assert [e.object_id for e in events] == [pdf["id"]]
    assert client.get(f"/api/v1/documents/{pdf['id']}/content", headers=val).status_code == 404
