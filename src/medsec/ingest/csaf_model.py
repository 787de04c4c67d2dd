"""Frozen DTOs of a CSAF 2.0 advisory as read by :func:`medsec.ingest.csaf.read_csaf`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from medsec.core.vex import Justification, VexStatus


@dataclass(frozen=True, slots=True)
class CsafNote:
    """A document or vulnerability note."""

    category: str
    text: str
    title: str | None
    audience: str | None


@dataclass(frozen=True, slots=True)
class CsafRevision:
    """One revision history entry."""

    number: str
    date: datetime | None
    summary: str
    legacy_version: str | None


@dataclass(frozen=True, slots=True)
class CsafPublisher:
    """The publisher of the document."""

    category: str
    name: str
    namespace: str
    contact_details: str | None
    issuing_authority: str | None


@dataclass(frozen=True, slots=True)
class CsafFileHash:
    """A file hash from a product identification helper."""

    filename: str
    algorithm: str
    value: str


@dataclass(frozen=True, slots=True)
class CsafProduct:
    """A product of the product tree (full_product_names or a branch leaf)."""

    product_id: str
    name: str
    branch_path: tuple[tuple[str, str], ...]  # (category, name) from the root branch down
    vendor: str | None
    product_name: str | None
    version: str | None  # product_version or product_version_range branch name
    purl: str | None
    cpe: str | None
    model_numbers: tuple[str, ...]
    serial_numbers: tuple[str, ...]
    skus: tuple[str, ...]
    hashes: tuple[CsafFileHash, ...]


@dataclass(frozen=True, slots=True)
class CsafRelationship:
    """A product_tree relationship (e.g. component X default_component_of device Y)."""

    category: str
    product_reference: str
    relates_to_product_reference: str
    product_id: str
    name: str


@dataclass(frozen=True, slots=True)
class CsafProductGroup:
    """A named group of product ids."""

    group_id: str
    product_ids: tuple[str, ...]
    summary: str | None


@dataclass(frozen=True, slots=True)
class CsafId:
    """A vulnerability id of another system."""

    system_name: str
    text: str


@dataclass(frozen=True, slots=True)
class CsafProductStatus:
    """One product's status for a vulnerability: canonical VEX status plus the CSAF term."""

    product_id: str
    status: VexStatus
    original: str  # known_affected, first_fixed, …
    justification: Justification | None  # from a flag, for not_affected products


@dataclass(frozen=True, slots=True)
class CsafFlag:
    """A VEX justification flag."""

    label: str
    justification: Justification | None
    product_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    date: datetime | None


@dataclass(frozen=True, slots=True)
class CsafThreat:
    """A threat: impact statement, exploit_status or target_set."""

    category: str
    details: str
    product_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    date: datetime | None


@dataclass(frozen=True, slots=True)
class CsafRemediation:
    """A remediation: vendor_fix, mitigation, workaround, none_available or no_fix_planned."""

    category: str
    details: str
    product_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    url: str | None
    date: datetime | None


@dataclass(frozen=True, slots=True)
class CsafScore:
    """CVSS vectors and published base scores for some products."""

    product_ids: tuple[str, ...]
    cvss_v3_vector: str | None
    cvss_v3_version: str | None
    cvss_v3_base_score: float | None
    cvss_v2_vector: str | None
    cvss_v2_base_score: float | None


@dataclass(frozen=True, slots=True)
class CsafVulnerability:
    """One vulnerability of an advisory."""

    cve: str | None
    ids: tuple[CsafId, ...]
    title: str | None
    cwe_id: str | None
    cwe_name: str | None
    notes: tuple[CsafNote, ...]
    discovery_date: datetime | None
    release_date: datetime | None
    product_status: tuple[CsafProductStatus, ...]
    recommended: tuple[str, ...]  # CSAF ``recommended``: not a VEX status
    flags: tuple[CsafFlag, ...]
    threats: tuple[CsafThreat, ...]
    remediations: tuple[CsafRemediation, ...]
    scores: tuple[CsafScore, ...]


@dataclass(frozen=True, slots=True)
class CsafDocument:
    """A CSAF 2.0 advisory as read (not validated: use validate_csaf for that)."""

    source: str
    category: str
    csaf_version: str | None
    title: str
    lang: str | None
    tracking_id: str
    status: str
    version: str
    initial_release_date: datetime | None
    current_release_date: datetime | None
    revision_history: tuple[CsafRevision, ...]
    publisher: CsafPublisher
    tlp_label: str | None
    tlp_url: str | None
    notes: tuple[CsafNote, ...]
    products: tuple[CsafProduct, ...]
    relationships: tuple[CsafRelationship, ...]
    product_groups: tuple[CsafProductGroup, ...]
    vulnerabilities: tuple[CsafVulnerability, ...]

    def product(self, product_id: str) -> CsafProduct | None:
        """The product (from full_product_names or branches) with this id, if any."""
        return next((p for p in self.products if p.product_id == product_id), None)

    def expand(self, product_ids: tuple[str, ...], group_ids: tuple[str, ...]) -> tuple[str, ...]:
        """Product ids plus the members of the groups, each once."""
        members = {g.group_id: g.product_ids for g in self.product_groups}
        grouped = (pid for gid in group_ids for pid in members.get(gid, ()))
        return tuple(dict.fromkeys((*product_ids, *grouped)))
