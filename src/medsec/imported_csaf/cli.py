"""`medsec csaf`: validate CSAF 2.0 advisories (schema, mandatory tests, checksum sidecars) and
import other vendors' advisories and VEX (import, list, show, statements)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.markup import escape
from rich.table import Table

from medsec.cli import runtime
from medsec.errors import (
    Conflict,
    DocumentError,
    MedsecError,
    NotFound,
    PermissionDenied,
)
from medsec.imported_csaf import queries as csaf_queries
from medsec.imported_csaf import service as csaf_import
from medsec.imported_csaf.schemas import MappedTargetRead
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
        data = runtime.read_input(path, limit=MAX_BYTES)
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


# --- import and read other vendors' advisories ---------------------------------------------


def _files(paths: list[Path]) -> list[Path]:
    """The files named, and every ``*.json`` under the directories named (sorted)."""
    out: list[Path] = []
    for p in paths:
        out += sorted(p.rglob("*.json")) if p.is_dir() else [p]
    return out


def _read(path: Path) -> tuple[bytes, dict[str, bytes]]:
    """The file's bytes and its checksum sidecars, refusing oversized or unreadable files."""
    data = runtime.read_input(path, limit=MAX_BYTES)
    try:
        sidecars = {
            alg: path.with_name(f"{path.name}.{alg}").read_bytes()
            for alg in _SIDECARS
            if path.with_name(f"{path.name}.{alg}").is_file()
        }
    except OSError as exc:
        raise DocumentError(f"cannot read: {exc.strerror or exc}", source=str(path)) from None
    return data, sidecars


def _code(exc: MedsecError) -> int:
    for kind, code in ((NotFound, 3), (Conflict, 4), (PermissionDenied, 5)):
        if isinstance(exc, kind):
            return code
    return EXIT_INVALID


def _summary(path: Path, r: csaf_import.ImportResult) -> str:
    doc = r.document
    outcome = r.outcome + (f" (was {r.replaced_version})" if r.replaced_version else "")
    text = (
        f"{path}: {doc.tracking_id} version {doc.version} {outcome}: products {r.products} "
        f"(mapped {r.mapped}, unmapped {r.unmapped}), vulnerabilities {r.vulnerabilities}, "
        f"statements {r.statements}"
    )
    if not doc.valid:
        tests = ", ".join(dict.fromkeys(f["test"] for f in doc.failures))
        text += f"; marked INVALID (forced; failing tests {tests})"
    return text


@app.command("import")
def import_(
    paths: list[Path] = typer.Argument(..., help="CSAF 2.0 JSON files or directories."),
    force: bool = typer.Option(False, "--force", help="Store invalid documents, marked invalid."),
) -> None:
    """Import vendors' advisories: validate, check .sha512/.sha256, map products to medsec.

    Each file is its own transaction. Exits 2 when a file is refused (4 on a version conflict).
    """
    codes: list[int] = []
    counts: dict[str, int] = {}
    for path in _files(paths):
        try:
            data, sidecars = _read(path)
            with runtime.uow() as session:
                result = csaf_import.import_csaf(
                    session,
                    data=data,
                    source=str(path),
                    force=force,
                    actor=runtime.actor(),
                    sidecars=sidecars,
                )
                line = _summary(path, result)
        except MedsecError as exc:
            codes.append(_code(exc))
            counts["refused"] = counts.get("refused", 0) + 1
            runtime.err_console.print(escape(f"{path}: refused: {_message(exc)}"), soft_wrap=True)
            for f in getattr(exc, "failures", ()):
                text = f"  {f.test_id} {f.path}: {f.message}"
                runtime.err_console.print(escape(text), soft_wrap=True)
            continue
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
        runtime.console.print(escape(line), soft_wrap=True)
    total = sum(counts.values())
    parts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    runtime.console.print(f"{total} file(s): {parts or 'none'}")
    if codes:
        raise typer.Exit(max(codes) if EXIT_INVALID not in codes else EXIT_INVALID)


@app.command("remap")
def remap() -> None:
    """Map the products of every current imported advisory again (after new products or SBOMs)."""
    with runtime.uow() as session:
        documents, mapped = csaf_import.remap_csaf(session, actor=runtime.actor())
    runtime.console.print(f"{documents} document(s) re-mapped: {mapped} product(s) mapped")


@app.command("list")
def list_(
    all_versions: bool = typer.Option(False, "--all", help="Every stored version."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """Imported advisories (the current version of each)."""
    with runtime.uow() as session:
        rows = csaf_queries.document_rows(session, all_versions=all_versions)
    if fmt is Fmt.json:
        runtime.print_json(rows)
        return
    table = Table("tracking id", "version", "publisher", "released", "valid", "products", "title")
    for r in rows:
        table.add_row(
            escape(r.tracking_id),
            escape(r.version) + ("" if r.current else " (old)"),
            escape(r.publisher.name or ""),
            str(r.current_release_date or "")[:10],
            "yes" if r.valid else "INVALID",
            f"{r.mapped}/{r.products} mapped",
            escape(r.title or ""),
        )
    runtime.console.print(table)


@app.command("show")
def show(
    tracking_id: str = typer.Argument(..., help="The document's tracking id."),
    version: str | None = typer.Option(None, "--version", help="A stored older version."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """One imported advisory: products and what they map to, statements, remediations."""
    with runtime.uow() as session:
        doc = csaf_queries.get_document(session, tracking_id=tracking_id, version=version)
    if fmt is Fmt.json:
        runtime.print_json(doc)
        return
    out = runtime.console
    out.print(escape(f"{doc.tracking_id} version {doc.version}: {doc.title}"))
    out.print(escape(f"publisher {doc.publisher.name} ({doc.publisher.namespace})"))
    out.print(f"stored versions: {escape(', '.join(doc.versions))}")
    if not doc.valid:
        out.print("INVALID (imported with --force):")
        for f in doc.failures:
            out.print(escape(f"  {f['test']} {f['path']}: {f['message']}"), soft_wrap=True)
    table = Table("product id", "name", "mapped to / reason")
    for p in doc.products:
        where = "; ".join(_where(t) for t in p.mapped_to) or f"unmapped: {p.unmapped_reason}"
        table.add_row(escape(p.product_id), escape(p.name or ""), escape(where))
    out.print(table)
    for v in doc.vulnerabilities:
        out.print(escape(f"{v.cve or '(no CVE)'} {v.title or ''} {v.cwe or ''}".strip()))
        for s in v.statements:
            just = f" ({s['justification']})" if s["justification"] else ""
            out.print(escape(f"  {s['product_id']}: {s['original']}{just}"))
            for m in s["remediations"]:
                out.print(escape(f"    {m['category']}: {m['details']}"), soft_wrap=True)


def _where(t: MappedTargetRead | dict[str, Any]) -> str:
    m = MappedTargetRead.model_validate(t) if isinstance(t, dict) else t
    if m.component:
        thing = f"component {m.component} (release {m.release})"
    else:
        thing = f"release {m.release}" if m.release else "product (all releases)"
    return f"{thing} by {m.method}"


@app.command("statements")
def statements(
    product: str = typer.Option(..., "--product", help="A medsec product."),
    release: str | None = typer.Option(None, "--release", help="One release of it."),
    fmt: Fmt = typer.Option(Fmt.table, "--format", "-f"),
) -> None:
    """What imported vendor documents say about a product/release and its components."""
    with runtime.uow() as session:
        found = csaf_queries.product_statements(session, product=product, release=release)
        rows = [s.read() for s in found]
    if fmt is Fmt.json:
        runtime.print_json(rows)
        return
    table = Table("document", "vulnerability", "csaf product", "mapped to", "status", "remediation")
    for r in rows:
        just = f" ({r.justification})" if r.justification else ""
        fix = "; ".join(f"{m['category']}: {m['details']}" for m in r.remediations or [])
        doc = f"{r.tracking_id} v{r.version}" + ("" if r.valid else " INVALID")
        table.add_row(
            escape(doc),
            escape(r.cve or r.title or ""),
            escape(r.csaf_product),
            escape(_where(r.mapped_to)),
            escape(f"{r.status or r.original}{just}"),
            escape(fix),
        )
    runtime.console.print(table)
    runtime.console.print(f"{len(rows)} statement(s)")
