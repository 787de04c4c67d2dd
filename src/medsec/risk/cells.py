"""Read model: the findings one heat-map cell counts (current risk records of active findings),
filtered, counted and paged in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from medsec.errors import InvalidInput
from medsec.models import Finding, Release, RiskRecord, Vulnerability

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
) -> tuple[int, list[dict[str, Any]]]:
    """(total, one page) of the findings counted in a heat-map cell, most recent record first."""
    if which not in VIEWS:
        raise InvalidInput(f"view: {which!r} is not one of {', '.join(VIEWS)}")
    exp_col, sev_col = _levels(which)
    where = (
        RiskRecord.is_current.is_(True),
        Finding.status == "active",
        Finding.release_id.in_(list(release_ids)),
        exp_col == exploitability,
        sev_col == severity,
    )
    base = select(RiskRecord).join(Finding, Finding.id == RiskRecord.finding_id).where(*where)
    total = session.execute(select(func.count()).select_from(base.subquery())).scalar_one()
    stmt = (
        select(RiskRecord, Finding.component_key, Release.version, Vulnerability.key)
        .join(Finding, Finding.id == RiskRecord.finding_id)
        .join(Release, Release.id == Finding.release_id)
        .join(Vulnerability, Vulnerability.id == Finding.vulnerability_id)
        .where(*where)
        .order_by(RiskRecord.finding_id)
        .offset(offset)
        .limit(limit)
    )
    items = []
    for record, component, version, vuln in session.execute(stmt):
        residual = (record.evaluation or {}).get("residual", {})
        items.append(
            {
                "finding_id": record.finding_id,
                "release": version,
                "component": component,
                "vulnerability": vuln,
                "severity": record.severity,
                "exploitability": record.exploitability,
                "residual_severity": str(residual.get("severity", "")),
                "residual_exploitability": str(residual.get("exploitability", "")),
                "region": record.region,
                "status": record.status,
            }
        )
    return int(total), items


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
