"""The one pipeline: Jinja2 template -> HTML -> PDF (WeasyPrint through
``export.notice_pdf.html_to_pdf``). Autoescaped: record values are text; the only markup let
through is the system diagram, SVG that medsec's own Graphviz call produced."""

from __future__ import annotations

from functools import cache

from jinja2 import Environment, PackageLoader, select_autoescape

from medsec.core.i18n import install_jinja
from medsec.documents.schemas import DocumentContent
from medsec.web.svg import bar_chart_svg

CSS = """
@page{size:A4;margin:18mm 15mm;@bottom-right{content:counter(page) " / " counter(pages);
font-size:8pt;color:#555}}
body{font-family:%(fonts)s;font-size:10pt;
line-height:1.5;color:#111;max-width:60em;margin:1em auto}
h1{font-size:1.5em}h1.part{page-break-before:always;border-bottom:2px solid #333}
h2{font-size:1.15em;margin-top:1.4em;border-bottom:1px solid #999;break-after:avoid}
.clause{font-weight:normal;font-size:.8em;color:#555}.meta{color:#444}
table{border-collapse:collapse;width:100%;margin:.5em 0;font-size:.9em}
thead{display:table-header-group}
tr,td,th{break-inside:avoid;page-break-inside:avoid}
td,th{border:1px solid #bbb;padding:.25em .35em;text-align:left;vertical-align:top;
overflow-wrap:break-word}
th{background:#eee}
.missing{border-left:4px solid #c60;background:#fff4e5;padding:.3em .6em}
.to-complete{border:1px solid #c60;padding:.2em .8em;margin-bottom:1em}
figure.diagram{break-inside:avoid;margin:.5em 0}figure.diagram svg{max-width:100%;height:auto}
.chart .bar{fill:#4a6fa5}.chart text{font-size:12px}.chart .hm-title{font-weight:bold}
"""


# Japanese needs a CJK font (Debian: fonts-noto-cjk) named first; English keeps the PDF small
FONTS = {
    "ja": '"Noto Sans CJK JP","Noto Sans JP","DejaVu Sans",sans-serif',
    "en": '"DejaVu Sans","Noto Sans CJK JP",sans-serif',
}


@cache
def _env(lang: str) -> Environment:
    env = Environment(
        loader=PackageLoader("medsec.documents", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        extensions=["jinja2.ext.i18n"],
    )
    install_jinja(env, lang, "documents")
    return env


def to_html(doc: DocumentContent, *, generated: str) -> str:
    """The document as one self-contained HTML page."""
    doc = _with_charts(doc)
    template = _env(doc.lang).get_template("document.html")
    return template.render(
        doc=doc, css=CSS.replace("%(fonts)s", FONTS[doc.lang]), generated=generated
    )


def _chart(title: str, rows: list[list[str]]) -> str:
    svg = bar_chart_svg(title, [(k, int(n), None) for k, n in rows])
    return svg.replace('class="bar"', 'class="bar" fill="#4a6fa5"')  # PDF: no page stylesheet


def _with_charts(doc: DocumentContent) -> DocumentContent:
    """The document with each chart block drawn as SVG by the web kit's bar chart (escaped)."""
    parts = []
    for title, sections in doc.parts:
        new = []
        for s in sections:
            blocks = [
                b.model_copy(update={"svg": _chart(b.text, b.rows)}) if b.kind == "chart" else b
                for b in s.blocks
            ]
            new.append(s.model_copy(update={"blocks": blocks}))
        parts.append((title, new))
    return doc.model_copy(update={"parts": parts})


def to_pdf(html: str) -> bytes:
    """The same HTML laid out as PDF."""
    from medsec.export.notice_pdf import html_to_pdf

    return html_to_pdf(html)
