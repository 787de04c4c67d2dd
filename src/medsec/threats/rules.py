"""Pure threat rules: STRIDE-per-element generation from the library, the allowed statuses, and
the four questions of threat modelling (seed 5.2) answered from a model, its threats and gaps."""

from __future__ import annotations

import re
from dataclasses import dataclass

from medsec.errors import InvalidInput
from medsec.ingest.sysmodel_model import Element, Flow, SystemModel
from medsec.threats.library import LIBRARY, PER_ELEMENT, STRIDE, LibraryThreat

STATUSES = ("open", "mitigated", "accepted", "transferred")
SEVERITIES = ("low", "medium", "high", "critical")
_UPDATE_RE = re.compile(r"update|firmware|patch|ota", re.I)
_HOME_RE = re.compile(r"\bhome\b", re.I)
_CLINICIAN_RE = re.compile(r"clinician|tablet|portal|nurse|physician", re.I)


@dataclass(frozen=True, slots=True)
class GeneratedThreat:
    """A threat the library gives for one target; ``key`` is stable across regenerations."""

    key: str
    library_id: str
    category: str
    target_kind: str  # element | flow | model
    target_id: str | None
    title: str
    description: str
    principles: tuple[str, ...]


class _Index:
    """Lookups of one model, built once per generation."""

    def __init__(self, model: SystemModel) -> None:
        self.model = model
        self.nodes = {e.id: e for e in model.elements}
        self.zone_names = {b.id: b.name for b in model.boundaries}


def crosses_boundary(model: SystemModel, flow: Flow) -> bool:
    """True when the two ends of the flow sit in different trust boundaries."""
    return _crosses(_Index(model), flow)


def _crosses(ix: _Index, flow: Flow) -> bool:
    a, b = ix.nodes.get(flow.source), ix.nodes.get(flow.target)
    return (a.boundary if a else None) != (b.boundary if b else None)


def _element_applies(t: LibraryThreat, e: Element, ix: _Index) -> bool:
    if t.when == "stride":
        return t.category in PER_ELEMENT.get(e.type, "")
    enabled = [i for i in e.interfaces if i.enabled]
    if t.when == "wireless":
        return any(i.kind in ("wireless", "bluetooth") for i in enabled)
    if t.when == "service_port":
        return any(i.kind in ("service-port", "serial") for i in enabled)
    if t.when == "usb":
        return any(i.kind == "usb" for i in enabled)
    if t.when == "clinician_app":
        return e.type == "clinician" or bool(_CLINICIAN_RE.search(e.name))
    if t.when == "cloud":
        return e.type == "cloud"
    if t.when == "home_network":
        zone = ix.zone_names.get(e.boundary or "")
        return e.type in ("device", "network") and bool(
            _HOME_RE.search(e.name) or (zone is not None and _HOME_RE.search(zone))
        )
    return False


def _flow_applies(t: LibraryThreat, f: Flow, ix: _Index) -> bool:
    if t.when == "stride":
        return t.category in PER_ELEMENT["flow"]
    if t.when == "crosses_boundary":
        return _crosses(ix, f)
    if t.when == "safety_data":
        return f.classification == "safety-critical"
    if t.when == "health_data":
        return f.classification in ("personal-health", "confidential")
    if t.when == "update_path":
        ends = [ix.nodes.get(f.source), ix.nodes.get(f.target)]
        return any(e is not None and e.type == "update-server" for e in ends) or bool(
            _UPDATE_RE.search(f.name)
        )
    return False


def _fill(text: str, name: str) -> str:
    return text.replace("{name}", name)


def generate(
    model: SystemModel, library: tuple[LibraryThreat, ...] = LIBRARY
) -> list[GeneratedThreat]:
    """Every library threat that applies to an in-scope element, flow or the whole model."""
    out: list[GeneratedThreat] = []
    ix = _Index(model)
    for e in model.elements:
        if not e.out_of_scope:
            out.extend(
                _make(t, "element", e.id, e.name)
                for t in library
                if t.applies_to == "element" and _element_applies(t, e, ix)
            )
    for f in model.flows:
        if not f.out_of_scope:
            out.extend(
                _make(t, "flow", f.id, f.name)
                for t in library
                if t.applies_to == "flow" and _flow_applies(t, f, ix)
            )
    out.extend(_make(t, "model", None, model.name) for t in library if t.applies_to == "model")
    return out


def _make(t: LibraryThreat, kind: str, target: str | None, name: str) -> GeneratedThreat:
    return GeneratedThreat(
        key=f"{t.id}@{target}" if target is not None else t.id,
        library_id=t.id,
        category=t.category,
        target_kind=kind,
        target_id=target,
        title=_fill(t.title, name),
        description=_fill(t.description, name),
        principles=t.principles,
    )


def check_status(status: str, rationale: str | None) -> str:
    """A valid status; accepting or transferring a threat needs a rationale."""
    value = status.strip().lower()
    if value not in STATUSES:
        raise InvalidInput(f"unknown threat status {status!r} (one of {', '.join(STATUSES)})")
    if value in ("accepted", "transferred") and not (rationale or "").strip():
        raise InvalidInput(f"a threat set to {value} needs a rationale (--rationale)")
    return value


def category_name(letter: str) -> str:
    """The STRIDE category's name for its letter (unknown letters unchanged)."""
    return STRIDE.get(letter, letter)


@dataclass(frozen=True, slots=True)
class FourQuestions:
    """The four questions of threat modelling (seed 5.2), answered from the record."""

    what_are_we_building: str
    what_can_go_wrong: str
    what_are_we_going_to_do: str
    did_we_do_enough: str
    enough: bool


def four_questions(
    model: SystemModel,
    threat_statuses: list[str],
    controls: int,
    threats_with_controls: int,
    gaps: list[str],
) -> FourQuestions:
    """Answers: the model's size, the threats by status, the controls, and the gaps left."""
    enabled = sum(i.enabled for e in model.elements for i in e.interfaces)
    total_ifaces = sum(len(e.interfaces) for e in model.elements)
    building = (
        f"{model.name}: {len(model.elements)} elements, {len(model.flows)} data flows, "
        f"{len(model.boundaries)} trust boundaries, {enabled} of {total_ifaces} interfaces enabled"
    )
    counts = {s: threat_statuses.count(s) for s in STATUSES if threat_statuses.count(s)}
    wrong = f"{len(threat_statuses)} threats" + (
        " (" + ", ".join(f"{n} {s}" for s, n in counts.items()) + ")" if counts else ""
    )
    doing = (
        f"{controls} controls; {threats_with_controls} of {len(threat_statuses)} threats have one"
    )
    if gaps:
        enough = "Not yet: " + "; ".join(gaps)
    elif not threat_statuses:
        enough = "Not yet: no threats are recorded (generate them from the model)"
    else:
        enough = "Yes: every threat has a verified control or an accepted rationale"
    ok = not gaps and bool(threat_statuses)
    return FourQuestions(building, wrong, doing, enough, ok)
