"""`medsec mds2`: write a release's MDS2 statement (XLSX) from the records; read a vendor's."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.mds2 import service
from medsec.mds2.schemas import Mds2ExportRead, Mds2StatementRead

app = typer.Typer(
    help="MDS2 statements (ANSI/NEMA HN 1-2019): export from the records, import a vendor's.",
    no_args_is_help=True,
)


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


FORMAT = typer.Option(Fmt.table, "--format", help="table or json (stable keys).")


def print_export(read: Mds2ExportRead, fmt: Fmt) -> None:
    """Print what an export wrote and every question left for a person."""
    if fmt is Fmt.json:
        runtime.print_json(read.model_dump(mode="json"))
        return
    runtime.console.print(
        f"wrote {escape(read.file or '')}: {read.product} {read.release}, {len(read.answers)} of "
        f"{read.questions} question(s) answered from the records, {len(read.to_answer)} to "
        "answer by hand (sheet 'To answer')",
        highlight=False,
        markup=False,
    )
    table = Table("id", "question", "why it is open")
    for item in read.to_answer:
        table.add_row(escape(item.id), escape(item.question), escape(item.why))
    runtime.console.print(table)


@app.command("export")
def export(
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    out: Path = typer.Option(..., "--out", "-o", help="The XLSX file to write."),
    fmt: Fmt = FORMAT,
) -> None:
    """Write the release's MDS2 XLSX, pre-filled from the records; blanks are listed."""
    with runtime.uow() as session:
        read = service.export_file(
            session, product=product, release=release, out=out, actor=runtime.actor()
        )
    print_export(read, fmt)


def print_statement(read: Mds2StatementRead, fmt: Fmt) -> None:
    """Print a vendor's statement as read."""
    if fmt is Fmt.json:
        runtime.print_json(read.model_dump(mode="json"))
        return
    table = Table("id", "answer", "note", "sheet", "row")
    for a in read.answers:
        table.add_row(escape(a.id), escape(a.answer), escape(a.note), escape(a.sheet), str(a.row))
    runtime.console.print(table)
    runtime.console.print(
        f"{escape(read.source)}: {len(read.answers)} answer(s)", highlight=False, markup=False
    )
    for u in read.unknown:
        runtime.console.print(
            f"  unknown question id {u.id!r} on sheet {u.sheet!r} row {u.row}",
            highlight=False,
            markup=False,
        )
    for w in read.warnings:
        runtime.console.print(f"  warning: {w}", highlight=False, markup=False)


@app.command("import")
def import_(
    file: Path = typer.Argument(..., help="A vendor's MDS2 workbook (XLSX)."),
    fmt: Fmt = FORMAT,
) -> None:
    """Read a vendor's MDS2 XLSX into structured answers (nothing is stored; see
    `medsec assets vendor-mds2` to file it against a release)."""
    read = service.read_statement(runtime.read_input(file), source=str(file))
    print_statement(read, fmt)


@app.command("jahis")
def jahis(
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    out: Path = typer.Option(..., "--out", "-o", help="The XLSX file to write."),
    lang: str = typer.Option("ja", "--lang", help="ja or en."),
    mds2_file: str | None = typer.Option(
        None, "--mds2-file", help="Name of the MDS2 XLSX handed over with it (medsec mds2 export)."
    ),
    fmt: Fmt = FORMAT,
) -> None:
    """Write the Japanese MDS/SDS items medsec can source (XLSX); what it cannot is listed."""
    with runtime.uow() as session:
        read = service.jahis_export(
            session, product=product, release=release, out=out, lang=lang,
            actor=runtime.actor(), mds2_file=mds2_file,
        )  # fmt: skip
    if fmt is Fmt.json:
        runtime.print_json(read.model_dump(mode="json"))
        return
    filled = sum(1 for i in read.items if i.value)
    runtime.console.print(
        f"wrote {read.file}: {filled} of {len(read.items)} item(s) from the records",
        highlight=False,
        markup=False,
    )
    table = Table("item", "value", "source")
    for i in read.items:
        table.add_row(escape(i.label), escape(i.value or "(to answer)"), escape(i.source))
    runtime.console.print(table)
    for gap in read.not_covered:
        runtime.console.print(f"not covered: {gap.what}: {gap.why}", highlight=False, markup=False)
