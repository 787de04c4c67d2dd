"""Validate exported documents: CycloneDX against its JSON schemas, SPDX 2.3 with spdx-tools.

CycloneDX: the schemas shipped in cyclonedx-python-lib (``cyclonedx/schema/_res``) compiled once per
version with jsonschema-rs; the ``spdx``/``jsf``/``cryptography-defs`` schemas they ``$ref`` are
registered under ``http://cyclonedx.org/schema/<file>``.

SPDX: the official SPDX 2.2/2.3 JSON schema (shipped by lib4sbom, compiled once in
``medsec.ingest.spdx_json``), then spdx-tools' JSON-like-dict parser and
``validate_full_spdx_document`` (its object model's rules). spdx-tools is imported lazily
(it takes ~0.2 s to import).
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
import orjson

from medsec.ingest.spdx_json import schema_error as spdx_schema_error

_BASE = "http://cyclonedx.org/schema/"
_REFERENCED = (
    "spdx.SNAPSHOT.schema.json",
    "jsf-0.82.SNAPSHOT.schema.json",
    "cryptography-defs.SNAPSHOT.schema.json",
)
CYCLONEDX_VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
_LOCK = threading.Lock()


def _load(name: str) -> Any:
    return orjson.loads(resources.files("cyclonedx.schema._res").joinpath(name).read_bytes())


@cache
def _cyclonedx_validator(spec_version: str) -> Any:
    registry = jsonschema_rs.Registry([(_BASE + name, _load(name)) for name in _REFERENCED])
    schema = _load(f"bom-{spec_version}.SNAPSHOT.schema.json")
    return jsonschema_rs.validator_for(schema, registry=registry, validate_formats=True)


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
    with _LOCK:
        validator = _cyclonedx_validator(spec_version)
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
