"""How `medsec cvd` shows cases: typed read models and the text layout of one case."""

from __future__ import annotations

from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.cvd.read import case_json, deadline_state, summary_json
from medsec.cvd.schemas import CaseRead

__all__ = ["case_json", "deadline_state", "print_detail", "summary_json"]


def print_detail(data: CaseRead) -> None:
    """Print one case (from ``case_json``) as text; every stored string is escaped."""
    out = runtime.console
    state = data.state + (f" ({data.outcome})" if data.outcome else "")
    out.print(f"[bold]{data.receipt_id}[/bold] (case {data.id}): {state}")
    out.print(f"title: {escape(data.title or '')}", highlight=False)
    rep = data.report
    out.print(
        f"reported: {escape(rep.product or '')} {escape(rep.version or '')} via {data.source}; "
        f"product {escape(data.product or '-')}; risk {data.risk}; "
        f"CVE {data.cve_id or '-'}; embargo {data.embargo_date or '-'}; "
        f"credit {escape(data.credit or '-')}",
        highlight=False,
    )
    if data.held_for_review:
        out.print(f"held for review: {escape('; '.join(data.spam.reasons))}")
    if data.finder:
        f = data.finder
        pgp = "PGP key given" if f.pgp_key else "no PGP key"
        who = f"{f.name or 'anonymous'} <{f.email or '-'}>"
        out.print(f"finder: {escape(who)}, {pgp}", highlight=False)
    table = Table("deadline", "due", "state", "met")
    for d in data.deadlines:
        table.add_row(d.name, d.due[:16], d.state, (d.met_at or "-")[:16])
    out.print(table)
    out.print("timeline:")
    for e in data.timeline:
        if e.kind == "state":
            what = f"{e.from_state or '-'} → {e.to}"
            what += f" ({e.outcome})" if e.outcome else ""
            what += f": {e.reason}" if e.reason else ""
        else:
            shown = " (finder sees it)" if e.visible_to_finder else ""
            what = f"{e.direction} {e.channel}{shown}: {e.text}"
        out.print(f"  {(e.at or '')[:16]} {escape(e.actor or '')}: {escape(what)}", highlight=False)
    for a in data.attachments:
        line = f"  attachment {a.name} ({a.content_type}, {a.size} B, {a.sha256})"
        out.print(escape(line), highlight=False)
    for x in data.links:
        out.print(f"  linked {x.kind}: {escape(x.label or '')}", highlight=False)
    for c in data.coordination:
        ref = f", ref {c.reference}" if c.reference else ""
        line = f"  informed {c.organisation} ({c.role}) on {c.informed_on}{ref}"
        out.print(escape(line), highlight=False)
