"""SPDX 2.x reader for the JSON shape (JSON and YAML; tag-value is converted to the same shape).

Relationships mapped to dependency edges (ref depends on / contains target):
``DEPENDS_ON``, ``CONTAINS``, ``STATIC_LINK``, ``DYNAMIC_LINK``, ``HAS_PREREQUISITE`` forward;
``DEPENDENCY_OF`` and every ``*_DEPENDENCY_OF``, ``CONTAINED_BY``, ``PREREQUISITE_FOR`` reversed.
Only edges between packages are kept (files and snippets are not components). ``DESCRIBES``
(and ``documentDescribes``, ``DESCRIBED_BY`` reversed) picks the primary package, which is then
left out of ``components`` like CycloneDX's metadata.component.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
import orjson
import yaml

from medsec.errors import DocumentError, DocumentTooLarge, UnsupportedFormat
from medsec.ingest._common import (
    Warnings,
    cpe_is_valid,
    hash_error,
    json_path,
    parse_date,
    parse_datetime,
    purl_error,
)
from medsec.ingest.sbom_model import SUPPORT_LEVELS, ParsedComponent, ParsedSbom, ParseWarning

SUPPORTED = ("SPDX-2.0", "SPDX-2.1", "SPDX-2.2", "SPDX-2.3")
PURPOSE_TO_TYPE = {
    "APPLICATION": "application",
    "FRAMEWORK": "framework",
    "LIBRARY": "library",
    "CONTAINER": "container",
    "OPERATING-SYSTEM": "operating-system",
    "DEVICE": "device",
    "FIRMWARE": "firmware",
    "SOURCE": "source",
    "ARCHIVE": "archive",
    "FILE": "file",
    "INSTALL": "install",
    "OTHER": "other",
}
SPDX_HASH_NAMES = {
    "SHA1": "SHA-1",
    "SHA224": "SHA-224",
    "SHA256": "SHA-256",
    "SHA384": "SHA-384",
    "SHA512": "SHA-512",
    "SHA3-256": "SHA3-256",
    "SHA3-384": "SHA3-384",
    "SHA3-512": "SHA3-512",
    "BLAKE2B-256": "BLAKE2b-256",
    "BLAKE2B-384": "BLAKE2b-384",
    "BLAKE2B-512": "BLAKE2b-512",
    "BLAKE3": "BLAKE3",
    "MD2": "MD2",
    "MD4": "MD4",
    "MD5": "MD5",
    "MD6": "MD6",
    "ADLER32": "ADLER32",
}
FORWARD = frozenset({"DEPENDS_ON", "CONTAINS", "STATIC_LINK", "DYNAMIC_LINK", "HAS_PREREQUISITE"})
REVERSED = frozenset({"CONTAINED_BY", "PREREQUISITE_FOR", "DEPENDENCY_OF"})
_NONE = frozenset({"NOASSERTION", "NONE", ""})
_AGENT_RE = re.compile(r"^\s*(?:Organization|Person|Tool)\s*:\s*", re.IGNORECASE)
_EMAIL_RE = re.compile(r"\s*\([^()]*@[^()]*\)\s*$|\s*\(\s*\)\s*$")

# field_loc(base, field) -> location of ``field`` inside the element at ``base``
FieldLoc = Callable[[str, str], str]


SUPPORT_ANNOTATION = "medsec:supportLevel"  # how medsec writes the level of support into SPDX 2.3


def _json_field(base: str, field: str) -> str:
    return f"{base}.{field}"


def agent_name(value: Any) -> str | None:
    """``Organization: ACME (x@y)`` -> ``ACME``; NOASSERTION/NONE -> None."""
    if not isinstance(value, str) or value.strip().upper() in _NONE:
        return None
    return _EMAIL_RE.sub("", _AGENT_RE.sub("", value)).strip() or None


def _str(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    value = value.strip()
    return value or None


def _is_dependency_of(kind: str) -> bool:
    return kind in REVERSED or kind.endswith("_DEPENDENCY_OF")


class _Spdx:
    """Maps SPDX 2 package dicts to ParsedComponents, checking identifiers and hashes."""

    def __init__(self, source: str, field_loc: FieldLoc, strict: bool) -> None:
        self.source = source
        self.field_loc = field_loc
        self.strict = strict
        self.warnings = Warnings()
        self.bad: list[tuple[str, str]] = []

    def invalid(self, message: str, location: str, prop: tuple[str, str]) -> None:
        """Refuse (strict) or warn about an invalid identifier or hash (lenient: it is dropped)."""
        if self.strict:
            raise self.fail(message, location)
        self.warnings.add(
            f"invalid:{location}",
            location,
            f"{message} (kept verbatim as medsec:invalid-*, flagged invalid, never matched)",
        )
        self.bad.append(prop)

    def fail(self, message: str, location: str) -> DocumentError:
        return DocumentError(message, source=self.source, location=location)

    def objects(self, value: Any, loc: str) -> list[dict[str, Any]]:
        """``value`` as a list of objects ([] when absent); anything else is refused."""
        if value is None:
            return []
        if not isinstance(value, list):
            raise self.fail("expected a list", loc)
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise self.fail("expected an object", f"{loc}[{i}]")
        return value

    def package(self, p: Any, loc: str) -> ParsedComponent:
        if not isinstance(p, dict):
            raise self.fail("package is not an object", loc)
        ref, name = _str(p.get("SPDXID")), _str(p.get("name"))
        if ref is None:
            raise self.fail("package without SPDXID", loc)
        if name is None:
            raise self.fail("package without a name", self.field_loc(loc, "name"))
        purl = cpe = None
        self.bad = []
        refs = self.objects(p.get("externalRefs"), self.field_loc(loc, "externalRefs"))
        for i, ext in enumerate(refs):
            rtype, locator = str(ext.get("referenceType", "")), _str(ext.get("referenceLocator"))
            where = self.field_loc(loc, f"externalRefs[{i}]")
            if locator is None:
                continue
            if rtype == "purl":
                if why := purl_error(locator):
                    self.invalid(
                        f"invalid purl {locator!r}: {why}", where, ("medsec:invalid-purl", locator)
                    )
                elif purl is None:
                    purl = locator
                else:
                    self.warnings.add(
                        "purls", where, "package with several purls: the first is kept"
                    )
            elif rtype in ("cpe23Type", "cpe22Type"):
                if not cpe_is_valid(locator):
                    self.invalid(f"invalid CPE {locator!r}", where, ("medsec:invalid-cpe", locator))
                else:
                    cpe = cpe or locator
        hashes = []
        for i, ck in enumerate(self.objects(p.get("checksums"), self.field_loc(loc, "checksums"))):
            alg_raw, value = str(ck.get("algorithm", "")).upper(), _str(ck.get("checksumValue"))
            alg = SPDX_HASH_NAMES.get(alg_raw, alg_raw)
            if value is None:
                continue
            if why := hash_error(alg, value):
                where = self.field_loc(loc, f"checksums[{i}]")
                self.invalid(why, where, ("medsec:invalid-hash", f"{alg}:{value}"))
                continue
            hashes.append((alg, value.lower()))
        licenses: list[str] = []
        for key in ("licenseDeclared", "licenseConcluded"):
            lic = _str(p.get(key))
            if lic and lic.upper() not in _NONE and lic not in licenses:
                licenses.append(lic)
        purpose = _str(p.get("primaryPackagePurpose"))
        ctype = "library"
        if purpose is not None:
            mapped = PURPOSE_TO_TYPE.get(purpose.upper().replace("_", "-"))
            if mapped is None:
                self.warnings.add(
                    f"purpose:{purpose}", loc, f"unknown primaryPackagePurpose {purpose!r} → other"
                )
            ctype = mapped or "other"
        version = _str(p.get("versionInfo"))
        supplier = agent_name(p.get("supplier"))
        if version is None:
            self.warnings.add("noversion", loc, "package without versionInfo")
        if supplier is None:
            self.warnings.add("nosupplier", loc, "package without a supplier")
        props: list[tuple[str, str]] = list(self.bad)
        until = _str(p.get("validUntilDate"))
        eos = None
        if until is not None:
            props.append(("spdx:validUntilDate", until))
            eos = parse_date(until)
            if eos is None:
                self.warnings.add(
                    "until",
                    self.field_loc(loc, "validUntilDate"),
                    f"validUntilDate {until!r} is not a date",
                )
        level = None
        for note in p.get("annotations") or ():
            comment = _str(note.get("comment")) if isinstance(note, dict) else None
            if comment and comment.startswith(SUPPORT_ANNOTATION + "="):
                value = comment.split("=", 1)[1].strip()
                level = value if value in SUPPORT_LEVELS else "unknown"
                props.append((SUPPORT_ANNOTATION, value))
        return ParsedComponent(
            ref=ref,
            type=ctype,
            name=name,
            version=version,
            supplier=supplier,
            support_level=level,
            author=agent_name(p.get("originator")),
            purl=purl,
            cpe=cpe,
            hashes=tuple(hashes),
            licenses=tuple(licenses),
            description=_str(p.get("description")) or _str(p.get("summary")),
            end_of_support=eos,
            properties=tuple(props),
        )


# Document creation information every SPDX 2.2/2.3 document must carry (spec clause 6; the
# official JSON schemas require them): (JSON path, tag-value tag).
_REQUIRED = (
    (("SPDXID",), "SPDXID"),
    (("dataLicense",), "DataLicense"),
    (("name",), "DocumentName"),
    (("documentNamespace",), "DocumentNamespace"),
    (("creationInfo", "created"), "Created"),
    (("creationInfo", "creators"), "Creator"),
)


def _require_document_fields(doc: dict[str, Any], s: _Spdx, encoding: str) -> None:
    """Refuse a document missing a mandatory creation field (garbage is not an SBOM)."""
    for path, tag in _REQUIRED:
        value: Any = doc
        for key in path:
            value = value.get(key) if isinstance(value, dict) else None
        if value is None or value == "" or value == []:
            where = f"tag {tag}" if encoding == "tag-value" else "$." + ".".join(path)
            raise s.fail(f"not a valid SPDX document: {tag} is missing", where)


def map_spdx2(
    doc: dict[str, Any],
    *,
    source: str,
    encoding: str,
    field_loc: FieldLoc = _json_field,
    strict: bool = True,
) -> ParsedSbom:
    """Map an SPDX 2 document in JSON shape to a ParsedSbom."""
    version = _str(doc.get("spdxVersion")) or ""
    if version not in SUPPORTED:
        raise UnsupportedFormat(
            f"{version or 'unknown SPDX version'} is not supported",
            source=source,
            location="spdxVersion",
        )
    s = _Spdx(source, field_loc, strict)
    _require_document_fields(doc, s, encoding)
    packages = doc.get("packages") or []
    if not isinstance(packages, list):
        raise s.fail("packages is not a list", "$.packages")
    comps: list[ParsedComponent] = []
    where: dict[str, str] = {}
    for i, p in enumerate(packages):
        loc = str(p["_loc"]) if isinstance(p, dict) and "_loc" in p else f"$.packages[{i}]"
        comp = s.package(p, loc)
        if comp.ref in where:
            raise s.fail(f"duplicate SPDXID {comp.ref!r} (also at {where[comp.ref]})", loc)
        where[comp.ref] = loc
        comps.append(comp)
    doc_id = _str(doc.get("SPDXID")) or "SPDXRef-DOCUMENT"
    others = {
        str(f.get("SPDXID"))
        for key in ("files", "snippets")
        for f in s.objects(doc.get(key), f"$.{key}")
    }
    describes = doc.get("documentDescribes") or []
    if not isinstance(describes, list):
        raise s.fail("documentDescribes is not a list", "$.documentDescribes")
    described = [str(x) for x in describes]
    edges: list[tuple[str, str]] = []
    seen: set[tuple[str, str]] = set()
    for i, rel in enumerate(s.objects(doc.get("relationships"), "$.relationships")):
        loc = rel.get("_loc") or f"$.relationships[{i}]"
        a, kind, b = (
            str(rel.get(k, "")) for k in ("spdxElementId", "relationshipType", "relatedSpdxElement")
        )
        kind = kind.upper().replace("-", "_")
        if kind == "DESCRIBES" and a == doc_id:
            described.append(b)
            continue
        if kind == "DESCRIBED_BY" and b == doc_id:
            described.append(a)
            continue
        if kind in FORWARD:
            edge = (a, b)
        elif _is_dependency_of(kind):
            edge = (b, a)
        else:
            continue
        if doc_id in edge:
            continue  # e.g. DOCUMENT CONTAINS X: a statement about the document, not a dependency
        if edge[0] not in where or edge[1] not in where:
            unknown = [
                x for x in edge if x not in where and x not in others and x.upper() not in _NONE
            ]
            if unknown:
                s.warnings.add(
                    "dangling", loc, f"relationship with unknown element {unknown[0]!r} ignored"
                )
            continue
        if edge not in seen:
            seen.add(edge)
            edges.append(edge)
    by_ref = {c.ref: c for c in comps}
    primary = next((by_ref[r] for r in described if r in by_ref), None)
    if primary is not None:
        comps = [c for c in comps if c is not primary]
    if not comps and primary is None:
        s.warnings.add("empty", "$", "document declares no packages")
    info = doc.get("creationInfo") or {}
    if not isinstance(info, dict):
        raise s.fail("creationInfo is not an object", "$.creationInfo")
    raw_creators = info.get("creators") or []
    if not isinstance(raw_creators, list):
        raise s.fail("creators is not a list", "$.creationInfo.creators")
    creators = [str(c) for c in raw_creators]
    return ParsedSbom(
        format="spdx",
        spec_version=version,
        encoding=encoding,
        serial_number=_str(doc.get("documentNamespace")),
        name=_str(doc.get("name")),
        created=parse_datetime(info.get("created")),
        authors=tuple(n for c in creators if not c.startswith("Tool") and (n := agent_name(c))),
        tools=tuple(n for c in creators if c.startswith("Tool") and (n := agent_name(c))),
        primary=primary,
        components=tuple(comps),
        dependencies=tuple(edges),
        warnings=s.warnings.result(),
    )


def read_spdx_json(doc: dict[str, Any], *, source: str, strict: bool = True) -> ParsedSbom:
    """Check an already-parsed SPDX 2.2/2.3 JSON document against its official JSON schema,
    then map it. The first schema error (with its JSON path) refuses the document when
    ``strict``; otherwise it is a warning and the document is read as far as medsec can (real
    tools' output deviates: a 2.2 package without ``copyrightText``, ``null`` lists)."""
    parsed = map_spdx2(doc, source=source, encoding="json", strict=strict)  # its errors first
    problem = schema_error(doc)
    if problem is None:
        return parsed
    text = f"not valid {doc.get('spdxVersion')} (schema): {problem[1]}"
    if strict:
        raise DocumentError(text, source=source, location=problem[0])
    warning = ParseWarning(problem[0], f"{text} (read anyway; --strict refuses)")
    return dataclasses.replace(parsed, warnings=(*parsed.warnings, warning))


SCHEMAS = {"SPDX-2.2": "2.2", "SPDX-2.3": "2.3"}  # shipped by lib4sbom (lib4sbom/schemas/spdx)


@cache
def _schema_validator(version: str) -> Any:
    """The official SPDX JSON schema of a version, compiled once."""
    name = f"schemas/spdx/{SCHEMAS[version]}-schema.json"
    schema = orjson.loads(resources.files("lib4sbom").joinpath(name).read_bytes())
    return jsonschema_rs.validator_for(schema, validate_formats=True)


def schema_error(doc: dict[str, Any]) -> tuple[str, str] | None:
    """(JSON path, message) of the first schema error of an SPDX 2.2/2.3 JSON document; None
    when it is valid or of a version without a schema. Stops at the first error (bounded)."""
    version = doc.get("spdxVersion")
    if version not in SCHEMAS:
        return None
    validator = _schema_validator(str(version))
    if validator.is_valid(doc):
        return None
    try:
        validator.validate(doc)
    except jsonschema_rs.ValidationError as err:
        message = err.message if len(err.message) <= 200 else err.message[:200] + "…"
        return json_path(err.instance_path), message
    return "$", "schema validation failed"  # pragma: no cover - is_valid and validate disagree


_Loader: Any = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def _check_yaml(data: bytes, *, source: str, max_depth: int) -> None:
    """Stream the YAML events once: refuse aliases (expansion bombs) and deep nesting."""
    try:
        _walk_yaml_events(data, source=source, max_depth=max_depth)
    except yaml.YAMLError as exc:
        if "nesting depth" in str(exc):  # PyYAML >= 6.0.4 stops deep flow nesting itself
            raise DocumentTooLarge(
                f"YAML nesting deeper than {max_depth} levels", source=source
            ) from None
        raise


def _walk_yaml_events(data: bytes, *, source: str, max_depth: int) -> None:
    depth = 0
    for event in yaml.parse(data, Loader=_Loader):
        if isinstance(event, yaml.SequenceStartEvent | yaml.MappingStartEvent):
            depth += 1
            if depth > max_depth:
                raise DocumentTooLarge(
                    f"YAML nesting deeper than {max_depth} levels", source=source
                )
        elif isinstance(event, yaml.SequenceEndEvent | yaml.MappingEndEvent):
            depth -= 1
        elif isinstance(event, yaml.AliasEvent):
            mark = event.start_mark
            loc = f"line {mark.line + 1} column {mark.column + 1}" if mark else None
            raise DocumentError(
                "YAML aliases are not allowed in an SBOM", source=source, location=loc
            )


def read_spdx_yaml(data: bytes, *, source: str, max_depth: int, strict: bool = True) -> ParsedSbom:
    """Parse SPDX 2.x YAML (all scalars kept as strings) and map it."""
    try:
        _check_yaml(data, source=source, max_depth=max_depth)
        doc = yaml.load(data, Loader=_Loader)  # noqa: S506 - BaseLoader builds no objects
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        loc = f"line {mark.line + 1} column {mark.column + 1}" if mark else None
        raise DocumentError(f"malformed YAML: {exc}", source=source, location=loc) from None
    if not isinstance(doc, dict):
        raise DocumentError(
            "not an SPDX document: YAML top level is not a mapping",
            source=source,
            location="line 1",
        )
    return map_spdx2(doc, source=source, encoding="yaml", strict=strict)
