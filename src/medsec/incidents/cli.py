"""`medsec incident`: incident response (ISO/IEC 27035, seed 6.5) — plans, incidents, phases,
the timeline, evidence with chain of custody, links, notifications with deadlines, closing."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.errors import InvalidInput
from medsec.incidents import evidence as evidence_mod
from medsec.incidents import lessons, notices, obligations, plans, rules, service, views
from medsec.incidents.schemas import IncidentRead, NotificationRead

app = typer.Typer(
    help="Security incidents: plan, detect, assess, respond, learn (ISO/IEC 27035, seed 6.5).",
    no_args_is_help=True,
)
plan_app = typer.Typer(help="Response plans, teams, contacts and exercises.", no_args_is_help=True)
evidence_app = typer.Typer(help="Evidence items and their chain of custody.", no_args_is_help=True)
app.add_typer(plan_app, name="plan")
app.add_typer(evidence_app, name="evidence")

REASON = typer.Option("", "--reason", help="Why (required where the rules say so).")
MAX_FILE = 4 * 1024 * 1024


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


def read_text(path: Path, option: str, limit: int = MAX_FILE) -> str:
    """A UTF-8 text file; errors name the file and the option."""
    data = runtime.read_input(path, option=option, limit=limit)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidInput(f"{path}: {option}: not UTF-8 text (byte {exc.start})") from None


def _date(option: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(f"{option} {value!r}: expected a date YYYY-MM-DD") from None


def _when(value: Any) -> str:
    return value.isoformat()[:16].replace("T", " ") if value else "-"


@app.command("open")
def open_(
    title: str | None = typer.Option(None, "--title", help="What happened, in a line."),
    product: str | None = typer.Option(None, "--product", "-p"),
    release: list[str] = typer.Option([], "--release", "-r", help="Affected release (repeatable)."),
    jurisdiction: list[str] = typer.Option(
        [],
        "--jurisdiction",
        "-j",
        help="Where the product is marketed: US, EU, JP, CA (repeatable).",
    ),
    detected_at: str | None = typer.Option(None, "--detected-at", help="ISO time (default: now)."),
    source: str = typer.Option("manual", "--source", help="manual or hospital."),
    reporter: str | None = typer.Option(None, "--reporter", help="Who reported it."),
    reporter_org: str | None = typer.Option(None, "--reporter-org", help="e.g. the hospital."),
    asset: list[str] = typer.Option(
        [],
        "--asset",
        help="Affected asset: a hospital-workspace asset tag (or asset:TAG), or free text for "
        "one outside the workspace (repeatable).",
    ),
    description_file: Path | None = typer.Option(None, "--description-file"),
    share_summary_file: Path | None = typer.Option(
        None, "--share-summary-file", help="The text written for ISAOs (redacted on export)."
    ),
    tlp: str = typer.Option("amber", "--tlp", help="clear, green, amber, amber+strict, red."),
    from_cvd: str | None = typer.Option(None, "--from-cvd", help="Open from a CVD case."),
    from_finding: int | None = typer.Option(
        None, "--from-finding", help="Open from a finding with exploitation evidence (KEV)."
    ),
) -> None:
    """Open an incident (by hand, from a hospital's report, a CVD case or an exploited finding)."""
    when = service.parse_when("--detected-at", detected_at)
    with runtime.uow() as session:
        if from_cvd is not None:
            row = service.open_from_cvd(
                session,
                case=from_cvd,
                actor=runtime.actor(),
                jurisdictions=jurisdiction,
                detected_at=when,
            )
        elif from_finding is not None:
            row = service.open_from_finding(
                session,
                finding_id=from_finding,
                actor=runtime.actor(),
                jurisdictions=jurisdiction,
                detected_at=when,
            )
        else:
            if not title:
                raise InvalidInput("--title: is required (or --from-cvd / --from-finding)")
            row = service.open_incident(
                session,
                title=title,
                actor=runtime.actor(),
                product=product,
                releases=release,
                jurisdictions=jurisdiction,
                detected_at=when,
                source=source,
                reporter=reporter,
                reporter_org=reporter_org,
                assets=asset,
                description=read_text(description_file, "--description-file")
                if description_file
                else "",
                share_summary=read_text(share_summary_file, "--share-summary-file")
                if share_summary_file
                else "",
                tlp=tlp,
            )
        ref = row.ref
    runtime.console.print(f"incident {ref} opened (reported)", highlight=False)


@app.command("list")
def list_(
    phase: str | None = typer.Option(None, "--phase", help="Only incidents in this phase."),
    overdue: bool = typer.Option(False, "--overdue", help="Only with an overdue notification."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """The incidents you may see, with phase and overdue notifications."""
    with runtime.uow() as session:
        rows = views.list_incidents(session, actor=runtime.actor(), phase=phase, overdue=overdue)
    if fmt is Fmt.json:
        runtime.print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table(
        "ref", "phase", "product", "detected", "safety", "privacy", "next due", "overdue", "title"
    )
    for r in rows:
        table.add_row(
            r.ref,
            r.phase,
            escape(r.product or "-"),
            _when(r.detected_at),
            r.safety_impact,
            r.privacy_impact,
            _when(r.next_due),
            "[red]" + escape(", ".join(r.overdue)) + "[/red]" if r.overdue else "-",
            escape(r.title),
        )
    runtime.console.print(table)


def _notices_table(items: list[NotificationRead]) -> Table:
    table = Table("obligation", "to", "deadline", "due", "sent", "ack", "state")
    for n in items:
        state = "OVERDUE" if n.overdue else ("sent" if n.sent_at else "open")
        if not n.applies:
            state = "no longer required"
        table.add_row(
            n.obligation + ("" if n.verified else " (unverified)"),
            escape(n.authority),
            n.period,
            _when(n.due_at),
            _when(n.sent_at),
            _when(n.acknowledged_at),
            f"[red]{state}[/red]" if n.overdue else state,
        )
    return table


def _print_detail(d: IncidentRead) -> None:
    out = runtime.console
    out.print(f"[bold]{d.ref}[/bold] {escape(d.title)}", highlight=False)
    out.print(
        f"phase: {d.phase} ({d.iso_phase}); next: {', '.join(d.allowed_actions) or '-'}",
        highlight=False,
    )
    out.print(
        f"product: {escape(d.product or '-')} {escape(', '.join(d.releases))}; "
        f"jurisdictions: {', '.join(d.jurisdictions) or '-'}; TLP:{d.tlp.upper()}",
        highlight=False,
    )
    out.print(
        f"patient safety: {d.safety_impact}; privacy: {d.privacy_impact}; "
        f"flags: {', '.join(d.flags) or '-'}",
        highlight=False,
    )
    out.print(
        f"detected {_when(d.detected_at)}; source {d.source} {escape(d.source_ref or '')}; "
        f"reported by {escape(d.reporter or '-')} ({escape(d.reporter_org or '-')}); "
        f"assets: {escape(', '.join([a.tag for a in d.workspace_assets] + d.assets) or '-')}",
        highlight=False,
    )
    if d.description:
        out.print(escape(d.description), highlight=False)
    out.print(_notices_table(d.notifications))
    timeline = Table("at", "kind", "who", "what", "why")
    for e in d.events:
        what = e.text
        if e.to_phase:
            what = f"{e.from_phase or '-'} → {e.to_phase} ({e.text})"
        if e.direction:
            what = f"{e.direction} {e.counterpart or ''} via {e.channel or '-'}: {e.text}"
        timeline.add_row(_when(e.at), e.kind, escape(e.actor), escape(what), escape(e.reason or ""))
    out.print(timeline)
    for ev in d.evidence:
        intact = "custody chain intact" if ev.custody_intact else "[red]custody chain BROKEN[/red]"
        out.print(
            f"evidence {ev.id}: {escape(ev.name)} sha256 {ev.sha256} ({ev.size} bytes), "
            f"{len(ev.custody)} custody entries, {intact}",
            highlight=False,
        )
    for link in d.links:
        out.print(f"link: {escape(link.label)}", highlight=False)
    for ind in d.indicators:
        share = "shareable" if ind.shareable else "not shared"
        out.print(f"indicator {ind.id}: {escape(ind.name)}: {escape(ind.pattern)} ({share})")
    for a in d.actions:
        out.print(f"action ({a.kind}): {escape(a.text)}", highlight=False)


@app.command("show")
def show(
    incident: str = typer.Argument(..., help="Incident reference (INC-…) or id."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """One incident: phase, severity, notifications with deadlines, timeline, evidence, links."""
    with runtime.uow() as session:
        detail = views.detail(session, ref=incident, actor=runtime.actor())
    if fmt is Fmt.json:
        runtime.print_json(detail.model_dump(mode="json"))
        return
    _print_detail(detail)


@app.command("phase")
def phase(
    incident: str,
    action: str = typer.Argument(..., help=f"One of: {', '.join(rules.ACTIONS)}."),
    reason: str = REASON,
) -> None:
    """Move the incident on (assess, confirm, dismiss, eradicate, recover, recontain, learn,
    reopen); closing is `medsec incident close`."""
    if action == "close":
        raise InvalidInput("close: use `medsec incident close` (it records the closing review)")
    with runtime.uow() as session:
        row = service.transition(
            session, ref=incident, action=action, actor=runtime.actor(), reason=reason
        )
        ref, now = row.ref, row.phase
    runtime.console.print(f"incident {ref}: {now}", highlight=False)


@app.command("severity")
def severity(
    incident: str,
    safety: str = typer.Option(..., "--safety", help=", ".join(rules.SafetyImpact)),
    privacy: str = typer.Option(..., "--privacy", help=", ".join(rules.PrivacyImpact)),
    flag: list[str] = typer.Option([], "--flag", help=", ".join(obligations.FLAGS)),
    reason: str = REASON,
) -> None:
    """Record the patient-safety and privacy impact (they set the notification deadlines)."""
    with runtime.uow() as session:
        row = service.assess(
            session,
            ref=incident,
            actor=runtime.actor(),
            safety=safety,
            privacy=privacy,
            flags=flag,
            reason=reason,
        )
        ref = row.ref
        due = notices.for_incident(session, row, service.now_or(None))
    runtime.console.print(f"incident {ref}: severity recorded", highlight=False)
    runtime.console.print(_notices_table(due))


@app.command("log")
def log(
    incident: str,
    text: str = typer.Option(..., "--text"),
    kind: str = typer.Option("note", "--kind", help="note, message or decision."),
    why: str = typer.Option("", "--why", help="Why the decision was taken (decisions)."),
    inbound: str | None = typer.Option(None, "--from", help="A message received from …"),
    outbound: str | None = typer.Option(None, "--to", help="A message sent to …"),
    channel: str | None = typer.Option(None, "--channel", help="e-mail, phone, portal…"),
) -> None:
    """Add to the timeline: a note, a message exchanged, or a decision with its why."""
    if inbound and outbound:
        raise InvalidInput("--from and --to exclude each other")
    direction = "inbound" if inbound else "outbound" if outbound else None
    if direction and kind == "note":
        kind = "message"
    with runtime.uow() as session:
        event = service.log(
            session,
            ref=incident,
            actor=runtime.actor(),
            message=text,
            kind=kind,
            why=why,
            direction=direction,
            counterpart=inbound or outbound,
            channel=channel,
        )
        event_id = event.id
    runtime.console.print(f"logged {kind} {event_id}", highlight=False)


@app.command("link")
def link(
    incident: str,
    target: str = typer.Argument(
        ..., help="finding:ID, cvd:VR-…, advisory:TRACKING-ID or update:NAME."
    ),
) -> None:
    """Link a finding, CVD case, advisory or update."""
    with runtime.uow() as session:
        made = service.link(session, ref=incident, target=target, actor=runtime.actor())
    runtime.console.print(f"linked {escape(made.label)}", highlight=False)


@app.command("asset")
def asset_(
    incident: str,
    assets: list[str] = typer.Argument(
        ..., help="Workspace asset tags (or asset:TAG), or free text for others."
    ),
) -> None:
    """Record affected assets (hospital-workspace assets by tag, others as text)."""
    with runtime.uow() as session:
        row = service.add_assets(session, ref=incident, assets=assets, actor=runtime.actor())
        shown = ", ".join(row.assets)
    runtime.console.print(f"{row.ref} assets: {escape(shown)}", highlight=False)


@app.command("indicator")
def indicator(
    incident: str,
    name: str = typer.Option(..., "--name"),
    pattern: str = typer.Option(..., "--pattern", help="A STIX 2.1 pattern."),
    shareable: bool = typer.Option(
        False, "--shareable", help="Adversary infrastructure cleared for sharing with ISAOs."
    ),
) -> None:
    """Record an indicator of compromise."""
    with runtime.uow() as session:
        made = service.add_indicator(
            session,
            ref=incident,
            name=name,
            pattern=pattern,
            actor=runtime.actor(),
            shareable=shareable,
        )
    runtime.console.print(f"indicator {made.id} recorded", highlight=False)


@app.command("notify")
def notify(
    incident: str,
    obligation: str | None = typer.Option(None, "--obligation", help="Obligation key."),
    draft_file: Path | None = typer.Option(None, "--draft-file", help="Your drafted text."),
    sent: bool = typer.Option(False, "--sent", help="Record it as sent now."),
    reference: str | None = typer.Option(None, "--reference", help="The recipient's reference."),
    acknowledged: bool = typer.Option(False, "--acknowledged", help="Record the acknowledgement."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Without --obligation: the incident's notifications with deadlines (overdue flagged).
    With it: record a draft, the sending or the acknowledgement."""
    with runtime.uow() as session:
        if obligation is not None:
            notices.record(
                session,
                ref=incident,
                obligation=obligation,
                actor=runtime.actor(),
                draft=read_text(draft_file, "--draft-file") if draft_file else None,
                sent=sent,
                reference=reference,
                acknowledged=acknowledged,
            )
        row, _ = service.load(session, incident, runtime.actor(), rule="incident notify")
        items = notices.for_incident(session, row, service.now_or(None))
    if fmt is Fmt.json:
        runtime.print_json([n.model_dump(mode="json") for n in items])
        return
    runtime.console.print(_notices_table(items))


@app.command("close")
def close(
    incident: str,
    review_file: Path = typer.Option(..., "--review-file", help="The closing review (lessons)."),
    action: list[str] = typer.Option([], "--action", help="An improvement action (repeatable)."),
    threat: list[str] = typer.Option([], "--threat", help="A threat to add or update."),
    risk: list[str] = typer.Option([], "--risk", help="A risk record to review."),
    owner: str | None = typer.Option(None, "--owner"),
    due: str | None = typer.Option(None, "--due", help="Due date of the actions (YYYY-MM-DD)."),
) -> None:
    """Record the closing review with the actions it produced, and close the incident."""
    actions = [("improvement", a) for a in action]
    actions += [("threat", t) for t in threat] + [("risk", r) for r in risk]
    with runtime.uow() as session:
        row = service.close(
            session,
            ref=incident,
            review=read_text(review_file, "--review-file"),
            actor=runtime.actor(),
            actions=actions,
            owner=owner,
            due_on=_date("--due", due),
        )
        ref = row.ref
    runtime.console.print(f"incident {ref}: closed with {len(actions)} action(s)", highlight=False)


@app.command("lesson-threat")
def lesson_threat(
    incident: str,
    action_id: int = typer.Argument(..., help="The review action's id (medsec incident show)."),
    category: str = typer.Option(..., "--category", help="STRIDE letter: S, T, R, I, D or E."),
    release: str | None = typer.Option(None, "--release", help="Default: the first affected."),
    target: str | None = typer.Option(None, "--target", help="Element or flow id of the model."),
    severity: str | None = typer.Option(None, "--severity"),
) -> None:
    """Create the threat a closing review's threat action names, in the threat model."""
    with runtime.uow() as session:
        made = lessons.to_threat(
            session,
            ref=incident,
            action_id=action_id,
            category=category,
            release=release,
            target=target,
            severity=severity,
            actor=runtime.actor(),
        )
    runtime.console.print(
        f"threat {made.key} added to {escape(made.product)} {escape(made.release)} "
        "(medsec threats show)",
        highlight=False,
    )


@app.command("lesson-risk")
def lesson_risk(
    incident: str,
    action_id: int = typer.Argument(..., help="The review action's id (medsec incident show)."),
    threat: str = typer.Option(..., "--threat", help="The threat's key in the release."),
    hazardous_situation: str = typer.Option(..., "--hazardous-situation"),
    harm: str = typer.Option(..., "--harm"),
    severity: str = typer.Option(..., "--severity", help="Severity of the harm."),
    exploitability: str = typer.Option(..., "--exploitability"),
    release: str | None = typer.Option(None, "--release", help="Default: the first affected."),
) -> None:
    """Record the risk a closing review's risk action asks for, on a threat of the release."""
    with runtime.uow() as session:
        made = lessons.to_risk(
            session,
            ref=incident,
            action_id=action_id,
            threat=threat,
            hazardous_situation=hazardous_situation,
            harm=harm,
            severity=severity,
            exploitability=exploitability,
            release=release,
            actor=runtime.actor(),
        )
    assert made.risk is not None
    runtime.console.print(
        f"threat {made.key}: risk record v{made.risk.version}, residual {made.risk.residual} "
        f"({made.risk.region})",
        highlight=False,
    )


@app.command("overdue")
def overdue(fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """Every notification past its deadline and not sent (what the reminder job e-mails)."""
    from medsec.incidents import access, tasks

    with runtime.uow() as session:
        access.require(session, runtime.actor(), None, rule="incident overdue")
        rows = tasks.overdue_notifications(session)
    if fmt is Fmt.json:
        runtime.print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table("ref", "obligation", "to", "due", "title")
    for r in rows:
        table.add_row(r.ref, r.obligation, escape(r.authority), _when(r.due_at), escape(r.title))
    runtime.console.print(table)


# --- evidence ---------------------------------------------------------------------------------


@evidence_app.command("add")
def evidence_add(
    incident: str,
    file: Path = typer.Argument(..., help="The evidence file (stored, hashed, never opened)."),
    source: str = typer.Option(..., "--source", help="Where it came from."),
    holder: str | None = typer.Option(None, "--holder", help="Who holds it (default: you)."),
    description: str = typer.Option("", "--description"),
) -> None:
    """Store an evidence item with its SHA-256 and open its chain of custody."""
    data = runtime.read_input(file, option="FILE", limit=evidence_mod.MAX_EVIDENCE_BYTES)
    with runtime.uow() as session:
        item = evidence_mod.add(
            session,
            ref=incident,
            name=file.name,
            data=data,
            source=source,
            actor=runtime.actor(),
            holder=holder,
            description=description,
        )
    runtime.console.print(f"evidence {item.id}: sha256 {item.sha256}", highlight=False)


@evidence_app.command("custody")
def evidence_custody(
    incident: str,
    evidence_id: int = typer.Argument(...),
    action: str = typer.Option(..., "--action", help=", ".join(evidence_mod.CUSTODY_ACTIONS)),
    holder: str = typer.Option(..., "--holder", help="Who holds it after this step."),
    note: str = typer.Option("", "--note"),
) -> None:
    """Append a chain-of-custody entry (entries are never changed)."""
    with runtime.uow() as session:
        entry = evidence_mod.custody(
            session,
            ref=incident,
            evidence_id=evidence_id,
            action=action,
            holder=holder,
            actor=runtime.actor(),
            note=note,
        )
    runtime.console.print(f"custody entry {entry.seq}: {entry.action}", highlight=False)


@evidence_app.command("get")
def evidence_get(
    incident: str,
    evidence_id: int = typer.Argument(...),
    out: Path = typer.Option(..., "--out", help="Where to write the original bytes."),
) -> None:
    """Write an evidence item's original bytes to a file (checked against its SHA-256)."""
    with runtime.uow() as session:
        item, raw = evidence_mod.data(
            session, ref=incident, evidence_id=evidence_id, actor=runtime.actor()
        )
    out.write_bytes(raw)
    runtime.console.print(f"wrote {item.size} bytes, sha256 {item.sha256}", highlight=False)


# --- plans ------------------------------------------------------------------------------------


@plan_app.command("add")
def plan_add(
    name: str,
    scope: str = typer.Option(..., "--scope", help="Organisation or product line covered."),
    policy_file: Path = typer.Option(..., "--policy-file", help="The incident management policy."),
    product: str | None = typer.Option(None, "--product", "-p"),
    approved_by: str | None = typer.Option(None, "--approved-by"),
) -> None:
    """Create an incident response plan."""
    with runtime.uow() as session:
        row = plans.create(
            session,
            name=name,
            scope=scope,
            policy=read_text(policy_file, "--policy-file"),
            actor=runtime.actor(),
            product=product,
            approved_by=approved_by,
        )
        made = row.name
    runtime.console.print(f"plan {escape(made)} created", highlight=False)


@plan_app.command("member")
def plan_member(
    plan: str,
    person: str = typer.Option(..., "--person"),
    group: str = typer.Option(..., "--group", help=", ".join(rules.GROUPS)),
    raci: str = typer.Option(..., "--raci", help="plan=A,detect=R,assess=C,respond=R,learn=I"),
    contact: str | None = typer.Option(None, "--contact"),
) -> None:
    """Add a team member in an Annex A group with their RACI per phase."""
    with runtime.uow() as session:
        plans.add_member(
            session,
            plan=plan,
            person=person,
            group=group,
            raci=raci,
            actor=runtime.actor(),
            contact=contact,
        )
    runtime.console.print(f"{escape(person)} added to {escape(plan)}", highlight=False)


@plan_app.command("contact")
def plan_contact(
    plan: str,
    kind: str = typer.Option(..., "--kind", help=", ".join(plans.CONTACT_KINDS)),
    jurisdiction: str = typer.Option(..., "--jurisdiction", help="US, EU, JP, CA or *."),
    name: str = typer.Option(..., "--name"),
    channel: str = typer.Option(..., "--channel", help="How to reach them."),
) -> None:
    """Add a contact: regulator per jurisdiction, privacy authority, law enforcement, ISAO…"""
    with runtime.uow() as session:
        plans.add_contact(
            session,
            plan=plan,
            kind=kind,
            jurisdiction=jurisdiction,
            name=name,
            channel=channel,
            actor=runtime.actor(),
        )
    runtime.console.print(f"contact {escape(name)} added", highlight=False)


@plan_app.command("exercise")
def plan_exercise(
    plan: str,
    kind: str = typer.Option(..., "--kind", help="tabletop or technical"),
    held_on: str = typer.Option(..., "--date", help="YYYY-MM-DD"),
    scenario: str = typer.Option(..., "--scenario"),
    participant: list[str] = typer.Option([], "--participant", help="Repeatable."),
    findings: str = typer.Option("", "--findings"),
) -> None:
    """Record a tabletop or technical exercise."""
    when = _date("--date", held_on)
    assert when is not None
    with runtime.uow() as session:
        plans.add_exercise(
            session,
            plan=plan,
            kind=kind,
            held_on=when,
            scenario=scenario,
            participants=participant,
            actor=runtime.actor(),
            findings=findings,
        )
    runtime.console.print(f"{kind} exercise of {when} recorded", highlight=False)


@plan_app.command("list")
def plan_list(fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """The response plans you may see."""
    with runtime.uow() as session:
        names = plans.list_plans(session, actor=runtime.actor())
    if fmt is Fmt.json:
        runtime.print_json(names)
        return
    for name in names:
        runtime.console.print(escape(name), highlight=False)


@plan_app.command("show")
def plan_show(plan: str, fmt: Fmt = typer.Option(Fmt.table, "--format", "-f")) -> None:
    """A plan: team with RACI, RACI gaps, contacts, exercises, obligations."""
    with runtime.uow() as session:
        data = plans.detail(session, plan=plan, actor=runtime.actor())
    if fmt is Fmt.json:
        runtime.print_json(data.model_dump(mode="json"))
        return
    out = runtime.console
    out.print(f"[bold]{escape(data.name)}[/bold] — {escape(data.scope)}", highlight=False)
    table = Table("person", "group", *rules.RACI_PHASES.values())
    for m in data.team:
        table.add_row(escape(m.person), m.group, *(m.raci.get(p, "-") for p in rules.RACI_PHASES))
    out.print(table)
    for gap in data.raci_gaps:
        out.print(f"[yellow]RACI gap:[/yellow] {gap}", highlight=False)
    for c in data.contacts:
        out.print(f"contact {c.kind} {c.jurisdiction}: {escape(c.name)} ({escape(c.channel)})")
    for e in data.exercises:
        out.print(f"exercise {e.held_on} {e.kind}: {escape(e.scenario)}", highlight=False)
