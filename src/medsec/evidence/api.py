"""`/api/v1/products/{product}/releases/{release}/evidence`: imports, results, coverage.
Thin: services only."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Request, UploadFile

from medsec.api.deps import ApiPrincipal, SessionDep, read_upload
from medsec.evidence import service
from medsec.evidence.schemas import (
    CoverageRead,
    EvidenceImportRead,
    EvidenceResultRead,
    TriageCreate,
)

router = APIRouter(prefix="/api/v1/products/{product}/releases/{release}", tags=["design"])


@router.get("/evidence", response_model=list[EvidenceImportRead])
def list_imports(
    product: str, release: str, session: SessionDep, who: ApiPrincipal
) -> list[EvidenceImportRead]:
    """The release's evidence files."""
    return service.list_imports(session, product=product, release=release, actor=who.actor)


@router.post("/evidence", response_model=EvidenceImportRead, status_code=201)
async def import_file(
    request: Request,
    product: str,
    release: str,
    kind: Literal["sarif", "junit", "pentest"],
    session: SessionDep,
    who: ApiPrincipal,
    file: Annotated[UploadFile, File(description="SARIF log, JUnit XML or pentest CSV/JSON")],
    test_kind: str | None = None,
) -> EvidenceImportRead:
    """Import an evidence file (`?kind=sarif|junit|pentest`); failing results wait for triage."""
    data = await read_upload(request, file)
    return service.import_file(
        session,
        product=product,
        release=release,
        data=data,
        source=file.filename or "upload",
        kind=kind,
        actor=who.actor,
        test_kind=test_kind,
    )


@router.get("/evidence/results", response_model=list[EvidenceResultRead])
def results(
    product: str,
    release: str,
    session: SessionDep,
    who: ApiPrincipal,
    outcome: str | None = None,
    limit: int = 1000,
) -> list[EvidenceResultRead]:
    """The release's results (optionally one outcome)."""
    return service.list_results(
        session,
        product=product,
        release=release,
        actor=who.actor,
        outcome=outcome,
        limit=min(max(limit, 1), 10_000),
    )


@router.post("/evidence/results/{result_id}/triage", response_model=EvidenceResultRead)
def triage(
    product: str,
    release: str,
    result_id: int,
    data: TriageCreate,
    session: SessionDep,
    who: ApiPrincipal,
) -> EvidenceResultRead:
    """Record the triage of a failing result."""
    return service.triage(
        session,
        product=product,
        release=release,
        result_id=result_id,
        note=data.note,
        actor=who.actor,
    )


@router.get("/evidence/coverage", response_model=CoverageRead)
def coverage(product: str, release: str, session: SessionDep, who: ApiPrincipal) -> CoverageRead:
    """Which seed 5.3 test kinds the release has evidence of."""
    return service.coverage(session, product=product, release=release, actor=who.actor)
