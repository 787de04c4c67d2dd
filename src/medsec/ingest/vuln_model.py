"""Frozen DTOs that every vulnerability feed reader produces and the matcher consumes.

OSV (and GHSA in OSV form), NVD CVE API 2.0, CISA KEV and FIRST EPSS all land here. No I/O.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime


@dataclass(frozen=True, slots=True)
class RangeEvent:
    """One OSV range event: kind is introduced | fixed | last_affected | limit."""

    kind: str
    value: str


@dataclass(frozen=True, slots=True)
class AffectedRange:
    """An OSV range: type ECOSYSTEM | SEMVER | GIT, events in document order."""

    type: str
    events: tuple[RangeEvent, ...]
    repo: str | None = None


@dataclass(frozen=True, slots=True)
class AffectedPackage:
    """One entry of OSV ``affected[]``: a package, its ranges and enumerated versions."""

    ecosystem: str  # OSV ecosystem string as given, e.g. "PyPI", "Go", "npm", "Debian:12"
    name: str  # package name as given by the record
    purl: str | None = None
    ranges: tuple[AffectedRange, ...] = ()
    versions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class CpeMatch:
    """An NVD cpeMatch criterion with its optional version bounds."""

    criteria: str  # CPE 2.3 formatted string
    vulnerable: bool = True
    version_start_including: str | None = None
    version_start_excluding: str | None = None
    version_end_including: str | None = None
    version_end_excluding: str | None = None
    match_criteria_id: str | None = None


@dataclass(frozen=True, slots=True)
class CpeNode:
    """An NVD configuration node: OR/AND over cpe matches, optionally negated."""

    operator: str  # "OR" | "AND"
    negate: bool
    matches: tuple[CpeMatch, ...]


@dataclass(frozen=True, slots=True)
class CpeConfiguration:
    """An NVD configuration: OR/AND over nodes (AND expresses running-on/with platforms)."""

    operator: str  # "OR" | "AND"
    negate: bool
    nodes: tuple[CpeNode, ...]


@dataclass(frozen=True, slots=True)
class SeverityScore:
    """A severity as a source states it: a CVSS vector (type CVSS_V2/V3/V4) or a label."""

    type: str  # CVSS_V2 | CVSS_V3 | CVSS_V4 | Ubuntu | label
    value: str  # the vector, or the label
    source: str | None = None  # who scored it (nvd@nist.gov, GitHub, vendor)
    base_score: float | None = None  # as published, when the source publishes one


@dataclass(frozen=True, slots=True)
class VulnRecord:
    """One vulnerability record from one source (an OSV entry or an NVD CVE)."""

    source: str  # "osv" | "nvd" | "csaf" ...
    id: str
    modified: datetime | None = None
    published: datetime | None = None
    withdrawn: datetime | None = None
    aliases: tuple[str, ...] = ()
    related: tuple[str, ...] = ()
    summary: str | None = None
    details: str | None = None
    severities: tuple[SeverityScore, ...] = ()
    affected: tuple[AffectedPackage, ...] = ()
    configurations: tuple[CpeConfiguration, ...] = ()
    references: tuple[str, ...] = ()
    cwes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class KevEntry:
    """One CISA Known Exploited Vulnerabilities catalog entry."""

    cve_id: str
    vendor: str
    product: str
    name: str
    date_added: date
    due_date: date | None = None
    known_ransomware: bool = False
    required_action: str | None = None
    notes: str | None = None


@dataclass(frozen=True, slots=True)
class EpssScore:
    """One FIRST EPSS row: probability and percentile of exploitation in the next 30 days."""

    cve_id: str
    epss: float
    percentile: float
    model_version: str | None = None
    score_date: date | None = None
