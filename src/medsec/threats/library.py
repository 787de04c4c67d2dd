"""Our threat library: medical-device threats per STRIDE category, with the condition under
which each applies to an element, a flow or the whole model (written for medsec; seed 5.2
asks for supply chain, deployment and misconfiguration threats besides the technical ones)."""

from __future__ import annotations

from dataclasses import dataclass

STRIDE = {
    "S": "spoofing",
    "T": "tampering",
    "R": "repudiation",
    "I": "information disclosure",
    "D": "denial of service",
    "E": "elevation of privilege",
}

# STRIDE per element (the classic table): which categories each kind of node can suffer
PER_ELEMENT = {
    "external-entity": "SR",
    "clinician": "SR",
    "patient": "SR",
    "process": "STRIDE",
    "device": "STRIDE",
    "cloud": "STRIDE",
    "update-server": "STRIDE",
    "data-store": "TRID",
    "network": "TID",
    "flow": "TID",
}


@dataclass(frozen=True, slots=True)
class LibraryThreat:
    """One entry: what can go wrong, the STRIDE category, where it applies and the design
    principles (seed Table 1) whose controls usually answer it."""

    id: str
    category: str  # a STRIDE letter
    applies_to: str  # "element", "flow" or "model"
    when: str  # the condition name evaluated by threats.rules
    title: str
    description: str
    principles: tuple[str, ...]


LIBRARY: tuple[LibraryThreat, ...] = (
    # generic STRIDE per element: one threat per applicable category
    LibraryThreat(
        "GEN-S",
        "S",
        "element",
        "stride",
        "Someone poses as {name}",
        "An attacker presents itself as {name} to the elements it talks to.",
        ("user-authentication", "secure-communication"),
    ),
    LibraryThreat(
        "GEN-T",
        "T",
        "element",
        "stride",
        "{name} is altered",
        "The code, configuration or data of {name} is changed without authority.",
        ("device-integrity",),
    ),
    LibraryThreat(
        "GEN-R",
        "R",
        "element",
        "stride",
        "Actions on {name} cannot be traced",
        "Someone acts on {name} and nothing records who did what and when.",
        ("device-integrity",),
    ),
    LibraryThreat(
        "GEN-I",
        "I",
        "element",
        "stride",
        "{name} discloses data",
        "Data held or handled by {name} is read by someone not entitled to it.",
        ("data-protection",),
    ),
    LibraryThreat(
        "GEN-D",
        "D",
        "element",
        "stride",
        "{name} stops working",
        "{name} is made unavailable, or slow enough to delay therapy or monitoring.",
        ("reliability-availability",),
    ),
    LibraryThreat(
        "GEN-E",
        "E",
        "element",
        "stride",
        "Someone gains more rights on {name}",
        "A user or process on {name} obtains rights it was not given.",
        ("user-authentication", "device-integrity"),
    ),
    LibraryThreat(
        "FLOW-T",
        "T",
        "flow",
        "stride",
        "{name} is altered in transit",
        "Data of {name} is changed, injected or replayed between its ends.",
        ("secure-communication",),
    ),
    LibraryThreat(
        "FLOW-I",
        "I",
        "flow",
        "stride",
        "{name} is read in transit",
        "Data of {name} is captured on the way between its ends.",
        ("secure-communication", "data-protection"),
    ),
    LibraryThreat(
        "FLOW-D",
        "D",
        "flow",
        "stride",
        "{name} is blocked or flooded",
        "{name} is interrupted, delayed or flooded so its data does not arrive.",
        ("reliability-availability",),
    ),
    # medical-device specific
    LibraryThreat(
        "MD-WIRELESS",
        "T",
        "element",
        "wireless",
        "Commands reach {name} over its radio from outside the care area",
        "A nearby attacker uses the wireless interface of {name} to send or replay "
        "commands or to jam telemetry.",
        ("secure-communication", "reliability-availability"),
    ),
    LibraryThreat(
        "MD-SERVICE-PORT",
        "E",
        "element",
        "service_port",
        "The service port of {name} gives unauthenticated access",
        "A person with physical access uses an enabled service or debug port of "
        "{name} to read data or change software.",
        ("physical-access", "user-authentication"),
    ),
    LibraryThreat(
        "MD-USB",
        "T",
        "element",
        "usb",
        "Malicious media is plugged into {name}",
        "A USB device brings malicious code or altered configuration to {name}.",
        ("physical-access", "device-integrity"),
    ),
    LibraryThreat(
        "MD-UPDATE",
        "T",
        "flow",
        "update_path",
        "A forged or altered update travels over {name}",
        "Software that does not come from the manufacturer is installed through the "
        "update path, or an old vulnerable version is pushed back (rollback).",
        ("software-maintenance", "device-integrity"),
    ),
    LibraryThreat(
        "MD-SAFETY-DATA",
        "T",
        "flow",
        "safety_data",
        "Safety-relevant data of {name} is altered",
        "Dosing, alarm or therapy data on {name} is changed, so the device or the "
        "clinician acts on wrong values.",
        ("secure-communication", "device-integrity"),
    ),
    LibraryThreat(
        "MD-HEALTH-DATA",
        "I",
        "flow",
        "health_data",
        "Patient data of {name} is disclosed",
        "Personal health data carried by {name} is read by someone outside care.",
        ("data-protection", "secure-communication"),
    ),
    LibraryThreat(
        "MD-CROSSING",
        "S",
        "flow",
        "crosses_boundary",
        "The far end of {name} is not who it claims to be",
        "{name} crosses a trust boundary; without mutual authentication either end "
        "can be impersonated.",
        ("secure-communication", "user-authentication"),
    ),
    LibraryThreat(
        "MD-CLINICIAN",
        "S",
        "element",
        "clinician_app",
        "Shared or stolen clinician credentials are used on {name}",
        "Credentials shared across devices or staff, or taken from a lost tablet, let "
        "someone act as a clinician; emergency access is abused.",
        ("user-authentication",),
    ),
    LibraryThreat(
        "MD-CLOUD",
        "I",
        "element",
        "cloud",
        "The cloud back-end {name} leaks the data of many devices",
        "A breach or misconfigured access in {name} exposes every connected device's data at once.",
        ("data-protection", "reliability-availability"),
    ),
    LibraryThreat(
        "MD-HOME",
        "D",
        "element",
        "home_network",
        "The home network of {name} is untrusted or unavailable",
        "In a patient's home the network is shared, unmanaged and may be down; the "
        "device must keep its essential performance.",
        ("reliability-availability", "secure-communication"),
    ),
    LibraryThreat(
        "MD-SUPPLY",
        "T",
        "model",
        "always",
        "A compromised third-party component ships in the device",
        "An open-source or commercial component (or its build tools) carries "
        "malicious or vulnerable code into the release.",
        ("software-maintenance", "device-integrity"),
    ),
    LibraryThreat(
        "MD-DEPLOY",
        "E",
        "model",
        "always",
        "The device is deployed in a way it was not designed for",
        "The device is connected to the internet or to a flat hospital network it was "
        "not designed for, by accident or on purpose.",
        ("secure-communication", "reliability-availability"),
    ),
    LibraryThreat(
        "MD-MISCONFIG",
        "T",
        "model",
        "always",
        "Insecure settings are left in place",
        "Default passwords, enabled debug features or open ports remain after "
        "installation or service.",
        ("user-authentication", "physical-access"),
    ),
    LibraryThreat(
        "MD-LEGACY",
        "D",
        "model",
        "always",
        "The platform stops receiving security updates",
        "The operating system or a component reaches end of support while the device "
        "is still in use.",
        ("software-maintenance",),
    ),
)
