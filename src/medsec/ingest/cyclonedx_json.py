"""CycloneDX JSON reader: official-schema validation, then a mapping shared with the XML reader."""

from __future__ import annotations

from typing import Any

import jsonschema_rs

from medsec.errors import DocumentError, UnsupportedFormat
from medsec.ingest import cyclonedx_schema
from medsec.ingest._common import parse_datetime
from medsec.ingest.cyclonedx_mapper import AUTO_PREFIX, Mapper, Step, names, text
from medsec.ingest.sbom_model import ParsedComponent, ParsedSbom

JSON_VERSIONS = cyclonedx_schema.VERSIONS


def json_step(base: str, key: str, index: int | None) -> str:
    """JSON path of ``base.key[index]``."""
    return f"{base}.{key}" if index is None else f"{base}.{key}[{index}]"


def _json_path(parts: Any) -> str:
    out = "$"
    for p in parts:
        out += f"[{p}]" if isinstance(p, int) else f".{p}"
    return out


def validate_schema(doc: Any, spec_version: str, *, source: str) -> None:
    """Raise DocumentError naming the first schema error (with its JSON path).

    ``is_valid`` and ``validate`` stop at the first error; collecting every error of a hostile
    document (a million ``{}`` components) would cost gigabytes, so only the first is reported.
    """
    validator = cyclonedx_schema.validator(spec_version)
    if validator.is_valid(doc):
        return
    try:
        validator.validate(doc)
    except jsonschema_rs.ValidationError as err:
        where = _json_path(err.instance_path)
        raise DocumentError(
            f"not valid CycloneDX {spec_version} (schema): {where}: {_clip(err.message)}",
            source=source,
            location=where,
        ) from None
    raise DocumentError(  # pragma: no cover - is_valid and validate disagree
        f"not valid CycloneDX {spec_version} (schema)", source=source, location="$"
    )


def _clip(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[:limit] + "…"


def read_cyclonedx_json(
    doc: dict[str, Any], *, source: str, spec_version: str, strict: bool = True
) -> ParsedSbom:
    """Validate a parsed CycloneDX JSON document against its schema and map it to a ParsedSbom."""
    if spec_version not in JSON_VERSIONS:
        raise UnsupportedFormat(
            f"CycloneDX JSON {spec_version} is not supported ({', '.join(JSON_VERSIONS)} are)",
            source=source,
            location="$.specVersion",
        )
    validate_schema(doc, spec_version, source=source)
    return map_cyclonedx(
        doc,
        source=source,
        spec_version=spec_version,
        encoding="json",
        root="$",
        step=json_step,
        strict=strict,
    )


def _tool_names(tools: Any) -> tuple[str, ...]:
    if isinstance(tools, dict):  # 1.5+: {"components": [...], "services": [...]}
        items = list(tools.get("components") or ()) + list(tools.get("services") or ())
    else:
        items = list(tools or ())
    out = []
    for t in items:
        if isinstance(t, dict):
            vendor = (
                t.get("vendor")
                or t.get("group")
                or (t.get("publisher") if "vendor" not in t else None)
            )
            parts = [text(vendor), text(t.get("name")), text(t.get("version"))]
            if label := " ".join(p for p in parts if p):
                out.append(label)
    return tuple(out)


def map_cyclonedx(
    doc: dict[str, Any],
    *,
    source: str,
    spec_version: str,
    encoding: str,
    root: str,
    step: Step,
    strict: bool = True,
    fast: bool = True,
) -> ParsedSbom:
    """Map a CycloneDX document (JSON shape) to a ParsedSbom; semantic checks included.

    ``fast=False`` maps every component through the general path (the reference in the tests).
    """
    m = Mapper(source=source, step=step, strict=strict, fast=fast)
    meta = doc.get("metadata") or {}
    meta_loc = step(root, "metadata", None)
    components: list[ParsedComponent] = []
    primary = None
    if isinstance(meta.get("component"), dict):
        ploc = step(meta_loc, "component", None)
        pdict = meta["component"]
        pref = text(pdict.get("bom-ref"))
        primary = m.component({**pdict, "bom-ref": pref or f"{AUTO_PREFIX}primary"}, ploc, None)
        m.walk(pdict.get("components"), ploc, primary.ref, components)
    primary_ref = primary.ref if primary else None
    if primary_ref is not None:
        m.refs.pop(primary_ref, None)  # a component may restate the primary (cdxgen does)
    top: list[ParsedComponent] = []
    m.walk(doc.get("components"), root, None, top)
    if primary_ref is not None and any(c.ref == primary_ref for c in top):
        m.warnings.add(
            "primary-dup",
            meta_loc,
            f"metadata.component bom-ref {primary_ref!r} also names a component",
        )
    components.extend(top)
    known = set(m.refs)
    if primary_ref:
        known.add(primary_ref)
    first: dict[tuple[str, str], int] = {}  # each edge once, with its first dependency's index
    for i, dep in enumerate(doc.get("dependencies") or ()):
        ref = text(dep.get("ref")) or ""
        for target in dep.get("dependsOn") or ():
            first.setdefault((ref, target if target.__class__ is str else str(target)), i)
    edges: list[tuple[str, str]] = []
    for edge, i in first.items():
        if edge[0] in known and edge[1] in known:
            edges.append(edge)
            continue
        missing = edge[0] if edge[0] not in known else edge[1]
        m.warnings.add(
            "dangling",
            step(root, "dependencies", i),
            f"dependency on unknown bom-ref {missing!r} ignored",
        )
    if not components and not primary:
        m.warnings.add("empty", root, "document declares no components")
    version = doc.get("version")
    return ParsedSbom(
        format="cyclonedx",
        spec_version=spec_version,
        encoding=encoding,
        serial_number=text(doc.get("serialNumber")),
        document_version=int(version)
        if isinstance(version, int | str) and str(version).isdigit()
        else None,
        name=primary.name if primary else None,
        created=parse_datetime(meta.get("timestamp")),
        authors=tuple(names(meta.get("authors"))),
        tools=_tool_names(meta.get("tools")),
        primary=primary,
        components=tuple(components),
        dependencies=tuple(edges),
        warnings=m.warnings.result(),
    )
