"""Importers of other tools' threat models into a medsec system model: OWASP Threat Dragon v1
and v2 JSON, Open Threat Model (OTM) JSON/YAML, and pytm's ``--json`` output. What cannot be
mapped (text cells, flows with a missing end, unknown types) is listed in ``unmapped``; the
CycloneDX and OWASP TM-BOM formats are recognised and refused as not supported yet."""

from __future__ import annotations

import re
from typing import Any

from medsec.errors import DocumentError, UnsupportedFormat
from medsec.ingest._common import DEFAULT_MAX_BYTES, check_size
from medsec.ingest.feed_common import load_structured
from medsec.ingest.sysmodel_model import (
    Boundary,
    Element,
    Flow,
    ImportedThreat,
    SystemModel,
)

FORMATS = ("threat-dragon-v1", "threat-dragon-v2", "otm", "pytm-json")
_TD_TYPES = {"tm.Actor": "external-entity", "tm.Process": "process", "tm.Store": "data-store"}
_PYTM_TYPES = {
    "Actor": "external-entity",
    "ExternalEntity": "external-entity",
    "Datastore": "data-store",
    "Server": "process",
    "Process": "process",
    "SetOfProcesses": "process",
    "Lambda": "process",
}
_STORE_RE = re.compile(r"database|\bdb\b|storage|store|bucket|s3|dynamo|rds|sql|cache|queue", re.I)
_EXTERNAL_RE = re.compile(r"client|browser|user|actor|external|internet|mobile", re.I)


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _arr(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def detect_format(doc: Any) -> str | None:
    """The threat-model format of a parsed document, or None."""
    if not isinstance(doc, dict):
        return None
    if "otmVersion" in doc:
        return "otm"
    if doc.get("bomFormat") == "CycloneDX":
        return "cyclonedx-tmbom"
    if "summary" in doc and isinstance(doc.get("detail"), dict):
        version = str(doc.get("version") or "")
        return "threat-dragon-v2" if version.startswith("2") else "threat-dragon-v1"
    if "flows" in doc and "boundaries" in doc and "elements" in doc:
        return "pytm-json"
    if "data_flows" in doc or "trust_zones" in doc:
        return "owasp-tmbom"
    return None


def read_threat_model(
    data: bytes, *, source: str = "<model>", max_bytes: int = DEFAULT_MAX_BYTES
) -> SystemModel:
    """Import a Threat Dragon, OTM or pytm model; refuse other formats with the reason."""
    check_size(data, source=source, max_bytes=max_bytes)
    doc = load_structured(data, source=source)
    fmt = detect_format(doc)
    if fmt is None:
        raise DocumentError(
            "not a threat model medsec can import (Threat Dragon v1/v2, OTM, pytm --json)",
            source=source,
            location="/",
        )
    if fmt in ("cyclonedx-tmbom", "owasp-tmbom"):
        raise UnsupportedFormat(
            f"{fmt} threat models are not supported yet (export to OTM or Threat Dragon)",
            source=source,
            location="/",
        )
    assert isinstance(doc, dict)
    if fmt == "otm":
        return _otm(doc, source)
    if fmt == "pytm-json":
        return _pytm(doc, source)
    return _dragon(doc, fmt, source)


def _s(value: Any) -> str | None:
    if value is None or isinstance(value, dict | list):
        return None
    text = str(value).strip()
    return text or None


class _Ids:
    """Unique ids: a repeat gets a suffix."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def take(self, wanted: str) -> str:
        cand, n = wanted, 2
        while cand in self.used:
            cand, n = f"{wanted}-{n}", n + 1
        self.used.add(cand)
        return cand


def _finish(
    name: str,
    description: str | None,
    elements: list[Element],
    flows: list[Flow],
    boundaries: list[Boundary],
    threats: list[ImportedThreat],
    unmapped: list[str],
    fmt: str,
) -> SystemModel:
    nodes = {e.id for e in elements}
    zones = {b.id for b in boundaries}
    kept_flows = []
    for f in flows:
        missing = [end for end in (f.source, f.target) if end not in nodes]
        if missing:
            unmapped.append(f"flow {f.name!r} ({f.id}): no element {missing[0]!r} at one end")
        else:
            kept_flows.append(f)
    fixed = []
    for e in elements:
        b = e.boundary if e.boundary in zones else None
        p = e.parent if e.parent in nodes and e.parent != e.id else None
        if e.boundary and b is None:
            unmapped.append(f"element {e.name!r}: unknown trust zone {e.boundary!r}")
        fixed.append(_replace_element(e, b, p))
    bounds = [
        Boundary(
            b.id,
            b.name,
            b.parent if b.parent in zones and b.parent != b.id else None,
            b.description,
        )
        for b in boundaries
    ]
    return SystemModel(
        name=name,
        description=description,
        elements=tuple(fixed),
        flows=tuple(kept_flows),
        boundaries=tuple(bounds),
        threats=tuple(threats),
        unmapped=tuple(unmapped),
        source_format=fmt,
    )


def _replace_element(e: Element, boundary: str | None, parent: str | None) -> Element:
    return Element(
        id=e.id,
        type=e.type,
        name=e.name,
        description=e.description,
        boundary=boundary,
        parent=parent,
        interfaces=e.interfaces,
        out_of_scope=e.out_of_scope,
        source_type=e.source_type,
    )


# --- Threat Dragon -------------------------------------------------------------------------


def _td_threats(raw: Any, target: str) -> list[ImportedThreat]:
    out = []
    for t in raw if isinstance(raw, list) else []:
        if not isinstance(t, dict):
            continue
        out.append(
            ImportedThreat(
                target=target,
                title=_s(t.get("title")) or "(untitled threat)",
                category=_s(t.get("type")),
                status=_s(t.get("status")),
                severity=_s(t.get("severity")),
                description=_s(t.get("description")),
                mitigation=_s(t.get("mitigation")),
            )
        )
    return out


def _td_label(cell: dict[str, Any]) -> str | None:
    data = _obj(cell.get("data"))
    if _s(data.get("name")):
        return _s(data.get("name"))
    attrs = _obj(cell.get("attrs"))
    text = _obj(attrs.get("text"))
    if _s(text.get("text")):
        return _s(text.get("text"))
    for label in cell.get("labels") or []:
        if isinstance(label, dict):
            inner = (
                ((label.get("attrs") or {}).get("text") or {})
                if isinstance(label.get("attrs"), dict)
                else {}
            )
            if isinstance(inner, dict) and _s(inner.get("text")):
                return _s(inner.get("text"))
    return None


def _box(cell: dict[str, Any]) -> tuple[float, float, float, float] | None:
    pos, size = cell.get("position"), cell.get("size")
    if not isinstance(pos, dict) or not isinstance(size, dict):
        return None
    try:
        x, y = float(pos.get("x", 0)), float(pos.get("y", 0))
        return x, y, x + float(size.get("width", 0)), y + float(size.get("height", 0))
    except (TypeError, ValueError):
        return None


def _inside(
    inner: tuple[float, float, float, float], outer: tuple[float, float, float, float]
) -> bool:
    cx, cy = (inner[0] + inner[2]) / 2, (inner[1] + inner[3]) / 2
    return outer[0] <= cx <= outer[2] and outer[1] <= cy <= outer[3]


def _dragon(doc: dict[str, Any], fmt: str, source: str) -> SystemModel:
    summary = _obj(doc.get("summary"))
    diagrams = doc["detail"].get("diagrams") or []
    if not isinstance(diagrams, list):
        raise DocumentError(
            "'detail.diagrams' must be an array", source=source, location="/detail/diagrams"
        )
    ids = _Ids()
    elements: list[Element] = []
    flows: list[Flow] = []
    bounds: list[Boundary] = []
    threats: list[ImportedThreat] = []
    unmapped: list[str] = []
    for d_i, diagram in enumerate(diagrams):
        if not isinstance(diagram, dict):
            raise DocumentError(
                "a diagram is an object", source=source, location=f"/detail/diagrams/{d_i}"
            )
        if fmt == "threat-dragon-v1":
            cells = (diagram.get("diagramJson") or {}).get("cells") or []
        else:
            cells = diagram.get("cells") or []
        if not isinstance(cells, list):
            raise DocumentError(
                "'cells' must be an array", source=source, location=f"/detail/diagrams/{d_i}/cells"
            )
        cell_id: dict[str, str] = {}
        boxes: list[tuple[str, tuple[float, float, float, float]]] = []
        placed: list[tuple[int, tuple[float, float, float, float]]] = []
        for c_i, cell in enumerate(cells):
            if not isinstance(cell, dict):
                continue
            data = _obj(cell.get("data"))
            ctype = str(data.get("type") or cell.get("type") or "")
            raw_id = _s(cell.get("id")) or f"d{d_i}c{c_i}"
            label = _td_label(cell)
            out_of_scope = bool(data.get("outOfScope", cell.get("outOfScope", False)))
            raw_threats = data.get("threats") if "threats" in data else cell.get("threats")
            if ctype in _TD_TYPES:
                new_id = ids.take(raw_id)
                cell_id[raw_id] = new_id
                elements.append(
                    Element(
                        id=new_id,
                        type=_TD_TYPES[ctype],
                        name=label or ctype,
                        description=_s(data.get("description")),
                        out_of_scope=out_of_scope,
                        source_type=ctype,
                    )
                )
                if (b := _box(cell)) is not None:
                    placed.append((len(elements) - 1, b))
                threats += _td_threats(raw_threats, new_id)
            elif ctype in ("tm.Boundary", "tm.BoundaryBox"):
                new_id = ids.take(raw_id)
                bounds.append(
                    Boundary(new_id, label or "trust boundary", None, _s(data.get("description")))
                )
                if ctype == "tm.BoundaryBox" and (b := _box(cell)) is not None:
                    boxes.append((new_id, b))
                else:
                    unmapped.append(
                        f"trust boundary {label or new_id!r}: drawn as a line, so which elements "
                        "it encloses is not known; set 'boundary' on the elements"
                    )
            elif ctype == "tm.Flow":
                pass  # after every element of the diagram is known
            else:
                unmapped.append(f"diagram {d_i} cell {raw_id!r}: {ctype or 'untyped'} cell ignored")
        for cell in cells:
            if not isinstance(cell, dict):
                continue
            data = _obj(cell.get("data"))
            if str(data.get("type") or cell.get("type") or "") != "tm.Flow":
                continue
            raw_id = _s(cell.get("id")) or f"d{d_i}f{len(flows)}"
            src = _obj(cell.get("source"))
            dst = _obj(cell.get("target"))
            s_ref = _s(src.get("cell") or src.get("id")) or "(unconnected)"
            t_ref = _s(dst.get("cell") or dst.get("id")) or "(unconnected)"
            new_id = ids.take(raw_id)
            flows.append(
                Flow(
                    id=new_id,
                    source=cell_id.get(s_ref, s_ref),
                    target=cell_id.get(t_ref, t_ref),
                    name=_td_label(cell) or "data flow",
                    protocol=_s(data.get("protocol") or cell.get("protocol")),
                    direction="two-way" if data.get("isBidirectional") else "one-way",
                    classification="internal",
                    out_of_scope=bool(data.get("outOfScope", cell.get("outOfScope", False))),
                )
            )
            threats += _td_threats(
                data.get("threats") if "threats" in data else cell.get("threats"), new_id
            )

        # membership of the boxes: the smallest box holding an element's centre
        def area(b: tuple[float, float, float, float]) -> float:
            return (b[2] - b[0]) * (b[3] - b[1])

        for idx, geom in placed:
            holders = sorted((area(b), bid) for bid, b in boxes if _inside(geom, b))
            if holders:
                elements[idx] = _replace_element(elements[idx], holders[0][1], None)
        parents = {}
        for bid, b in boxes:
            holders = sorted(
                (area(o), oid)
                for oid, o in boxes
                if oid != bid and _inside(b, o) and area(o) > area(b)
            )
            if holders:
                parents[bid] = holders[0][1]
        bounds = [
            Boundary(x.id, x.name, parents.get(x.id, x.parent), x.description) for x in bounds
        ]
    return _finish(
        _s(summary.get("title")) or "Threat Dragon model",
        _s(summary.get("description")),
        elements,
        flows,
        bounds,
        threats,
        unmapped,
        fmt,
    )


# --- Open Threat Model ---------------------------------------------------------------------


def _otm_type(raw: str | None) -> str:
    text = raw or ""
    if _STORE_RE.search(text):
        return "data-store"
    if _EXTERNAL_RE.search(text):
        return "external-entity"
    return "process"


def _otm(doc: dict[str, Any], source: str) -> SystemModel:
    project = _obj(doc.get("project"))
    catalogue = {str(t.get("id")): t for t in doc.get("threats") or [] if isinstance(t, dict)}
    ids = _Ids()
    bounds: list[Boundary] = []
    elements: list[Element] = []
    flows: list[Flow] = []
    threats: list[ImportedThreat] = []
    unmapped: list[str] = []

    def listed(key: str) -> list[dict[str, Any]]:
        raw = doc.get(key) or []
        if not isinstance(raw, list):
            raise DocumentError(f"'{key}' must be an array", source=source, location=f"/{key}")
        return [x for x in raw if isinstance(x, dict)]

    def instances(raw: Any, target: str) -> None:
        for inst in raw if isinstance(raw, list) else []:
            if not isinstance(inst, dict):
                continue
            ref = str(inst.get("threat"))
            t = catalogue.get(ref, {})
            cats = _arr(t.get("categories"))
            threats.append(
                ImportedThreat(
                    target=target,
                    title=_s(t.get("name")) or ref,
                    category=", ".join(str(c) for c in cats) or None,
                    status=_s(inst.get("state")),
                    severity=_s((t.get("risk") or {}).get("impact"))
                    if isinstance(t.get("risk"), dict)
                    else None,
                    description=_s(t.get("description")),
                )
            )

    for i, z in enumerate(listed("trustZones")):
        zid = _s(z.get("id"))
        if zid is None:
            raise DocumentError(
                "a trust zone needs an id", source=source, location=f"/trustZones/{i}/id"
            )
        parent = _obj(z.get("parent"))
        bounds.append(
            Boundary(
                ids.take(zid),
                _s(z.get("name")) or zid,
                _s(parent.get("trustZone")),
                _s(z.get("description")),
            )
        )
        instances(z.get("threats"), bounds[-1].id)
    for i, c in enumerate(listed("components")):
        cid = _s(c.get("id"))
        if cid is None:
            raise DocumentError(
                "a component needs an id", source=source, location=f"/components/{i}/id"
            )
        parent = _obj(c.get("parent"))
        new_id = ids.take(cid)
        elements.append(
            Element(
                id=new_id,
                type=_otm_type(_s(c.get("type"))),
                name=_s(c.get("name")) or cid,
                description=_s(c.get("description")),
                boundary=_s(parent.get("trustZone")),
                parent=_s(parent.get("component")),
                source_type=_s(c.get("type")),
            )
        )
        instances(c.get("threats"), new_id)
    for i, f in enumerate(listed("dataflows")):
        fid = _s(f.get("id")) or f"dataflow-{i}"
        new_id = ids.take(fid)
        tags = _arr(f.get("tags"))
        flows.append(
            Flow(
                id=new_id,
                source=_s(f.get("source")) or "(none)",
                target=_s(f.get("destination")) or "(none)",
                name=_s(f.get("name")) or fid,
                protocol=next((str(t) for t in tags if isinstance(t, str)), None),
                direction="two-way" if f.get("bidirectional") is True else "one-way",
            )
        )
        instances(f.get("threats"), new_id)
    return _finish(
        _s(project.get("name")) or "OTM model",
        _s(project.get("description")),
        elements,
        flows,
        bounds,
        threats,
        unmapped,
        "otm",
    )


# --- pytm ----------------------------------------------------------------------------------


def _pytm(doc: dict[str, Any], source: str) -> SystemModel:
    ids = _Ids()
    bounds: list[Boundary] = []
    elements: list[Element] = []
    flows: list[Flow] = []
    unmapped: list[str] = []
    names: dict[str, str] = {}
    for i, b in enumerate(doc.get("boundaries") or []):
        if not isinstance(b, dict) or _s(b.get("name")) is None:
            raise DocumentError(
                "a boundary needs a name", source=source, location=f"/boundaries/{i}/name"
            )
        name = str(_s(b.get("name")))
        bounds.append(
            Boundary(ids.take(name), name, _s(b.get("inBoundary")), _s(b.get("description")))
        )
    for i, e in enumerate(doc.get("elements") or []):
        if not isinstance(e, dict) or _s(e.get("name")) is None:
            raise DocumentError(
                "an element needs a name", source=source, location=f"/elements/{i}/name"
            )
        name = str(_s(e.get("name")))
        cls = _s(e.get("__class__"))
        kind = _PYTM_TYPES.get(cls or "")
        if kind is None:
            unmapped.append(f"element {name!r}: pytm class {cls!r} mapped as a process")
        new_id = ids.take(name)
        names[name] = new_id
        elements.append(
            Element(
                id=new_id,
                type=kind or "process",
                name=name,
                description=_s(e.get("description")),
                boundary=_s(e.get("inBoundary")),
                out_of_scope=e.get("inScope") is False,
                source_type=cls,
            )
        )
    for i, f in enumerate(doc.get("flows") or []):
        if not isinstance(f, dict):
            continue
        name = _s(f.get("name")) or f"flow {i + 1}"
        port = f.get("dstPort")
        data = _arr(f.get("data"))
        flows.append(
            Flow(
                id=ids.take(f"flow-{i + 1}"),
                source=names.get(str(f.get("source")), str(f.get("source"))),
                target=names.get(str(f.get("sink")), str(f.get("sink"))),
                name=name,
                protocol=_s(f.get("protocol")),
                port=port if isinstance(port, int) and 0 <= port <= 65535 else None,
                data=tuple(str(d.get("name") if isinstance(d, dict) else d) for d in data),
                out_of_scope=f.get("inScope") is False,
            )
        )
    threats = [
        ImportedThreat(
            target=names.get(str(x.get("target")), str(x.get("target"))),
            title=_s(x.get("description")) or _s(x.get("threat_id")) or "(finding)",
            category=_s(x.get("threat_id")),
            severity=_s(x.get("severity")),
            description=_s(x.get("details")),
            mitigation=_s(x.get("mitigations")),
        )
        for x in doc.get("findings") or []
        if isinstance(x, dict)
    ]
    return _finish(
        _s(doc.get("name")) or "pytm model",
        _s(doc.get("description")),
        elements,
        flows,
        bounds,
        threats,
        unmapped,
        "pytm-json",
    )
