"""Vendor MDS2 workbooks written the way real ones arrive: moved columns, title rows, blank rows,
merged cells, Yes/No spelled many ways, formulas, ids the form does not have."""

from __future__ import annotations

import io
import zipfile

from openpyxl import Workbook


def messy_vendor_workbook() -> bytes:
    """A vendor statement with its id column in C, answers in E, notes in G, and traps."""
    wb = Workbook()
    cover = wb.active
    cover.title = "Cover"
    cover["A1"] = "Manufacturer Disclosure Statement"
    cover["A3"] = "Prepared for customers; see the form sheet"
    ws = wb.create_sheet("Form 2019")
    ws["B2"] = "Northwind Imaging: NW Ultrasound 7"
    ws.merge_cells("B2:G2")
    ws["C5"] = "Question ID"
    ws["D5"] = "Question"
    ws["E5"] = "Yes, No, N/A, or See Note"
    ws["G5"] = "Note #/Comments"
    rows = [
        ("DOC-1", "Manufacturer name", "Northwind Imaging", ""),
        ("DOC-8", "CVD?", "yes", "https://northwind.example/psirt"),
        (None, None, None, None),  # blank row inside the table
        ("CONN-1.1.1", "Wi-Fi?", " Y ", ""),
        ("CONN-1.1.2", "Bluetooth?", "N", "radio removed"),
        ("RMOT-1", "Remote service?", "Yes", "vendor VPN, customer enables per session"),
        ("SBOM-1", "SBOM?", '=IF(1=1,"Yes","No")', ""),  # a formula: text, never evaluated
        ("MLDP-3", "Compensating controls?", "n/a", ""),
        ("CONN-99", "A question the form does not have", "Yes", ""),
        ("SGUD-4", "Recommended controls", "See note", "segment on a VLAN; block 445"),
    ]
    r = 6
    for qid, text, answer, note in rows:
        r += 1
        if qid is None:
            continue
        ws.cell(row=r, column=3, value=qid)
        ws.cell(row=r, column=4, value=text)
        ws.cell(row=r, column=5, value=answer)
        if note:
            ws.cell(row=r, column=7, value=note)
    # a merged answer spanning the answer and the next column: the value is read once
    r += 1
    ws.cell(row=r, column=3, value="CSUP-8")
    ws.cell(row=r, column=5, value="No")
    ws.merge_cells(start_row=r, start_column=5, end_row=r, end_column=6)
    # the id itself in a merged block two rows high
    r += 1
    ws.cell(row=r, column=3, value="PAUT-1")
    ws.merge_cells(start_row=r, start_column=3, end_row=r + 1, end_column=3)
    ws.cell(row=r, column=5, value="No")
    ws.cell(row=r, column=7, value="one shared service login")
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def zip_bomb() -> bytes:
    """A zip container whose one part unpacks to far more than an MDS2 form ever needs."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("xl/worksheets/sheet1.xml", b"<" + b"a" * (60 * 1024 * 1024) + b"/>")
    return buf.getvalue()


def many_rows(n: int) -> bytes:
    """A workbook with ``n`` rows of ids."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Sheet")
    ws.append(["Question ID", "Answer"])
    for _ in range(n):
        ws.append(["DOC-1", "Yes"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def entity_bomb() -> bytes:
    """A real workbook whose XML declares nested entities (billion laughs)."""
    wb = Workbook()
    wb.active["A1"] = "DOC-1"
    wb.active["A2"] = "DOC-2"
    buf = io.BytesIO()
    wb.save(buf)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    out = io.BytesIO()
    bomb = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    )
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for info in src.infolist():
            data = src.read(info.filename)
            if b"DOC-2" in data:
                body = data.decode()
                body = body.split("?>", 1)[1] if body.startswith("<?xml") else body
                data = (bomb + body.replace("DOC-2", "&lol3;")).encode()
            z.writestr(info, data)
    return out.getvalue()


def many_cells(n: int) -> bytes:
    """A workbook whose sheet XML holds ``n`` empty cells (written straight into the XML)."""
    wb = Workbook()
    wb.active["A1"] = "Question ID"
    buf = io.BytesIO()
    wb.save(buf)
    cells = b"".join(b'<row r="%d"><c r="A%d"/></row>' % (i, i) for i in range(2, n + 2))
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", cells + b"</sheetData>")
            dst.writestr(info, data)
    return out.getvalue()
