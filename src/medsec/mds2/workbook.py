"""MDS2 statements as XLSX (openpyxl): write one from answers, read a vendor's back.

Reading is bounded (file size, uncompressed size, rows per sheet) and never evaluates a formula:
the workbook is opened with ``data_only=False`` and a formula cell is kept as its text.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.worksheet.worksheet import Worksheet

from medsec.errors import DocumentError, DocumentTooLarge
from medsec.mds2.questions import SECTIONS, by_id, looks_like_id, questions
from medsec.mds2.rules import Answer, ImportedAnswer, ImportedStatement, normalise

MAX_BYTES = 10 * 1024 * 1024
MAX_UNCOMPRESSED = 40 * 1024 * 1024
MAX_ROWS = 5000
MAX_SHEETS = 50
MAX_MERGED_CELLS = 10_000  # one merged range spread over more cells is ignored
MAX_MERGED_AREA = 200_000  # cells covered by all merged ranges of one sheet
MAX_CELLS = 200_000  # cells stored in one sheet (a real form has a few thousand)
HEADER = ("Question ID", "Section", "Question", "Answer", "Note", "Source")
TO_ANSWER_SHEET = "To answer"
_ANSWER_HEAD = re.compile(r"answer|response|yes\s*[,/]\s*no|y\s*/\s*n\b", re.I)
_NOTE_HEAD = re.compile(r"note|comment|remark|explanation|detail", re.I)
_SOURCE_HEAD = re.compile(r"^source$", re.I)


def _put(ws: Worksheet, row: int, col: int, value: str) -> None:
    """Write text that stays text: a leading '=' never becomes a formula."""
    cell = ws.cell(row=row, column=col, value=value)
    if value.startswith("="):
        cell.data_type = "s"


def write_xlsx(
    *,
    meta: Sequence[tuple[str, str]],
    answers: dict[str, Answer],
    open_items: Sequence[tuple[str, str]],
) -> bytes:
    """The statement: sheet "MDS2" with every question id, sheet "To answer" with the gaps."""
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "MDS2"
    ws.cell(row=1, column=1, value="Manufacturer Disclosure Statement for Medical Device "
            "Security (question ids of ANSI/NEMA HN 1-2019)").font = Font(bold=True)  # fmt: skip
    row = 2
    for key, value in meta:
        _put(ws, row, 1, key)
        _put(ws, row, 2, value)
        row += 1
    row += 1
    for col, head in enumerate(HEADER, start=1):
        ws.cell(row=row, column=col, value=head).font = Font(bold=True)
    for q in questions():
        row += 1
        a = answers.get(q.id)
        values = (q.id, SECTIONS[q.section], q.text, a.answer if a else "", a.note if a else "",
                  a.source if a else "")  # fmt: skip
        for col, value in enumerate(values, start=1):
            _put(ws, row, col, value)
    for letter, width in zip("ABCDEF", (12, 28, 70, 22, 60, 40), strict=True):
        ws.column_dimensions[letter].width = width
    for line in ws.iter_rows(min_row=1, max_row=row):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    todo = wb.create_sheet(TO_ANSWER_SHEET)
    for col, head in enumerate(("Question ID", "Section", "Question", "Why it is open"), 1):
        todo.cell(row=1, column=col, value=head).font = Font(bold=True)
    for r, (qid, why) in enumerate(open_items, start=2):
        q = by_id()[qid]
        for col, value in enumerate((qid, SECTIONS[q.section], q.text, why), start=1):
            _put(todo, r, col, value)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _check_container(data: bytes, source: str, max_bytes: int) -> None:
    if len(data) > max_bytes:
        raise DocumentTooLarge(
            f"file is {len(data)} bytes; the limit is {max_bytes}", source=source
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            infos = z.infolist()
    except zipfile.BadZipFile:
        raise DocumentError("not an XLSX workbook (not a zip container)", source=source) from None
    total = sum(i.file_size for i in infos)
    if total > MAX_UNCOMPRESSED or len(infos) > 2000:
        raise DocumentTooLarge(
            f"the workbook unpacks to {total} bytes in {len(infos)} parts; the limit is "
            f"{MAX_UNCOMPRESSED} bytes (a zip bomb or not an MDS2 form)",
            source=source,
        )
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                xml = z.read(info)
                cells = len(_CELL.findall(xml))
                if cells > MAX_CELLS:
                    raise DocumentTooLarge(
                        f"{info.filename} holds {cells} cells; the limit is {MAX_CELLS}",
                        source=source,
                    )
                area = _merged_area(xml)
                if area > MAX_MERGED_AREA:
                    raise DocumentTooLarge(
                        f"{info.filename}: merged cells cover {area} cells; the limit is "
                        f"{MAX_MERGED_AREA} (a real form merges a few thousand)",
                        source=source,
                    )


_CELL = re.compile(rb"<(?:\w+:)?c[\s/>]")
_MERGE = re.compile(
    rb'<(?:\w+:)?mergeCell\b[^>]*\bref="([A-Z]{1,3})(\d{1,7}):([A-Z]{1,3})(\d{1,7})"'
)


def _column(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def _merged_area(xml: bytes) -> int:
    """How many cells the merged ranges of one sheet's XML cover (openpyxl makes one object
    per merged cell when it loads, so this is checked before loading)."""
    return sum(
        (abs(_column(c2) - _column(c1)) + 1) * (abs(int(r2) - int(r1)) + 1)
        for c1, r1, c2, r2 in _MERGE.findall(xml)
    )


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.date().isoformat() if isinstance(value, datetime) else value.isoformat()
    text = value if isinstance(value, str) else str(getattr(value, "text", None) or value)
    return text.strip()


Cell = tuple[str, bool, int]  # text, is formula, merged-range number (0: not merged)


def _grid(ws: Worksheet) -> dict[tuple[int, int], Cell]:
    """Every non-empty cell, merged ranges spread over the cells they cover."""
    grid: dict[tuple[int, int], Cell] = {}
    # only the cells the file holds: iter_rows() would create every cell up to the far corner
    stored: dict[tuple[int, int], Any] = ws._cells
    for (row, col), cell in stored.items():
        if cell.value is not None:
            grid[(row, col)] = (_text(cell.value), cell.data_type == "f", 0)
    for n, rng in enumerate(ws.merged_cells.ranges, start=1):
        top = grid.get((rng.min_row, rng.min_col))
        if top is None or rng.size["rows"] * rng.size["columns"] > MAX_MERGED_CELLS:
            continue
        for r in range(rng.min_row, rng.max_row + 1):
            for c in range(rng.min_col, rng.max_col + 1):
                grid[(r, c)] = (top[0], top[1], n)
    return grid


def _id_column(grid: dict[tuple[int, int], Cell]) -> int | None:
    counts: dict[int, int] = {}
    for (_r, c), (text, _f, _m) in grid.items():
        if looks_like_id(text):
            counts[c] = counts.get(c, 0) + 1
    if not counts:
        return None
    col, n = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
    return col if n >= 2 else None


def _columns(
    grid: dict[tuple[int, int], Cell], id_col: int, id_rows: list[int]
) -> tuple[int | None, int | None]:
    """The answer and note columns: by header above the first id, else by their content."""
    answer = note = None
    first = id_rows[0]
    for r in range(first - 1, max(0, first - 20), -1):  # the nearest header row wins
        for c in sorted(c for (rr, c) in grid if rr == r and c != id_col):
            head = grid[(r, c)][0]
            if len(head) > 60:
                continue
            if answer is None and _ANSWER_HEAD.search(head):
                answer = c
            elif note is None and _NOTE_HEAD.search(head) and not _SOURCE_HEAD.search(head):
                note = c
        if answer is not None or note is not None:
            break
    if answer is None:
        votes: dict[int, int] = {}
        for r in id_rows:
            for (rr, c), (text, _f, _m) in grid.items():
                if rr == r and c not in (id_col, note) and normalise(text) in ("Yes", "No", "N/A"):
                    votes[c] = votes.get(c, 0) + 1
        if votes:
            answer = max(votes.items(), key=lambda kv: (kv[1], -kv[0]))[0]
    if answer is not None and (note is None or note == answer):
        note = answer + 1
    return answer, note


def _sheet(
    ws: Worksheet, statement: ImportedStatement, known: dict[str, object], max_rows: int
) -> None:
    title = ws.title
    if ws.max_row > max_rows:
        raise DocumentTooLarge(
            f"sheet {title!r} has {ws.max_row} rows; the limit is {max_rows}",
            source=statement.source,
        )
    grid = _grid(ws)
    id_col = _id_column(grid)
    if id_col is None:
        return
    id_rows = sorted(
        {r for (r, c), (t, _f, _m) in grid.items() if c == id_col and looks_like_id(t)}
    )
    answer_col, note_col = _columns(grid, id_col, id_rows)
    if answer_col is None:
        if title != TO_ANSWER_SHEET:  # medsec's own list of open questions has no answers
            statement.warnings.append(
                f"sheet {title!r}: question ids but no answer column; skipped"
            )
        return
    for r in id_rows:
        qid = grid[(r, id_col)][0]
        if qid not in known:
            statement.unknown.append((title, r, qid))
            continue
        a_text, a_formula, a_merge = grid.get((r, answer_col), ("", False, 0))
        n_text, n_formula, n_merge = grid.get((r, note_col or 0), ("", False, 0))
        if n_merge and n_merge == a_merge:
            n_text, n_formula = "", False  # one merged cell spans answer and note
        if not a_text and not n_text:
            continue
        formula = a_formula or n_formula
        if formula:
            statement.warnings.append(
                f"sheet {title!r} row {r} ({qid}): a formula, kept as text and not evaluated"
            )
        got = ImportedAnswer(qid, normalise(a_text), n_text, title, r, formula)
        before = statement.answers.get(qid)
        if before is None:
            statement.answers[qid] = got
        elif (before.answer, before.note) != (got.answer, got.note):
            statement.warnings.append(
                f"sheet {title!r} row {r}: {qid} answered again differently; the answer on "
                f"sheet {before.sheet!r} row {before.row} is kept"
            )


def read_xlsx(
    data: bytes, *, source: str, max_bytes: int = MAX_BYTES, max_rows: int = MAX_ROWS
) -> ImportedStatement:
    """A vendor's MDS2 workbook as structured answers keyed by question id."""
    _check_container(data, source, max_bytes)
    try:
        wb = load_workbook(io.BytesIO(data), data_only=False, keep_vba=False, keep_links=False)
    except Exception as exc:  # openpyxl raises many kinds for broken files
        raise DocumentError(f"cannot read the workbook: {exc}", source=source) from None
    statement = ImportedStatement(source=source)
    sheets: Iterable[Any] = wb.worksheets
    if len(wb.worksheets) > MAX_SHEETS:
        raise DocumentTooLarge(
            f"{len(wb.worksheets)} sheets; the limit is {MAX_SHEETS}", source=source
        )
    known: dict[str, object] = dict(by_id())
    for ws in sheets:
        _sheet(ws, statement, known, max_rows)
    wb.close()
    if not statement.answers and not statement.unknown:
        raise DocumentError(
            "no MDS2 question ids (such as DOC-1 or CONN-1.1) found in any sheet", source=source
        )
    return statement
