"""The MDS2 question table, the XLSX writer and the bounded reader (pure: no database)."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from mds2_files import entity_bomb, many_cells, many_rows, messy_vendor_workbook, zip_bomb
from openpyxl import load_workbook

from medsec.errors import DocumentError, DocumentTooLarge
from medsec.mds2 import rules, workbook
from medsec.mds2.questions import SECTIONS, by_id, looks_like_id, questions

ID = r"([A-Z]{3,4})-(\d+(?:\.\d+)*)"


def _standards_ids(text: str) -> set[str]:
    """Every question id STANDARDS.md §10 names: explicit ids, ``A..B`` and ``…`` ranges,
    ``x.y–x.z`` sub-ranges and bare sub-numbers read in the section named last."""
    body = text.split("## 10. MDS2", 1)[1].split("## 11.", 1)[0]
    body = body.split("Section ids and question ranges", 1)[1].split("Platform use:", 1)[0]
    out: set[str] = set()
    section: str | None = None
    token = re.compile(
        rf"\*\*(?P<bold>[A-Z]{{3,4}})\*\*"
        rf"|(?P<range>{ID}\.\.(\d+))"
        rf"|(?P<ell>{ID} \([\d.]+\) ?… ?([A-Z]{{3,4}})-(\d+))"
        rf"|(?P<ell2>{ID} \([\d.–]+\)…([A-Z]{{3,4}})-(\d+))"
        rf"|(?P<id>{ID})"
        r"|(?P<each>each \.(\d)–\.(\d))"
        r"|(?P<sub>\b\d+(?:\.\d+)+–\d+(?:\.\d+)+)"
        r"|(?P<cont>(?<=, )-(\d+))"
        r"|(?P<bare>\b\d+\.\d+(?:\.\d+)?\b)"
    )
    for m in token.finditer(body):
        kind = m.lastgroup
        g = m.group(kind)
        if kind == "bold":
            section = g
            if g == "OTHR":
                out.add("OTHR")
            continue
        if kind in ("range", "ell", "ell2", "id"):
            sec, first = re.match(ID, g).groups()
            section = sec
            if kind == "id":
                out.add(g)
                continue
            end = int(re.findall(r"\d+", g)[-1])
            start = int(first.split(".")[0])
            for n in range(start, end + 1):
                out.add(f"{sec}-{n}")
            for sub in re.findall(r"\(([\d.–]+)\)", g):
                out.update(_expand(sec, sub))
            continue
        assert section is not None, g
        if kind == "each":  # CSUP-2..6 each .1–.4
            a, b = (int(x) for x in re.findall(r"\d", g))
            for top in range(2, 7):
                out.update(f"{section}-{top}.{n}" for n in range(a, b + 1))
        elif kind == "sub":
            out.update(_expand(section, g))
        elif kind == "cont":
            out.add(f"{section}-{g.lstrip('-')}")
        else:
            out.add(f"{section}-{g}")
    return out


def _expand(section: str, numbers: str) -> set[str]:
    """``1.1–1.3`` -> {S-1.1, S-1.2, S-1.3}; ``7.1`` -> {S-7.1}."""
    if "–" not in numbers:
        return {f"{section}-{numbers}"}
    lo, hi = numbers.split("–")
    stem, a = lo.rsplit(".", 1)
    return {f"{section}-{stem}.{n}" for n in range(int(a), int(hi.rsplit(".", 1)[1]) + 1)}


@pytest.mark.shared_data
def test_the_question_table_has_exactly_the_ids_standards_md_names(shared_data):
    text = (Path(shared_data).parent / "docs" / "STANDARDS.md").read_text("utf-8")
    named = _standards_ids(text)
    ours = {q.id for q in questions()}
    assert len(named) > 200
    assert sorted(named - ours) == []  # every id of the form is in our table
    assert sorted(ours - named) == []  # and we invented none
    assert {q.section for q in questions()} == set(SECTIONS)


def test_the_table_is_in_form_order_and_each_id_is_well_formed():
    ids = [q.id for q in questions()]
    assert ids[0] == "DOC-1" and ids[-1] == "OTHR"
    assert len(ids) == len(set(ids)) == len(by_id())
    assert all(looks_like_id(i) for i in ids)
    assert not looks_like_id("HN-1.2019") and not looks_like_id("DOC") and looks_like_id("CONN-9")


def _rich_answers() -> tuple[dict[str, rules.Answer], list[tuple[str, str]]]:
    facts = rules.Facts(
        manufacturer="Acme <b>Medical</b>",
        product="Pump",
        release="1.0",
        document_id="MDS2-Pump-1.0",
        description='=HYPERLINK("http://evil.example","click")',
        model_name="pump model",
        interfaces=(
            rules.InterfaceFact("pump", "Wi-Fi 802.11ac", "wireless", True, port=443),
            rules.InterfaceFact("pump", "Bluetooth LE", "bluetooth", False, "disabled"),
        ),
        flows=(rules.FlowFact("dose", "HTTPS", 443, external=False),),
        sbom=rules.SbomFact("cyclonedx 1.6", 3, 3, 3, 1),
    )
    answers, hints = rules.prefill(facts)
    return answers, rules.to_answer(answers, hints)


def test_the_export_opens_with_every_question_id_and_lists_the_blanks():
    answers, open_items = _rich_answers()
    data = workbook.write_xlsx(meta=[("Product", "Pump")], answers=answers, open_items=open_items)
    wb = load_workbook(io.BytesIO(data))
    form = wb["MDS2"]
    ids = [c.value for c in form["A"] if isinstance(c.value, str) and looks_like_id(c.value)]
    assert ids == [q.id for q in questions()]
    todo = wb[workbook.TO_ANSWER_SHEET]
    listed = [c.value for c in todo["A"][1:]]
    assert listed == [qid for qid, _ in open_items]
    assert set(listed) == {q.id for q in questions()} - set(answers)
    assert "SBOM-2.4" in listed  # 1 of 3 components with a purl: a person decides
    assert any("1 of 3" in (c.value or "") for c in todo["D"])
    # hostile text stays text: never a formula in the file
    cells = [c for row in form.iter_rows() for c in row if c.value and str(c.value)[:1] == "="]
    assert cells and all(c.data_type == "s" for c in cells)


def test_round_trip_export_then_import_gives_the_same_answers():
    answers, open_items = _rich_answers()
    data = workbook.write_xlsx(meta=[], answers=answers, open_items=open_items)
    back = workbook.read_xlsx(data, source="ours.xlsx")
    assert {k: (a.answer, a.note) for k, a in back.answers.items()} == {
        k: (a.answer, a.note) for k, a in answers.items()
    }
    assert back.unknown == [] and back.warnings == []
    assert not any(a.formula for a in back.answers.values())


def test_a_messy_vendor_file_is_read_by_question_id():
    st = workbook.read_xlsx(messy_vendor_workbook(), source="vendor.xlsx")
    got = {k: (a.answer, a.note) for k, a in st.answers.items()}
    assert got == {
        "DOC-1": ("Northwind Imaging", ""),
        "DOC-8": ("Yes", "https://northwind.example/psirt"),
        "CONN-1.1.1": ("Yes", ""),
        "CONN-1.1.2": ("No", "radio removed"),
        "RMOT-1": ("Yes", "vendor VPN, customer enables per session"),
        "SBOM-1": ('=IF(1=1,"Yes","No")', ""),
        "MLDP-3": ("N/A", ""),
        "SGUD-4": ("See note", "segment on a VLAN; block 445"),
        "CSUP-8": ("No", ""),
        "PAUT-1": ("No", "one shared service login"),
    }
    assert st.answers["SBOM-1"].formula and st.answers["SBOM-1"].sheet == "Form 2019"
    assert st.unknown == [("Form 2019", 15, "CONN-99")]
    assert any("formula" in w and "SBOM-1" in w for w in st.warnings)


def test_bounds_refuse_large_files_zip_bombs_long_sheets_and_non_workbooks():
    with pytest.raises(DocumentTooLarge, match="limit"):
        workbook.read_xlsx(messy_vendor_workbook(), source="v.xlsx", max_bytes=1000)
    with pytest.raises(DocumentTooLarge, match="zip bomb"):
        workbook.read_xlsx(zip_bomb(), source="bomb.xlsx")
    with pytest.raises(DocumentTooLarge, match="'Sheet' has 51 rows"):
        workbook.read_xlsx(many_rows(50), source="long.xlsx", max_rows=50)
    with pytest.raises(DocumentTooLarge, match="holds 200001 cells; the limit is 200000"):
        workbook.read_xlsx(many_cells(200_000), source="cells.xlsx")
    with pytest.raises(DocumentError, match="not an XLSX"):
        workbook.read_xlsx(b"DOC-1,Yes\n", source="x.csv")
    with pytest.raises(DocumentError, match="cannot read the workbook"):
        workbook.read_xlsx(entity_bomb(), source="lol.xlsx")  # XML entities refused
    with pytest.raises(DocumentError, match="no MDS2 question ids"):
        workbook.read_xlsx(workbook_without_ids(), source="empty.xlsx")


def workbook_without_ids() -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "nothing here"
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize(
    ("cell", "read"),
    [("yes", "Yes"), (" Y ", "Yes"), ("No.", "No"), ("n/a", "N/A"), ("NA", "N/A"),
     ("See note 4", "See note 4")],
)  # fmt: skip
def test_answer_words(cell, read):
    assert rules.normalise(cell) == read


def test_the_jahis_sheet_names_update_methods_in_the_readers_language():
    from medsec.core.i18n import gettext_for
    from medsec.mds2 import jahis

    facts = rules.Facts(
        manufacturer="Acme", product="Pump", release="1.0", document_id="X",
        update_methods=("remote", "service_visit"),
    )  # fmt: skip
    lines = {i.key: i for i in jahis.items(facts, {}, None, gettext_for("ja", "mds2"))}
    assert lines["patching"].value == "リモートアップデート, サービス担当者の訪問によるアップデート"
    lines = {i.key: i for i in jahis.items(facts, {}, None, gettext_for("en", "mds2"))}
    assert lines["patching"].value == "Remote update, Service visit"
    assert lines["mds2"].value == "" and lines["remote_maintenance"].value == ""


def test_a_far_corner_cell_or_a_huge_merge_does_not_blow_up_the_reader():
    import zipfile

    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Question ID", "Answer"])
    ws.append(["DOC-8", "Yes"])
    ws.append(["CONN-6", "No"])
    ws.cell(row=4000, column=16000, value="far away")  # a sheet 64 million cells wide
    ws.merge_cells("A5:B6")
    buf = io.BytesIO()
    wb.save(buf)
    st = workbook.read_xlsx(buf.getvalue(), source="far.xlsx")
    assert {k: a.answer for k, a in st.answers.items()} == {"DOC-8": "Yes", "CONN-6": "No"}
    # the same file with one merged range over 65.5 million cells is refused before loading
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(buf.getvalue())) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            dst.writestr(info, data.replace(b'ref="A5:B6"', b'ref="C1:XFD4000"'))
    with pytest.raises(DocumentTooLarge, match="merged cells cover 65528000 cells"):
        workbook.read_xlsx(out.getvalue(), source="merge.xlsx")
