"""Write a ``ParsedSbom`` as CycloneDX JSON (1.4 to 1.7), built from plain dicts with orjson.

Mapping notes (see also the module constants):

- FDA support data has no CycloneDX field. The end-of-support date is written as the official
  taxonomy property ``cdx:lifecycle:milestone:endOfSupport`` (ISO date) and the level of support as
  ``medsec:supportLevel`` (one of ``medsec.ingest.sbom_model.SUPPORT_LEVELS``). Source properties
  with either name are replaced by ours when the DTO carries the value.
- Types a spec version lacks (SPDX purposes such as ``source``/``archive``/``install``/``other``, or
  1.5/1.6 additions in a 1.4 document) fall back to the nearest type it has; the original type is
  kept in the property ``medsec:componentType``.
- Licenses: a known SPDX id -> ``{"license": {"id"}}``, a valid SPDX expression ->
  ``{"expression"}``, anything else -> ``{"license": {"name"}}``. In 1.5 and 1.6 a component carries
  either licenses or exactly one expression, so there several entries that include an expression
  are joined with ``AND`` (or, when a plain name is among them, all written as names).
- Hashes with an unknown algorithm or a value that is not hex of the right length are left out
  (they would make the document invalid); so are dependency edges naming unknown refs.
- Nesting follows ``parent_ref`` (a component nested in the primary goes under
  ``metadata.component.components``; unknown parents and cycles give top-level components).
  Duplicate refs get a ``-dupN`` suffix so every ``bom-ref`` is unique.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import orjson

from medsec import __version__
from medsec.errors import InvalidInput
from medsec.export._common import (
    clean_hashes,
    dependency_map,
    effective_parents,
    ref_resolver,
    text,
    unique_refs,
    utc_timestamp,
)
from medsec.export._licenses import classify, is_compound
from medsec.ingest.sbom_model import ParsedComponent, ParsedSbom

SPEC_VERSIONS = ("1.4", "1.5", "1.6", "1.7")
EOS_PROPERTY = "cdx:lifecycle:milestone:endOfSupport"
SUPPORT_LEVEL_PROPERTY = "medsec:supportLevel"
TYPE_PROPERTY = "medsec:componentType"

_TYPES_14 = frozenset(
    {"application", "framework", "library", "container", "operating-system", "device"}
    | {"firmware", "file"}
)
_TYPES_15 = _TYPES_14 | {"platform", "device-driver", "machine-learning-model", "data"}
_TYPES = {"1.4": _TYPES_14, "1.5": _TYPES_15, "1.6": _TYPES_15 | {"cryptographic-asset"}}
_TYPES["1.7"] = _TYPES["1.6"]
_TYPE_FALLBACK = {
    "cryptographic-asset": "data",
    "machine-learning-model": "data",
    "data": "file",
    "platform": "framework",
    "device-driver": "library",
    "source": "file",
    "archive": "file",
    "install": "application",
}
_SCOPES = frozenset(("required", "optional", "excluded"))
_SERIAL = re.compile(r"^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
_MIXED_LICENSES = frozenset(("1.4", "1.7"))  # versions that allow licenses and expressions together
_STREEBOG = frozenset(("Streebog-256", "Streebog-512"))


def _cdx_type(kind: str, allowed: frozenset[str]) -> str:
    seen = 0
    while kind not in allowed and seen < 5:
        kind = _TYPE_FALLBACK.get(kind, "library")
        seen += 1
    return kind if kind in allowed else "library"


def _licenses(licenses: Sequence[str], spec: str) -> list[dict[str, Any]]:
    classified = [classify(lic) for lic in licenses if lic.strip()]
    kinds = {kind for kind, _ in classified}
    if len(classified) > 1 and spec not in _MIXED_LICENSES and "expression" in kinds:
        if "name" not in kinds:  # one expression: the AND of all entries
            parts = [f"({v})" if is_compound(v) else v for _, v in classified]
            return [{"expression": " AND ".join(dict.fromkeys(parts))}]
        classified = [("id" if k == "id" else "name", v) for k, v in classified]
    out: list[dict[str, Any]] = []
    for kind, value in classified:
        if kind == "expression":
            item: dict[str, Any] = {"expression": value}
        else:
            item = {"license": {"id" if kind == "id" else "name": value}}
        if item not in out:
            out.append(item)
    return out


def _properties(comp: ParsedComponent, original_type: str | None) -> list[dict[str, str]]:
    replaced = set()
    extra: list[dict[str, str]] = []
    if original_type is not None:
        replaced.add(TYPE_PROPERTY)
        extra.append({"name": TYPE_PROPERTY, "value": original_type})
    if comp.support_level:
        replaced.add(SUPPORT_LEVEL_PROPERTY)
        extra.append({"name": SUPPORT_LEVEL_PROPERTY, "value": comp.support_level})
    if comp.end_of_support is not None:
        replaced.add(EOS_PROPERTY)
        extra.append({"name": EOS_PROPERTY, "value": comp.end_of_support.isoformat()})
    kept = [{"name": n, "value": v} for n, v in comp.properties if n not in replaced]
    return kept + extra


def _component(comp: ParsedComponent, ref: str, spec: str) -> dict[str, Any]:
    kind = _cdx_type(comp.type, _TYPES[spec])
    out: dict[str, Any] = {"type": kind, "bom-ref": ref}
    if supplier := text(comp.supplier):
        out["supplier"] = {"name": supplier}
    if author := text(comp.author):
        if spec in ("1.4", "1.5"):
            out["author"] = author
        else:
            out["authors"] = [{"name": author}]
    if group := text(comp.group):
        out["group"] = group
    out["name"] = comp.name
    if comp.version is not None:
        out["version"] = comp.version
    if description := text(comp.description):
        out["description"] = description
    if comp.scope in _SCOPES:
        out["scope"] = comp.scope
    hashes = [
        {"alg": a, "content": v}
        for a, v in clean_hashes(comp.hashes)
        if spec == "1.7" or a not in _STREEBOG
    ]
    if hashes:
        out["hashes"] = hashes
    if licenses := _licenses(comp.licenses, spec):
        out["licenses"] = licenses
    if cpe := text(comp.cpe):
        out["cpe"] = cpe
    if purl := text(comp.purl):
        out["purl"] = purl
    if props := _properties(comp, comp.type if kind != comp.type else None):
        out["properties"] = props
    return out


def _tools(sbom: ParsedSbom, spec: str, tool_version: str) -> Any:
    names = list(
        dict.fromkeys(t.strip() for t in sbom.tools if t.strip() and t.strip() != "medsec")
    )
    if spec == "1.4":
        legacy = [{"vendor": "medsec", "name": "medsec", "version": tool_version}]
        return legacy + [{"name": n} for n in names]
    comps = [{"type": "application", "name": "medsec", "version": tool_version}]
    return {"components": comps + [{"type": "application", "name": n} for n in names]}


def to_cyclonedx_json(
    sbom: ParsedSbom,
    *,
    spec_version: str = "1.6",
    serial_number: str | None = None,
    timestamp: datetime | None = None,
    tool_version: str = __version__,
) -> bytes:
    """Serialise an SBOM DTO as CycloneDX JSON; same input, serial and timestamp -> same bytes."""
    if spec_version not in SPEC_VERSIONS:
        raise InvalidInput(
            f"unsupported CycloneDX version {spec_version!r}; use one of {SPEC_VERSIONS}"
        )
    serial = serial_number or uuid.uuid4().urn
    if not _SERIAL.match(serial):
        raise InvalidInput(f"serial number {serial!r} is not a urn:uuid")
    comps = sbom.components
    primary_ref, refs = unique_refs(comps, sbom.primary, "component")
    dicts = [_component(c, r, spec_version) for c, r in zip(comps, refs, strict=True)]
    primary = sbom.primary
    primary_dict = (
        _component(primary, primary_ref, spec_version) if primary and primary_ref else None
    )
    top: list[dict[str, Any]] = []
    for i, parent in enumerate(effective_parents(comps, refs, primary_ref)):
        if parent is not None:
            dicts[parent].setdefault("components", []).append(dicts[i])
        elif (
            primary_dict is not None and primary is not None and comps[i].parent_ref == primary.ref
        ):
            primary_dict.setdefault("components", []).append(dicts[i])
        else:
            top.append(dicts[i])

    metadata: dict[str, Any] = {"timestamp": utc_timestamp(timestamp)}
    metadata["tools"] = _tools(sbom, spec_version, tool_version)
    authors = [{"name": a} for a in dict.fromkeys(a.strip() for a in sbom.authors) if a]
    if authors:
        metadata["authors"] = authors
    if primary_dict is not None:
        metadata["component"] = primary_dict

    graph = dependency_map(sbom.dependencies, ref_resolver(comps, sbom.primary, primary_ref, refs))
    all_refs = ([primary_ref] if primary_ref is not None else []) + refs
    doc: dict[str, Any] = {
        "$schema": f"http://cyclonedx.org/schema/bom-{spec_version}.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": spec_version,
        "serialNumber": serial,
        "version": 1,
        "metadata": metadata,
        "components": top,
        "dependencies": [{"ref": r, "dependsOn": graph.get(r, [])} for r in all_refs],
    }
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2)
