"""The vulnerability intelligence other domains read: every id of a vulnerability, its stored
records (decoded), KEV and EPSS, the forms matching needs and the change sequence.

Other domains import this module, never ``vulns.repository`` (ARCHITECTURE.md: a domain reads
another domain through its service or read model; ``tests/test_architecture_rules.py`` checks).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from medsec.ingest.vuln_model import VulnRecord
from medsec.models import EpssRow, KevEntryRow, Vulnerability
from medsec.vulns import codec
from medsec.vulns import repository as repo

Key = tuple[str, str, str]  # ("pkg", ecosystem, name) or ("cpe", "cpe", vendor:product)


def ids_of(session: Session, vulnerability_ids: Sequence[int]) -> dict[int, list[str]]:
    """Vulnerability id -> every id it is known by (sorted)."""
    return repo.group_ids(session, vulnerability_ids)


def intel_of(
    session: Session, vulnerability_ids: Sequence[int]
) -> tuple[dict[int, list[str]], dict[str, KevEntryRow], dict[str, EpssRow]]:
    """(vulnerability id -> every id, sorted; KEV and EPSS by CVE id) in one statement:
    `ids_of`, then `kev_for` and `epss_for` of the CVE ids among them."""
    return repo.group_intel(session, vulnerability_ids)


def records_of(session: Session, vulnerability_ids: Sequence[int]) -> dict[int, list[VulnRecord]]:
    """Vulnerability id -> its stored records (one per source), decoded, in storage order."""
    out: dict[int, list[VulnRecord]] = {}
    for row in repo.advisories_of_groups(session, vulnerability_ids):
        out.setdefault(row.vulnerability_id, []).append(codec.to_record(row))
    return out


def shown_records_of(
    session: Session, vulnerability_ids: Sequence[int]
) -> dict[int, list[VulnRecord]]:
    """Vulnerability id -> its stored records with only what a finding shows of them (source,
    id, dates, withdrawn, summary, severities; no affected ranges), in storage order."""
    out: dict[int, list[VulnRecord]] = {}
    for row in repo.shown_advisories_of_groups(session, vulnerability_ids):
        out.setdefault(row.vulnerability_id, []).append(codec.to_shown_record(row))
    return out


def records_for_keys(session: Session, keys: Sequence[Key]) -> list[VulnRecord]:
    """The stored records naming any of the package or CPE lookup keys, decoded."""
    return [codec.to_record(r) for r in repo.advisories_for_keys(session, keys)]


def vulnerabilities(session: Session, ids: Sequence[int]) -> dict[int, Vulnerability]:
    """Vulnerability rows by id."""
    return repo.vulnerabilities(session, ids)


def by_id(session: Session, name: str) -> Vulnerability | None:
    """The vulnerability known by that id (CVE, GHSA, OSV, vendor id), if stored."""
    return repo.vulnerability_by_alias(session, name)


def kev_for(session: Session, cves: Sequence[str]) -> dict[str, KevEntryRow]:
    """KEV entries of the given CVE ids."""
    return repo.kev_for(session, cves)


def epss_for(session: Session, cves: Sequence[str]) -> dict[str, EpssRow]:
    """EPSS scores of the given CVE ids."""
    return repo.epss_for(session, cves)


def change_head(session: Session) -> int:
    """The highest change sequence of the stored records (0 when there are none)."""
    return repo.max_change_seq(session)


def groups_changed_after(session: Session, seq: int) -> list[int]:
    """Vulnerabilities with a record changed after the change sequence ``seq``."""
    return repo.groups_changed_after(session, seq)


def match_forms_for_keys(session: Session, keys: Sequence[Key]) -> list[Any]:
    """What matching needs of the records naming any of the keys (light rows, id order)."""
    return repo.match_forms_for_keys(session, keys)


def match_forms_of_sboms(session: Session, sbom_ids: Sequence[int]) -> list[Any]:
    """What matching needs of the records naming any component of the SBOMs."""
    return repo.match_forms_of_sboms(session, sbom_ids)


def match_rows_of(session: Session, vulnerability_ids: Sequence[int]) -> list[Any]:
    """What matching needs of every record of the given vulnerabilities."""
    return repo.match_rows_of_groups(session, vulnerability_ids)
