"""`/api/v1/products/{product}/releases/{release}/threats`: list, generate, show, edit, and
the four questions. Thin: services only."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from medsec.api.deps import ApiPrincipal, SessionDep
from medsec.controls import service as controls
from medsec.threats import service
from medsec.threats.schemas import (
    FourQuestionsRead,
    GenerateRead,
    ThreatCreate,
    ThreatEdit,
    ThreatRead,
)
from medsec.trace import service as trace

router = APIRouter(prefix="/api/v1/products/{product}/releases/{release}", tags=["design"])


@router.get("/threats", response_model=list[ThreatRead])
def list_threats(
    product: str, release: str, session: SessionDep, who: ApiPrincipal, status: str | None = None
) -> list[ThreatRead]:
    """The release's threats with their risk records."""
    return service.list_threats(
        session, product=product, release=release, actor=who.actor, status=status
    )


@router.post("/threats", response_model=ThreatRead, status_code=201)
def add_threat(
    product: str, release: str, data: ThreatCreate, session: SessionDep, who: ApiPrincipal
) -> ThreatRead:
    """Add a threat by hand."""
    return service.add_threat(session, product=product, release=release, data=data, actor=who.actor)


@router.post("/threats/generate", response_model=GenerateRead)
def generate(product: str, release: str, session: SessionDep, who: ApiPrincipal) -> GenerateRead:
    """Generate threats from the current model (edits kept; vanished targets marked stale)."""
    return service.generate(session, product=product, release=release, actor=who.actor)


@router.get("/threats/{key}", response_model=ThreatRead)
def get_threat(
    product: str, release: str, key: str, session: SessionDep, who: ApiPrincipal
) -> ThreatRead:
    """One threat."""
    return service.get_threat(session, product=product, release=release, key=key, actor=who.actor)


@router.patch("/threats/{key}", response_model=ThreatRead)
def set_threat(
    product: str,
    release: str,
    key: str,
    edit: ThreatEdit,
    session: SessionDep,
    who: ApiPrincipal,
) -> ThreatRead:
    """Edit a threat's status, severity or text."""
    return service.set_threat(
        session, product=product, release=release, key=key, edit=edit, actor=who.actor
    )


class RiskBody(BaseModel):
    """A threat's patient-harm risk, written by a person."""

    hazardous_situation: str = Field(min_length=1, max_length=5000)
    harm: str = Field(min_length=1, max_length=5000)
    severity: str = Field(max_length=20)
    exploitability: str = Field(max_length=20)
    rationale: str | None = Field(default=None, max_length=20_000)


class AcceptBody(BaseModel):
    """The reviewer's acceptance of the residual risk."""

    rationale: str | None = Field(default=None, max_length=20_000)


@router.post("/threats/{key}/risk", response_model=ThreatRead, status_code=201)
def assess_risk(
    product: str, release: str, key: str, body: RiskBody, session: SessionDep, who: ApiPrincipal
) -> ThreatRead:
    """Record (a new version of) the threat's risk; linked controls count when verified."""
    made, _, _ = controls.assess_threat_risk(
        session, product=product, release=release, key=key, actor=who.actor, **body.model_dump()
    )
    return made


@router.post("/threats/{key}/accept", response_model=ThreatRead)
def accept_risk(
    product: str,
    release: str,
    key: str,
    body: AcceptBody,
    session: SessionDep,
    who: ApiPrincipal,
) -> ThreatRead:
    """Accept the residual risk of the threat's current risk record (reviewer role)."""
    return service.accept_risk(
        session,
        product=product,
        release=release,
        key=key,
        actor=who.actor,
        rationale=body.rationale,
    )


@router.get("/questions", response_model=FourQuestionsRead)
def questions(
    product: str, release: str, session: SessionDep, who: ApiPrincipal
) -> FourQuestionsRead:
    """The four questions of threat modelling, answered from the record."""
    m = trace.matrix(session, product=product, release=release, actor=who.actor)
    return FourQuestionsRead(
        product=m.product,
        release=m.release,
        what_are_we_building=m.what_are_we_building,
        what_can_go_wrong=m.what_can_go_wrong,
        what_are_we_going_to_do=m.what_are_we_going_to_do,
        did_we_do_enough=m.did_we_do_enough,
        enough=m.enough,
    )
