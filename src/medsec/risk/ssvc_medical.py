"""Medical-device suggestions for SSVC decision points (pure): harm, exploitation, exposure.

Each helper returns a :class:`Suggestion` (an SSVC value name and the reason); ``override``
replaces the suggestion with an assessor's own value (validated), keeping the reason on record.

Safety Impact from ISO 14971 harm severity (the five-level example scale of ISO/TR 24971):

=============  =================================================  ==================
ISO 14971      meaning (ISO/TR 24971 example)                     SSVC SI 2.0.1
=============  =================================================  ==================
negligible     inconvenience or temporary discomfort              negligible
minor          temporary injury, no professional intervention     negligible
serious        injury needing professional medical intervention   marginal
critical       permanent impairment or life-threatening injury    critical
catastrophic   patient death                                      catastrophic
=============  =================================================  ==================

Why: SSVC's levels follow IEC 61508 (negligible = minor injuries at worst; marginal = major
injuries to one or more persons; critical = loss of life; catastrophic = multiple loss of life).
"minor" is below a major injury; "serious" is a major injury; a life-threatening harm is treated
as a potential loss of life (critical). An ISO "catastrophic" harm is a single death, which SSVC
calls critical; we map it to catastrophic because one exploit reaches every exposed unit of a
device model, so a death-level harm can repeat across patients. Override with ``critical`` when
the harm cannot scale (e.g. a single device with physical-access-only exploitation).
"""

from __future__ import annotations

from typing import NamedTuple

from medsec.errors import InvalidInput
from medsec.risk.ssvc_tables import EXP, SI, DecisionPoint
from medsec.risk.ssvc_tables import E as EXPLOITATION

HARM_TO_SAFETY_IMPACT = {
    "negligible": ("negligible", "inconvenience or temporary discomfort: no injury"),
    "minor": ("negligible", "temporary injury without medical intervention: minor at worst"),
    "serious": ("marginal", "injury needing medical intervention: a major injury"),
    "critical": ("critical", "permanent impairment or life-threatening: potential loss of life"),
    "catastrophic": (
        "catastrophic",
        "patient death, repeatable across every exposed unit: multiple loss of life",
    ),
}
USE_ENVIRONMENTS = ("isolated", "hospital", "clinic", "home", "mobile")
EPSS_POC_THRESHOLD = 0.1


class Suggestion(NamedTuple):
    """A suggested SSVC value (its name) and why it was chosen."""

    value: str
    reason: str


def _final(dp: DecisionPoint, auto: Suggestion, override: str | None) -> Suggestion:
    if override is None:
        return auto
    chosen = dp.parse(override).name
    return Suggestion(chosen, f"set by assessor (suggested {auto.value}: {auto.reason})")


def safety_impact_from_harm(severity: str, *, override: str | None = None) -> Suggestion:
    """SSVC Safety Impact for an ISO 14971 harm severity (mapping in the module docstring)."""
    key = severity.strip().lower() if isinstance(severity, str) else ""
    if key not in HARM_TO_SAFETY_IMPACT:
        allowed = ", ".join(HARM_TO_SAFETY_IMPACT)
        raise InvalidInput(f"ISO 14971 harm severity: unknown {severity!r}; allowed: {allowed}")
    value, why = HARM_TO_SAFETY_IMPACT[key]
    return _final(SI, Suggestion(value, f"ISO 14971 severity {key} ({why})"), override)


def exploitation_from(
    kev: bool,
    epss: float | None = None,
    public_poc: bool | None = None,
    *,
    epss_threshold: float = EPSS_POC_THRESHOLD,
    override: str | None = None,
) -> Suggestion:
    """SSVC Exploitation from CISA KEV membership, an EPSS probability and PoC knowledge.

    KEV listing is evidence of exploitation in the wild: ``active``. A known public PoC gives
    ``public poc``. EPSS predicts, it is not evidence, so it never gives ``active``; when PoC
    availability is unknown (``None``) an EPSS at or above ``epss_threshold`` is taken as a
    conservative presumption of ``public poc`` (to verify). Otherwise ``none``.
    """
    if epss is not None and not 0.0 <= epss <= 1.0:
        raise InvalidInput(f"EPSS must be a probability between 0 and 1, got {epss!r}")
    note = f"; EPSS {epss:.3f}" if epss is not None else ""
    if kev:
        auto = Suggestion("active", "listed in CISA KEV: exploited in the wild" + note)
    elif public_poc:
        auto = Suggestion("public poc", "a public proof of concept is known" + note)
    elif public_poc is None and epss is not None and epss >= epss_threshold:
        auto = Suggestion(
            "public poc",
            f"PoC availability unknown and EPSS {epss:.3f} >= {epss_threshold}: "
            "presumed public poc (conservative; verify)",
        )
    else:
        poc = "no public PoC known" if public_poc is False else "PoC availability unknown"
        auto = Suggestion("none", f"not in CISA KEV, {poc}{note}")
    return _final(EXPLOITATION, auto, override)


def exposure_from(
    use_environment: str | None,
    has_network_interfaces: bool | None,
    internet_facing: bool | None,
    *,
    override: str | None = None,
) -> Suggestion:
    """SSVC System Exposure from the device's use environment and network reach.

    ``use_environment`` is one of isolated, hospital, clinic, home, mobile (or None if
    unknown). Internet-facing: ``open``. No network interface or an isolated network: ``small``.
    Otherwise ``controlled`` when not internet-facing (or, if unknown, on an HDO-managed
    hospital/clinic network); ``open`` when unknown at home, on the move or anywhere unknown,
    because those networks are controlled by neither the manufacturer nor an HDO.
    """
    env = use_environment.strip().lower() if use_environment is not None else None
    if env is not None and env not in USE_ENVIRONMENTS:
        allowed = ", ".join(USE_ENVIRONMENTS)
        raise InvalidInput(f"use environment: unknown {use_environment!r}; allowed: {allowed}")
    if internet_facing and has_network_interfaces is False:
        raise InvalidInput("a device without network interfaces cannot be internet-facing")
    where = env or "unknown environment"
    if internet_facing:
        auto = Suggestion("open", f"reachable from the internet ({where})")
    elif has_network_interfaces is False:
        auto = Suggestion("small", "no network interface: local or physical access only")
    elif env == "isolated":
        auto = Suggestion("small", "networked only on an isolated, closed network")
    elif internet_facing is False:
        auto = Suggestion("controlled", f"networked but not reachable from the internet ({where})")
    elif env in ("hospital", "clinic"):
        auto = Suggestion(
            "controlled", f"{env} network managed by the HDO; internet reach unknown (confirm)"
        )
    else:
        auto = Suggestion(
            "open", f"networked, internet reach unknown, {where}: assumed open (conservative)"
        )
    return _final(EXP, auto, override)
