"""`medsec docs`: generate documents from the records (build), and read their revisions (list,
show, diff)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.documents import service
from medsec.documents.schemas import BuildRequest, RevisionRead
from medsec.documents.sections import KINDS
from medsec.mds2 import cli as mds2_cli

app = typer.Typer(
    help="Documents generated from the records (seed 5.4-5.6), in English and Japanese.",
    no_args_is_help=True,
)


class Fmt(StrEnum):
    """Output formats of list and show."""

    table = "table"
    json = "json"


@app.command("build")
def build(
    kind: str = typer.Option(..., "--kind", "-k", help=f"One of {', '.join(KINDS)}."),
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    fmt: str = typer.Option("html", "--format", "-f", help="html or pdf."),
    lang: str = typer.Option("en", "--lang", help="en or ja."),
    out: Path = typer.Option(Path("."), "--out", "-o", help="Folder to write the file to."),
    market: list[str] = typer.Option([], "--market", help="Market (jurisdiction) code; repeat."),
    section: list[str] = typer.Option([], "--section", help="Only these section ids; repeat."),
) -> None:
    """Generate a document, store it as a new revision and write it to --out."""
    req = BuildRequest(
        kind=kind,
        product=product,
        release=release,
        lang=lang,
        format=fmt,  # type: ignore[arg-type]
        markets=market,
    )
    with runtime.uow() as session:
        built = service.build(session, request=req, actor=runtime.actor(), sections=section or None)
    out.mkdir(parents=True, exist_ok=True)
    path = out / built.revision.filename
    path.write_bytes(built.data)
    r = built.revision
    runtime.console.print(f"revision {r.id}: {escape(str(path))} ({r.size} bytes)", highlight=False)
    if r.to_complete:
        runtime.console.print(f"[yellow]{len(r.to_complete)} fact(s) to complete:[/yellow]")
        for item in r.to_complete:
            runtime.console.print(f"  - {escape(item)}", highlight=False)


def _table(rows: list[RevisionRead]) -> Table:
    t = Table("rev", "kind", "product", "release", "lang", "format", "to complete", "by", "at")
    for r in rows:
        t.add_row(
            str(r.id),
            r.kind,
            escape(r.product),
            escape(r.release),
            r.lang,
            r.format,
            str(len(r.to_complete)),
            escape(r.created_by),
            r.created_at.isoformat(timespec="seconds"),
        )
    return t


@app.command("list")
def list_(
    product: str | None = typer.Option(None, "--product", "-p"),
    kind: str | None = typer.Option(None, "--kind", "-k"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Stored revisions, newest first."""
    with runtime.uow() as session:
        rows = service.list_revisions(session, actor=runtime.actor(), product=product, kind=kind)
    if fmt is Fmt.json:
        runtime.print_json([r.model_dump(mode="json") for r in rows])
        return
    runtime.console.print(_table(rows))


@app.command("show")
def show(
    revision: int = typer.Argument(..., help="Revision number."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o", help="Also write the file here."),
) -> None:
    """One revision: what it was made from (hashes), what is missing; --out writes the file."""
    with runtime.uow() as session:
        if out is not None:
            built = service.download(session, revision=revision, actor=runtime.actor())
            r = built.revision
        else:
            r = service.get_revision(session, revision=revision, actor=runtime.actor())
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        (out / r.filename).write_bytes(built.data)
    if fmt is Fmt.json:
        runtime.print_json(r.model_dump(mode="json"))
        return
    runtime.console.print(_table([r]))
    runtime.console.print(f"inputs sha256 {r.inputs_sha256}\noutput sha256 {r.output_sha256}")
    for item in r.to_complete:
        runtime.console.print(f"  to complete: {escape(item)}", highlight=False)


@app.command("diff")
def diff(
    revision: int = typer.Argument(..., help="The earlier revision."),
    against: int | None = typer.Argument(None, help="A later revision (default: the records now)."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """What changed since a revision, section by section (text diff of the inputs)."""
    with runtime.uow() as session:
        d = service.diff(session, revision=revision, actor=runtime.actor(), against=against)
    if fmt is Fmt.json:
        runtime.print_json(d.model_dump(mode="json"))
        return
    target = f"revision {against}" if against else "the records now"
    runtime.console.print(f"revision {d.base} -> {target}", highlight=False)
    if not d.inputs_changed:
        runtime.console.print("no change")
    for s in d.sections:
        if s.status == "same":
            continue
        runtime.console.print(f"[bold]{s.section}[/bold]: {s.status}")
        for line in s.diff:
            runtime.console.print(f"  {escape(line)}", highlight=False)


# `medsec docs mds2` is `medsec mds2 export`: the MDS2 is one of the documents customers ask for.
app.command("mds2", help="Write the release's MDS2 XLSX, pre-filled from the records.")(
    mds2_cli.export
)
