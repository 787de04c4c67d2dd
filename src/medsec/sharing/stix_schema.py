"""Validation of STIX 2.1 JSON against the OASIS STIX 2.1 JSON schemas.

The schemas are read from ``MEDSEC_STIX_SCHEMAS`` (the ``schemas`` folder of
oasis-open/cti-stix2-json-schemas) or, by default, from the copy the ``stix2-validator``
package ships (``stix2validator/schemas-2.1/schemas``, the same files). Nothing is read at
import time.

A gap in the official ``bundle.json``: its list of object schemas omits some STIX 2.1 types
that have their own schema (``incident``, ``grouping``, ``location``, ``note``, ``opinion`` in
the current files; the same class of defect as oasis-open/cti-stix2-json-schemas issues #133
and #147), and its fallback branch for custom objects then fails because such an object matches
both ``core.json`` and ``cyber-observable-core.json`` (``oneOf``). Objects of those types are
therefore validated against their own type schema, and the rest of the bundle against
``bundle.json``. The gap is computed from the schema files, so it closes when they are fixed.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import util
from pathlib import Path
from typing import Any

from medsec.config import get_settings
from medsec.errors import DocumentError, Unavailable


def schema_dir() -> Path:
    """The folder holding ``common/``, ``sdos/``, ``sros/`` and ``observables/``."""
    env = get_settings().stix_schemas
    if env:
        path = Path(env)
    else:
        spec = util.find_spec("stix2validator")
        if spec is None or spec.origin is None:
            raise Unavailable(
                "STIX 2.1 schemas not found: install stix2-validator or set MEDSEC_STIX_SCHEMAS"
            )
        path = Path(spec.origin).parent / "schemas-2.1" / "schemas"
    if not (path / "common" / "bundle.json").is_file():
        raise Unavailable(f"{path}: no STIX 2.1 schemas here (common/bundle.json is missing)")
    return path


@cache
def _validators(root: str) -> tuple[Any, dict[str, Any], frozenset[str]]:
    import jsonschema_rs

    base = Path(root)
    resources = []
    by_type: dict[str, Any] = {}
    for path in sorted(base.rglob("*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        resources.append((doc["$id"], doc))
    registry = jsonschema_rs.Registry(resources)
    for _, doc in resources:
        title = doc.get("title")
        if isinstance(title, str) and doc["$id"].rsplit("/", 2)[-2] in (
            "sdos",
            "sros",
            "observables",
        ):
            by_type[title] = jsonschema_rs.validator_for(doc, registry=registry)
    md = json.loads((base / "common" / "marking-definition.json").read_text(encoding="utf-8"))
    by_type["marking-definition"] = jsonschema_rs.validator_for(md, registry=registry)
    bundle = json.loads((base / "common" / "bundle.json").read_text(encoding="utf-8"))
    listed = {
        ref["$ref"].rsplit("/", 1)[-1].removesuffix(".json")
        for ref in bundle["properties"]["objects"]["items"]["anyOf"][0]["oneOf"]
    }
    gap = frozenset(set(by_type) - listed)
    return jsonschema_rs.validator_for(bundle, registry=registry), by_type, gap


def _pointer(path: list[Any]) -> str:
    return "/" + "/".join(str(p) for p in path)


def _bundle_errors(
    document: dict[str, Any], bundle: Any, by_type: dict[str, Any], gap: frozenset[str]
) -> list[str]:
    objects = document.get("objects")
    if not isinstance(objects, list):
        return [
            f"{_pointer(e.instance_path)}: {e.message[:300]}" for e in bundle.iter_errors(document)
        ]
    # each object against its own type schema first: precise JSON pointers
    out = []
    for i, obj in enumerate(objects):
        validator = by_type.get(str(obj.get("type"))) if isinstance(obj, dict) else None
        if validator is not None:
            out += [
                f"/objects/{i}{_pointer(e.instance_path).rstrip('/')}: {e.message[:300]}"
                for e in validator.iter_errors(obj)
            ]
    own = [i for i, o in enumerate(objects) if isinstance(o, dict) and o.get("type") in gap]
    rest = [i for i in range(len(objects)) if i not in set(own)]
    envelope = {**document, "objects": [objects[i] for i in rest] or [{"type": "x-placeholder"}]}
    for err in bundle.iter_errors(envelope):
        path = list(err.instance_path)
        if len(path) >= 2 and path[0] == "objects" and isinstance(path[1], int):
            if not rest:
                continue
            path[1] = rest[path[1]]
            if any(
                o.startswith(f"/objects/{path[1]}/") or o.startswith(f"/objects/{path[1]}:")
                for o in out
            ):
                continue  # already reported precisely
        out.append(f"{_pointer(path)}: {err.message[:300]}")
    return out


def errors(document: Any, *, root: Path | None = None) -> list[str]:
    """Schema errors of a bundle or a single STIX object, each as ``/json/pointer: message``."""
    bundle, by_type, gap = _validators(str(root or schema_dir()))
    if not isinstance(document, dict):
        return ["/: a STIX document is a JSON object"]
    kind = document.get("type")
    if kind == "bundle":
        return _bundle_errors(document, bundle, by_type, gap)
    validator = by_type.get(str(kind))
    if validator is None:
        return [f"/type: {kind!r} is not a STIX 2.1 bundle or object type"]
    return [
        f"{_pointer(e.instance_path)}: {e.message[:300]}" for e in validator.iter_errors(document)
    ]


def check(document: Any, *, source: str, root: Path | None = None) -> None:
    """Raise DocumentError naming the first failing JSON pointer (and how many more)."""
    found = errors(document, root=root)
    if found:
        more = f" (and {len(found) - 1} more)" if len(found) > 1 else ""
        where, _, message = found[0].partition(": ")
        raise DocumentError(
            f"not valid STIX 2.1: {message}{more}", source=source, location=where or "/"
        )
