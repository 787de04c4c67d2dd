"""`medsec csaf`: validate CSAF 2.0 advisories (schema, mandatory tests, checksum sidecars)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.errors import DocumentError, DocumentTooLarge, MedsecError
from medsec.ingest.csaf import MAX_BYTES, check_hash, validate_csaf

app = typer.Typer(help="CSAF 2.0 advisories.", no_args_is_help=True)

EXIT_INVALID = 2
_SIDECARS = ("sha512", "sha256")


class Fmt(StrEnum):
    """Output formats."""

    table = "table"
    json = "json"


@app.callback()
def _group() -> None:
    """CSAF 2.0 advisories."""


def _hashes(path: Path, data: bytes) -> dict[str, str]:
    """ok / mismatch / invalid sidecar per algorithm; {} when no sidecar is next to the file."""
    out: dict[str, str] = {}
    for alg in _SIDECARS:
        sidecar = path.with_name(f"{path.name}.{alg}")
        if not sidecar.is_file():
            continue
        try:
            out[alg] = (
                "ok"
                if check_hash(data, sidecar.read_bytes(), alg, source=str(sidecar)).ok
                else "mismatch"
            )
        except MedsecError as exc:
            out[alg] = f"invalid sidecar ({exc})"
    return out


def _message(exc: MedsecError) -> str:
    """The error without the file name (the output names the file already)."""
    if isinstance(exc, DocumentError):
        return f"{exc.location}: {exc.detail}" if exc.location else exc.detail
    return str(exc)


def _check(path: Path) -> dict[str, Any]:
    """The validation outcome of one file as a JSON-ready dict."""
    entry: dict[str, Any] = {"file": str(path), "valid": False, "error": None, "failures": []}
    entry |= {"warnings": 0, "hashes": {}}
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise DocumentTooLarge(f"{size} bytes, limit is {MAX_BYTES}", source=str(path))
        data = path.read_bytes()
    except OSError as exc:
        entry["error"] = f"cannot read: {exc.strerror or exc}"
        return entry
    except MedsecError as exc:
        entry["error"] = _message(exc)
        return entry
    entry["hashes"] = _hashes(path, data)
    try:
        result = validate_csaf(data, source=str(path))
    except MedsecError as exc:
        entry["error"] = _message(exc)
        return entry
    entry["valid"] = result.valid
    entry["failures"] = [
        {"test": f.test_id, "path": f.path, "message": f.message} for f in result.failures
    ]
    entry["warnings"] = len(result.warnings)
    return entry


def _hash_text(hashes: dict[str, str]) -> str:
    return ", ".join(f"{alg} {state}" for alg, state in hashes.items()) or "absent"


def _failed(entry: dict[str, Any]) -> bool:
    return not entry["valid"] or any(s != "ok" for s in entry["hashes"].values())


@app.command("validate")
def validate(
    files: list[Path] = typer.Argument(..., help="CSAF 2.0 JSON files."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Validate advisories: JSON schema and mandatory tests 6.1.x; checks .sha512/.sha256 files.

    Exits 2 when a file is invalid or its checksum does not match.
    """
    entries = [_check(p) for p in files]
    if fmt is Fmt.json:
        runtime.print_json(entries)
    else:
        table = Table("file", "result", "failed tests", "hash", "warnings")
        for e in entries:
            tests = ", ".join(dict.fromkeys(f["test"] for f in e["failures"]))
            tests = "error" if e["error"] else tests
            result = "VALID" if e["valid"] else "INVALID"
            table.add_row(
                escape(e["file"]), result, tests, _hash_text(e["hashes"]), str(e["warnings"])
            )
        runtime.console.print(table)
        for e in entries:
            if e["error"]:
                runtime.console.print(f"{escape(e['file'])}: {escape(e['error'])}")
            for f in e["failures"]:
                line = f"{e['file']}: {f['test']} {f['path']}: {f['message']}"
                runtime.console.print(escape(line), soft_wrap=True)
    if any(_failed(e) for e in entries):
        raise typer.Exit(EXIT_INVALID)
