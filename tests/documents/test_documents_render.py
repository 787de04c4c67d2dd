"""The HTML -> PDF layout: a table row is never split across two pages."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime

from medsec.documents import render
from medsec.documents.schemas import Block, DocumentContent, SectionContent


def _page_texts(pdf: bytes, tmp_path) -> list[str]:
    path = tmp_path / "doc.pdf"
    path.write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout.decode()
    pages = int(next(x for x in info.splitlines() if x.startswith("Pages:")).split()[1])
    return [
        subprocess.run(
            ["pdftotext", "-f", str(i), "-l", str(i), str(path), "-"],
            capture_output=True,
            check=True,
        ).stdout.decode()
        for i in range(1, pages + 1)
    ]


def test_table_rows_stay_whole_across_page_breaks(tmp_path):
    tall = " ".join(["filler words in a cell"] * 40)
    rows = [[f"ROW{i:03d}START", f"{tall} ROW{i:03d}END"] for i in range(60)]
    section = SectionContent(
        id="test.evidence",
        clause="5.6.3",
        title="Rows",
        blocks=[Block(kind="table", headers=["a", "b"], rows=rows)],
    )
    doc = DocumentContent(
        kind="test",
        title="Layout",
        product="P",
        manufacturer="M",
        release="1",
        lang="en",
        generated_at=datetime(2026, 1, 1, tzinfo=UTC),
        parts=[("Layout", [section])],
        to_complete=[],
    )
    pages = _page_texts(render.to_pdf(render.to_html(doc, generated="2026-01-01")), tmp_path)
    assert len(pages) >= 3  # the table does cross pages
    for i in range(60):
        start = [n for n, text in enumerate(pages) if f"ROW{i:03d}START" in text]
        end = [n for n, text in enumerate(pages) if f"ROW{i:03d}END" in text]
        assert start == end and len(start) == 1, (i, start, end)
