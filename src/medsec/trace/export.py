"""Outputs of the matrix as bytes: CSV and XLSX (openpyxl, imported when used)."""

from __future__ import annotations

import csv
import io

from medsec.trace.rules import FLAT_COLUMNS, Matrix, flatten

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value: str) -> str:
    """Text that a spreadsheet will not run as a formula."""
    return "'" + value if value.startswith(_FORMULA_START) else value


def to_csv(matrix: Matrix) -> bytes:
    """The flat matrix as CSV (UTF-8, header row)."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(FLAT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    for line in flatten(matrix):
        writer.writerow({k: _cell(v) for k, v in line.items()})
    return buf.getvalue().encode()


def to_xlsx(matrix: Matrix, title: str) -> bytes:
    """The flat matrix as an XLSX workbook: one sheet, gaps highlighted, a gap summary sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "matrix"
    ws.append([f"Traceability matrix: {title}"[:200]])
    ws.append(list(FLAT_COLUMNS))
    for c in ws[2]:
        c.font = Font(bold=True)
    gap_fill = PatternFill("solid", fgColor="FFF2CC")
    for line in flatten(matrix):
        ws.append([_cell(line[k]) for k in FLAT_COLUMNS])
        if line["gaps"]:
            for c in ws[ws.max_row]:
                c.fill = gap_fill
    summary = wb.create_sheet("gaps")
    summary.append(["gap", "threats"])
    for kind, n in matrix.gap_counts.items():
        summary.append([kind, n])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()
