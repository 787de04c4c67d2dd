"""How `medsec cvd` shows cases: JSON-ready dicts and the text layout of one case."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.cvd import repository
from medsec.cvd.deadlines import Deadline
from medsec.cvd.service import CaseDetail, CaseSummary


def _iso(value: datetime | None) -> str | None:
    stamp = repository.aware(value)
    return stamp.isoformat() if stamp else None


def deadline_state(d: Deadline) -> str:
    """due, overdue, met, or met late."""
    if d.met_at is not None:
        return "met late" if d.late else "met"
    return "overdue" if d.overdue else "due"


def _deadline_json(d: Deadline) -> dict[str, Any]:
    return {
        "name": d.name,
        "due": d.due.isoformat(),
        "met_at": _iso(d.met_at),
        "state": deadline_state(d),
        "source": d.source,
    }


def summary_json(s: CaseSummary) -> dict[str, Any]:
    """One case as `cvd list --format json` shows it."""
    c = s.case
    return {
        "id": c.id,
        "receipt_id": c.receipt_id,
        "state": c.state,
        "outcome": c.outcome,
        "product": s.product,
        "title": c.title,
        "received_at": _iso(c.received_at),
        "cve_id": c.cve_id,
        "held_for_review": c.held_for_review,
        "overdue": list(s.overdue),
    }


def case_json(d: CaseDetail) -> dict[str, Any]:
    """One case as `cvd show --format json` shows it (finder contact only to security roles)."""
    c = d.case
    milestones = (
        "received_at",
        "acknowledged_at",
        "triaged_at",
        "remediation_started_at",
        "remediated_at",
        "disclosed_at",
        "closed_at",
    )
    finder = (
        {"name": c.finder_name, "email": c.finder_email, "pgp_key": c.finder_pgp_key}
        if d.finder_visible
        else None
    )
    return {
        "id": c.id,
        "receipt_id": c.receipt_id,
        "state": c.state,
        "outcome": c.outcome,
        "remediated": c.remediated,
        "title": c.title,
        "product": d.product,
        "risk": c.risk,
        "cve_id": c.cve_id,
        "credit": c.credit if d.finder_visible else None,
        "embargo_date": c.embargo_date.isoformat() if c.embargo_date else None,
        "source": c.source,
        "held_for_review": c.held_for_review,
        "spam": {"score": c.spam_score, "reasons": list(c.spam_reasons)},
        "report": {
            "product": c.reported_product,
            "version": c.reported_version,
            "description": c.description,
            "reproduction_steps": c.reproduction,
            "cvss_vector": c.cvss_vector,
        },
        "finder": finder,
        "milestones": {m: _iso(getattr(c, m)) for m in milestones},
        "deadlines": [_deadline_json(x) for x in d.deadlines],
        "timeline": [
            {
                "at": _iso(e.at),
                "kind": e.kind,
                "actor": e.actor,
                "from": e.from_state,
                "to": e.to_state,
                "outcome": e.outcome,
                "reason": e.reason,
                "direction": e.direction,
                "channel": e.channel,
                "text": e.text,
                "visible_to_finder": e.visible_to_finder,
            }
            for e in d.events
        ],
        "attachments": [
            {"name": a.name, "content_type": a.content_type, "size": a.size, "sha256": a.sha256}
            for a in d.attachments
        ],
        "links": [{"kind": x.kind, "label": x.label, "target": x.target} for x in d.links],
        "coordination": [
            {
                "organisation": x.organisation,
                "role": x.role,
                "country": x.country,
                "annex_b": x.annex_b,
                "informed_on": x.informed_on.isoformat(),
                "reference": x.reference,
                "note": x.note,
            }
            for x in d.coordination
        ],
    }


def print_detail(data: dict[str, Any]) -> None:
    """Print one case (from ``case_json``) as text; every stored string is escaped."""
    out = runtime.console
    state = data["state"] + (f" ({data['outcome']})" if data["outcome"] else "")
    out.print(f"[bold]{data['receipt_id']}[/bold] (case {data['id']}): {state}")
    out.print(f"title: {escape(data['title'])}", highlight=False)
    rep = data["report"]
    out.print(
        f"reported: {escape(rep['product'])} {escape(rep['version'])} via {data['source']}; "
        f"product {escape(data['product'] or '-')}; risk {data['risk']}; "
        f"CVE {data['cve_id'] or '-'}; embargo {data['embargo_date'] or '-'}; "
        f"credit {escape(data['credit'] or '-')}",
        highlight=False,
    )
    if data["held_for_review"]:
        out.print(f"held for review: {escape('; '.join(data['spam']['reasons']))}")
    if data["finder"]:
        f = data["finder"]
        pgp = "PGP key given" if f["pgp_key"] else "no PGP key"
        who = f"{f['name'] or 'anonymous'} <{f['email'] or '-'}>"
        out.print(f"finder: {escape(who)}, {pgp}", highlight=False)
    table = Table("deadline", "due", "state", "met")
    for d in data["deadlines"]:
        table.add_row(d["name"], d["due"][:16], d["state"], (d["met_at"] or "-")[:16])
    out.print(table)
    out.print("timeline:")
    for e in data["timeline"]:
        if e["kind"] == "state":
            what = f"{e['from'] or '-'} → {e['to']}"
            what += f" ({e['outcome']})" if e["outcome"] else ""
            what += f": {e['reason']}" if e["reason"] else ""
        else:
            shown = " (finder sees it)" if e["visible_to_finder"] else ""
            what = f"{e['direction']} {e['channel']}{shown}: {e['text']}"
        out.print(f"  {e['at'][:16]} {escape(e['actor'])}: {escape(what)}", highlight=False)
    for a in data["attachments"]:
        line = f"  attachment {a['name']} ({a['content_type']}, {a['size']} B, {a['sha256']})"
        out.print(escape(line), highlight=False)
    for x in data["links"]:
        out.print(f"  linked {x['kind']}: {escape(x['label'])}", highlight=False)
    for x in data["coordination"]:
        ref = f", ref {x['reference']}" if x["reference"] else ""
        line = f"  informed {x['organisation']} ({x['role']}) on {x['informed_on']}{ref}"
        out.print(escape(line), highlight=False)
