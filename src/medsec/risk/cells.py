"""Read model: the findings one heat-map cell counts (current risk records of active findings),
filtered, counted and paged in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medsec.errors import InvalidInput
from medsec.models import Finding, Release, RiskRecord, ThreatRow, Vulnerability
from medsec.risk.schemas import RiskCellFindingRead

VIEWS = ("before", "residual")


def _levels(which: str) -> tuple[Any, Any]:
    """The (exploitability, severity) columns a view of the heat map counts by."""
    if which == "before":
        return RiskRecord.exploitability, RiskRecord.severity
    return (
        RiskRecord.evaluation[("residual", "exploitability")].as_string(),
        RiskRecord.evaluation[("residual", "severity")].as_string(),
    )


def cell_findings(
    session: Session,
    *,
    release_ids: Sequence[int],
    which: str,
    exploitability: str,
    severity: str,
    offset: int = 0,
    limit: int = 50,
) -> tuple[int, list[RiskCellFindingRead]]:
    """(total, one page) of what a heat-map cell counts: the current risk records of active
    findings, then those of threats still in the model (as the heat map counts them)."""
    if which not in VIEWS:
        raise InvalidInput(f"view: {which!r} is not one of {', '.join(VIEWS)}")
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
    counted = select(RiskRecord.id).join(Finding, Finding.id == RiskRecord.finding_id)
    n_findings = _count(session, counted.where(*on_findings))
    counted = select(RiskRecord.id).join(ThreatRow, ThreatRow.id == RiskRecord.threat_id)
    n_threats = _count(session, counted.where(*on_threats))
    items: list[RiskCellFindingRead] = []
    if offset < n_findings:
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
        items += [
            _item(record, version, component=component, vulnerability=vuln)
            for record, component, version, vuln in session.execute(stmt)
        ]
    left = limit - len(items)
    if left > 0 and offset + len(items) < n_findings + n_threats:
        stmt = (
            select(RiskRecord, ThreatRow.key, ThreatRow.title, Release.version)
            .join(ThreatRow, ThreatRow.id == RiskRecord.threat_id)
            .join(Release, Release.id == ThreatRow.release_id)
            .where(*on_threats)
            .order_by(ThreatRow.id)
            .offset(max(0, offset - n_findings))
            .limit(left)
        )
        items += [
            _item(record, version, threat=key, vulnerability=title)
            for record, key, title, version in session.execute(stmt)
        ]
    return n_findings + n_threats, items


def _count(session: Session, stmt: Any) -> int:
    return int(session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one())


def _item(
    record: RiskRecord,
    release: str,
    *,
    vulnerability: str,
    component: str | None = None,
    threat: str | None = None,
) -> RiskCellFindingRead:
    """One counted risk record: of a finding (its component and vulnerability) or of a threat
    (its key and title)."""
    residual = (record.evaluation or {}).get("residual", {})
    return RiskCellFindingRead(
        finding_id=record.finding_id,
        threat=threat,
        release=release,
        component=component or "",
        vulnerability=vulnerability,
        severity=record.severity,
        exploitability=record.exploitability,
        residual_severity=str(residual.get("severity", "")),
        residual_exploitability=str(residual.get("exploitability", "")),
        region=record.region,
        status=record.status,
    )


def assessed(session: Session, *, release_ids: Sequence[int], limit: int = 200) -> list[Any]:
    """Active findings with a current risk record (what an update may address), newest first:
    rows of (finding id, release, component key, vulnerability, residual level, region)."""
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
