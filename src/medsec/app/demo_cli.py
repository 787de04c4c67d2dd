"""`medsec demo`: build the example workspace and say what it made and where."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

import typer
from rich.markup import escape
from sqlalchemy.orm import Session

from medsec.accounts import credentials
from medsec.app.serve_cli import run_server
from medsec.cli import runtime
from medsec.config import ANCHOR_FILE, Settings, get_settings
from medsec.db import migrate
from medsec.db.engine import make_engine, make_session_factory
from medsec.db.uow import unit_of_work
from medsec.demo import service
from medsec.demo.assessment import AssessmentReport
from medsec.demo.hospital import HospitalReport
from medsec.demo.icsma import find_shared_data
from medsec.errors import Conflict
from medsec.web.signing import secret_key

MARKER = ".medsec-demo"


def demo(
    home: Path = typer.Option(
        Path("medsec-demo"), "--home", help="Workspace folder to (re)create."
    ),
    serve: bool = typer.Option(False, "--serve", help="Then serve the web UI on it."),
    port: int = typer.Option(8000, "--port", min=1, max=65535, help="Port for --serve."),
) -> None:
    """Build a complete example (an infusion pump, two releases, SBOMs) in a fresh workspace."""
    home = home.resolve()
    if home.exists():
        if not (home / MARKER).exists():
            raise Conflict(
                f"{home} exists and is not a medsec demo workspace; choose another --home"
            )
        shutil.rmtree(home)
    home.mkdir(parents=True)
    (home / MARKER).write_text("created by `medsec demo`\n")
    db_path = home / "medsec.db"
    engine = make_engine(f"sqlite:///{db_path}")
    migrate.upgrade(engine)
    settings = Settings(
        home=home,
        database_url=f"sqlite:///{db_path}",
        actor="demo",
        secret_key=get_settings().secret_key,
    )
    passwords: dict[str, str] = {}
    factory = make_session_factory(  # anchors keyed, the head anchor also kept in the home
        engine, audit_key=secret_key(settings), audit_anchor_file=home / ANCHOR_FILE
    )
    with unit_of_work(factory) as session:
        report = service.build(session, home, shared_data=find_shared_data())
        if serve and report.assessment is not None:
            passwords = _demo_passwords(session)
    engine.dispose()
    out = runtime.console
    out.print(f"[bold]medsec demo[/bold]: workspace {home}")
    out.print(f"product: {report.product} (fictional networked infusion pump)")
    for version in report.releases:
        out.print(
            f"  release {version}: {report.components[version]} components, "
            f"SBOM quality score {report.quality[version]:.0f}/100"
        )
        if report.support_set[version]:
            out.print(
                f"    level of support set by hand on {report.support_set[version]} components"
            )
    for path in report.files:
        out.print(f"  SBOM file: {path}")
    d = report.diff
    out.print(
        f"diff 2.0.0 -> 2.1.0: {d['added']} added, {d['removed']} removed, {d['changed']} changed"
    )
    for path in report.feeds:
        out.print(f"  feed: {path}")
    for version in report.releases:
        rows = report.findings[version]
        out.print(f"findings in {version}: {len(rows)}")
        for name, ver, vid, sev, how in rows:
            out.print(f"  {name} {ver}: {vid} ({sev}, matched by {how})", highlight=False)
    if report.assessment is not None:
        _print_assessment(report.assessment)
    if report.cvd_case:
        out.print(
            f"CVD case {report.cvd_case}: researcher report on CVE-2020-16150, remediated in "
            f"2.1.0, ICS-CERT informed, disclosed with advisory {report.advisory} "
            f"(medsec cvd show {report.cvd_case})",
            highlight=False,
        )
    for path in report.advisory_files:
        out.print(f"  advisory file: {path}", highlight=False)
    if report.design is not None:
        dz = report.design
        out.print(
            f"design record of {report.product} 2.1.0: system model with {dz.elements} elements "
            f"and {dz.flows} data flows, {dz.threats} threats generated, {dz.controls} controls, "
            f"{dz.results} verification results ({dz.to_triage} to triage); gaps: "
            f"{', '.join(dz.gaps) or 'none'}",
            highlight=False,
        )
        for path in dz.files:
            out.print(f"  design file: {path}", highlight=False)
    for line in report.lifecycle:
        out.print(escape(line), highlight=False)
    for note in report.notes:
        out.print(f"  note: {escape(note)}", highlight=False)
    if report.hospital is not None:
        _print_hospital(report.hospital)
    if report.documents:
        out.print(
            f"documents generated from the records of {report.product} 2.1.0 (the submission set "
            "and the customer security documentation, English and Japanese; `medsec docs list`):",
            highlight=False,
        )
        for path in report.documents:
            out.print(f"  document: {path}", highlight=False)
    out.print(f"database: {db_path}")
    out.print(f"explore: export MEDSEC_HOME={home}")
    out.print(f"  medsec sbom show --product '{report.product}' --release 2.1.0")
    out.print(f"  medsec findings list --product '{report.product}'")
    out.print("  medsec vuln show CVE-2021-3711")
    out.print(
        "act as a demo account (changes need one; psirt is admin and analyst, reviewer accepts "
        "risks and publishes): export MEDSEC_ACTOR=psirt"
    )
    out.print(
        f"  medsec findings triage ID --status affected --reason '...' "
        f"(IDs from `medsec findings list --product '{report.product}'`)"
    )
    out.print("  MEDSEC_ACTOR=reviewer medsec risk accept ID")
    out.print(f"  medsec trace matrix --product '{report.product}' --release 2.1.0")
    out.print("  medsec vuln where CVE-2021-3711")
    out.print("  MEDSEC_ACTOR=biomed medsec assets exposure")
    if serve:
        for name, password in passwords.items():
            out.print(f"web login: account {name}, password {password}", highlight=False)
        run_server(settings, host="127.0.0.1", port=port)


def _demo_passwords(session: Session) -> dict[str, str]:
    """Fresh random web passwords for the demo's accounts (printed once)."""
    out = {}
    for name in ("psirt", "reviewer"):
        out[name] = secrets.token_urlsafe(12)
        credentials.set_password(session, name=name, password=out[name], actor="demo:psirt")
    return out


def _print_assessment(a: AssessmentReport) -> None:
    out = runtime.console
    out.print("assessment of 2.0.0 (accounts psirt and reviewer):")
    for vid, status, reason in a.decisions:
        out.print(f"  VEX {vid}: {status} — {reason}", highlight=False)
    for vid, residual, region, fda in a.risks:
        out.print(f"  risk {vid}: residual {residual} ({region}), FDA {fda}", highlight=False)
    if a.ssvc:
        out.print(f"  SSVC supplier CVE-2020-16150: {a.ssvc[0]} {a.ssvc[1]}", highlight=False)
    if a.update:
        name, level, reasons = a.update
        out.print(f"  update {name!r}: oversight level {level}", highlight=False)
        for reason in reasons:
            out.print(f"    {reason}", highlight=False)
    cells = [c for c in (a.heat_map.before if a.heat_map else []) if c.count]
    shown = ", ".join(f"{c.exploitability}×{c.severity}: {c.count}" for c in cells)
    out.print(f"  risk heat map (before controls): {shown}", highlight=False)


def _print_hospital(h: HospitalReport) -> None:
    out = runtime.console
    out.print(
        f"hospital (account biomed): {h.assets} devices imported, {h.mapped} mapped exactly, "
        f"{h.confirmed} mapped after confirming a suggestion",
        highlight=False,
    )
    shown = ", ".join(f"{k}: {v}" for k, v in sorted(h.exposed.items()))
    out.print(f"  devices by most urgent SSVC deployer decision: {shown}", highlight=False)
    for c in h.controls:
        out.print(f"  compensating control on {c}", highlight=False)
    for line in h.plan:
        out.print(f"  end-of-support plan: {line}", highlight=False)
    if h.rollout:
        states = ", ".join(f"{k} {v}" for k, v in sorted(h.rollout_counts.items()))
        out.print(f"  rollout {h.rollout!r}: {states}", highlight=False)
    if h.vendor_mds2:
        out.print(f"  vendor MDS2: {h.vendor_mds2}", highlight=False)
    if h.icsma is not None:
        i = h.icsma
        out.print(
            f"  real CISA advisory {i.tracking_id} ({i.title}) from {i.source}: {i.devices} "
            f"device(s) added, {len(i.mapped)} mapped after confirmation",
            highlight=False,
            markup=False,
        )
        for tag, label in i.mapped:
            cves = ", ".join(i.exposed.get(tag, [])) or "nothing open"
            out.print(f"    {tag} runs {label}: {cves}", highlight=False, markup=False)
    elif h.icsma_hint:
        out.print(f"  {h.icsma_hint}", highlight=False, markup=False)
    for path in h.files:
        out.print(f"  hospital file: {path}", highlight=False)
