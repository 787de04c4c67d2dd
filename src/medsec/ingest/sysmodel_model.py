"""Frozen DTOs of a system model: elements, data flows, trust boundaries, the interfaces a device
exposes, and threats carried over from an imported threat model."""

from __future__ import annotations

from dataclasses import dataclass

ELEMENT_TYPES = (
    "device",
    "process",
    "data-store",
    "external-entity",
    "clinician",
    "patient",
    "network",
    "cloud",
    "update-server",
)
INTERFACE_KINDS = (
    "network-port",
    "wireless",
    "bluetooth",
    "usb",
    "serial",
    "service-port",
    "other",
)
CLASSIFICATIONS = (
    "public",
    "internal",
    "confidential",
    "personal-health",
    "credentials",
    "safety-critical",
)
DIRECTIONS = ("one-way", "two-way")


@dataclass(frozen=True, slots=True)
class Interface:
    """A way into the device: a port, a radio, USB, a service port; enabled or not, and why."""

    name: str
    kind: str
    enabled: bool
    reason: str | None = None
    port: int | None = None
    protocol: str | None = None


@dataclass(frozen=True, slots=True)
class Element:
    """A node of the data-flow diagram (device, process, store, person, network, server)."""

    id: str
    type: str
    name: str
    description: str | None = None
    boundary: str | None = None
    parent: str | None = None
    interfaces: tuple[Interface, ...] = ()
    out_of_scope: bool = False
    source_type: str | None = None  # the type the imported model gave


@dataclass(frozen=True, slots=True)
class Flow:
    """Data moving from one element to another over a protocol and port."""

    id: str
    source: str
    target: str
    name: str
    protocol: str | None = None
    port: int | None = None
    direction: str = "one-way"
    data: tuple[str, ...] = ()
    classification: str = "internal"
    out_of_scope: bool = False


@dataclass(frozen=True, slots=True)
class Boundary:
    """A trust boundary (zone): elements inside it share a level of trust; zones may nest."""

    id: str
    name: str
    parent: str | None = None
    description: str | None = None


@dataclass(frozen=True, slots=True)
class ImportedThreat:
    """A threat written in the imported model, kept with the element or flow it names."""

    target: str
    title: str
    category: str | None = None
    status: str | None = None
    severity: str | None = None
    description: str | None = None
    mitigation: str | None = None


@dataclass(frozen=True, slots=True)
class SystemModel:
    """A release's system model, plus what an importer could not map."""

    name: str
    elements: tuple[Element, ...]
    flows: tuple[Flow, ...]
    boundaries: tuple[Boundary, ...]
    description: str | None = None
    threats: tuple[ImportedThreat, ...] = ()
    unmapped: tuple[str, ...] = ()
    source_format: str = "medsec"

    def element(self, element_id: str) -> Element | None:
        """The element with this id, if any."""
        return next((e for e in self.elements if e.id == element_id), None)
