"""CycloneDX VEX documents (JSON, 1.4-1.7) read into statements, pure: one statement per
(vulnerability, affected component or product) with the analysis as the vendor wrote it.

A statement names its component by purl, name and version (resolved from the document's own
components through the ``affects[].ref`` bom-refs, nested components included); a ref that
names the product (a component without purl) gives a product-level statement with the version
the document lists for it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from medsec.errors import DocumentError

MAX_STATEMENTS = 200_000


@dataclass(frozen=True, slots=True)
class VexStatement:
    """What a CycloneDX VEX document says about one vulnerability in one component/product."""

    vulnerability: str
    aliases: tuple[str, ...]
    name: str | None
    version: str | None
    purl: str | None
    state: str
    justification: str | None
    detail: str | None
    response: tuple[str, ...]
    recommendation: str | None
    pointer: str


@dataclass(frozen=True, slots=True)
class VexDocument:
    """A CycloneDX VEX document's identity and statements."""

    serial: str | None
    version: int
    statements: tuple[VexStatement, ...]


def _components(items: Any, out: dict[str, dict[str, Any]]) -> None:
    for c in items if isinstance(items, list) else []:
        if not isinstance(c, dict):
            continue
        ref = c.get("bom-ref")
        if isinstance(ref, str):
            out[ref] = c
        _components(c.get("components"), out)


def read_vex(data: bytes, source: str) -> VexDocument:
    """Statements of a CycloneDX VEX (or an SBOM carrying vulnerabilities with analyses)."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DocumentError(f"malformed JSON ({exc})", source=source) from exc
    if not isinstance(doc, dict) or doc.get("bomFormat") != "CycloneDX":
        raise DocumentError(
            'not a CycloneDX document ("bomFormat" is not "CycloneDX")', source=source
        )
    vulns = doc.get("vulnerabilities")
    if not isinstance(vulns, list) or not vulns:
        raise DocumentError(
            "no vulnerabilities: not a VEX document", source=source, location="/vulnerabilities"
        )
    comps: dict[str, dict[str, Any]] = {}
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    if isinstance(meta, dict) and isinstance(meta.get("component"), dict):
        _components([meta["component"]], comps)
    _components(doc.get("components"), comps)
    statements = list(_statements(vulns, comps, source))
    if len(statements) > MAX_STATEMENTS:
        raise DocumentError(f"more than {MAX_STATEMENTS:,} statements", source=source)
    serial = doc.get("serialNumber") if isinstance(doc.get("serialNumber"), str) else None
    raw_version = doc.get("version")
    version = raw_version if isinstance(raw_version, int) else 1
    return VexDocument(serial, version, tuple(statements))


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _statements(
    vulns: list[Any], comps: dict[str, dict[str, Any]], source: str
) -> Iterator[VexStatement]:
    for i, v in enumerate(vulns):
        where = f"/vulnerabilities/{i}"
        if not isinstance(v, dict) or not isinstance(v.get("id"), str):
            raise DocumentError("a vulnerability needs an id", source=source, location=where)
        analysis = v.get("analysis")
        if not isinstance(analysis, dict) or not isinstance(analysis.get("state"), str):
            continue  # no analysis: nothing stated
        aliases = tuple(
            r["id"]
            for r in v.get("references") or []
            if isinstance(r, dict) and isinstance(r.get("id"), str)
        )
        response = tuple(x for x in analysis.get("response") or [] if isinstance(x, str))
        for j, a in enumerate(v.get("affects") or []):
            ref = a.get("ref") if isinstance(a, dict) else None
            if not isinstance(ref, str):
                raise DocumentError(
                    "an affects entry needs a ref", source=source, location=f"{where}/affects/{j}"
                )
            comp = comps.get(ref.rsplit("#", 1)[-1]) or comps.get(ref)
            if comp is None:
                raise DocumentError(
                    f"affects ref {ref!r} names no component of the document",
                    source=source,
                    location=f"{where}/affects/{j}/ref",
                )
            listed = [x.get("version") for x in a.get("versions") or [] if isinstance(x, dict)]
            version = _text(comp.get("version")) or next(
                (x for x in listed if isinstance(x, str)), None
            )
            yield VexStatement(
                vulnerability=v["id"],
                aliases=aliases,
                name=_text(comp.get("name")),
                version=version,
                purl=_text(comp.get("purl")),
                state=analysis["state"],
                justification=_text(analysis.get("justification")),
                detail=_text(analysis.get("detail")),
                response=response,
                recommendation=_text(v.get("recommendation")),
                pointer=f"{where}/affects/{j}",
            )
