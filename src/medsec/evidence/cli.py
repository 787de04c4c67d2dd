"""`medsec evidence`: import SARIF, JUnit and pentest results for a release; list; coverage."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.evidence import service

app = typer.Typer(help="Verification evidence (seed 5.3 security testing).", no_args_is_help=True)
PRODUCT = typer.Option(..., "--product", "-p", help="Product name.")
RELEASE = typer.Option(..., "--release", "-r", help="Release version.")


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


class Kind(StrEnum):
    """Evidence file kinds."""

    sarif = "sarif"
    junit = "junit"
    pentest = "pentest"


@app.command("import")
def import_(
    file: Path,
    kind: Kind = typer.Option(..., "--kind", "-k"),
    product: str = PRODUCT,
    release: str = RELEASE,
    test_kind: str | None = typer.Option(
        None,
        "--test-kind",
        help="component-vulnerability-search, static-analysis, robustness-fuzz, "
        "penetration-test, variation-analysis or security-test (guessed when absent).",
    ),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Import every result of the file; failing results wait for triage."""
    data = runtime.read_input(file)
    with runtime.uow() as session:
        r = service.import_file(
            session,
            product=product,
            release=release,
            data=data,
            source=str(file),
            kind=kind.value,
            actor=runtime.actor(),
            test_kind=test_kind,
        )
    if fmt is Fmt.json:
        runtime.print_json(r.model_dump(mode="json"))
        return
    c = r.counts
    runtime.console.print(
        f"{escape(r.source_name)} ({r.format}, {r.test_kind}): {c['total']} results — "
        f"{c['pass']} passed, {c['fail']} failed, {c['error']} errors, {c['skipped']} skipped",
        highlight=False,
    )
    for w in r.warnings:
        runtime.console.print(f"  warning: {escape(w)}", highlight=False)


@app.command("list")
def list_(
    product: str = PRODUCT,
    release: str = RELEASE,
    results: bool = typer.Option(False, "--results", help="List the results, not the files."),
    outcome: str | None = typer.Option(None, "--outcome", help="pass|fail|error|skipped"),
    limit: int = typer.Option(1000, "--limit"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """The release's evidence files (or, with --results, their results)."""
    with runtime.uow() as session:
        if results:
            rows = service.list_results(
                session,
                product=product,
                release=release,
                actor=runtime.actor(),
                outcome=outcome,
                limit=limit,
            )
            if fmt is Fmt.json:
                runtime.print_json([r.model_dump(mode="json") for r in rows])
                return
            t = Table("outcome", "kind", "key", "level", "location", "file")
            for r in rows:
                t.add_row(
                    r.outcome,
                    r.kind,
                    escape(r.key),
                    r.level or "",
                    escape(r.location or ""),
                    escape(r.source_name),
                )
            runtime.console.print(t)
            return
        imports = service.list_imports(
            session, product=product, release=release, actor=runtime.actor()
        )
        cov = service.coverage(session, product=product, release=release, actor=runtime.actor())
    if fmt is Fmt.json:
        runtime.print_json(
            {"imports": [i.model_dump(mode="json") for i in imports], "coverage": cov.model_dump()}
        )
        return
    t = Table("id", "file", "kind", "test kind", "results", "failed", "imported")
    for i in imports:
        t.add_row(
            str(i.id),
            escape(i.source_name),
            i.kind,
            i.test_kind,
            str(i.counts["total"]),
            str(i.counts["fail"] + i.counts["error"]),
            i.imported_at.isoformat()[:16],
        )
    runtime.console.print(t)
    runtime.console.print(
        "seed 5.3 coverage: "
        + ", ".join(f"{k} {'yes' if v else 'no'}" for k, v in cov.kinds.items())
        + f"; {cov.to_triage} results to triage",
        highlight=False,
    )


@app.command("triage")
def triage(
    result_id: int = typer.Argument(..., help="Result id (medsec evidence list --results)."),
    product: str = PRODUCT,
    release: str = RELEASE,
    note: str = typer.Option(..., "--note", help="What was decided and why."),
) -> None:
    """Record the triage of a failing result."""
    with runtime.uow() as session:
        r = service.triage(
            session,
            product=product,
            release=release,
            result_id=result_id,
            note=note,
            actor=runtime.actor(),
        )
    runtime.console.print(f"result {r.id} ({escape(r.key)}): triaged", highlight=False)
