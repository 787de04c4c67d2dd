"""CSAF 2.0 advisories: validation (schema + mandatory tests via the ``csaf`` package), the
``.sha256``/``.sha512`` sidecar check, and a pure reader into frozen DTOs.

Locations are JSON pointers (``/vulnerabilities/0/product_status``), as in CSAF tooling. Product
statuses are mapped to the canonical VEX statuses of :mod:`medsec.core.vex` with the original
CSAF term kept; ``recommended`` is not a VEX status and is kept apart.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from medsec.errors import DocumentError, DocumentTooLarge, InvalidInput, UnsupportedFormat
from medsec.ingest._common import check_size, load_json, strip_bom
from medsec.ingest.csaf_model import CsafDocument
from medsec.ingest.csaf_reader import read_document

MAX_BYTES = 16 * 1024 * 1024  # advisories are kilobytes (largest CISA ICSMA/VA file: 123 kB)
MAX_DEPTH = 64
# The validator's mandatory tests walk every vulnerability against the product tree, so their
# cost grows with the count; real advisories carry a few to a few hundred (a Linux kernel
# roll-up ~600). Beyond this the document is refused before validation.
MAX_VULNERABILITIES = 10_000
__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "CsafDocument",
    "CsafFailure",
    "CsafValidation",
    "HashCheck",
    "check_hash",
    "load_csaf",
    "read_csaf",
    "validate_csaf",
]
_FAILING_GROUPS = frozenset({"schema", "mandatory", "profile"})
_SCHEMA_SKIPPED = frozenset({"schema"})


@dataclass(frozen=True, slots=True)
class CsafFailure:
    """One finding of a CSAF test: test id (``schema``, ``6.1.9``…), message, JSON pointer."""

    test_id: str
    message: str
    path: str
    group: str  # schema | mandatory | recommended | informative


@dataclass(frozen=True, slots=True)
class CsafValidation:
    """Outcome of validating one document; warnings (6.2/6.3 tests) never make it invalid."""

    source: str
    valid: bool
    failures: tuple[CsafFailure, ...]
    warnings: tuple[CsafFailure, ...]
    tests_run: tuple[str, ...]

    @property
    def failed_tests(self) -> tuple[str, ...]:
        """Ids of the failing schema/mandatory tests, in report order, each once."""
        return tuple(dict.fromkeys(f.test_id for f in self.failures))


def _iter_depth_ok(value: Any, max_depth: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > max_depth:
                return False
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return True


def load_csaf(
    data: bytes | dict[str, Any],
    *,
    source: str,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> dict[str, Any]:
    """Parse (bytes) or take (dict) a CSAF 2.0 document; refuse non-CSAF JSON and other versions."""
    if isinstance(data, bytes | bytearray):
        raw = bytes(data)
        check_size(raw, source=source, max_bytes=max_bytes)
        doc: Any = load_json(strip_bom(raw), source=source, max_depth=max_depth)
    else:
        doc = data
        if not _iter_depth_ok(doc, max_depth):
            raise DocumentTooLarge(f"JSON nesting deeper than {max_depth} levels", source=source)
    if not isinstance(doc, dict):
        kind = type(doc).__name__.replace("dict", "object").replace("list", "array")
        raise DocumentError(f"not a CSAF document: the top level is a JSON {kind}", source=source)
    document = doc.get("document")
    if not isinstance(document, dict):
        raise DocumentError(
            "not a CSAF document: no 'document' object", source=source, location="/document"
        )
    vulns = doc.get("vulnerabilities")
    if isinstance(vulns, list) and len(vulns) > MAX_VULNERABILITIES:
        raise DocumentTooLarge(
            f"{len(vulns)} vulnerabilities, limit is {MAX_VULNERABILITIES}",
            source=source,
            location="/vulnerabilities",
        )
    version = document.get("csaf_version")
    if version is not None and version != "2.0":
        raise UnsupportedFormat(
            f"CSAF version {version!r} is not supported (only 2.0)",
            source=source,
            location="/document/csaf_version",
        )
    return doc


def _run_package(doc: dict[str, Any], source: str, skip: frozenset[str]) -> Any:
    try:
        from csaf.csaf.v20._validator import validate as _package_validate

        return _package_validate(doc, path=source, preset="full", skip_rules=skip)
    except RecursionError:
        raise DocumentTooLarge("document nested too deeply to validate", source=source) from None


def validate_csaf(
    data: bytes | dict[str, Any],
    *,
    source: str,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> CsafValidation:
    """Validate against the CSAF 2.0 schema and all mandatory tests (6.1.x); 6.2/6.3 = warnings.

    The ``csaf`` package stops after a failing schema; the mandatory tests are then run once more
    without the schema so that e.g. an invalid CVSS object reports 6.1.8 besides ``schema``.
    """
    doc = load_csaf(data, source=source, max_bytes=max_bytes, max_depth=max_depth)
    results = list(_run_package(doc, source, frozenset()).results)
    failures: list[CsafFailure] = []
    warnings: list[CsafFailure] = []
    if any(r.id == "schema" and not r.passed for r in results):
        try:
            results += [
                r for r in _run_package(doc, source, _SCHEMA_SKIPPED).results if r.skipped is False
            ]
        except Exception as exc:  # the package's rules assume a schema-valid document
            note = f"tests after the schema not run: {type(exc).__name__}: {exc}"
            warnings.append(CsafFailure("mandatory", note, "/", "mandatory"))
    for r in results:
        if r.skipped:
            continue
        target = failures if r.group in _FAILING_GROUPS else warnings
        if not r.passed:
            found = [(e.message, e.instance_path) for e in r.errors] or [(r.title, "/")]
            for msg, path in found:
                item = CsafFailure(r.id, msg, path, r.group)
                if target is failures and _beyond_csaf_20(doc, item):
                    item = CsafFailure(r.id, f"{msg} ({BEYOND_NOTE})", path, r.group)
                    warnings.append(item)
                else:
                    target.append(item)
        warnings.extend(CsafFailure(r.id, w.message, w.instance_path, r.group) for w in r.warnings)
    run = tuple(dict.fromkeys(r.id for r in results if not r.skipped))
    return CsafValidation(source, not failures, tuple(failures), tuple(warnings), run)


# --- where the ``csaf`` package is stricter than the CSAF 2.0 text --------------------------

BEYOND_NOTE = "stricter than CSAF 2.0; kept as a warning"
# CSAF 2.0 6.1.31: a product_version name must not contain these (case-insensitive)
_RANGE_WORDS = re.compile(
    r"(<|>|\b(after|all|before|earlier|later|prior|versions)\b)", re.IGNORECASE
)
_EXTRA_6_1_27 = "in remediation is not in any product_status"


def _beyond_csaf_20(doc: dict[str, Any], item: CsafFailure) -> bool:
    """True for the package's verdicts that the CSAF 2.0 mandatory tests do not ask for.

    6.1.27: the package also requires every product of a remediation to appear in the
    vulnerability's product_status — not one of 6.1.27.1–.11. 6.1.31: the package also reads
    ``x`` wildcards (``14.1.x``) and "through" as ranges; CSAF 2.0 names a word list.
    """
    if item.test_id == "6.1.27":
        return _EXTRA_6_1_27 in item.message
    if item.test_id == "6.1.31":
        name = _at_pointer(doc, item.path)
        return isinstance(name, str) and not _RANGE_WORDS.search(name)
    return False


def _at_pointer(doc: Any, pointer: str) -> Any:
    node = doc
    for part in pointer.strip("/").split("/") if pointer.strip("/") else []:
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        elif isinstance(node, dict) and key in node:
            node = node[key]
        else:
            return None
    return node


# --- .sha256 / .sha512 sidecars -------------------------------------------------------------

_HASH_LENGTHS = {"sha256": 64, "sha512": 128}
_HEX = re.compile(r"^[0-9a-fA-F]+$")


@dataclass(frozen=True, slots=True)
class HashCheck:
    """A document checked against its checksum file."""

    algorithm: str
    expected: str
    actual: str
    filename: str | None  # as named in the sidecar

    @property
    def ok(self) -> bool:
        """True when the digest in the sidecar is the document's digest."""
        return self.expected == self.actual


def check_hash(
    data: bytes, sidecar: bytes, algorithm: str, *, source: str = "<sidecar>"
) -> HashCheck:
    """Check ``data`` against a ``<hex>  <filename>`` checksum file (``sha256`` or ``sha512``)."""
    alg = algorithm.lower().lstrip(".").replace("-", "")
    if alg not in _HASH_LENGTHS:
        raise InvalidInput(f"hash algorithm {algorithm!r} is not one of {sorted(_HASH_LENGTHS)}")
    try:
        text = sidecar.decode("utf-8")
    except UnicodeDecodeError:
        raise DocumentError("checksum file is not UTF-8 text", source=source) from None
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    parts = line.split(maxsplit=1)
    if not parts or not _HEX.match(parts[0]) or len(parts[0]) != _HASH_LENGTHS[alg]:
        raise DocumentError(
            f"not a {alg} checksum line ('<{_HASH_LENGTHS[alg]} hex digits>  <filename>')",
            source=source,
            location="line 1",
        )
    filename = parts[1].strip().lstrip("*") if len(parts) > 1 else None
    actual = hashlib.new(alg, data).hexdigest()
    return HashCheck(alg, parts[0].lower(), actual, filename or None)


def read_csaf(
    data: bytes | dict[str, Any],
    *,
    source: str,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> CsafDocument:
    """Read a CSAF 2.0 advisory into frozen DTOs (no validation: see ``validate_csaf``)."""
    doc = load_csaf(data, source=source, max_bytes=max_bytes, max_depth=max_depth)
    return read_document(doc, source=source)
