"""Bidi and terminal-control characters shown as visible markers (pages, PDF, CLI)."""

from __future__ import annotations

import shutil
import subprocess

from markupsafe import Markup

from medsec.core.text import has_hidden, visible, visible_html
from medsec.export.notice_pdf import html_to_pdf
from medsec.web.render import make_templates, shown

TROJAN = "admin\u202e\u2066txt.exe\u2069\u202c"
ESCAPES = "ok\x1b[2J\x1b]0;pwned\x07\x9b31m\x00end"


def test_bidi_and_control_characters_become_markers_and_plain_text_stays():
    assert visible(TROJAN) == "admin<U+202E><U+2066>txt.exe<U+2069><U+202C>"
    assert visible(ESCAPES) == "ok<U+001B>[2J<U+001B>]0;pwned<U+0007><U+009B>31m<U+0000>end"
    for c in ["\u202a", "\u202b", "\u202d", "\u2067", "\u2068", "\x7f", "\x85", "\x9f"]:
        assert visible(f"a{c}b") == f"a<U+{ord(c):04X}>b"
    plain = "InfuGuard 500 — 輸液ポンプ\tv2.0\nline two; 'quoted' <b>"
    assert visible(plain) == plain and not has_hidden(plain)
    assert visible("a\r\nb\rc") == "a\nb<U+000D>c"  # a lone CR would rewrite the line
    assert visible_html("a&amp;\u202eb\r\n") == "a&amp;&lt;U+202E&gt;b\r\n"


def test_every_page_expression_shows_markers_and_stays_escaped():
    env = make_templates().env
    page = env.from_string("<p>{{ name }}</p><p>{{ svg }}</p><p>{{ n }}</p>")
    out = page.render(name=TROJAN + "<b>", svg=Markup("<svg>\u202e</svg>"), n=3)
    assert "\u202e" not in out and "\u2066" not in out
    assert "admin&lt;U+202E&gt;&lt;U+2066&gt;txt.exe" in out and "&lt;b&gt;" in out
    assert "<svg>&lt;U+202E&gt;</svg>" in out and "<p>3</p>" in out
    assert shown(None) is None


def test_the_pdf_shows_markers():
    pdf = html_to_pdf(f"<html><body><p>Product {TROJAN} {ESCAPES[:6]}</p></body></html>")
    assert shutil.which("pdftotext"), "apt-get install poppler-utils"
    text = subprocess.run(
        ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "admin<U+202E><U+2066>txt.exe<U+2069><U+202C>" in text
    assert "ok<U+001B>[2J" in text and "\u202e" not in text
