"""`medsec jurisdictions`: the regulator profiles (FDA, Japan, EU, Canada) a product's markets
choose: CVD deadlines, reporting timelines, words, document sections; unverified facts flagged."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.jurisdictions import profiles, rules
from medsec.jurisdictions.schemas import Profile, ProfileRead

app = typer.Typer(help="Jurisdiction profiles (FDA, Japan, EU, Canada).", no_args_is_help=True)


class Fmt(StrEnum):
    """Output format."""

    table = "table"
    json = "json"


def profile_json(p: Profile) -> ProfileRead:
    """A profile as shown, with the pointers of its unverified facts."""
    return ProfileRead(**dict(p), unverified=rules.unverified(p))


def _flag(verified: bool) -> str:
    return "" if verified else " (unverified)"


@app.command("list")
def list_(fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """The profiles: code, name, regulator and how many facts are unverified."""
    rows: list[dict[str, Any]] = [
        {
            "code": p.code,
            "name": p.name,
            "regulator": p.regulator,
            "unverified_facts": len(rules.unverified(p)),
        }
        for p in profiles.all_profiles()
    ]
    if fmt is Fmt.json:
        runtime.print_json(rows)
        return
    table = Table("code", "name", "regulator", "unverified facts")
    for r in rows:
        table.add_row(
            r["code"], escape(r["name"]), escape(r["regulator"]), str(r["unverified_facts"])
        )
    runtime.console.print(table)


@app.command("show")
def show(code: str, fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """One profile: CVD deadlines, words, reporting timelines, requirements, sections."""
    p = profiles.get(code)
    if fmt is Fmt.json:
        runtime.print_json(profile_json(p))
        return
    out = runtime.console
    out.print(f"{p.code}: {p.name} ({p.name_ja}), {p.regulator}", markup=False, highlight=False)
    cvd = Table("CVD deadline", "days", "source", title="CVD deadlines (none: install policy)")
    for key, fact in p.cvd.items():
        days = "none" if fact.days is None else str(fact.days)
        cvd.add_row(key, days, escape(fact.source + _flag(fact.verified)))
    out.print(cvd)
    words = Table("concept", "English", "Japanese", "source", title="Words")
    for key, t in p.vocabulary.items():
        words.add_row(key, escape(t.en), escape(t.ja), escape(t.source + _flag(t.verified)))
    out.print(words)
    reports = Table("report", "to", "due", "source", title="Reporting timelines")
    for o in p.reporting_obligations:
        due = "as soon as possible" if o.due.unit == "none" else f"{o.due.amount} {o.due.unit}"
        reports.add_row(
            escape(o.title),
            escape(o.authority),
            due.replace("_", " "),
            escape(o.source + _flag(o.verified)),
        )
    out.print(reports)
    for r in p.requirements:
        out.print(f"- {r.topic}: {r.text}{_flag(r.verified)}", markup=False, highlight=False)
    for kind, ids in p.document_sections.items():
        out.print(f"sections {kind}: {', '.join(ids)}", markup=False, highlight=False)
    if p.terms_ja:
        terms = Table("concept", "Japanese term", "note", title="Japanese terms")
        for jt in p.terms_ja:
            terms.add_row(escape(jt.concept), escape(jt.term), escape(jt.note))
        out.print(terms)
