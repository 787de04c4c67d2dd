"""Queries of risk records and risk policies; the heat map and its cells filter the records by
the findings and threats they are about (joined, never written)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from medsec.core.batching import chunks
from medsec.models import Finding, Release, RiskPolicyRow, RiskRecord, ThreatRow, Vulnerability


def policy_row(session: Session, product_id: int) -> RiskPolicyRow | None:
    """The risk policy set for a product, if one is."""
    return session.get(RiskPolicyRow, product_id)


def current(session: Session, finding_ids: Sequence[int]) -> dict[int, RiskRecord]:
    """finding id -> its current risk record."""
    out: dict[int, RiskRecord] = {}
    for part in chunks(sorted(set(finding_ids))):
        stmt = select(RiskRecord).where(
            RiskRecord.finding_id.in_(part), RiskRecord.is_current.is_(True)
        )
        out.update(
            {r.finding_id: r for r in session.execute(stmt).scalars() if r.finding_id is not None}
        )
    return out


def current_for_threats(session: Session, threat_ids: Sequence[int]) -> dict[int, RiskRecord]:
    """threat id -> its current risk record (a threat's own record, without a finding)."""
    out: dict[int, RiskRecord] = {}
    for part in chunks(sorted(set(threat_ids))):
        stmt = select(RiskRecord).where(
            RiskRecord.threat_id.in_(part),
            RiskRecord.finding_id.is_(None),
            RiskRecord.is_current.is_(True),
        )
        out.update(
            {r.threat_id: r for r in session.execute(stmt).scalars() if r.threat_id is not None}
        )
    return out


def history(session: Session, finding_id: int) -> list[RiskRecord]:
    """Every version of a finding's risk record, oldest first."""
    stmt = (
        select(RiskRecord).where(RiskRecord.finding_id == finding_id).order_by(RiskRecord.version)
    )
    return list(session.execute(stmt).scalars())


def mark_accepted(
    session: Session, record_id: int, *, actor: str, at: datetime, rationale: str | None
) -> None:
    """Set a risk record's residual risk accepted by ``actor`` at ``at``."""
    session.execute(
        update(RiskRecord)
        .where(RiskRecord.id == record_id)
        .values(status="accepted", accepted_by=actor, accepted_at=at, rationale=rationale)
    )


def heat_map_records(session: Session, release_ids: Sequence[int]) -> list[RiskRecord]:
    """Current risk records of the releases' active findings, then of their threats still in
    the model (what the heat map counts)."""
    stmt = (
        select(RiskRecord)
        .join(Finding, Finding.id == RiskRecord.finding_id)
        .where(
            RiskRecord.is_current.is_(True),
            Finding.release_id.in_(list(release_ids)),
            Finding.status == "active",
        )
    )
    records = list(session.execute(stmt).scalars())
    threat_only = (
        select(RiskRecord)
        .join(ThreatRow, ThreatRow.id == RiskRecord.threat_id)
        .where(
            RiskRecord.is_current.is_(True),
            RiskRecord.finding_id.is_(None),
            ThreatRow.release_id.in_(list(release_ids)),
            ThreatRow.stale.is_(False),
        )
    )
    return records + list(session.execute(threat_only).scalars())


def _levels(which: str) -> tuple[Any, Any]:
    """The (exploitability, severity) columns a view of the heat map counts by."""
    if which == "before":
        return RiskRecord.exploitability, RiskRecord.severity
    return (
        RiskRecord.evaluation[("residual", "exploitability")].as_string(),
        RiskRecord.evaluation[("residual", "severity")].as_string(),
    )


def _cell(
    release_ids: Sequence[int], which: str, exploitability: str, severity: str
) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The conditions of one cell on finding records and on threat records."""
    exp_col, sev_col = _levels(which)
    levels = (RiskRecord.is_current.is_(True), exp_col == exploitability, sev_col == severity)
    on_findings = (
        *levels,
        Finding.status == "active",
        Finding.release_id.in_(list(release_ids)),
    )
    on_threats = (
        *levels,
        RiskRecord.finding_id.is_(None),
        ThreatRow.release_id.in_(list(release_ids)),
        ThreatRow.stale.is_(False),
    )
    return on_findings, on_threats


def _count(session: Session, stmt: Any) -> int:
    return int(session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one())


def cell_counts(
    session: Session, release_ids: Sequence[int], which: str, exploitability: str, severity: str
) -> tuple[int, int]:
    """(finding records, threat records) a heat-map cell counts (``which``: before|residual)."""
    on_findings, on_threats = _cell(release_ids, which, exploitability, severity)
    counted = select(RiskRecord.id).join(Finding, Finding.id == RiskRecord.finding_id)
    n_findings = _count(session, counted.where(*on_findings))
    counted = select(RiskRecord.id).join(ThreatRow, ThreatRow.id == RiskRecord.threat_id)
    return n_findings, _count(session, counted.where(*on_threats))


def cell_finding_rows(
    session: Session,
    release_ids: Sequence[int],
    which: str,
    exploitability: str,
    severity: str,
    *,
    offset: int,
    limit: int,
) -> list[tuple[RiskRecord, str, str, str]]:
    """A page of a cell's finding records: (record, component key, release, vulnerability)."""
    on_findings, _ = _cell(release_ids, which, exploitability, severity)
    stmt = (
        select(RiskRecord, Finding.component_key, Release.version, Vulnerability.key)
        .join(Finding, Finding.id == RiskRecord.finding_id)
        .join(Release, Release.id == Finding.release_id)
        .join(Vulnerability, Vulnerability.id == Finding.vulnerability_id)
        .where(*on_findings)
        .order_by(RiskRecord.finding_id)
        .offset(offset)
        .limit(limit)
    )
    return [(r[0], r[1], r[2], r[3]) for r in session.execute(stmt)]


def cell_threat_rows(
    session: Session,
    release_ids: Sequence[int],
    which: str,
    exploitability: str,
    severity: str,
    *,
    offset: int,
    limit: int,
) -> list[tuple[RiskRecord, str, str, str]]:
    """A page of a cell's threat records: (record, threat key, threat title, release)."""
    _, on_threats = _cell(release_ids, which, exploitability, severity)
    stmt = (
        select(RiskRecord, ThreatRow.key, ThreatRow.title, Release.version)
        .join(ThreatRow, ThreatRow.id == RiskRecord.threat_id)
        .join(Release, Release.id == ThreatRow.release_id)
        .where(*on_threats)
        .order_by(ThreatRow.id)
        .offset(offset)
        .limit(limit)
    )
    return [(r[0], r[1], r[2], r[3]) for r in session.execute(stmt)]


def assessed(session: Session, release_ids: Sequence[int], limit: int) -> list[Any]:
    """Active findings with a current risk record, newest first: rows of (finding id, release,
    component key, vulnerability, residual level, region)."""
    stmt = (
        select(
            Finding.id,
            Release.version,
            Finding.component_key,
            Vulnerability.key,
            RiskRecord.residual,
            RiskRecord.region,
        )
        .join(RiskRecord, RiskRecord.finding_id == Finding.id)
        .join(Release, Release.id == Finding.release_id)
        .join(Vulnerability, Vulnerability.id == Finding.vulnerability_id)
        .where(
            RiskRecord.is_current.is_(True),
            Finding.status == "active",
            Finding.release_id.in_(list(release_ids)),
        )
        .order_by(Finding.id.desc())
        .limit(limit)
    )
    return list(session.execute(stmt))
