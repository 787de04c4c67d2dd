"""medsec's own system-model file (YAML or JSON; diffable, reviewable in a pull request):
read with every reference checked, written back in a stable order.

    medsec-system-model: 1
    name: Infusion pump
    boundaries: [{id: hospital, name: Hospital network, parent: null}]
    elements:
      - {id: pump, type: device, name: Pump, boundary: hospital,
         interfaces: [{name: Wi-Fi, kind: wireless, enabled: true, reason: ...}]}
    flows:
      - {id: f1, from: pump, to: gateway, protocol: HTTPS, port: 443,
         direction: one-way, data: [infusion status], classification: safety-critical}

Refused with the JSON pointer: unknown element types, duplicate ids, dangling references,
cycles in the nesting of boundaries or elements."""

from __future__ import annotations

from typing import Any

import orjson

from medsec.errors import DocumentError
from medsec.ingest._common import DEFAULT_MAX_BYTES, check_size
from medsec.ingest.feed_common import load_structured
from medsec.ingest.sysmodel_model import (
    CLASSIFICATIONS,
    DIRECTIONS,
    ELEMENT_TYPES,
    INTERFACE_KINDS,
    Boundary,
    Element,
    Flow,
    Interface,
    SystemModel,
)

FORMAT_KEY = "medsec-system-model"
FORMAT_VERSION = 1


class _Reader:
    def __init__(self, source: str) -> None:
        self.source = source

    def fail(self, where: str, message: str) -> DocumentError:
        return DocumentError(message, source=self.source, location=where)

    def text(
        self, obj: dict[str, Any], key: str, where: str, *, required: bool = False
    ) -> str | None:
        value = obj.get(key)
        if value is None or value == "":
            if required:
                raise self.fail(f"{where}/{key}", f"'{key}' is required")
            return None
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self.fail(f"{where}/{key}", f"'{key}' must be text")
        return str(value)

    def port(self, obj: dict[str, Any], where: str) -> int | None:
        value = obj.get("port")
        if value is None or value == "":
            return None
        try:
            number = int(str(value))
        except ValueError:
            raise self.fail(f"{where}/port", f"port {value!r} is not a number") from None
        if not 0 <= number <= 65535:
            raise self.fail(f"{where}/port", f"port {number} is outside 0-65535")
        return number

    def choice(
        self, obj: dict[str, Any], key: str, allowed: tuple[str, ...], where: str, default: str
    ) -> str:
        value = self.text(obj, key, where) or default
        if value not in allowed:
            raise self.fail(
                f"{where}/{key}", f"unknown {key} {value!r} (one of {', '.join(allowed)})"
            )
        return value

    def items(self, doc: dict[str, Any], key: str) -> list[dict[str, Any]]:
        raw = doc.get(key) or []
        if not isinstance(raw, list):
            raise self.fail(f"/{key}", f"'{key}' must be a list")
        for i, item in enumerate(raw):
            if not isinstance(item, dict):
                raise self.fail(f"/{key}/{i}", "each entry must be a mapping")
        return raw

    def flag(self, obj: dict[str, Any], key: str, where: str, default: bool) -> bool:
        value = obj.get(key, default)
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.lower() in ("true", "false", "yes", "no"):
            return value.lower() in ("true", "yes")
        raise self.fail(f"{where}/{key}", f"'{key}' must be true or false")


def read_system_model(
    data: bytes, *, source: str = "<model>", max_bytes: int = DEFAULT_MAX_BYTES
) -> SystemModel:
    """Parse and check a medsec system-model file (YAML or JSON)."""
    check_size(data, source=source, max_bytes=max_bytes)
    doc = load_structured(data, source=source)
    if not isinstance(doc, dict):
        raise DocumentError("a system model is a mapping", source=source, location="/")
    return model_from_dict(doc, source=source)


def model_from_dict(doc: dict[str, Any], *, source: str = "<model>") -> SystemModel:
    """Build and check a system model from its parsed form."""
    r = _Reader(source)
    version = doc.get(FORMAT_KEY)
    if version is None or str(version) != str(FORMAT_VERSION):
        raise r.fail(f"/{FORMAT_KEY}", f"'{FORMAT_KEY}: {FORMAT_VERSION}' is required")
    name = r.text(doc, "name", "", required=True) or ""
    boundaries = []
    for i, b in enumerate(r.items(doc, "boundaries")):
        w = f"/boundaries/{i}"
        boundaries.append(
            Boundary(
                id=r.text(b, "id", w, required=True) or "",
                name=r.text(b, "name", w) or r.text(b, "id", w) or "",
                parent=r.text(b, "parent", w),
                description=r.text(b, "description", w),
            )
        )
    elements = []
    for i, e in enumerate(r.items(doc, "elements")):
        w = f"/elements/{i}"
        ifaces = []
        raw_ifaces = e.get("interfaces") or []
        if not isinstance(raw_ifaces, list):
            raise r.fail(f"{w}/interfaces", "'interfaces' must be a list")
        for j, f in enumerate(raw_ifaces):
            wj = f"{w}/interfaces/{j}"
            if not isinstance(f, dict):
                raise r.fail(wj, "each interface must be a mapping")
            ifaces.append(
                Interface(
                    name=r.text(f, "name", wj, required=True) or "",
                    kind=r.choice(f, "kind", INTERFACE_KINDS, wj, "other"),
                    enabled=r.flag(f, "enabled", wj, True),
                    reason=r.text(f, "reason", wj),
                    port=r.port(f, wj),
                    protocol=r.text(f, "protocol", wj),
                )
            )
        elements.append(
            Element(
                id=r.text(e, "id", w, required=True) or "",
                type=r.choice(e, "type", ELEMENT_TYPES, w, "process"),
                name=r.text(e, "name", w) or r.text(e, "id", w) or "",
                description=r.text(e, "description", w),
                boundary=r.text(e, "boundary", w),
                parent=r.text(e, "parent", w),
                interfaces=tuple(ifaces),
                out_of_scope=r.flag(e, "out_of_scope", w, False),
                source_type=r.text(e, "source_type", w),
            )
        )
    flows = []
    for i, f in enumerate(r.items(doc, "flows")):
        w = f"/flows/{i}"
        data = f.get("data") or []
        if isinstance(data, str):
            data = [data]
        if not isinstance(data, list):
            raise r.fail(f"{w}/data", "'data' must be a list of names")
        flows.append(
            Flow(
                id=r.text(f, "id", w, required=True) or "",
                source=r.text(f, "from", w, required=True) or "",
                target=r.text(f, "to", w, required=True) or "",
                name=r.text(f, "name", w) or r.text(f, "id", w) or "",
                protocol=r.text(f, "protocol", w),
                port=r.port(f, w),
                direction=r.choice(f, "direction", DIRECTIONS, w, "one-way"),
                data=tuple(str(d) for d in data),
                classification=r.choice(f, "classification", CLASSIFICATIONS, w, "internal"),
                out_of_scope=r.flag(f, "out_of_scope", w, False),
            )
        )
    model = SystemModel(
        name=name,
        description=r.text(doc, "description", ""),
        elements=tuple(elements),
        flows=tuple(flows),
        boundaries=tuple(boundaries),
    )
    problems = check_model(model)
    if problems:
        where, message = problems[0]
        raise r.fail(where, message)
    return model


def check_model(model: SystemModel) -> list[tuple[str, str]]:
    """Every broken reference, duplicate id and nesting cycle, as (JSON pointer, message)."""
    out: list[tuple[str, str]] = []
    seen: dict[str, str] = {}
    groups: tuple[tuple[str, tuple[Boundary | Element | Flow, ...]], ...] = (
        ("boundaries", model.boundaries),
        ("elements", model.elements),
        ("flows", model.flows),
    )
    for kind, items in groups:
        for i, item in enumerate(items):
            if item.id in seen:
                out.append(
                    (f"/{kind}/{i}/id", f"duplicate id {item.id!r} (also in {seen[item.id]})")
                )
            seen.setdefault(item.id, f"/{kind}/{i}")
    zones = {b.id: b for b in model.boundaries}
    nodes = {e.id: e for e in model.elements}
    for i, b in enumerate(model.boundaries):
        if b.parent is not None and b.parent not in zones:
            out.append((f"/boundaries/{i}/parent", f"unknown boundary {b.parent!r}"))
    for i, e in enumerate(model.elements):
        if e.boundary is not None and e.boundary not in zones:
            out.append((f"/elements/{i}/boundary", f"unknown boundary {e.boundary!r}"))
        if e.parent is not None and e.parent not in nodes:
            out.append((f"/elements/{i}/parent", f"unknown element {e.parent!r}"))
    for i, f in enumerate(model.flows):
        for key, ref in (("from", f.source), ("to", f.target)):
            if ref not in nodes:
                out.append((f"/flows/{i}/{key}", f"unknown element {ref!r}"))
    for kind, parents in (
        ("boundaries", {b.id: b.parent for b in model.boundaries}),
        ("elements", {e.id: e.parent for e in model.elements}),
    ):
        order = [x.id for x in (model.boundaries if kind == "boundaries" else model.elements)]
        for i, start in enumerate(order):
            cur, hops = parents.get(start), 0
            while cur is not None and cur in parents and hops <= len(parents):
                if cur == start:
                    out.append((f"/{kind}/{i}/parent", f"nesting cycle through {start!r}"))
                    break
                cur, hops = parents.get(cur), hops + 1
    return out


def model_to_dict(model: SystemModel) -> dict[str, Any]:
    """The file form of a model: stable key order, empty optional fields left out."""

    def clean(d: dict[str, Any]) -> dict[str, Any]:
        return {k: v for k, v in d.items() if v not in (None, [], "", False) or k == "enabled"}

    return {
        FORMAT_KEY: FORMAT_VERSION,
        "name": model.name,
        **({"description": model.description} if model.description else {}),
        "boundaries": [
            clean({"id": b.id, "name": b.name, "parent": b.parent, "description": b.description})
            for b in model.boundaries
        ],
        "elements": [
            clean(
                {
                    "id": e.id,
                    "type": e.type,
                    "name": e.name,
                    "description": e.description,
                    "boundary": e.boundary,
                    "parent": e.parent,
                    "out_of_scope": e.out_of_scope,
                    "source_type": e.source_type,
                    "interfaces": [
                        clean(
                            {
                                "name": i.name,
                                "kind": i.kind,
                                "enabled": i.enabled,
                                "port": i.port,
                                "protocol": i.protocol,
                                "reason": i.reason,
                            }
                        )
                        for i in e.interfaces
                    ],
                }
            )
            for e in model.elements
        ],
        "flows": [
            clean(
                {
                    "id": f.id,
                    "from": f.source,
                    "to": f.target,
                    "name": f.name,
                    "protocol": f.protocol,
                    "port": f.port,
                    "direction": f.direction,
                    "data": list(f.data),
                    "classification": f.classification,
                    "out_of_scope": f.out_of_scope,
                }
            )
            for f in model.flows
        ],
    }


def dump_model(model: SystemModel, fmt: str = "yaml") -> str:
    """The model as YAML (default) or JSON text."""
    data = model_to_dict(model)
    if fmt == "json":
        return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"
    import yaml

    return str(yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100))
