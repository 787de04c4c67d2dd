"""Pure reading of a STIX 2.1 document received from an ISAO: size limit, JSON, schema
validation (``stix_schema``), the ``stix2`` parser, then the indicators and vulnerabilities with
the CVE ids and product names they mention."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from medsec.errors import DocumentError, DocumentTooLarge
from medsec.sharing import stix_schema

MAX_BYTES = 32 * 1024 * 1024
CVE = re.compile(r"\bCVE-\d{4}-\d{4,}\b", re.IGNORECASE)
KEPT_TYPES = ("indicator", "vulnerability")


@dataclass(frozen=True, slots=True)
class Received:
    """One indicator or vulnerability of a received document."""

    stix_id: str
    stix_type: str
    name: str
    description: str
    pattern: str | None
    cves: tuple[str, ...]
    raw: dict[str, Any]


@dataclass(frozen=True, slots=True)
class ReceivedDocument:
    """A validated STIX document."""

    sha256: str
    bundle_id: str | None
    objects: tuple[dict[str, Any], ...]
    kept: tuple[Received, ...]


def _cves(obj: dict[str, Any]) -> tuple[str, ...]:
    found = {m.upper() for m in CVE.findall(str(obj.get("name", "")))}
    for ref in obj.get("external_references", []) or []:
        if str(ref.get("source_name", "")).lower() == "cve" and ref.get("external_id"):
            found.add(str(ref["external_id"]).upper())
    return tuple(sorted(found))


def read(data: bytes, *, source: str, schemas: Path | None = None) -> ReceivedDocument:
    """Validate and read a STIX 2.1 bundle (or a single STIX object); DocumentError naming the
    file and the JSON pointer when it is refused."""
    import stix2
    from stix2.exceptions import STIXError

    if len(data) > MAX_BYTES:
        raise DocumentTooLarge(f"{len(data)} bytes, at most {MAX_BYTES}", source=source)
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        raise DocumentError(f"not JSON: {exc}", source=source) from None
    stix_schema.check(doc, source=source, root=schemas)
    try:
        stix2.parse(doc, allow_custom=True)
    except (STIXError, ValueError, TypeError) as exc:
        raise DocumentError(f"the stix2 parser refused it: {exc}", source=source) from None
    objects = doc.get("objects", []) if doc.get("type") == "bundle" else [doc]
    kept = tuple(
        Received(
            stix_id=str(o["id"]),
            stix_type=str(o["type"]),
            name=str(o.get("name", "")),
            description=str(o.get("description", "")),
            pattern=o.get("pattern"),
            cves=_cves(o),
            raw=o,
        )
        for o in objects
        if o.get("type") in KEPT_TYPES
    )
    return ReceivedDocument(
        sha256=hashlib.sha256(data).hexdigest(),
        bundle_id=doc.get("id") if doc.get("type") == "bundle" else None,
        objects=tuple(objects),
        kept=kept,
    )


def names_products(obj: Received, product_names: list[str]) -> list[str]:
    """The product names an object mentions as whole words in its name, description or
    pattern (case-insensitive)."""
    hay = " ".join([obj.name, obj.description, obj.pattern or ""])
    return [
        p
        for p in product_names
        if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", hay, flags=re.IGNORECASE)
    ]
