"""The notice PDF: made by WeasyPrint here; a clear error where its system libraries are missing."""

from __future__ import annotations

import builtins

import pytest

from medsec.errors import Unavailable
from medsec.export.notice_pdf import html_to_pdf

PAGE = "<html><body><h1>InfuGuard 500</h1><p>Install release 2.1.0.</p></body></html>"


def test_a_pdf_is_made_from_the_html() -> None:
    pdf = html_to_pdf(PAGE)
    assert pdf.startswith(b"%PDF-") and pdf.rstrip().endswith(b"%%EOF")


def test_missing_system_libraries_give_a_clear_error(monkeypatch) -> None:
    real_import = builtins.__import__

    def no_pango(name, *args, **kwargs):
        if name == "weasyprint":
            raise OSError("cannot load library 'libpango-1.0-0': not found")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pango)
    with pytest.raises(Unavailable) as caught:
        html_to_pdf(PAGE)
    assert "libpango-1.0-0" in str(caught.value) and "apt-get install" in str(caught.value)
    assert caught.value.status == 503
