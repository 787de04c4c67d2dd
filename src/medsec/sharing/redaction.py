"""Redaction rules for what medsec shares with ISAOs (seed 6.2.4: anonymisation).

No customer, hospital, asset, person, finder or IP address leaves in a STIX export unless a
rule below allows it. The rules, in order:

R1  Identity: the only identity object is the sharing organisation (``created_by_ref`` of
    every object). No identity for customers, hospitals, reporters, finders or team members.
R2  Incident: its internal title, description, reporter, assets, timeline, decisions,
    evidence, notifications and review are never exported. The STIX incident's name is built
    from the product, its releases and the month of detection; its description is the summary
    written for sharing (``share_summary``), after R3.
R3  Every exported text is scrubbed: each known identifying value of the incident (reporter,
    reporting organisation, assets, every account and counterpart in its timeline, evidence
    sources and holders, notification references, the organisation's team and contacts) is
    replaced with ``[redacted]`` wherever it occurs (case-insensitive), and so is every IPv4 or
    IPv6 address, e-mail address and MAC address.
R4  Indicators: only those the team marked shareable (adversary infrastructure) are exported;
    their patterns keep IP addresses and domains (the point of sharing them), but an
    indicator whose pattern contains a known identifying value (R3) is left out entirely.
R5  Vulnerabilities: by CVE id only (from linked findings and CVD cases).
R6  Product and release names are the manufacturer's own and are shared.
R7  Courses of action: the patches (updates linked to the incident: their name and
    description) and mitigations (the VEX action statement of a linked finding) are shared
    as ``course-of-action`` objects, their texts after R3; a patch ``remediates`` and a
    mitigation ``mitigates`` the vulnerabilities it addresses, or is ``related-to`` the
    incident when it names none. The update's author, dates and oversight are never shared.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "[redacted]"
MIN_VALUE_CHARS = 3

_IPV4 = r"(?<!\d)(?<!\d\.)(?:\d{1,3}\.){3}\d{1,3}(?!\.?\d)"
_IPV6 = (  # hex and colons with at least two colons and one hex digit
    r"(?<![\w:])(?=[0-9A-Fa-f:]*:[0-9A-Fa-f:]*:)(?=[0-9A-Fa-f:]*[0-9A-Fa-f])"
    r"[0-9A-Fa-f:]{3,39}(?![\w:])"
)
_EMAIL = r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
_MAC = r"(?<![\w:-])(?:[0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}(?![\w:-])"
PATTERNS = re.compile("|".join(f"(?:{p})" for p in (_EMAIL, _MAC, _IPV4, _IPV6)))


def known_values(values: Iterable[str | None]) -> list[str]:
    """The identifying values worth scrubbing, longest first: each value, the addresses inside
    it, its words that carry a digit (host and asset names such as ``pump-ICU-03``), and the
    name part of an actor (``cli:ana`` also gives ``ana``)."""
    out: set[str] = set()
    for value in values:
        if not value:
            continue
        text = value.strip()
        candidates = {text, *(m.group(0) for m in PATTERNS.finditer(text))}
        candidates.update(
            w.strip(".,;()[]'\"") for w in text.split() if any(c.isdigit() for c in w)
        )
        if ":" in text and " " not in text:
            candidates.add(text.split(":", 1)[1])
        out.update(c for c in candidates if len(c) >= MIN_VALUE_CHARS)
    return sorted(out, key=lambda v: (-len(v), v))


def scrub(text: str, known: list[str]) -> str:
    """``text`` with every known value (R3) and every address pattern replaced."""
    out = text
    for value in known:
        out = re.sub(re.escape(value), REDACTED, out, flags=re.IGNORECASE)
    return PATTERNS.sub(REDACTED, out)


def mentions(text: str, known: list[str]) -> bool:
    """True when ``text`` contains any known identifying value (R4)."""
    low = text.lower()
    return any(value.lower() in low for value in known)
