"""Pure system-model rules: the difference between two versions of a model, and the Graphviz
source of its data-flow diagram (trust boundaries as nested clusters; every user text quoted
and escaped, node names are our own)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from medsec.ingest.sysmodel_model import SystemModel

_SHAPES = {
    "device": "box3d",
    "process": "ellipse",
    "data-store": "cylinder",
    "external-entity": "box",
    "clinician": "box",
    "patient": "box",
    "network": "hexagon",
    "cloud": "component",
    "update-server": "folder",
}


@dataclass(frozen=True, slots=True)
class Change:
    """One difference: an added, removed or changed element, flow or boundary."""

    kind: str  # element | flow | boundary
    id: str
    change: str  # added | removed | changed
    fields: tuple[str, ...] = ()


def diff(old: SystemModel, new: SystemModel) -> list[Change]:
    """What changed from ``old`` to ``new``, by id, with the changed fields."""
    out: list[Change] = []
    for kind, a, b in (
        ("boundary", old.boundaries, new.boundaries),
        ("element", old.elements, new.elements),
        ("flow", old.flows, new.flows),
    ):
        before: dict[str, Any] = {x.id: asdict(x) for x in a}
        after: dict[str, Any] = {x.id: asdict(x) for x in b}
        out.extend(Change(kind, key, "removed") for key in before.keys() - after.keys())
        out.extend(Change(kind, key, "added") for key in after.keys() - before.keys())
        for key in before.keys() & after.keys():
            changed = tuple(f for f in after[key] if before[key][f] != after[key][f])
            if changed:
                out.append(Change(kind, key, "changed", changed))
    order = {"boundary": 0, "element": 1, "flow": 2}
    return sorted(out, key=lambda c: (order[c.kind], c.id, c.change))


def quote(text: str) -> str:
    """A DOT double-quoted string: backslashes and quotes escaped, line breaks as DOT's
    centred-line escape, other control characters dropped."""
    lines = []
    for line in text.split("\n"):
        clean = "".join(ch if ch.isprintable() else " " for ch in line)
        lines.append(clean.replace("\\", "\\\\").replace('"', '\\"'))
    return '"' + "\\n".join(lines) + '"'


def to_dot(model: SystemModel) -> str:
    """The Graphviz source of the data-flow diagram."""
    node = {e.id: f"n{i}" for i, e in enumerate(model.elements)}
    zone = {b.id: f"cluster_{i}" for i, b in enumerate(model.boundaries)}
    children: dict[str | None, list[str]] = {}
    for b in model.boundaries:
        children.setdefault(b.parent, []).append(b.id)
    members: dict[str | None, list[str]] = {}
    for e in model.elements:
        members.setdefault(e.boundary, []).append(e.id)
    lines = [
        "digraph model {",
        "  graph [rankdir=LR, fontname=Helvetica, fontsize=11];",
        "  node [fontname=Helvetica, fontsize=10];",
        "  edge [fontname=Helvetica, fontsize=9];",
    ]
    by_id = {e.id: e for e in model.elements}

    def emit_nodes(owner: str | None, indent: str) -> None:
        for eid in members.get(owner, []):
            e = by_id[eid]
            enabled = [i.name for i in e.interfaces if i.enabled]
            label = f"{e.name}\n({e.type})" + (f"\n{', '.join(enabled)}" if enabled else "")
            style = ", style=dashed" if e.out_of_scope else ""
            shape = _SHAPES.get(e.type, "box")
            lines.append(f"{indent}{node[eid]} [label={quote(label)}, shape={shape}{style}];")

    def emit_zone(zid: str, indent: str, depth: int) -> None:
        b = next(x for x in model.boundaries if x.id == zid)
        lines.append(f"{indent}subgraph {zone[zid]} {{")
        lines.append(f"{indent}  label={quote(b.name)}; style=dashed; color=red; fontcolor=red;")
        emit_nodes(zid, indent + "  ")
        if depth < len(model.boundaries):
            for child in children.get(zid, []):
                emit_zone(child, indent + "  ", depth + 1)
        lines.append(f"{indent}}}")

    for top in children.get(None, []):
        emit_zone(top, "  ", 1)
    emit_nodes(None, "  ")
    for f in model.flows:
        parts = [f.name]
        proto = " ".join(x for x in (f.protocol, str(f.port) if f.port is not None else None) if x)
        if proto:
            parts.append(proto)
        attrs = [f"label={quote(chr(10).join(parts))}"]
        if f.direction == "two-way":
            attrs.append("dir=both")
        if f.classification == "safety-critical":
            attrs.append("color=firebrick")
        if f.out_of_scope:
            attrs.append("style=dashed")
        lines.append(f"  {node[f.source]} -> {node[f.target]} [{', '.join(attrs)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"
