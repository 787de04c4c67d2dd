"""The medsec command line: assembles the domain sub-apps and maps errors to exit codes."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from typing import Any

import typer
from typer import _click as click  # the click typer vendors (>= 0.29); its Command is the base
from typer.core import TyperCommand, TyperGroup

from medsec import __version__
from medsec.errors import Conflict, MedsecError, NotFound, PermissionDenied

EXIT_OK = 0
EXIT_REFUSED = 2  # bad input: a document, a value, a rule
EXIT_NOT_FOUND = 3
EXIT_CONFLICT = 4
EXIT_DENIED = 5  # the acting account lacks a role or product access
EXIT_BUSY = 6  # the database stayed busy (another writer) past the wait; nothing was stored


class _Mounted(TyperCommand):
    """A sub-app or command known by name and help; its module is imported only when it runs
    (or its own --help is asked), so `medsec --help` and `--version` import no domain."""

    def __init__(self, name: str, target: str | Callable[[], Any], help: str) -> None:
        super().__init__(name=name, help=help)
        self.target = target
        self._loaded: click.Command | None = None

    def load(self) -> click.Command:
        """The real click command (a Typer sub-app or a single command)."""
        if self._loaded is None:
            if callable(self.target):
                obj = self.target()
            else:
                module, _, attr = self.target.partition(":")
                obj = getattr(importlib.import_module(module), attr)
            command: click.Command
            if isinstance(obj, typer.Typer):  # a sub-app stays a group, even with one command
                command = typer.main.get_group(obj)
            else:
                single = typer.Typer(add_completion=False)
                single.command(self.name)(obj)
                command = typer.main.get_command(single)
            command.name = self.name
            self._loaded = command
        return self._loaded

    def make_context(
        self, info_name: str | None, args: list[str], parent: Any = None, **extra: Any
    ) -> Any:
        """Hand the arguments to the real command."""
        return self.load().make_context(info_name, args, parent=parent, **extra)


MOUNTED: dict[str, _Mounted] = {}


def mount(name: str, target: str | Callable[[], Any], help: str) -> None:
    """Mount a domain's Typer sub-app (or one command) as `medsec NAME`: "module:attribute"."""
    MOUNTED[name] = _Mounted(name, target, help)


class _Root(TyperGroup):
    def list_commands(self, ctx: Any) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in MOUNTED if n not in self.commands)]

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        return super().get_command(ctx, cmd_name) or MOUNTED.get(cmd_name)


app = typer.Typer(
    name="medsec",
    help="Medical device cybersecurity across the total product life cycle (IMDRF N60).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
    cls=_Root,
)


def _findings_app() -> typer.Typer:
    from medsec.findings import assess_cli
    from medsec.findings import cli as findings_cli

    for name, command in (
        ("show", assess_cli.show),
        ("triage", assess_cli.triage),
        ("rescore", assess_cli.rescore),
        ("ssvc", assess_cli.ssvc),
    ):
        findings_cli.findings_app.command(name)(command)
    return findings_cli.findings_app


def _vuln_app() -> typer.Typer:
    from medsec.trace import cli as trace_cli
    from medsec.vulns import cli as vulns_cli

    vulns_cli.vuln_app.command("where")(trace_cli.vuln_where)
    return vulns_cli.vuln_app


# Every domain's CLI, one line each; nothing below is imported until its command runs.
mount(
    "match",
    "medsec.findings.cli:match",
    "Re-match releases against the stored feeds (only what changed since the last run).",
)
mount(
    "scan",
    "medsec.findings.cli:scan",
    "Scan an SBOM file like osv-scanner or grype would: offline, exact, explained.",
)
mount(
    "demo",
    "medsec.app.demo_cli:demo",
    "Build a complete example (an infusion pump, two releases, SBOMs) in a fresh workspace.",
)
mount(
    "serve",
    "medsec.app.serve_cli:serve",
    "Serve the web UI and the JSON API (/api/v1, OpenAPI at /api/openapi.json).",
)
mount("db", "medsec.app.db_cli:app", "Database schema and integrity.")
mount("backup", "medsec.backup.cli:backup", "Write a consistent backup of the database to a file.")
mount("restore", "medsec.backup.cli:restore", "Restore a backup into an empty home or database.")
mount(
    "account",
    "medsec.admin.cli:app",
    "Accounts, roles (admin, reviewer, analyst, viewer) and product access.",
)
mount("product", "medsec.portfolio.cli:product_app", "Device models (products).")
mount("release", "medsec.portfolio.cli:release_app", "Releases of a device model.")
mount("sbom", "medsec.sbom.cli:app", "SBOM inventory of each release.")
mount(
    "feeds",
    "medsec.vulns.cli:feeds_app",
    "Vulnerability feeds: OSV, NVD, GitHub (OSV form), CISA KEV, EPSS.",
)
mount("vuln", _vuln_app, "Look up vulnerabilities, and where they affect the products.")
mount("findings", _findings_app, "Vulnerability findings of each release.")
mount(
    "risk", "medsec.assessment.cli:app", "Patient-harm risk of findings (ISO 14971 / AAMI TIR57)."
)
mount("cvss", "medsec.risk.cvss_cli:app", "CVSS scores and the MITRE medical-device rubric.")
mount("update", "medsec.updates.cli:app", "Software updates (seed 6.4, Tables 2 and 3).")
mount("csaf", "medsec.imported_csaf.cli:app", "CSAF 2.0 advisories.")
mount(
    "cvd",
    "medsec.cvd.cli:app",
    "Vulnerability reports from finders and their handling (CVD, seed 6.3).",
)
mount(
    "advisory",
    "medsec.advisories.cli:app",
    "Security advisories: CSAF 2.0, CycloneDX VEX, OpenVEX.",
)
mount(
    "model",
    "medsec.sysmodel.cli:app",
    "System model per release: elements, data flows, trust boundaries, interfaces.",
)
mount("threats", "medsec.threats.cli:app", "Threats of a release (STRIDE per element).")
mount("controls", "medsec.controls.cli:app", "Security controls (seed Table 1 design principles).")
mount("evidence", "medsec.evidence.cli:app", "Verification evidence (seed 5.3 security testing).")
mount("lifecycle", "medsec.lifecycle.cli:app", "End of life, end of support, legacy (seed 6.6).")
mount(
    "incident", "medsec.incidents.cli:app", "Incident response (ISO/IEC 27035, seed 6.5, Annex A)."
)
mount(
    "share", "medsec.sharing.cli:app", "Information sharing with ISAOs: STIX 2.1 export and import."
)
mount(
    "assets",
    "medsec.assets.cli:app",
    "The hospital's installed devices: inventory, exposure, controls, rollouts.",
)
mount(
    "jobs", "medsec.jobs.cli:app", "Background jobs: feed sync, re-match, CVD deadlines, notices."
)
mount("notify", "medsec.notifications.cli:app", "Notifications by e-mail and webhooks.")
mount("worker", "medsec.jobs.cli:worker", "Run background jobs from the PostgreSQL queue.")
mount("trace", "medsec.trace.cli:app", "Traceability: threat, risk, control, verification, result.")
mount("plan", "medsec.tplc.cli:app", "TPLC cybersecurity management plan of a product (seed 5.4).")
mount(
    "docs",
    "medsec.documents.cli:app",
    "Documents generated from the records (seed 5.4-5.6), EN/JA.",
)
mount("mds2", "medsec.mds2.cli:app", "MDS2 statements: export from the records, read a vendor's.")
mount(
    "jurisdictions",
    "medsec.jurisdictions.cli:app",
    "Regulator profiles (FDA, Japan, EU, Canada): deadlines, timelines, words.",
)


@app.callback(invoke_without_command=True)
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
    quiet: bool = typer.Option(
        False, "--quiet", "-q", help="No log lines below warnings (e.g. the PDF engine's fonts)."
    ),
) -> None:
    if quiet:
        import logging

        logging.disable(logging.INFO)  # for this command only
        ctx.call_on_close(lambda: logging.disable(logging.NOTSET))
    if version:
        typer.echo(f"medsec {__version__}")
        raise typer.Exit()


def exit_code(error: MedsecError) -> int:
    """The documented exit code for a domain error."""
    if isinstance(error, NotFound):
        return EXIT_NOT_FOUND
    if isinstance(error, Conflict):
        return EXIT_CONFLICT
    if isinstance(error, PermissionDenied):
        return EXIT_DENIED
    return EXIT_REFUSED


def _err(markup: str, **kwargs: Any) -> None:
    from medsec.cli.runtime import err_console  # the runtime loads SQLAlchemy: only on errors

    err_console.print(markup, **kwargs)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; domain errors become one line on stderr and a non-zero exit."""
    from click.exceptions import ClickException
    from rich.markup import escape

    try:
        code = app(args=argv, standalone_mode=False)  # click returns a typer.Exit code here
        if isinstance(code, int) and code:
            sys.exit(code)
    except MedsecError as error:
        _err(f"[red]error:[/red] {escape(str(error))}", highlight=False, soft_wrap=True)
        sys.exit(exit_code(error))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        _err("aborted")
        sys.exit(130)
    except (ClickException, typer.TyperException) as usage:  # typer >= 0.29 vendors click
        show = getattr(usage, "show", None)
        if callable(show):
            show()
        else:
            _err(f"error: {escape(str(usage))}")
        sys.exit(int(getattr(usage, "exit_code", 2)))
    except Exception as error:
        from sqlalchemy.exc import DataError

        from medsec.db.engine import is_busy

        if isinstance(error, DataError) and "NUL (0x00)" in str(error.orig):
            _err("[red]error:[/red] text may not contain NUL characters; nothing was stored")
            sys.exit(EXIT_REFUSED)
        if not is_busy(error):
            raise
        _err(
            "[red]error:[/red] the database is busy (another writer held it too long); "
            "nothing was stored, try again"
        )
        sys.exit(EXIT_BUSY)
