"""The facts a document is made from, read through the other domains' services and read models
(no queries of their tables here)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from medsec.controls import service as controls
from medsec.documents.schemas import Facts, FeedFacts, ReleaseFacts
from medsec.errors import NotFound, Unavailable
from medsec.evidence import service as evidence
from medsec.findings import service as findings
from medsec.lifecycle import service as lifecycle
from medsec.models import Release
from medsec.products import service as products
from medsec.sbom import service as sboms
from medsec.sysmodel import service as sysmodel
from medsec.tplc import service as tplc
from medsec.trace import service as trace
from medsec.trace.schemas import MatrixRead
from medsec.vulns import service as vulns


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
        product=prod.name,
        manufacturer=products.get_product(session, product).manufacturer.name,
        release=ReleaseFacts(
            version=rel.version,
            release_date=rel.release_date,
            use_environment=rel.use_environment,
            clinical_function=rel.clinical_function,
            essential_performance=rel.essential_performance,
            interfaces=list(rel.interfaces or []),
        ),
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
        feeds={
            k: FeedFacts(f.source_name, f.imported_at, f.records)
            for k, f in vulns.feed_status(session).items()
        },
        plan=tplc.show(session, product=product, actor=actor),
        status=statuses[0] if statuses else None,
        notes=notes,
    )
