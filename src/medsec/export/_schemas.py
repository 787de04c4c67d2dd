"""Validate exported documents: CycloneDX against its JSON schemas, SPDX 2.3 with spdx-tools.

CycloneDX: the validators of ``ingest.cyclonedx_schema``, the same compiled schemas (and options)
that check an SBOM on import.

SPDX: the official SPDX 2.2/2.3 JSON schema (shipped by lib4sbom, compiled once in
``medsec.ingest.spdx_json``), then spdx-tools' JSON-like-dict parser and
``validate_full_spdx_document`` (its object model's rules). spdx-tools is imported lazily
(it takes ~0.2 s to import).
"""

from __future__ import annotations

from typing import Any

import orjson

from medsec.ingest import cyclonedx_schema
from medsec.ingest.spdx_json import schema_error as spdx_schema_error

CYCLONEDX_VERSIONS = cyclonedx_schema.VERSIONS


def _as_object(doc: bytes | str | dict[str, Any]) -> tuple[Any, list[str]]:
    if isinstance(doc, dict):
        return doc, []
    try:
        return orjson.loads(doc), []
    except orjson.JSONDecodeError as exc:
        return None, [f"not JSON: {exc}"]


def _path(parts: Any) -> str:
    return "/" + "/".join(str(p) for p in parts)


def validate_cyclonedx(doc: bytes | str | dict[str, Any], spec_version: str) -> list[str]:
    """Schema errors of a CycloneDX JSON document for ``spec_version`` (1.2-1.7); [] = valid."""
    if spec_version not in CYCLONEDX_VERSIONS:
        return [f"unsupported CycloneDX version {spec_version!r}"]
    obj, errors = _as_object(doc)
    if errors:
        return errors
    validator = cyclonedx_schema.validator(spec_version)
    return [f"{_path(e.instance_path)}: {e.message}" for e in validator.iter_errors(obj)]


def validate_spdx(doc: bytes | str | dict[str, Any]) -> list[str]:
    """Errors of an SPDX 2.2/2.3 JSON document (spdx-tools parse + full validation); [] = valid."""
    from spdx_tools.spdx.parser.error import SPDXParsingError
    from spdx_tools.spdx.parser.jsonlikedict.json_like_dict_parser import JsonLikeDictParser
    from spdx_tools.spdx.validation.document_validator import validate_full_spdx_document

    obj, errors = _as_object(doc)
    if errors:
        return errors
    if not isinstance(obj, dict):
        return ["an SPDX JSON document must be an object"]
    problem = spdx_schema_error(obj)  # the official JSON schema (lib4sbom ships it) first
    if problem is not None:
        return [f"{problem[0]}: {problem[1]}"]
    try:
        document = JsonLikeDictParser().parse(obj)
    except SPDXParsingError as exc:
        return [str(m) for m in exc.get_messages()]
    messages = validate_full_spdx_document(document)
    return [m.validation_message for m in messages]
