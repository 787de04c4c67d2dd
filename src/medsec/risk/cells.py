"""Read model: the findings one heat-map cell counts (current risk records of active findings),
filtered, counted and paged in SQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.orm import Session

from medsec.errors import InvalidInput
from medsec.models import RiskRecord
from medsec.risk import repository as repo
from medsec.risk.schemas import RiskCellFindingRead

VIEWS = ("before", "residual")


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
    n_findings, n_threats = repo.cell_counts(session, release_ids, which, exploitability, severity)
    items: list[RiskCellFindingRead] = []
    if offset < n_findings:
        items += [
            _item(record, version, component=component, vulnerability=vuln)
            for record, component, version, vuln in repo.cell_finding_rows(
                session, release_ids, which, exploitability, severity, offset=offset, limit=limit
            )
        ]
    left = limit - len(items)
    if left > 0 and offset + len(items) < n_findings + n_threats:
        items += [
            _item(record, version, threat=key, vulnerability=title)
            for record, key, title, version in repo.cell_threat_rows(
                session,
                release_ids,
                which,
                exploitability,
                severity,
                offset=max(0, offset - n_findings),
                limit=left,
            )
        ]
    return n_findings + n_threats, items


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
    return repo.assessed(session, release_ids, limit)
