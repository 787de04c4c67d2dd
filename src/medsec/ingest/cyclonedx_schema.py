"""The official CycloneDX JSON schemas, compiled once per spec version with one set of options,
for reading SBOMs (`ingest.cyclonedx_json`) and for checking what medsec writes (`export`).

The schemas ship with cyclonedx-python-lib (``cyclonedx/schema/_res``); the ``spdx``, ``jsf`` and
``cryptography-defs`` schemas they ``$ref`` are registered under ``http://cyclonedx.org/schema/``.
Compiled on first use, never at import (it takes ~0.1 s per version).
"""

from __future__ import annotations

import threading
from functools import cache
from importlib import resources
from typing import Any

import jsonschema_rs
import orjson

VERSIONS = ("1.2", "1.3", "1.4", "1.5", "1.6", "1.7")
_BASE = "http://cyclonedx.org/schema/"
_REFERENCED = (
    "spdx.SNAPSHOT.schema.json",
    "jsf-0.82.SNAPSHOT.schema.json",
    "cryptography-defs.SNAPSHOT.schema.json",
)
_LOCK = threading.Lock()


def _load(name: str) -> Any:
    return orjson.loads(resources.files("cyclonedx.schema._res").joinpath(name).read_bytes())


def _any_string(value: str) -> bool:
    return True


@cache
def _compiled(spec_version: str) -> Any:
    registry = jsonschema_rs.Registry([(_BASE + name, _load(name)) for name in _REFERENCED])
    schema = _load(f"bom-{spec_version}.SNAPSHOT.schema.json")
    # iri-reference is not checked: real BOMs carry unexpanded Maven URLs like ``${project.url}``.
    return jsonschema_rs.validator_for(
        schema, registry=registry, validate_formats=True, formats={"iri-reference": _any_string}
    )


def validator(spec_version: str) -> Any:
    """The compiled validator of one spec version (1.2-1.7), built once (thread-safe)."""
    if spec_version not in VERSIONS:
        raise ValueError(f"unsupported CycloneDX version {spec_version!r}")
    with _LOCK:
        return _compiled(spec_version)
