"""Pure control rules: the seven design principles of the seed's Table 1 with their sub-points
(in our own words), and the verification rule: a control is unverified until evidence says
otherwise."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass

from medsec.errors import InvalidInput


@dataclass(frozen=True, slots=True)
class Principle:
    """A design principle and what to consider under it."""

    id: str
    name: str
    points: tuple[str, ...]


PRINCIPLES: tuple[Principle, ...] = (
    Principle(
        "secure-communication",
        "Secure communication",
        (
            "List every wired and wireless connection (Wi-Fi, Ethernet, Bluetooth, USB, ...).",
            "Validate all input, not only input from outside, including from legacy or home "
            "devices that can only talk insecurely.",
            "Protect data in transit from unauthorised access, change and replay: mutual "
            "authentication, encryption where needed, replay protection, idle session time-outs.",
        ),
    ),
    Principle(
        "data-protection",
        "Data protection",
        (
            "Protect safety-relevant data at rest and in transit, e.g. by encryption; store "
            "passwords only as salted cryptographic hashes.",
            "Keep message control and sequence fields and key material confidential where their "
            "disclosure would weaken the device.",
        ),
    ),
    Principle(
        "device-integrity",
        "Device integrity",
        (
            "Decide whether audit logs are needed so actions cannot be denied later.",
            "Prevent unauthorised change of the device's software and configuration.",
            "Keep malicious code (viruses, spyware, ransomware) from running on the device.",
        ),
    ),
    Principle(
        "user-authentication",
        "User authentication",
        (
            "Verify users, grant access by role and plan emergency access; never share one "
            "credential across devices or customers; use passwords, hardware keys, biometrics or "
            "signals other devices cannot produce.",
        ),
    ),
    Principle(
        "software-maintenance",
        "Software maintenance",
        (
            "Run and communicate a regular update process.",
            "Plan how the operating system and third-party or open-source software are updated, "
            "and what happens when a platform is no longer supported.",
            "Decide how updates reach the device (user action or automatic) and how their effect "
            "on safety and performance is verified.",
            "Secure the update connection and prove the update's authenticity, e.g. code signing.",
        ),
    ),
    Principle(
        "physical-access",
        "Physical access",
        (
            "Keep unauthorised people from the device: lock or restrict ports, and refuse access "
            "over a cable without authentication.",
        ),
    ),
    Principle(
        "reliability-availability",
        "Reliability and availability",
        (
            "Detect, resist, respond to and recover from attacks so the device keeps its "
            "essential performance.",
        ),
    ),
)
PRINCIPLE_IDS = tuple(p.id for p in PRINCIPLES)
VERIFICATION = ("verified", "unverified", "failing")
_PASSED = "pass"
_FAILING = frozenset({"fail", "error"})


def check_principles(values: list[str]) -> list[str]:
    """Known principle ids, without duplicates, in the catalogue's order."""
    unknown = [v for v in values if v not in PRINCIPLE_IDS]
    if unknown:
        raise InvalidInput(
            f"unknown design principle {unknown[0]!r} (one of {', '.join(PRINCIPLE_IDS)})"
        )
    return [p for p in PRINCIPLE_IDS if p in values]


def check_selector(selector: str) -> str:
    """An evidence selector: ``KIND:PATTERN`` (sarif/junit/pentest; PATTERN matches the result
    key, a glob) or ``tag:PATTERN`` (matches a rule or result tag)."""
    text = selector.strip()
    kind, sep, pattern = text.partition(":")
    if not sep or kind not in ("sarif", "junit", "pentest", "tag") or not pattern:
        raise InvalidInput(
            f"evidence selector {selector!r}: write KIND:PATTERN with KIND sarif, junit, pentest "
            "or tag (e.g. junit:tests.test_auth::*, sarif:CWE-798*, tag:cwe-798)"
        )
    return text


def selects(selector: str, kind: str, key: str, tags: tuple[str, ...] | list[str]) -> bool:
    """True when the selector picks a result of this kind, key and tags."""
    skind, _, pattern = selector.partition(":")
    if skind == "tag":
        return any(fnmatch.fnmatchcase(t.lower(), pattern.lower()) for t in tags)
    return skind == kind and fnmatch.fnmatchcase(key, pattern)


def verification(outcomes: list[str]) -> str:
    """The verification rule: failing when any linked result failed or errored; verified when
    at least one passed and none failed; otherwise (no results, or only skipped) unverified."""
    if any(o in _FAILING for o in outcomes):
        return "failing"
    if any(o == _PASSED for o in outcomes):
        return "verified"
    return "unverified"
