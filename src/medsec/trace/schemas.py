"""Read models of the traceability matrix (also read by the documents issue)."""

from __future__ import annotations

from pydantic import BaseModel

from medsec.controls.schemas import ControlResultRead
from medsec.threats.schemas import ThreatRiskRead


class MatrixControlRead(BaseModel):
    """A control on a matrix row."""

    key: str
    name: str
    principles: list[str]
    owner: str | None
    side_effects: str | None
    verification: str
    results: list[ControlResultRead]


class MatrixRowRead(BaseModel):
    """One threat's chain: risk, controls, verification, results, gaps."""

    threat: str
    title: str
    category: str
    category_name: str
    status: str
    severity: str | None
    target_kind: str
    target_id: str | None
    stale: bool
    risk: ThreatRiskRead | None
    controls: list[MatrixControlRead]
    gaps: list[str]
    verified_by: list[ControlResultRead] = []  # results that verify the threat directly


class MatrixRead(BaseModel):
    """The traceability matrix of a release, with the gaps counted and the four questions."""

    product: str
    release: str
    model_version: int | None
    rows: list[MatrixRowRead]
    gap_counts: dict[str, int]
    gaps: list[str]
    controls_without_threats: list[str]
    coverage: dict[str, bool]
    what_are_we_building: str
    what_can_go_wrong: str
    what_are_we_going_to_do: str
    did_we_do_enough: str
    enough: bool


class AffectedRead(BaseModel):
    """A product release affected by a vulnerability or component (variation analysis)."""

    product: str
    release: str
    component: str
    version: str | None
    vulnerability: str
    status: str
    vex_status: str | None
    risk_residual: str | None
    risk_status: str | None
