"""The customer notice as PDF: the same HTML, laid out by WeasyPrint (no network access).

WeasyPrint is imported when a PDF is made, not with this module: importing it takes about a
second and logs its stylesheet parsing (the ``csaf`` package configures the root logger at
INFO), which every other CLI command would pay for.
"""

from __future__ import annotations

import logging

from medsec.core.text import visible_html
from medsec.errors import Unavailable

MISSING_LIBS = (
    "a PDF needs WeasyPrint's system libraries (Debian/Ubuntu: apt-get install libpango-1.0-0 "
    "libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core): {error}"
)


def _no_fetch(url: str, *args: object, **kwargs: object) -> dict[str, object]:
    raise ValueError(f"the notice loads no external resource ({url})")


def html_to_pdf(html: str) -> bytes:
    """PDF bytes of a self-contained HTML page (WeasyPrint's and fontTools' progress logs kept
    quiet: font subsetting logs dozens of INFO lines per document)."""
    logs = [logging.getLogger(name) for name in ("weasyprint", "fontTools")]
    before = [log.level for log in logs]
    for log in logs:
        log.setLevel(logging.WARNING)
    try:
        try:
            from weasyprint import HTML  # see the module docstring: imported when needed
        except OSError as error:  # cffi could not load pango/harfbuzz
            raise Unavailable(MISSING_LIBS.format(error=error)) from None
        shown = visible_html(html)  # bidi/control characters in any text shown as markers
        pdf = HTML(string=shown, url_fetcher=_no_fetch).write_pdf()
    finally:
        for log, level in zip(logs, before, strict=True):
            log.setLevel(level)
    assert pdf is not None
    return bytes(pdf)
