"""The MDS2 question table (our own short wording, keyed by the form's stable question ids),
read from ``medsec/data/mds2/questions.csv``."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

ID_PATTERN = re.compile(r"^[A-Z]{3,4}-\d{1,2}(?:\.\d{1,2}){0,2}$")
FREE_TEXT_ID = "OTHR"  # the free-text section has no numbered questions
SECTIONS: dict[str, str] = {
    "DOC": "Device description",
    "MPII": "Management of personal information",
    "ALOF": "Automatic logoff",
    "AUDT": "Audit controls",
    "AUTH": "Authorization",
    "CNFS": "Configuration of security features",
    "CSUP": "Cybersecurity product upgrades",
    "DIDT": "Health data de-identification",
    "DTBK": "Data backup and disaster recovery",
    "EMRG": "Emergency access",
    "IGAU": "Health data integrity and authenticity",
    "MLDP": "Malware detection and protection",
    "NAUT": "Node authentication",
    "CONN": "Connectivity capabilities",
    "PAUT": "Person authentication",
    "PLOK": "Physical locks",
    "RDMP": "Roadmap for third-party components",
    "SBOM": "Software bill of materials",
    "SAHD": "System and application hardening",
    "SGUD": "Security guidance",
    "STCF": "Health data storage confidentiality",
    "TXCF": "Transmission confidentiality",
    "TXIG": "Transmission integrity",
    "RMOT": "Remote service",
    "OTHR": "Other security considerations",
}


@dataclass(frozen=True, slots=True)
class Question:
    """One question of the form: its stable id, section code and our wording."""

    id: str
    section: str
    text: str


@cache
def questions() -> tuple[Question, ...]:
    """Every question in the form's order."""
    raw = resources.files("medsec").joinpath("data/mds2/questions.csv").read_text("utf-8")
    out = tuple(
        Question(row["id"], row["section"], row["question"])
        for row in csv.DictReader(io.StringIO(raw))
    )
    seen: set[str] = set()
    for q in out:
        if q.id in seen or q.section not in SECTIONS or not looks_like_id(q.id):
            raise ValueError(f"questions.csv: bad or repeated question {q.id!r}")
        seen.add(q.id)
    return out


@cache
def by_id() -> dict[str, Question]:
    """Questions keyed by id."""
    return {q.id: q for q in questions()}


def looks_like_id(value: str) -> bool:
    """True when a cell's text has the shape of an MDS2 question id (known or not)."""
    if value == FREE_TEXT_ID:
        return True
    return bool(ID_PATTERN.match(value)) and value.split("-")[0] in SECTIONS
