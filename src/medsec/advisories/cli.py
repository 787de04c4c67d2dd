"""`medsec advisory`: CSAF 2.0 advisories from medsec's decisions, their VEX exports, the
customer notice and the provider directory."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from medsec.advisories import distribution, editing, feedback, publish, service, signing
from medsec.advisories.schemas import FeedbackRead
from medsec.cli import runtime
from medsec.errors import InvalidInput
from medsec.export.notice_pdf import html_to_pdf

app = typer.Typer(
    help="Security advisories: CSAF 2.0, CycloneDX VEX, OpenVEX.", no_args_is_help=True
)


def _read_note(path: Path | None) -> str | None:
    if path is None:
        return None
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(f"{path}: cannot read the note ({exc.__class__.__name__})") from None
    if len(text) > 20_000:
        raise InvalidInput(f"{path}: the note is longer than 20000 characters")
    return text


@app.command("create")
def create(
    product: str = typer.Option(..., "--product", "-p"),
    title: str = typer.Option(..., "--title"),
    release: list[str] = typer.Option([], "--release", "-r", help="Repeatable; default all."),
    vuln: list[str] = typer.Option([], "--vuln", help="Repeatable; default all with findings."),
    profile: str = typer.Option("security-advisory", help="security-advisory or vex."),
    tlp: str = typer.Option("WHITE", help="WHITE, GREEN, AMBER or RED."),
    note_file: Path | None = typer.Option(
        None,
        help="The note on patient care, written by a person (required before publishing).",
    ),
    namespace: str = typer.Option(
        service.DEFAULT_NAMESPACE,
        help="Publisher namespace URL (the default is a placeholder publishing refuses).",
    ),
    tracking_id: str | None = typer.Option(None, "--id", help="Default: MAKER-SA-YEAR-NNNN."),
    lang: str = typer.Option("en", "--lang", help="Language of the notes: en or ja."),
) -> None:
    """Create a draft advisory from the decisions in force (analyst)."""
    note = _read_note(note_file)
    with runtime.uow() as session:
        adv = service.create(
            session,
            product=product,
            title=title,
            actor=runtime.actor(),
            releases=release,
            vulnerabilities=vuln,
            profile=profile,
            tlp=tlp,
            clinician_note=note,
            namespace=namespace,
            tracking_id=tracking_id,
            lang=lang,
        )
        tid, count = adv.tracking_id, len(adv.draft.get("vulnerabilities", []))
        todo = service.not_publishable(adv)
    runtime.console.print(f"draft advisory {tid}: {count} vulnerabilities", highlight=False)
    for item in todo:
        runtime.console.print(f"before publishing: {item}", markup=False, highlight=False)


@app.command("list")
def list_(product: str | None = typer.Option(None, "--product", "-p")) -> None:
    """List advisories."""
    with runtime.uow() as session:
        rows = [
            (a.tracking_id, a.profile, a.tlp, a.status, a.version, a.title)
            for a in service.list_advisories(session, product=product)
        ]
    table = Table("tracking id", "profile", "TLP", "status", "version", "title")
    for row in rows:
        table.add_row(*(escape(x) for x in row))
    runtime.console.print(table)


@app.command("show")
def show(
    tracking_id: str, fmt: str = typer.Option("table", "--format", help="table or json.")
) -> None:
    """Show an advisory: tracking, revisions and the statuses it states."""
    with runtime.uow() as session:
        data = service.summary(session, service.get(session, tracking_id))
    if fmt == "json":
        runtime.print_json(data)
        return
    out = runtime.console
    out.print(f"{escape(data.tracking_id)}: {escape(data.title)}", highlight=False)
    out.print(
        f"  {data.product} ({data.manufacturer}), {data.profile}, TLP:{data.tlp}, "
        f"status {data.status}, version {data.version}",
        highlight=False,
        markup=False,
    )
    for item in data.incomplete:
        out.print(f"  before publishing: {item}", highlight=False, markup=False)
    for r in data.revisions:
        out.print(
            f"  revision {r.number} {r.status} {r.date} by {r.published_by}: "
            f"{r.summary} (sha256 {(r.sha256 or '')[:16]}…)",
            highlight=False,
            markup=False,
        )
    for v in data.vulnerabilities:
        said = "; ".join(f"{k}: {', '.join(p)}" for k, p in v.status.items())
        out.print(f"  {v.vulnerability}: {said}", highlight=False, markup=False)


@app.command("refresh")
def refresh(tracking_id: str) -> None:
    """Rebuild the draft from the current decisions (analyst)."""
    with runtime.uow() as session:
        adv = service.refresh(session, tracking_id=tracking_id, actor=runtime.actor())
        count = len(adv.draft.get("vulnerabilities", []))
    runtime.console.print(f"draft of {tracking_id} rebuilt: {count} vulnerabilities", markup=False)


@app.command("edit")
def edit(
    tracking_id: str,
    title: str | None = typer.Option(None, "--title"),
    release: list[str] = typer.Option([], "--release", "-r", help="Repeatable; replaces."),
    vuln: list[str] = typer.Option([], "--vuln", help="Repeatable; replaces."),
    all_vulns: bool = typer.Option(
        False, "--all-vulns", help="List every vulnerability with findings (clears --vuln)."
    ),
    profile: str | None = typer.Option(None, help="security-advisory or vex (drafts only)."),
    tlp: str | None = typer.Option(None, help="WHITE, GREEN, AMBER or RED."),
    note_file: Path | None = typer.Option(
        None, help="The note on patient care, written by a person."
    ),
    namespace: str | None = typer.Option(None, help="Publisher namespace URL."),
    lang: str | None = typer.Option(None, "--lang", help="Language of the notes: en or ja."),
) -> None:
    """Change a draft's title, releases, vulnerabilities, profile, TLP, note on patient care,
    namespace or language (analyst); the draft is rebuilt from the decisions in force."""
    if vuln and all_vulns:
        raise InvalidInput("give --vuln or --all-vulns, not both")
    note = _read_note(note_file)
    with runtime.uow() as session:
        adv = editing.edit(
            session,
            tracking_id=tracking_id,
            actor=runtime.actor(),
            title=title,
            tlp=tlp,
            profile=profile,
            clinician_note=note,
            namespace=namespace,
            releases=release or None,
            vulnerabilities=[] if all_vulns else (vuln or None),
            lang=lang,
        )
        count = len(adv.draft.get("vulnerabilities", []))
        todo = service.not_publishable(adv)
    runtime.console.print(f"draft of {tracking_id} saved: {count} vulnerabilities", markup=False)
    for item in todo:
        runtime.console.print(f"before publishing: {item}", markup=False, highlight=False)


@app.command("diff")
def diff(
    tracking_id: str,
    fmt: str = typer.Option("table", "--format", help="table or json."),
    with_tracking: bool = typer.Option(
        False, "--tracking", help="Also list revision bookkeeping (dates, version, history)."
    ),
) -> None:
    """How the next revision differs from the last published one, field by field."""
    with runtime.uow() as session:
        adv = service.get(session, tracking_id)
        last, found = editing.changes(session, adv, finder_data=True)
        against = last.number if last else None
    rows = [c for c in found if with_tracking or not c.tracking]
    if fmt == "json":
        runtime.print_json(
            {
                "tracking_id": tracking_id,
                "against": against,
                "changes": [
                    {"path": c.path, "kind": c.kind, "old": c.old, "new": c.new,
                     "tracking": c.tracking}
                    for c in rows
                ],
            }
        )  # fmt: skip
        return
    head = f"against revision {against}" if against else "nothing published yet: all new"
    runtime.console.print(f"{tracking_id} {head}: {len(rows)} change(s)", markup=False)
    if not rows:
        return
    table = Table("where", "change", "before", "after")
    for c in rows:
        table.add_row(*(escape(_short(x)) for x in (c.path, c.kind, c.old, c.new)))
    runtime.console.print(table)


def _short(value: object) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= 200 else text[:200] + "…"


@app.command("publish")
def publish_(
    tracking_id: str,
    summary: str = typer.Option(..., "--summary", help="What this revision changes."),
    status: str = typer.Option("final", help="interim or final."),
) -> None:
    """Publish a new revision, validated as CSAF 2.0 (reviewer)."""
    with runtime.uow() as session:
        rev = publish.publish(
            session, tracking_id=tracking_id, summary=summary, status=status, actor=runtime.actor()
        )
        number, sha = rev.number, rev.sha256
    runtime.console.print(
        f"published {tracking_id} revision {number} ({status}), sha256 {sha}", markup=False
    )


@app.command("export")
def export(
    tracking_id: str,
    fmt: str = typer.Option("csaf", "--format", help="csaf, cyclonedx-vex or openvex."),
    out: Path | None = typer.Option(None, "--out", help="File or folder; default stdout."),
) -> None:
    """Write the latest revision (else the draft) as CSAF, CycloneDX VEX or OpenVEX."""
    with runtime.uow() as session:
        name, data = publish.document(session, tracking_id=tracking_id, fmt=fmt)
    if out is None:
        typer.echo(data.decode())
        return
    path = out / name if out.is_dir() else out
    path.write_bytes(data)
    runtime.console.print(f"wrote {path}", markup=False, highlight=False)


@app.command("notice")
def notice(
    tracking_id: str,
    fmt: str = typer.Option("html", "--format", help="html or pdf."),
    out: Path = typer.Option(..., "--out"),
    contact: str | None = typer.Option(None, help="Who customers contact (default: namespace)."),
    lang: str | None = typer.Option(
        None, "--lang", help="en or ja (default: the advisory's language)."
    ),
) -> None:
    """Write the plain-language customer notice as HTML or PDF, in English or Japanese."""
    if fmt not in ("html", "pdf"):
        raise InvalidInput(f"--format {fmt!r}: html or pdf")
    with runtime.uow() as session:
        html = distribution.notice_html(
            session, tracking_id=tracking_id, contact=contact, lang=lang
        )
    out.write_bytes(html.encode() if fmt == "html" else html_to_pdf(html))
    runtime.console.print(f"wrote {out}", markup=False, highlight=False)


@app.command("directory")
def directory(
    out: Path = typer.Option(..., "--out", help="Folder to write .well-known/csaf into."),
    base_url: str = typer.Option(..., "--base-url", help="https://host the folder is served at."),
) -> None:
    """Write the CSAF provider directory (TLP:WHITE advisories; signed when a key is set)."""
    with signing.signer_from_env() as signer, runtime.uow() as session:
        files = distribution.directory(session, base_url=base_url, signer=signer)
    for rel, data in sorted(files.items()):
        path = out / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    runtime.console.print(f"wrote {len(files)} files under {out}", markup=False, highlight=False)


feedback_app = typer.Typer(
    help="Rollout feedback from hospitals (medsec-rollout-feedback/1) on an advisory.",
    no_args_is_help=True,
)
app.add_typer(feedback_app, name="feedback")


def _print_feedback(rows: list[FeedbackRead], fmt: str) -> None:
    if fmt == "json":
        runtime.print_json([r.model_dump(mode="json") for r in rows])
        return
    table = Table("update", "model", "version", "what failed", "when", "imported")
    for r in rows:
        for f in r.failures:
            table.add_row(
                escape(r.update), escape(f"{f.manufacturer} {f.model}"),
                escape(f.installed_version or "unknown"), escape(f.what_failed), f.when,
                r.imported_at[:10],
            )  # fmt: skip
    runtime.console.print(table)


@feedback_app.command("import")
def feedback_import(
    file: Path = typer.Argument(..., help="The hospital's feedback message (JSON)."),
    advisory: str = typer.Option(..., "--advisory", "-a", help="Tracking id of the advisory."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """Import a hospital's rollout feedback onto the advisory of the update (analyst)."""
    with runtime.uow() as session:
        row = feedback.import_feedback(
            session,
            tracking_id=advisory,
            data=runtime.read_input(file),
            source=str(file),
            actor=runtime.actor(),
        )
    if fmt != "json":
        known = (
            ""
            if row.update_known
            else " (no update of that name recorded: see `medsec update list`)"
        )
        runtime.console.print(
            f"imported onto {row.advisory}: {len(row.failures)} failed installation(s) of "
            f"{row.update}{known}",
            highlight=False,
            markup=False,
        )
    _print_feedback([row], fmt)


@feedback_app.command("list")
def feedback_list(
    advisory: str = typer.Argument(..., help="Tracking id of the advisory."),
    fmt: str = typer.Option("table", "--format", help="table or json."),
) -> None:
    """The rollout feedback imported onto an advisory, newest first."""
    with runtime.uow() as session:
        rows = feedback.list_feedback(session, tracking_id=advisory, actor=runtime.actor())
    _print_feedback(rows, fmt)
