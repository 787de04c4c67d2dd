"""Pure rules of the hospital workspace: mapping keys and suggestions, the state of a
compensating control, the SSVC deployer inputs of an asset, and rollout moves.

Deployer decision (SSVC "Deployer Patch Application Priority") per asset and vulnerability:
- Exploitation: ``active`` when listed in CISA KEV or a vendor's CSAF says exploited; ``public
  poc`` when a vendor says a proof of concept exists or EPSS >= 0.1 (presumed, as in
  :mod:`medsec.risk.ssvc_medical`); else ``none``.
- System Exposure from the asset's network segment: isolated -> ``small``, controlled ->
  ``controlled``, open -> ``open``; an asset on no known segment counts as ``open`` (worst case:
  nobody has said it is protected). A home-use device is ``open`` (a network nobody manages).
- Automatable: ``yes`` when the CVSS vector says network, low complexity, no privileges and no
  user interaction (AV:N/AC:L/PR:N/UI:N); ``no`` otherwise; ``yes`` when no vector is known.
- Human Impact from clinical criticality: low -> ``low``, medium -> ``medium``, high ->
  ``high``, critical -> ``very high``; an implant is at least ``high``; unknown -> ``high``.
A verified, unexpired compensating control covering the vulnerability on the asset (or its
segment) makes the finding ``mitigated`` on that asset; it is still listed, never hidden.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

SEGMENT_EXPOSURES = ("isolated", "controlled", "open")
SSVC_EXPOSURE = {"isolated": "small", "controlled": "controlled", "open": "open"}
HUMAN_IMPACT = {"low": "low", "medium": "medium", "high": "high", "critical": "very high"}
CONTROL_KINDS = (
    "segmentation",
    "firewall_rule",
    "disabled_service",
    "monitoring",
    "physical_restriction",
)
ROLLOUT_STATES = ("planned", "validated", "installed", "failed", "rolled_back")
ROLLOUT_MOVES = {
    "planned": ("validated", "failed"),
    "validated": ("installed", "failed"),
    "installed": ("rolled_back",),
    "failed": ("planned", "rolled_back"),
    "rolled_back": ("planned",),
}
EPSS_POC = 0.1
SUGGESTION_FLOOR = 60.0


def release_key(release_id: int) -> str:
    """The target key of a medsec release."""
    return f"release:{release_id}"


def csaf_key(vendor: str, product: str, version: str) -> str:
    """The target key of a product named in an imported CSAF product tree."""
    return "csaf:" + json.dumps([vendor, product, version], ensure_ascii=False)


def csaf_names(key: str) -> tuple[str, str, str] | None:
    """The (vendor, product, version) a CSAF target key names; None for other keys."""
    if not key.startswith("csaf:"):
        return None
    try:
        vendor, product, version = json.loads(key[5:])
    except (ValueError, TypeError):
        return None
    return str(vendor), str(product), str(version)


def parse_key(key: str) -> tuple[str, str]:
    """A target key split into its kind (release, csaf) and the rest."""
    kind, _, rest = key.partition(":")
    if kind not in ("release", "csaf") or not rest:
        raise ValueError(f"not a target key: {key!r}")
    return kind, rest


def squash(text: str) -> str:
    """A name compared loosely: case folded, only letters and digits ("InfuGuard-500")."""
    return re.sub(r"[\W_]+", "", text.casefold())


def version_tuple(text: str) -> tuple[str, ...]:
    """A version compared loosely: no leading v, numeric parts without trailing zeros."""
    core = re.sub(r"^(version|ver|v)\s*\.?\s*", "", text.strip().casefold())
    parts = [p.lstrip("0") or "0" if p.isdigit() else p for p in re.split(r"[.\-_ ]+", core) if p]
    while len(parts) > 1 and parts[-1] == "0":
        parts.pop()
    return tuple(parts)


@dataclass(frozen=True, slots=True)
class Candidate:
    """Something an asset could run: a release medsec knows, or a product of a vendor's CSAF."""

    key: str
    manufacturer: str
    product: str
    version: str
    source: str  # "release" (SBOM/own records) or "csaf <tracking id>"


@dataclass(frozen=True, slots=True)
class Suggestion:
    """A candidate with its similarity to an inventory entry (0-100) and why."""

    candidate: Candidate
    score: float
    reason: str


def exact(
    manufacturer: str, model: str, version: str, candidates: Iterable[Candidate]
) -> list[str]:
    """Keys of the candidates whose manufacturer, product and version are exactly these."""
    want = (manufacturer.strip(), model.strip(), version.strip())
    return sorted(
        {
            c.key
            for c in candidates
            if (c.manufacturer.strip(), c.product.strip(), c.version.strip()) == want
        }
    )


def suggest(
    manufacturer: str,
    model: str,
    version: str,
    candidates: Sequence[Candidate],
    *,
    limit: int = 3,
) -> list[Suggestion]:
    """The closest candidates by name and version similarity, best first (never applied)."""
    from rapidfuzz import fuzz

    want_name = squash(model)
    want_maker = squash(manufacturer)
    want_version = version_tuple(version) if version else ()
    out: list[Suggestion] = []
    for c in candidates:
        name = fuzz.ratio(want_name, squash(c.product))
        name = max(name, fuzz.partial_ratio(want_name, squash(c.product)) - 5)
        maker = fuzz.partial_ratio(want_maker, squash(c.manufacturer)) if want_maker else 50.0
        cand_version = version_tuple(c.version)
        if want_version and want_version == cand_version:
            ver, why = 100.0, "same version"
        elif (
            want_version
            and "|" in c.version
            and any(version_tuple(v) == want_version for v in c.version.split("|"))
        ):
            ver, why = 90.0, "version listed"
        elif want_version:
            ver = fuzz.ratio(".".join(want_version), ".".join(cand_version))
            why = "different version"
        else:
            ver, why = 50.0, "no version in the inventory"
        score = round(0.55 * name + 0.15 * maker + 0.30 * ver, 1)
        if score >= SUGGESTION_FLOOR:
            out.append(Suggestion(c, score, f"name {name:.0f}%, maker {maker:.0f}%, {why}"))
    out.sort(key=lambda s: (-s.score, not s.candidate.key.startswith("release:"), s.candidate.key))
    return out[:limit]


def control_state(verified_on: date | None, expires_on: date | None, today: date) -> str:
    """``active`` (verified, not expired), ``unverified`` or ``expired``."""
    if expires_on is not None and expires_on < today:
        return "expired"
    if verified_on is None or verified_on > today:
        return "unverified"
    return "active"


def control_covers(covers: Sequence[str], ids: Iterable[str]) -> bool:
    """True when a control names one of the vulnerability's ids, or names none (covers all)."""
    if not covers:
        return True
    wanted = {c.upper() for c in covers}
    return any(i.upper() in wanted for i in ids)


def exploitation(kev: bool, vendor_exploited: bool, vendor_poc: bool, epss: float | None) -> str:
    """SSVC Exploitation for a deployer (module docstring)."""
    if kev or vendor_exploited:
        return "active"
    if vendor_poc or (epss is not None and epss >= EPSS_POC):
        return "public poc"
    return "none"


def exposure(segment_exposure: str | None, home_use: bool) -> str:
    """SSVC System Exposure of an asset (module docstring)."""
    if home_use or segment_exposure is None:
        return "open"
    return SSVC_EXPOSURE[segment_exposure]


def automatable(vector: str | None) -> str:
    """SSVC Automatable from a CVSS vector (module docstring)."""
    if not vector:
        return "yes"
    parts = set(vector.split("/"))
    return "yes" if {"AV:N", "AC:L", "PR:N", "UI:N"} <= parts else "no"


def human_impact(criticality: str | None, implant: bool) -> str:
    """SSVC Human Impact from clinical criticality (module docstring)."""
    value = HUMAN_IMPACT.get(criticality or "", "high")
    if implant and value in ("low", "medium"):
        return "high"
    return value


def rollout_move(current: str, new: str) -> None:
    """Refuse a move of an asset's rollout state the rules do not allow."""
    if new not in ROLLOUT_STATES:
        raise ValueError(f"unknown state {new!r}; one of {', '.join(ROLLOUT_STATES)}")
    if new not in ROLLOUT_MOVES[current]:
        allowed = ", ".join(ROLLOUT_MOVES[current]) or "nothing"
        raise ValueError(f"an asset {current} can move to {allowed}, not {new}")
