"""Pure MDS2 decisions: which answers medsec's records give (and why), which stay blank, and how
a vendor's Yes/No/N/A cells read."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from medsec.mds2.questions import questions

YES, NO, NA = "Yes", "No", "N/A"
_ANSWER_WORDS = {
    "yes": YES,
    "y": YES,
    "no": NO,
    "n": NO,
    "n/a": NA,
    "na": NA,
    "n.a.": NA,
    "not applicable": NA,
}
EXTERNAL_ELEMENTS = frozenset({"cloud", "update-server"})
PHYSICAL_KINDS = frozenset({"usb", "serial", "service-port"})


@dataclass(frozen=True, slots=True)
class Answer:
    """One answer: the value written in the form, a note, and where it came from."""

    id: str
    answer: str
    note: str = ""
    source: str = ""


@dataclass(frozen=True, slots=True)
class InterfaceFact:
    """An interface of an in-scope element of the system model."""

    element: str
    name: str
    kind: str
    enabled: bool
    reason: str | None = None
    port: int | None = None
    protocol: str | None = None


@dataclass(frozen=True, slots=True)
class FlowFact:
    """A data flow of the system model."""

    name: str
    protocol: str | None
    port: int | None
    external: bool
    classification: str = "internal"


@dataclass(frozen=True, slots=True)
class ControlFact:
    """A design control and its verification on the release."""

    key: str
    name: str
    description: str
    principles: tuple[str, ...]
    verification: str | None


@dataclass(frozen=True, slots=True)
class SbomFact:
    """What the release's current SBOM says about its components."""

    format: str
    components: int
    with_supplier: int
    with_version: int
    with_identifier: int


@dataclass(frozen=True, slots=True)
class Facts:
    """Everything medsec's records say that an MDS2 answer can rest on."""

    manufacturer: str
    product: str
    release: str
    document_id: str
    description: str | None = None
    release_date: date | None = None
    use_environment: str | None = None
    cvd_note: str | None = None
    model_name: str | None = None
    interfaces: tuple[InterfaceFact, ...] = ()
    flows: tuple[FlowFact, ...] = ()
    controls: tuple[ControlFact, ...] = ()
    sbom: SbomFact | None = None
    update_methods: tuple[str, ...] = ()
    eol: date | None = None
    eos: date | None = None
    components_with_support: int = 0


@dataclass(frozen=True, slots=True)
class ControlRule:
    """A question a verified control answers Yes: one of ``principles`` and a word of each group."""

    question: str
    principles: frozenset[str]
    words: tuple[tuple[str, ...], ...]


CONTROL_RULES: tuple[ControlRule, ...] = (
    ControlRule("AUTH-1", frozenset({"user-authentication"}), (("login", "authentica", "access"),)),
    ControlRule("AUTH-2", frozenset({"user-authentication"}), (("role",),)),
    ControlRule("PAUT-1", frozenset({"user-authentication"}), (("per-user", "unique"),)),
    ControlRule("PAUT-8", frozenset({"user-authentication"}), (("multi-factor", "mfa"),)),
    ControlRule("EMRG-1", frozenset({"user-authentication"}), (("emergency", "break-glass"),)),
    ControlRule(
        "ALOF-1",
        frozenset({"user-authentication", "secure-communication"}),
        (("logoff", "log off", "time-out", "timeout", "auto-lock"),),
    ),
    ControlRule(
        "STCF-1", frozenset({"data-protection"}), (("encrypt",), ("storage", "at rest", "stored"))
    ),
    ControlRule("TXCF-2", frozenset({"secure-communication"}), (("tls", "encrypt"),)),
    ControlRule("TXCF-4", frozenset({"secure-communication"}), (("mutual", "client certificate"),)),
    ControlRule(
        "TXIG-1", frozenset({"secure-communication"}), (("tls", "integrity", "signed message"),)
    ),
    ControlRule("NAUT-1", frozenset({"secure-communication"}), (("mutual", "device certificate"),)),
    ControlRule("NAUT-3", frozenset({"secure-communication"}), (("certificate",),)),
    ControlRule(
        "SAHD-3",
        frozenset({"software-maintenance", "device-integrity"}),
        (("signed", "integrity"),),
    ),
    ControlRule(
        "SAHD-3.1", frozenset({"software-maintenance", "device-integrity"}), (("signed",),)
    ),
    ControlRule("AUDT-1", frozenset({"device-integrity"}), (("audit",),)),
    ControlRule(
        "MLDP-4", frozenset({"device-integrity"}), (("allow-list", "allowlist", "whitelist"),)
    ),
)
_WIFI = re.compile(r"wi-?fi|802\.11|wlan", re.I)
_RF = re.compile(r"rfid|nfc", re.I)
_ETHERNET = re.compile(r"ethernet|rj-?45|\blan\b", re.I)
_TLS = re.compile(r"tls|https|dtls", re.I)


def normalise(value: str) -> str:
    """A vendor's answer cell in the form's words (Yes, No, N/A) or as written."""
    text = " ".join(value.split())
    return _ANSWER_WORDS.get(text.lower().rstrip("."), text)


def _control_matches(rule: ControlRule, c: ControlFact) -> bool:
    text = f"{c.name} {c.description}".lower()
    return bool(rule.principles & set(c.principles)) and all(
        any(w in text for w in group) for group in rule.words
    )


def _controls(facts: Facts, out: dict[str, Answer], hints: dict[str, str]) -> None:
    for rule in CONTROL_RULES:
        matching = [c for c in facts.controls if _control_matches(rule, c)]
        verified = [c for c in matching if c.verification == "verified"]
        if verified:
            names = "; ".join(f"{c.key} {c.name}" for c in verified)
            out[rule.question] = Answer(
                rule.question,
                YES,
                f"design control(s): {names}",
                f"controls verified on release {facts.release}",
            )
        elif matching:
            names = ", ".join(f"{c.key} ({c.verification or 'unverified'})" for c in matching)
            hints[rule.question] = (
                f"control {names} would answer this once verified: attach evidence or answer "
                "by hand"
            )


def _interface_slot(i: InterfaceFact) -> str | None:
    if i.kind == "usb" or (i.kind == "service-port" and "usb" in i.name.lower()):
        return "CONN-1.2.2"
    if i.kind == "bluetooth":
        return "CONN-1.1.2"
    if i.kind == "wireless":
        if _WIFI.search(i.name):
            return "CONN-1.1.1"
        return "CONN-1.1.4" if _RF.search(i.name) else "CONN-1.1.3"
    if i.kind in ("serial", "service-port"):
        return "CONN-1.2.4"
    if i.kind == "network-port" and _ETHERNET.search(i.name):
        return "CONN-1.2.1"
    return None


def _describe(i: InterfaceFact) -> str:
    state = "enabled" if i.enabled else f"present but disabled ({i.reason or 'no reason given'})"
    return f"{i.element}: {i.name} {state}"


def _connectivity(facts: Facts, out: dict[str, Answer], hints: dict[str, str]) -> None:
    src = f"system model {facts.model_name!r}"
    slots: dict[str, list[InterfaceFact]] = {}
    for i in facts.interfaces:
        slot = _interface_slot(i)
        if slot is not None:
            slots.setdefault(slot, []).append(i)
    for slot, items in slots.items():
        value = YES if any(i.enabled for i in items) else NO
        out[slot] = Answer(slot, value, "; ".join(_describe(i) for i in items), src)
    wireless = [i for i in facts.interfaces if i.kind in ("wireless", "bluetooth")]
    physical = [i for i in facts.interfaces if i.kind in PHYSICAL_KINDS or _ETHERNET.search(i.name)]
    for qid, items in (("CONN-1.1", wireless), ("CONN-1.2", physical)):
        if items:
            value = YES if any(i.enabled for i in items) else NO
            out[qid] = Answer(qid, value, "; ".join(_describe(i) for i in items), src)
    if any(i.enabled for i in facts.interfaces):
        out["CONN-1"] = Answer("CONN-1", YES, f"{len(facts.interfaces)} interface(s) listed", src)
    pairs = [(i.port, i.protocol) for i in facts.interfaces if i.enabled]
    pairs += [(f.port, f.protocol) for f in facts.flows]
    ports = sorted({f"{p or '-'}/{proto or '-'}" for p, proto in pairs if p or proto})
    if ports:
        out["CONN-2"] = Answer("CONN-2", ", ".join(ports), "port/protocol", src)
    inside = [f.name for f in facts.flows if not f.external]
    outside = [f.name for f in facts.flows if f.external]
    if inside:
        out["CONN-3"] = Answer("CONN-3", YES, "; ".join(inside), src)
    if outside:
        out["CONN-4"] = Answer("CONN-4", YES, "; ".join(outside), src)
    tls = sorted({f.protocol or "" for f in facts.flows if _TLS.search(f.protocol or "")})
    if tls:
        out["CONN-7"] = Answer("CONN-7", YES, "flows over " + ", ".join(tls), src)
    personal = [f.name for f in facts.flows if f.classification == "personal-health"]
    if personal:
        out["MPII-1"] = Answer("MPII-1", YES, "flows with health data: " + "; ".join(personal), src)
    out["DOC-10"] = Answer("DOC-10", YES, "medsec draws it from the system model", src)
    for slot in ("CONN-1.1.1", "CONN-1.1.2", "CONN-1.2.1", "CONN-1.2.2"):
        if slot not in out:
            hints[slot] = "the system model lists no such interface: confirm No or add it"


def _sbom(facts: Facts, out: dict[str, Answer], hints: dict[str, str]) -> None:
    sbom = facts.sbom
    if sbom is None:
        hints["SBOM-1"] = "no SBOM is stored for this release: import one (medsec sbom import)"
        return
    src = f"SBOM of release {facts.release}"
    n = sbom.components
    out["SBOM-1"] = Answer("SBOM-1", YES, f"{n} component(s)", src)
    out["SBOM-2"] = Answer("SBOM-2", YES, sbom.format, src)
    out["SBOM-2.1"] = Answer("SBOM-2.1", YES if n else NO, f"{n} component(s) listed", src)
    for qid, count, what in (
        ("SBOM-2.2", sbom.with_supplier, "name a supplier"),
        ("SBOM-2.3", sbom.with_version, "give a version"),
        ("SBOM-2.4", sbom.with_identifier, "carry a purl or CPE"),
    ):
        note = f"{count} of {n} component(s) {what}"
        if n and count == n:
            out[qid] = Answer(qid, YES, note, src)
        elif count == 0:
            out[qid] = Answer(qid, NO, note, src)
        else:
            hints[qid] = f"{note}: complete the SBOM or answer with a note"
    methods = ", ".join(facts.update_methods) or "none recorded yet"
    out["CSUP-1"] = Answer(
        "CSUP-1", YES, f"{n} software component(s); update methods: {methods}", src
    )


def _device(facts: Facts, out: dict[str, Answer]) -> None:
    src = "product record"
    out["DOC-1"] = Answer("DOC-1", facts.manufacturer, "", src)
    out["DOC-3"] = Answer("DOC-3", f"{facts.product} {facts.release}", "", src)
    out["DOC-4"] = Answer("DOC-4", facts.document_id, "", "written by medsec")
    if facts.description:
        out["DOC-2"] = Answer("DOC-2", facts.description, "", src)
    if facts.release_date:
        out["DOC-7"] = Answer("DOC-7", facts.release_date.isoformat(), "", "release record")
    if facts.cvd_note:
        out["DOC-8"] = Answer("DOC-8", YES, facts.cvd_note, "CVD policy in force in medsec")
    pairs = (("end of life", facts.eol), ("end of support", facts.eos))
    dates = [f"{what} {when}" for what, when in pairs if when]
    if dates:
        out["RDMP-3"] = Answer(
            "RDMP-3",
            YES,
            "; ".join(dates),
            "lifecycle record of the release (also written into advisories)",
        )
    if facts.components_with_support:
        out["RDMP-4"] = Answer(
            "RDMP-4",
            YES,
            f"support dates tracked for {facts.components_with_support} component(s)",
            "lifecycle records of the SBOM components",
        )


def prefill(facts: Facts) -> tuple[dict[str, Answer], dict[str, str]]:
    """The answers medsec's records give, and a hint for each question they leave open."""
    out: dict[str, Answer] = {}
    hints: dict[str, str] = {}
    _device(facts, out)
    if facts.model_name is not None:
        _connectivity(facts, out, hints)
    else:
        hints["DOC-10"] = "no system model for this release: import one (medsec model import)"
    _sbom(facts, out, hints)
    _controls(facts, out, hints)
    return out, hints


def to_answer(answers: dict[str, Answer], hints: dict[str, str]) -> list[tuple[str, str]]:
    """(question id, why it is open) for every question without an answer, in form order."""
    default = "medsec holds no record of this: the manufacturer answers it"
    return [(q.id, hints.get(q.id, default)) for q in questions() if q.id not in answers]


@dataclass(frozen=True, slots=True)
class ImportedAnswer:
    """One answer read from a vendor's statement, with where it was found."""

    id: str
    answer: str
    note: str
    sheet: str
    row: int
    formula: bool = False


@dataclass
class ImportedStatement:
    """A vendor's MDS2 statement read back: answers by id, unknown ids and warnings."""

    source: str
    answers: dict[str, ImportedAnswer] = field(default_factory=dict)
    unknown: list[tuple[str, int, str]] = field(default_factory=list)  # sheet, row, id
    warnings: list[str] = field(default_factory=list)
