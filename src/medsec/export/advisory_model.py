"""What medsec knows for one advisory, as frozen DTOs: the single source of the CSAF 2.0,
CycloneDX VEX and OpenVEX exports (``medsec.export.csaf``, ``cyclonedx_vex``, ``openvex``).

Product ids are the CSAF product ids and are shared by all exports: every device release
(``ProductVersion``), every component (``Component``) and every "component in release"
(``Relationship.product_id``) has one. VEX decisions use the canonical terms of
``medsec.core.vex``. ``check_advisory`` refuses a model that no export could state
consistently (naming the broken rule, CSAF test ids where one applies).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from itertools import pairwise

from medsec.core.updates import UpdateMethod
from medsec.core.vex import Justification, VexStatus, refuse, validate_decision


class TrackingStatus(StrEnum):
    """CSAF document status."""

    DRAFT = "draft"
    INTERIM = "interim"
    FINAL = "final"


class TlpLabel(StrEnum):
    """Traffic Light Protocol label (TLP 1.0, as CSAF 2.0 uses it)."""

    WHITE = "WHITE"
    GREEN = "GREEN"
    AMBER = "AMBER"
    RED = "RED"


class NoteCategory(StrEnum):
    """CSAF note category."""

    DESCRIPTION = "description"
    DETAILS = "details"
    FAQ = "faq"
    GENERAL = "general"
    LEGAL_DISCLAIMER = "legal_disclaimer"
    OTHER = "other"
    SUMMARY = "summary"


class RemediationCategory(StrEnum):
    """CSAF 2.0 remediation category (mitigation/workaround = compensating controls)."""

    VENDOR_FIX = "vendor_fix"
    MITIGATION = "mitigation"
    WORKAROUND = "workaround"
    NO_FIX_PLANNED = "no_fix_planned"
    NONE_AVAILABLE = "none_available"


class ThreatCategory(StrEnum):
    """CSAF threat category."""

    IMPACT = "impact"
    EXPLOIT_STATUS = "exploit_status"
    TARGET_SET = "target_set"


class RelationshipCategory(StrEnum):
    """How a component relates to a device release (CSAF relationship category)."""

    DEFAULT_COMPONENT_OF = "default_component_of"
    EXTERNAL_COMPONENT_OF = "external_component_of"
    INSTALLED_ON = "installed_on"
    INSTALLED_WITH = "installed_with"
    OPTIONAL_COMPONENT_OF = "optional_component_of"


@dataclass(frozen=True, slots=True)
class Revision:
    """One revision history entry; ``number`` is an integer string or SemVer."""

    number: str
    date: datetime
    summary: str


@dataclass(frozen=True, slots=True)
class Tracking:
    """Document tracking: id, status, version (= the latest revision number) and history."""

    id: str
    status: TrackingStatus
    version: str
    revisions: tuple[Revision, ...]
    initial_release_date: datetime
    current_release_date: datetime
    generator_name: str = "medsec"
    generator_version: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Publisher:
    """Who issues the advisory (the manufacturer's PSIRT: category vendor)."""

    name: str
    namespace: str
    category: str = "vendor"
    contact_details: str | None = None


@dataclass(frozen=True, slots=True)
class Note:
    """A note; ``audience`` names the readers (e.g. clinicians) of plain-language notes."""

    category: NoteCategory
    text: str
    title: str | None = None
    audience: str | None = None


@dataclass(frozen=True, slots=True)
class Reference:
    """A link: external, or ``self`` for the advisory's own canonical URL."""

    url: str
    summary: str
    category: str = "external"


@dataclass(frozen=True, slots=True)
class ProductVersion:
    """One device release (CSAF product_version) with its product id and identifiers."""

    product_id: str
    version: str
    purl: str | None = None
    cpe: str | None = None
    model_numbers: tuple[str, ...] = ()
    bom_ref: str | None = None  # its bom-ref in the release's SBOM (default: the product id)
    sbom_serial: str | None = None  # urn:uuid of the release's SBOM, for CycloneDX BOM-Links
    sbom_version: int = 1


@dataclass(frozen=True, slots=True)
class Product:
    """A device model (CSAF product_name) and its releases."""

    name: str
    versions: tuple[ProductVersion, ...]
    model_numbers: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Vendor:
    """A manufacturer and its device models."""

    name: str
    products: tuple[Product, ...]


@dataclass(frozen=True, slots=True)
class Component:
    """A component that releases contain (e.g. an OS library)."""

    product_id: str
    name: str
    version: str
    supplier: str | None = None
    purl: str | None = None
    cpe: str | None = None


@dataclass(frozen=True, slots=True)
class Relationship:
    """Component ``component_id`` in release ``release_id``, itself a product ``product_id``."""

    product_id: str
    component_id: str
    release_id: str
    category: RelationshipCategory = RelationshipCategory.DEFAULT_COMPONENT_OF
    bom_ref: str | None = None  # the component's bom-ref in the release's SBOM


@dataclass(frozen=True, slots=True)
class ProductStatus:
    """The canonical VEX decision for one product and one vulnerability.

    When no remediation names an affected product, its action statement is published as a
    remediation of ``action_category``.
    """

    product_id: str
    status: VexStatus
    justification: Justification | None = None
    impact_statement: str | None = None
    action_statement: str | None = None
    status_notes: str | None = None
    action_category: RemediationCategory = RemediationCategory.MITIGATION


@dataclass(frozen=True, slots=True)
class Remediation:
    """A remediation for products; a vendor fix names its fixing release and update method."""

    category: RemediationCategory
    details: str
    product_ids: tuple[str, ...]
    fixed_in: str | None = None  # product id of the fixing release
    update_method: UpdateMethod | None = None
    url: str | None = None
    date: datetime | None = None


@dataclass(frozen=True, slots=True)
class Score:
    """A CVSS vector (v2, v3.x or v4.0) for products."""

    vector: str
    product_ids: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Threat:
    """Impact, exploit status (e.g. listed in CISA KEV) or target set, for products or all."""

    category: ThreatCategory
    details: str
    product_ids: tuple[str, ...] = ()
    date: datetime | None = None


@dataclass(frozen=True, slots=True)
class Cwe:
    """A CWE id (``CWE-787``) with its catalog name."""

    id: str
    name: str


@dataclass(frozen=True, slots=True)
class VulnId:
    """A non-CVE identifier, e.g. (``GHSA``, ``GHSA-xxxx-xxxx-xxxx``)."""

    system_name: str
    text: str


@dataclass(frozen=True, slots=True)
class Acknowledgment:
    """Credit for a vulnerability (ISO/IEC 29147 7.4): who reported it, and for what."""

    names: tuple[str, ...]
    summary: str | None = None


@dataclass(frozen=True, slots=True)
class AdvisoryVulnerability:
    """One vulnerability of the advisory and the decisions for each product."""

    statuses: tuple[ProductStatus, ...]
    cve: str | None = None
    ids: tuple[VulnId, ...] = ()
    title: str | None = None
    cwe: Cwe | None = None
    notes: tuple[Note, ...] = ()
    remediations: tuple[Remediation, ...] = ()
    scores: tuple[Score, ...] = ()
    threats: tuple[Threat, ...] = ()
    references: tuple[Reference, ...] = ()
    discovery_date: datetime | None = None
    release_date: datetime | None = None
    acknowledgments: tuple[Acknowledgment, ...] = ()

    @property
    def name(self) -> str:
        """The primary identifier: the CVE, else the first other id, else the title."""
        if self.cve:
            return self.cve
        if self.ids:
            return self.ids[0].text
        return self.title or "unnamed vulnerability"


@dataclass(frozen=True, slots=True)
class Advisory:
    """One advisory: document metadata, the product tree and the vulnerabilities."""

    tracking: Tracking
    publisher: Publisher
    title: str
    vendors: tuple[Vendor, ...]
    vulnerabilities: tuple[AdvisoryVulnerability, ...]
    components: tuple[Component, ...] = ()
    relationships: tuple[Relationship, ...] = ()
    notes: tuple[Note, ...] = ()
    references: tuple[Reference, ...] = ()
    tlp: TlpLabel | None = TlpLabel.WHITE
    lang: str = "en"

    def releases(self) -> dict[str, tuple[Vendor, Product, ProductVersion]]:
        """Every device release by product id."""
        return {
            v.product_id: (vendor, product, v)
            for vendor in self.vendors
            for product in vendor.products
            for v in product.versions
        }

    def product_ids(self) -> set[str]:
        """Every product id the product tree defines."""
        ids = set(self.releases())
        ids.update(c.product_id for c in self.components)
        ids.update(r.product_id for r in self.relationships)
        return ids


_INT = re.compile(r"^(0|[1-9]\d*)$")
_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


def _version_key(number: str) -> tuple[int, ...]:
    return tuple(int(p) for p in number.split("."))


def _is_zero(number: str) -> bool:
    return number == "0" or number.startswith("0.")


def check_tracking(tracking: Tracking) -> None:
    """Refuse a tracking block that breaks CSAF 6.1.14-6.1.22 or 6.1.30."""
    numbers = [r.number for r in tracking.revisions]
    if not numbers:
        raise refuse("csaf.6.1.16", "the revision history needs at least one entry")
    pattern = _INT if _INT.match(tracking.version) else _SEMVER
    bad = [n for n in (tracking.version, *numbers) if not pattern.match(n)]
    if bad:
        raise refuse(
            "csaf.6.1.30",
            f"versions must be all integers or all SemVer without pre-release: {bad}",
        )
    if len(set(numbers)) != len(numbers):
        raise refuse("csaf.6.1.22", f"revision numbers are not unique: {numbers}")
    by_date = sorted(tracking.revisions, key=lambda r: (r.date, _version_key(r.number)))
    keys = [_version_key(r.number) for r in by_date]
    if keys != sorted(keys):
        raise refuse("csaf.6.1.14", "revision numbers do not ascend with their dates")
    if _version_key(tracking.version) != keys[-1]:
        raise refuse(
            "csaf.6.1.16",
            f"version {tracking.version} is not the latest revision number {by_date[-1].number}",
        )
    leading = [k[0] for k in keys]
    majors = [m for i, m in enumerate(leading) if i == 0 or leading[i - 1] != m]
    if majors[0] not in (0, 1) or any(b != a + 1 for a, b in pairwise(majors)):
        raise refuse("csaf.6.1.21", f"revision numbers skip a version: {numbers}")
    if tracking.status is not TrackingStatus.DRAFT and any(_is_zero(n) for n in numbers):
        raise refuse("csaf.6.1.18", "a released document cannot keep version 0 revisions")
    if tracking.current_release_date < tracking.initial_release_date:
        raise refuse("csaf.tracking.dates", "current release date precedes the initial one")


def check_advisory(advisory: Advisory) -> None:
    """Refuse an advisory whose ids, tracking or decisions are inconsistent."""
    check_tracking(advisory.tracking)
    defined = [v.product_id for d in advisory.vendors for p in d.products for v in p.versions]
    defined += [c.product_id for c in advisory.components]
    defined += [r.product_id for r in advisory.relationships]
    if len(set(defined)) != len(defined):
        dupes = sorted({p for p in defined if defined.count(p) > 1})
        raise refuse("csaf.6.1.2", f"product ids defined twice: {dupes}")
    known = set(defined)
    components = {c.product_id for c in advisory.components}
    releases = set(advisory.releases())
    for rel in advisory.relationships:
        if rel.component_id not in components or rel.release_id not in releases:
            raise refuse(
                "csaf.6.1.1",
                f"relationship {rel.product_id} needs a known component and a known release",
            )
    for vuln in advisory.vulnerabilities:
        _check_vulnerability(vuln, known)


def _check_vulnerability(vuln: AdvisoryVulnerability, known: set[str]) -> None:
    seen: set[str] = set()
    for st in vuln.statuses:
        if st.product_id in seen:
            raise refuse("csaf.6.1.6", f"{vuln.name}: two decisions for {st.product_id}")
        seen.add(st.product_id)
        validate_decision(st.status, st.justification, st.action_statement, st.impact_statement)
    used = set(seen)
    for rem in vuln.remediations:
        if not rem.product_ids:
            raise refuse("csaf.6.1.29", f"{vuln.name}: a remediation names no product")
        stray = sorted(set(rem.product_ids) - seen)
        if stray:
            raise refuse(
                "csaf.6.1.27.13", f"{vuln.name}: remediation for {stray}, which have no decision"
            )
        used.update(rem.product_ids)
        if rem.fixed_in is not None:
            used.add(rem.fixed_in)
    scored: set[tuple[str, str]] = set()
    for score in vuln.scores:
        major = score.vector[5] if score.vector.startswith("CVSS:") else "2"
        for pid in score.product_ids:
            if (pid, major) in scored:
                raise refuse("csaf.6.1.7", f"{vuln.name}: two CVSS v{major} scores for {pid}")
            scored.add((pid, major))
        used.update(score.product_ids)
    for threat in vuln.threats:
        used.update(threat.product_ids)
    missing = sorted(used - known)
    if missing:
        raise refuse("csaf.6.1.1", f"{vuln.name}: undefined product ids {missing}")
