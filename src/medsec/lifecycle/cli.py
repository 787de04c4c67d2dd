"""`medsec lifecycle`: endoflife.date data, release EOL/EOS, support status, horizon, legacy,
customer notices, planning and the timeline."""

from __future__ import annotations

import json
import sys
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from pydantic import BaseModel, ValidationError
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.errors import InvalidInput
from medsec.lifecycle import rules, service
from medsec.lifecycle.schemas import ControlIn, ReleaseLifecycleUpdate

app = typer.Typer(
    help="End of life, end of support and legacy (seed 6.6): lifecycle data, horizon, notices.",
    no_args_is_help=True,
)
MAX_FILE = 4 * 1024 * 1024
MAX_FILES = 5000


class Fmt(StrEnum):
    """Output formats of list/show commands."""

    table = "table"
    json = "json"


class Lang(StrEnum):
    """Notice languages."""

    en = "en"
    ja = "ja"


class DocFmt(StrEnum):
    """Notice document formats."""

    html = "html"
    pdf = "pdf"


def _on(value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"--on {value!r}: expected a date YYYY-MM-DD") from None


def _date(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} {value!r}: expected a date YYYY-MM-DD") from None


def _files(paths: list[Path]) -> list[tuple[str, bytes]]:
    out: list[tuple[str, bytes]] = []
    for path in paths:
        if path.is_dir():
            inner = path / "products" if (path / "products").is_dir() else path
            found = sorted(inner.glob("*.md"))
            if not found:
                raise InvalidInput(f"{path}: no endoflife.date product files (*.md) in it")
        elif path.is_file():
            found = [path]
        else:
            raise InvalidInput(f"{path}: no such file or directory")
        for f in found:
            if len(out) >= MAX_FILES:
                raise InvalidInput(f"{path}: more than {MAX_FILES} files")
            out.append((str(f), runtime.read_input(f, limit=MAX_FILE)))
    return out


def _schedule(path: Path | None) -> tuple[tuple[rules.NoticeRule, ...], int]:
    if path is None:
        return rules.DEFAULT_SCHEDULE, rules.DEFAULT_WINDOW_DAYS
    try:
        obj = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read the schedule ({exc.__class__.__name__})") from None
    except json.JSONDecodeError as exc:
        raise InvalidInput(f"{path}: line {exc.lineno}: not JSON ({exc.msg})") from None
    try:
        return rules.parse_schedule(obj, source=str(path))
    except ValueError as exc:
        raise InvalidInput(str(exc)) from None


def _dump(items: list[Any] | BaseModel) -> Any:
    if isinstance(items, BaseModel):
        return items.model_dump(mode="json")
    return [i.model_dump(mode="json") for i in items]


def _s(value: object) -> str:
    return escape("" if value is None else str(value))


@app.command("import")
def import_(
    paths: list[Path] = typer.Argument(..., help="endoflife.date products/*.md, or their folder."),
    skip_bad: bool = typer.Option(False, "--skip-bad", help="Leave out unusable entries."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Import endoflife.date product files (analyst); every bad entry is reported."""
    files = _files(paths)
    try:
        with runtime.uow() as session:
            result = service.import_files(
                session, files=files, actor=runtime.actor(), skip_bad=skip_bad
            )
    except service.LifecycleDataError as exc:
        for problem in exc.problems:
            sys.stderr.write(f"{problem}\n")
        raise
    if fmt is Fmt.json:
        runtime.print_json(_dump(result))
        return
    runtime.console.print(
        f"{result.products} products ({result.new} new, {result.replaced} replaced, "
        f"{result.unchanged} unchanged), {result.cycles} release cycles",
        highlight=False,
    )
    kept = [p for p in result.problems if p.kept]
    for p in result.problems:
        if not p.kept:
            runtime.console.print(f"left out: {_s(p.source)}: {_s(p.location)}: {_s(p.message)}")
    if kept:
        runtime.console.print(
            f"{len(kept)} entries kept with a warning (e.g. ended without a date); "
            "--format json lists each",
            highlight=False,
        )


@app.command("products")
def products_(fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """List the imported endoflife.date products."""
    with runtime.uow() as session:
        rows = service.list_lifecycle_products(session, actor=runtime.actor())
    if fmt is Fmt.json:
        runtime.print_json(_dump(rows))
        return
    table = Table("product", "title", "cycles", "purls", "CPEs")
    for r in rows:
        table.add_row(_s(r.slug), _s(r.title), str(r.cycles), _s(len(r.purls)), _s(len(r.cpes)))
    runtime.console.print(table)


@app.command("map")
def map_(
    purl_type: str = typer.Option(..., "--purl-type", help="e.g. deb, npm, maven, generic."),
    name: str = typer.Option(..., "--name", help="Package name (namespace/name where it has one)."),
    product: str = typer.Option(..., "--product", help="endoflife.date product, e.g. openssl."),
) -> None:
    """Add a mapping row: components with this purl type and name belong to the product."""
    with runtime.uow() as session:
        row = service.add_mapping(
            session, purl_type=purl_type, name=name, product=product, actor=runtime.actor()
        )
    runtime.console.print(f"pkg:{_s(row.purl_type)}/{_s(row.name)} → {_s(row.product)}")


@app.command("mappings")
def mappings(fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """List your mapping rows (the built-in table is documented in lifecycle/rules.py)."""
    with runtime.uow() as session:
        rows = service.list_mappings(session, actor=runtime.actor())
    if fmt is Fmt.json:
        runtime.print_json(_dump(rows))
        return
    table = Table("purl type", "name", "product")
    for r in rows:
        table.add_row(_s(r.purl_type), _s(r.name), _s(r.product))
    runtime.console.print(table)


def _control(spec: str) -> ControlIn:
    name, sep, until = spec.rpartition("@")
    if not sep:
        name, until = spec, ""
    try:
        return ControlIn(name=name.strip(), until=_date("--control", until.strip() or None))
    except ValidationError as exc:
        raise InvalidInput(f"--control {spec!r}: {exc.errors()[0]['msg']}") from None


@app.command("set")
def set_(
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    eol_planned: str | None = typer.Option(None, help="Planned end of life (YYYY-MM-DD)."),
    eol_announced: str | None = typer.Option(None, help="Announced end of life."),
    eol_announced_on: str | None = typer.Option(None, help="When the EOL was announced."),
    eos_planned: str | None = typer.Option(None, help="Planned end of support."),
    eos_announced: str | None = typer.Option(None, help="Announced end of support."),
    eos_announced_on: str | None = typer.Option(None, help="When the EOS was announced."),
    patchable: bool | None = typer.Option(
        None, "--patchable/--not-patchable", help="Can an update replace ended components?"
    ),
    control: list[str] = typer.Option(
        [], "--control", help="Compensating control NAME[@YYYY-MM-DD] (repeatable; replaces)."
    ),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Set a release's end of life / end of support and compensating controls (analyst)."""
    values: dict[str, Any] = {
        k: _date(f"--{k.replace('_', '-')}", v)
        for k, v in (
            ("eol_planned", eol_planned),
            ("eol_announced", eol_announced),
            ("eol_announced_on", eol_announced_on),
            ("eos_planned", eos_planned),
            ("eos_announced", eos_announced),
            ("eos_announced_on", eos_announced_on),
        )
        if v is not None
    }
    if patchable is not None:
        values["patchable"] = patchable
    if control:
        values["controls"] = [_control(c) for c in control]
    if not values:
        raise InvalidInput("nothing to set: give a date, --patchable or --control")
    data = ReleaseLifecycleUpdate(**values)
    with runtime.uow() as session:
        result = service.set_release_lifecycle(
            session, product=product, version=release, data=data, actor=runtime.actor()
        )
    if fmt is Fmt.json:
        runtime.print_json(_dump(result))
        return
    runtime.console.print(
        f"{_s(product)} {_s(release)}: end of life {result.eol or 'not set'}, "
        f"end of support {result.eos or 'not set'}",
        highlight=False,
    )


@app.command("status")
def status(
    product: str = typer.Option(..., "--product", "-p"),
    release: str | None = typer.Option(None, "--release", "-r"),
    on: str | None = typer.Option(None, "--on", help="Date (YYYY-MM-DD); default today."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Support phase, horizon and legacy status of the releases on a date."""
    with runtime.uow() as session:
        rows = service.status(
            session, product=product, version=release, on=_on(on), actor=runtime.actor()
        )
    if fmt is Fmt.json:
        runtime.print_json(_dump(rows))
        return
    table = Table("release", "phase", "end of life", "end of support", "horizon", "legacy", "why")
    for r in rows:
        table.add_row(
            _s(r.release),
            _s(r.phase_words),
            _s(r.lifecycle.eol),
            _s(r.lifecycle.eos),
            _s(f"{r.horizon} ({', '.join(r.horizon_set_by)})" if r.horizon else ""),
            _s(r.legacy.status.replace("_", " ")),
            _s("; ".join(r.legacy.reasons)),
        )
    runtime.console.print(table)
    for r in rows:
        for w in r.warnings:
            runtime.console.print(f"warning: {_s(r.release)}: {_s(w)}", highlight=False)


@app.command("horizon")
def horizon(
    product: str = typer.Option(..., "--product", "-p"),
    release: str | None = typer.Option(None, "--release", "-r"),
    on: str | None = typer.Option(None, "--on"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """The support horizon: the earliest component end of support, and the warnings."""
    with runtime.uow() as session:
        rows = service.horizon(
            session, product=product, version=release, on=_on(on), actor=runtime.actor()
        )
    if fmt is Fmt.json:
        runtime.print_json(_dump(rows))
        return
    for h in rows:
        by = ", ".join(f"{c.name} {c.version or ''}".strip() for c in h.set_by)
        runtime.console.print(
            f"[bold]{_s(h.product)} {_s(h.release)}[/bold]: horizon {h.horizon or 'unknown'}"
            + (f" set by {_s(by)}" if by else "")
            + f" ({h.components_with_end_of_support} of {h.components} components with an "
            "end of support)",
            highlight=False,
        )
        for w in h.warnings:
            runtime.console.print(f"  warning: {_s(w)}", highlight=False)
        for c in h.conflicts:
            runtime.console.print(f"  conflict: {_s(c.name)}: {_s(c.conflict)}", highlight=False)


@app.command("components")
def components(
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    on: str | None = typer.Option(None, "--on"),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Every component's support on a date, where it comes from, and conflicts."""
    with runtime.uow() as session:
        rows = service.component_support(
            session, product=product, version=release, on=_on(on), actor=runtime.actor()
        )
    if fmt is Fmt.json:
        runtime.print_json(_dump(rows))
        return
    table = Table("component", "version", "support", "ends", "from", "cycle", "conflict")
    for c in rows:
        table.add_row(
            _s(c.name),
            _s(c.version),
            _s(rules.LEVEL_WORDS.get(c.level, c.level)),
            _s(c.end_of_support or ("ended, no date" if c.ended_without_date else "")),
            _s(c.source),
            _s(f"{c.lifecycle_product} {c.lifecycle_cycle}" if c.lifecycle_product else ""),
            _s(c.conflict),
        )
    runtime.console.print(table)


@app.command("notices")
def notices(
    product: str = typer.Option(..., "--product", "-p"),
    release: str | None = typer.Option(None, "--release", "-r"),
    on: str | None = typer.Option(None, "--on"),
    schedule: Path | None = typer.Option(
        None, envvar="MEDSEC_LIFECYCLE_NOTICES", help="Notice schedule (JSON)."
    ),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """The customer notices due on a date under the notice schedule."""
    rules_, window = _schedule(schedule)
    with runtime.uow() as session:
        rows = service.notices(
            session,
            product=product,
            version=release,
            on=_on(on),
            actor=runtime.actor(),
            schedule=rules_,
            window_days=window,
        )
    if fmt is Fmt.json:
        runtime.print_json(_dump(rows))
        return
    table = Table("release", "notice", "about", "milestone", "due since")
    for n in rows:
        what = {"eol": "end of life", "eos": "end of support"}.get(
            n.milestone, "component end of support"
        )
        table.add_row(
            _s(n.release),
            _s(n.key),
            _s(n.subject),
            _s(f"{what} {n.milestone_date}"),
            _s(n.due_on),
        )
    runtime.console.print(table)


@app.command("notice")
def notice(
    key: str,
    product: str = typer.Option(..., "--product", "-p"),
    release: str = typer.Option(..., "--release", "-r"),
    on: str | None = typer.Option(None, "--on"),
    lang: Lang = typer.Option(Lang.en, "--lang"),
    fmt: DocFmt = typer.Option(DocFmt.html, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o", help="Write here (default stdout)."),
    contact: str | None = typer.Option(None, help="Contact line printed in the notice."),
    schedule: Path | None = typer.Option(None, envvar="MEDSEC_LIFECYCLE_NOTICES"),
) -> None:
    """Draft one due notice as HTML or PDF, in English or Japanese."""
    rules_, window = _schedule(schedule)
    with runtime.uow() as session:
        html = service.draft_notice(
            session,
            product=product,
            version=release,
            key=key,
            on=_on(on),
            lang="ja" if lang is Lang.ja else "en",
            actor=runtime.actor(),
            schedule=rules_,
            window_days=window,
            contact=contact,
        )
    data = html.encode()
    if fmt is DocFmt.pdf:
        from medsec.export.notice_pdf import html_to_pdf

        data = html_to_pdf(html)
    if out is None:
        sys.stdout.buffer.write(data)
        return
    out.write_bytes(data)
    runtime.console.print(f"wrote {out}", highlight=False)


@app.command("plan")
def plan(
    product: str = typer.Option(..., "--product", "-p"),
    on: str | None = typer.Option(None, "--on"),
    years: int = typer.Option(3, "--years", help="How far ahead (1–10)."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Milestones by quarter and the legacy / at-risk releases with their reasons."""
    with runtime.uow() as session:
        result = service.plan(
            session, product=product, on=_on(on), actor=runtime.actor(), years=years
        )
    if fmt is Fmt.json:
        runtime.print_json(_dump(result))
        return
    table = Table("quarter", "end of life", "end of support", "components ending")
    for q in result.quarters:
        table.add_row(
            _s(q.quarter),
            _s(", ".join(q.end_of_life)),
            _s(", ".join(q.end_of_support)),
            _s("; ".join(q.component_end_of_support)),
        )
    runtime.console.print(table)
    for r in result.releases:
        runtime.console.print(
            f"{_s(r.release)}: {_s(r.legacy.status.replace('_', ' '))} — "
            f"{_s('; '.join(r.legacy.reasons))}",
            highlight=False,
        )
    runtime.console.print(
        "hospital assets: not available until the hospital workspace lands", highlight=False
    )


@app.command("timeline")
def timeline(
    product: str = typer.Option(..., "--product", "-p"),
    on: str | None = typer.Option(None, "--on"),
    out: Path | None = typer.Option(None, "--out", "-o"),
) -> None:
    """The SVG timeline of a product family."""
    with runtime.uow() as session:
        svg = service.timeline(session, product=product, on=_on(on), actor=runtime.actor())
    if out is None:
        sys.stdout.write(svg + "\n")
        return
    out.write_text(svg, encoding="utf-8")
    runtime.console.print(f"wrote {out}", highlight=False)
