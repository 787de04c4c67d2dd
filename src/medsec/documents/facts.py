"""The facts a document is made from, read through the other domains' services and read models
(no queries of their tables here)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from medsec.controls import service as controls
from medsec.controls.schemas import ControlRead
from medsec.errors import NotFound, Unavailable
from medsec.evidence import service as evidence
from medsec.evidence.schemas import CoverageRead, EvidenceImportRead
from medsec.findings import service as findings
from medsec.ingest.sysmodel_model import SystemModel
from medsec.lifecycle import service as lifecycle
from medsec.lifecycle.schemas import ReleaseStatusRead
from medsec.models import Product, Release
from medsec.products import service as products
from medsec.sbom import service as sboms
from medsec.sysmodel import service as sysmodel
from medsec.tplc import service as tplc
from medsec.tplc.schemas import PlanRead
from medsec.trace import service as trace
from medsec.trace.schemas import MatrixRead
from medsec.vulns import service as vulns


@dataclass
class Facts:
    """Everything the records hold about one release for its documents."""

    product: Product
    manufacturer: str
    release: Release
    on: date
    model: SystemModel | None
    diagram: str | None
    matrix: MatrixRead | None
    controls: list[ControlRead]
    imports: list[EvidenceImportRead]
    coverage: CoverageRead
    components: list[dict[str, Any]]
    sbom_revision: int | None
    matched_at: Any
    feeds: dict[str, vulns.FeedStatus]
    plan: PlanRead
    status: ReleaseStatusRead | None
    notes: list[str] = field(default_factory=list)


def _components(session: Session, release: Release) -> tuple[list[dict[str, Any]], int | None]:
    sbom = sboms.current_of(session, release.id)
    if sbom is None:
        return [], None
    _, by_component = findings.match_summary(session, release.id)
    rows = [
        {
            "name": c.name if not c.group else f"{c.group}/{c.name}",
            "version": c.version or "",
            "purl": c.purl,
            "cpe": c.cpe,
            "findings": by_component.get(c.id, []),
        }
        for c in sboms.components(session, sbom)
    ]
    return sorted(rows, key=lambda r: (r["name"].lower(), r["version"])), sbom.revision


def gather(session: Session, *, product: str, release: str, actor: str, on: date) -> Facts:
    """The facts of one release; the caller has checked the actor's access."""
    prod, rel = sysmodel.release_of(session, product, release)
    model = sysmodel.current_model(session, release_id=rel.id)
    diagram = None
    notes: list[str] = []
    if model is not None:
        try:
            diagram = sysmodel.diagram_svg(session, product=product, release=release, actor=actor)
        except Unavailable as exc:
            notes.append(str(exc))
    try:
        matrix: MatrixRead | None = trace.matrix(
            session, product=product, release=release, actor=actor
        )
    except NotFound:
        matrix = None
    comps, revision = _components(session, rel)
    matched_at, _ = findings.match_summary(session, rel.id)
    statuses = lifecycle.status(session, product=product, version=release, on=on, actor=actor)
    return Facts(
        product=prod,
        manufacturer=products.get_product(session, product).manufacturer.name,
        release=rel,
        on=on,
        model=model,
        diagram=diagram,
        matrix=matrix,
        controls=controls.list_controls(session, product=product, actor=actor, release=release),
        imports=evidence.list_imports(session, product=product, release=release, actor=actor),
        coverage=evidence.coverage(session, product=product, release=release, actor=actor),
        components=comps,
        sbom_revision=revision,
        matched_at=matched_at,
        feeds=vulns.feed_status(session),
        plan=tplc.show(session, product=product, actor=actor),
        status=statuses[0] if statuses else None,
        notes=notes,
    )
