"""SBOM entry point: detect the format from content and dispatch to the right reader."""

from __future__ import annotations

import re
from typing import Any

from medsec.core.gcpause import paused_gc
from medsec.errors import DocumentError, UnsupportedFormat
from medsec.ingest._common import (
    DEFAULT_MAX_BYTES,
    DEFAULT_MAX_DEPTH,
    check_size,
    load_json,
    strip_bom,
)
from medsec.ingest.sbom_model import ParsedSbom

_XML_NS_RE = re.compile(
    rb"<(?:\w+:)?bom\b[^>]*xmlns(?::\w+)?=[\"']http://cyclonedx\.org/schema/bom/(\d+\.\d+)[\"']"
)
_TV_RE = re.compile(rb"^\s*SPDXVersion:\s*(SPDX-\d+\.\d+)", re.MULTILINE)
_YAML_RE = re.compile(rb"^[\"']?spdxVersion[\"']?\s*:\s*[\"']?(SPDX-\d+\.\d+)", re.MULTILINE)

__all__ = ["detect_format", "parse_sbom"]


def _sniff_json(doc: Any, *, source: str) -> tuple[str, str, str]:
    if not isinstance(doc, dict):
        raise DocumentError(
            "not an SBOM: the JSON top level is not an object", source=source, location="$"
        )
    if "bomFormat" in doc:
        if doc.get("bomFormat") != "CycloneDX":
            raise DocumentError(
                f"not an SBOM: bomFormat is {doc.get('bomFormat')!r}",
                source=source,
                location="$.bomFormat",
            )
        spec = doc.get("specVersion")
        if not isinstance(spec, str):
            raise DocumentError(
                "CycloneDX document without specVersion", source=source, location="$.specVersion"
            )
        return "cyclonedx", "json", spec
    if "spdxVersion" in doc:
        spec = doc.get("spdxVersion")
        return "spdx", "json", spec if isinstance(spec, str) else ""
    context = doc.get("@context")
    if isinstance(context, str | list) and "spdx.org/rdf/3" in str(context):
        return "spdx", "json-ld", "SPDX-3.0"
    if isinstance(doc.get("document"), dict) and "csaf_version" in doc["document"]:
        raise DocumentError(
            "not an SBOM: this is a CSAF advisory", source=source, location="$.document"
        )
    if "schema_version" in doc and "affected" in doc:
        raise DocumentError(
            "not an SBOM: this is an OSV vulnerability record", source=source, location="$"
        )
    raise DocumentError(
        "not an SBOM: JSON without bomFormat (CycloneDX), spdxVersion (SPDX 2) or SPDX 3 @context",
        source=source,
        location="$",
    )


def _detect(data: bytes, *, source: str, max_depth: int) -> tuple[tuple[str, str, str], Any]:
    body = strip_bom(data)
    head = body[:4096]
    if body[:1] in (b"{", b"["):
        doc = load_json(body, source=source, max_depth=max_depth)
        return _sniff_json(doc, source=source), doc
    if body[:1] == b"<":
        if m := _XML_NS_RE.search(head):
            return ("cyclonedx", "xml", m.group(1).decode()), body
        if b"spdx.org/rdf" in head or b"rdf:RDF" in head:
            raise UnsupportedFormat(
                "SPDX RDF/XML is not supported; use SPDX JSON or tag-value", source=source
            )
        raise DocumentError(
            "not an SBOM: XML without a CycloneDX namespace (http://cyclonedx.org/schema/bom/1.x)",
            source=source,
            location="line 1",
        )
    if m := _TV_RE.search(head):
        return ("spdx", "tag-value", m.group(1).decode()), body
    if m := _YAML_RE.search(body[:65536]):
        return ("spdx", "yaml", m.group(1).decode()), body
    raise DocumentError(
        "not an SBOM: neither JSON, CycloneDX XML, SPDX tag-value nor SPDX YAML",
        source=source,
        location="line 1",
    )


def detect_format(data: bytes, *, source: str) -> tuple[str, str, str]:
    """Return (format, encoding, spec_version) judged from content: ("cyclonedx", "json", "1.6")."""
    check_size(data, source=source, max_bytes=DEFAULT_MAX_BYTES)
    return _detect(data, source=source, max_depth=DEFAULT_MAX_DEPTH)[0]


def parse_sbom(
    data: bytes,
    *,
    source: str,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_depth: int = DEFAULT_MAX_DEPTH,
    strict: bool = True,
) -> ParsedSbom:
    """Parse and validate an SBOM (CycloneDX JSON/XML, SPDX 2 JSON/YAML/tag-value, SPDX 3 JSON-LD).

    ``strict=False`` turns an invalid purl, CPE or hash into a warning (the value is dropped and
    kept as a ``medsec:invalid-*`` property) instead of refusing the document.
    """
    with paused_gc():
        return _parse(data, source=source, max_bytes=max_bytes, max_depth=max_depth, strict=strict)


def _parse(data: bytes, *, source: str, max_bytes: int, max_depth: int, strict: bool) -> ParsedSbom:
    check_size(data, source=source, max_bytes=max_bytes)
    (fmt, encoding, spec), payload = _detect(data, source=source, max_depth=max_depth)
    if fmt == "cyclonedx" and encoding == "json":
        from medsec.ingest.cyclonedx_json import read_cyclonedx_json

        return read_cyclonedx_json(payload, source=source, spec_version=spec, strict=strict)
    if fmt == "cyclonedx":
        from medsec.ingest.cyclonedx_xml import read_cyclonedx_xml

        return read_cyclonedx_xml(
            payload, source=source, spec_version=spec, max_depth=max_depth, strict=strict
        )
    if encoding == "json-ld":
        from medsec.ingest.spdx3 import read_spdx3

        return read_spdx3(payload, source=source, strict=strict)
    if encoding == "tag-value":
        from medsec.ingest.spdx_tagvalue import read_spdx_tagvalue

        return read_spdx_tagvalue(payload, source=source, strict=strict)
    from medsec.ingest.spdx_json import read_spdx_json, read_spdx_yaml

    if encoding == "yaml":
        return read_spdx_yaml(payload, source=source, max_depth=max_depth, strict=strict)
    return read_spdx_json(payload, source=source, strict=strict)
