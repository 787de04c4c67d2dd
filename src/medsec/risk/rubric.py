"""The MITRE "Rubric for Applying CVSS to Medical Devices" (2019) as a guided questionnaire.

Each CVSS base metric has a flow of yes/no questions (ids such as XAVN); the answers give a CVSS
v3.1 base vector, its score, and a trail of every question, answer, rationale and outcome. The
CVSS score is an input to the safety risk assessment, not a substitute for it.

Interpretations chosen where the public description is ambiguous (STANDARDS.md §6, VERIFY):

- XAVR (wireless range about 10 feet or less): yes -> AV:L. Very short range links (NFC,
  inductive programmer wands) put the attacker next to the device, closer to local than to
  adjacent-network access; longer range wireless (Bluetooth, Wi-Fi without IP reachability) -> A.
- XAVW no (a non-IP wired link: serial, USB, CAN, proprietary bus) -> AV:A.
- XAVP no (no network, no physical contact: e.g. local account, removable media) -> AV:L.
- XAVPA (access through the human-user interface): both answers -> AV:P. The rubric counts
  manual operation of the device by someone standing at it as physical, not as CVSS "local
  console" access; the answer is kept in the trail for the audit.
- "unknown" is allowed for every question and means the worst case reachable from that
  question (AV: N > A > L > P; AC: L > H; PR: N > L > H; UI: N > R; S: C > U; C/I/A: H > L > N).
- C, I and A are asked for six data/functionality categories (PHI/PII, diagnosis/monitoring,
  therapy delivery, clinical workflow, private system data, other); yes -> H, no -> N, except
  PHI/PII read access, where XCPM (500 or more patients) decides H or L. Each metric is the
  worst across its categories.
- Answers to questions the path does not reach (an earlier answer led elsewhere) are ignored
  and reported in ``RubricResult.ignored``; the rubric targets CVSS v3.0 base metrics, and the
  vector is scored in v3.1 arithmetic (identical for base scores) unless ``version="3.0"``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from medsec.core.cvss import parse
from medsec.errors import InvalidInput

ANSWERS = ("yes", "no", "unknown")
METRICS = ("AV", "AC", "PR", "UI", "S", "C", "I", "A")
WORST_FIRST = {"AV": "NALP", "AC": "LH", "PR": "NLH", "UI": "NR", "S": "CU"} | dict.fromkeys(
    "CIA", "HLN"
)


@dataclass(frozen=True, slots=True)
class Choice:
    """Where one answer leads: to the next question (``next``) or to a metric value."""

    answer: str
    next: str | None = None
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Question:
    """One rubric question, the metric it decides, and where each answer leads."""

    id: str
    metric: str
    text: str
    choices: tuple[Choice, ...]
    category: str | None = None  # C/I/A data or functionality category

    def choice(self, answer: str) -> Choice:
        """The choice for an answer (yes, no or unknown)."""
        return next(c for c in self.choices if c.answer == answer)


@dataclass(frozen=True, slots=True)
class Step:
    """One answered question on the path: the audit trail of the rubric."""

    question: str
    metric: str
    category: str | None
    text: str
    answer: str
    rationale: str
    leads_to: str  # the next question id, or "AV:N" style metric value


@dataclass(frozen=True, slots=True)
class RubricResult:
    """The derived CVSS base vector, its score and the trail that produced it."""

    vector: str
    score: float
    severity: str
    metrics: dict[str, str]
    trail: tuple[Step, ...]
    ignored: tuple[str, ...]  # answered questions the path did not reach

    @property
    def answers(self) -> str:
        """The auditable "rubric vector": answers on the path, e.g. ``XAVN:yes/XAVT:no/...``."""
        return "/".join(f"{s.question}:{s.answer}" for s in self.trail)


_CATEGORIES = (
    ("P", "PHI/PII", "patient health or personally identifiable information (PHI/PII)"),
    ("D", "diagnosis/monitoring", "diagnosis or monitoring data or functionality"),
    ("T", "therapy delivery", "therapy delivery data or functionality"),
    ("W", "clinical workflow", "clinical workflow data or functionality"),
    ("S", "private system data", "private system or system-user data (passwords, keys)"),
    ("O", "other", "any other critical or sensitive data or functionality"),
)
_CIA_VERBS = {"C": "be read or exposed", "I": "be modified or deleted", "A": "be made unavailable"}


def _q(qid: str, metric: str, text: str, yes: str, no: str, cat: str | None = None) -> Question:
    """A yes/no question; an outcome of more than one letter is the id of the next question."""

    def choice(answer: str, to: str) -> Choice:
        return Choice(answer, next=to) if len(to) > 1 else Choice(answer, value=to)

    return Question(qid, metric, text, (choice("yes", yes), choice("no", no)), cat)


_RAW = [
    _q("XAVN", "AV", "Can the attacker use some network or communication protocol to exploit "
       "this vulnerability?", "XAVT", "XAVP"),
    _q("XAVT", "AV", "Does the network use OSI layer 3 or 4 protocols, e.g. IP, TCP/IP, UDP?",
       "N", "XAVW"),
    _q("XAVW", "AV", "Is the communication over a wireless channel?", "XAVR", "A"),
    _q("XAVR", "AV", "Is the wireless range approximately 10 feet or less?", "L", "A"),
    _q("XAVP", "AV", "Must the attacker have physical contact with the device?", "XAVPA", "L"),
    _q("XAVPA", "AV", "Is the device accessed through a 'human-user interface', i.e. one meant "
       "for manual operation by device users?", "P", "P"),
    _q("XACL", "AC", "Can the attacker attempt to exploit at will, without special circumstances, "
       "configurations, or other vulnerabilities or attacks first?", "L", "H"),
    _q("XPRL", "PR", "Does the device/component use an authorization model supporting login for "
       "multiple users or roles with different privilege levels?", "XPRZ", "N"),
    _q("XPRZ", "PR", "Before attempting to exploit, must the attacker be authorized to the "
       "affected component?", "XPRS", "N"),
    _q("XPRS", "PR", "Must the attacker have administrator, maintainer or other system-level "
       "privileges?", "H", "L"),
    _q("XUI", "UI", "To exploit, must the attacker depend on another user or victim to perform "
       "an action or otherwise interact with the system?", "R", "N"),
    _q("XS", "S", "Can the attacker affect a component whose authority ('authorization scope') "
       "differs from the vulnerable component's?", "C", "U"),
]  # fmt: skip
for _m in "CIA":
    for _code, _name, _what in _CATEGORIES:
        _yes = "XCPM" if _m == "C" and _code == "P" else "H"
        _RAW.append(_q(f"X{_m}{_code}", _m, f"Can {_what} {_CIA_VERBS[_m]}?", _yes, "N", _name))
_RAW.append(
    _q("XCPM", "C", "Can the exposed data cover a large number of patients (e.g. 500 or more), "
       "which may force regulatory action or breach notification (HIPAA, GDPR)?", "H", "L",
       "PHI/PII"),
)  # fmt: skip


def _worst(qid: str, table: dict[str, Question]) -> str:
    """The worst metric value reachable from a question (what "unknown" means)."""
    q = table[qid]
    values = [c.value or _worst(c.next or "", table) for c in q.choices]
    return min(values, key=WORST_FIRST[q.metric].index)


_BY_ID = {q.id: q for q in _RAW}


def _with_unknown(q: Question) -> Question:
    unknown = Choice("unknown", value=_worst(q.id, _BY_ID))
    return Question(q.id, q.metric, q.text, (*q.choices, unknown), q.category)


QUESTIONS: dict[str, Question] = {q.id: _with_unknown(q) for q in _RAW}
# (metric, category, first question) in asking order
FLOWS: tuple[tuple[str, str | None, str], ...] = (
    ("AV", None, "XAVN"),
    ("AC", None, "XACL"),
    ("PR", None, "XPRL"),
    ("UI", None, "XUI"),
    ("S", None, "XS"),
    *((m, name, f"X{m}{code}") for m in "CIA" for code, name, _ in _CATEGORIES),
)


def _normalise(answers: Mapping[str, str], rationales: Mapping[str, str]) -> dict[str, str]:
    """Answers with ids checked and values lower-cased; InvalidInput names the question."""
    out: dict[str, str] = {}
    for qid, raw in answers.items():
        if qid not in QUESTIONS:
            raise InvalidInput(f"unknown rubric question {qid!r} (ids look like XAVN, XACL, XCP)")
        value = str(raw).strip().lower()
        if value not in ANSWERS:
            raise InvalidInput(
                f"rubric question {qid}: answer {raw!r} is not one of yes, no, unknown"
            )
        out[qid] = value
    for qid in rationales:
        if qid not in QUESTIONS:
            raise InvalidInput(f"rationale given for unknown rubric question {qid!r}")
    return out


def _walk(
    root: str, answers: Mapping[str, str]
) -> tuple[list[tuple[Question, str]], Question | None, str]:
    """The answered path from ``root``: (steps, the first unanswered question, metric value)."""
    steps: list[tuple[Question, str]] = []
    q = QUESTIONS[root]
    while q.id in answers:
        c = q.choice(answers[q.id])
        steps.append((q, answers[q.id]))
        if c.value is not None:
            return steps, None, c.value
        q = QUESTIONS[c.next or ""]
    return steps, q, ""


def questions(answers: Mapping[str, str]) -> list[Question]:
    """The next unanswered question of every unfinished flow, in asking order ([] when done)."""
    given = _normalise(answers, {})
    return [q for _, _, root in FLOWS if (q := _walk(root, given)[1]) is not None]


def rubric_vector(
    answers: Mapping[str, str],
    rationales: Mapping[str, str] | None = None,
    *,
    version: str = "3.1",
) -> RubricResult:
    """The CVSS base vector, score and trail from rubric answers (question id -> yes/no/unknown)."""
    why = dict(rationales or {})
    given = _normalise(answers, why)
    if version not in ("3.0", "3.1"):
        raise InvalidInput(f"rubric vectors are CVSS 3.0 or 3.1, not {version!r}")
    metrics: dict[str, str] = {}
    trail: list[Step] = []
    on_path: set[str] = set()
    for metric, _category, root in FLOWS:
        steps, pending, value = _walk(root, given)
        if pending is not None:
            raise InvalidInput(
                f"rubric question {pending.id} ({pending.metric}) is unanswered: {pending.text}"
            )
        for i, (q, answer) in enumerate(steps):
            on_path.add(q.id)
            to = steps[i + 1][0].id if i + 1 < len(steps) else f"{metric}:{value}"
            trail.append(Step(q.id, metric, q.category, q.text, answer, why.get(q.id, ""), to))
        order = WORST_FIRST[metric]
        metrics[metric] = min(metrics.get(metric, order[-1]), value, key=order.index)
    vector = f"CVSS:{version}/" + "/".join(f"{m}:{metrics[m]}" for m in METRICS)
    scored = parse(vector)
    return RubricResult(
        vector=scored.vector,
        score=scored.base_score,
        severity=scored.base_severity,
        metrics=metrics,
        trail=tuple(trail),
        ignored=tuple(sorted(set(given) - on_path)),
    )
