"""The medsec command line: assembles the domain sub-apps and maps errors to exit codes."""

from __future__ import annotations

import sys

import typer
from click.exceptions import ClickException
from rich.markup import escape

from medsec import __version__
from medsec.accounts import cli as accounts_cli
from medsec.advisories import cli as advisories_cli
from medsec.backup import cli as backup_cli
from medsec.cli import db as db_cli
from medsec.cli import demo as demo_cli
from medsec.cli import serve as serve_cli
from medsec.cli.runtime import err_console
from medsec.cvd import cli as cvd_cli
from medsec.db.engine import is_busy
from medsec.errors import Conflict, MedsecError, NotFound, PermissionDenied
from medsec.findings import assess_cli
from medsec.findings import cli as findings_cli
from medsec.products import cli as products_cli
from medsec.risk import cli as risk_cli
from medsec.risk import cvss_cli
from medsec.sbom import cli as sbom_cli
from medsec.updates import cli as updates_cli
from medsec.vulns import cli as vulns_cli
from medsec.vulns import csaf_cli

EXIT_OK = 0
EXIT_REFUSED = 2  # bad input: a document, a value, a rule
EXIT_NOT_FOUND = 3
EXIT_CONFLICT = 4
EXIT_DENIED = 5  # the acting account lacks a role or product access
EXIT_BUSY = 6  # the database stayed busy (another writer) past the wait; nothing was stored

app = typer.Typer(
    name="medsec",
    help="Medical device cybersecurity across the total product life cycle (IMDRF N60).",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(db_cli.app, name="db")
app.add_typer(accounts_cli.app, name="account")
app.add_typer(products_cli.product_app, name="product")
app.add_typer(products_cli.release_app, name="release")
app.add_typer(sbom_cli.app, name="sbom")
app.add_typer(vulns_cli.feeds_app, name="feeds")
app.add_typer(vulns_cli.vuln_app, name="vuln")
app.add_typer(findings_cli.findings_app, name="findings")
for name, command in (
    ("show", assess_cli.show),
    ("triage", assess_cli.triage),
    ("rescore", assess_cli.rescore),
    ("ssvc", assess_cli.ssvc),
):
    findings_cli.findings_app.command(name)(command)
app.add_typer(risk_cli.app, name="risk")
app.add_typer(cvss_cli.app, name="cvss")
app.add_typer(updates_cli.app, name="update")
app.add_typer(csaf_cli.app, name="csaf")
app.add_typer(cvd_cli.app, name="cvd")
app.add_typer(advisories_cli.app, name="advisory")
app.command("match")(findings_cli.match)
app.command("scan")(findings_cli.scan)
app.command("demo")(demo_cli.demo)
app.command("serve")(serve_cli.serve)
app.command("backup")(backup_cli.backup)
app.command("restore")(backup_cli.restore)


@app.callback(invoke_without_command=True)
def _root(
    version: bool = typer.Option(False, "--version", help="Print the version and exit."),
) -> None:
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


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; domain errors become one line on stderr and a non-zero exit."""
    try:
        code = app(args=argv, standalone_mode=False)  # click returns a typer.Exit code here
        if isinstance(code, int) and code:
            sys.exit(code)
    except MedsecError as error:
        err_console.print(
            f"[red]error:[/red] {escape(str(error))}", highlight=False, soft_wrap=True
        )
        sys.exit(exit_code(error))
    except typer.Exit as done:
        sys.exit(done.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        err_console.print("aborted")
        sys.exit(130)
    except (ClickException, typer.TyperException) as usage:  # typer >= 0.29 vendors click
        show = getattr(usage, "show", None)
        if callable(show):
            show()
        else:
            err_console.print(f"error: {escape(str(usage))}")
        sys.exit(int(getattr(usage, "exit_code", 2)))
    except Exception as error:
        if not is_busy(error):
            raise
        err_console.print(
            "[red]error:[/red] the database is busy (another writer held it too long); "
            "nothing was stored, try again"
        )
        sys.exit(EXIT_BUSY)
