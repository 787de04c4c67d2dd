"""`/api/v1`: the assessment of a finding — patient-harm risk and its acceptance, CVSS rescoring
(environmental metrics or the MITRE rubric), SSVC — and the heat map with each cell's findings.
Thin: services only, every read checked with the viewer rule (hidden findings answer 404)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from medsec.accounts import service as accounts
from medsec.api.deps import ApiPrincipal, Principal, SessionDep, require_read
from medsec.cvd import service as cvd
from medsec.findings import decisions, detail, listing, rescoring, ssvc_service
from medsec.findings.schemas import CvssRescoreRead, RiskRead, SsvcDecisionRead
from medsec.products import service as products
from medsec.risk import cells, rubric
from medsec.risk import service as risk
from medsec.risk.rules import Control
from medsec.risk.schemas import (
    HeatMapRead,
    RescoreCreate,
    RiskAcceptCreate,
    RiskAssessCreate,
    RiskCellPage,
    RiskRecordRead,
    RubricAnswers,
    RubricQuestionRead,
    RubricStepRead,
    SsvcCreate,
    SsvcPointRead,
    SsvcSuggestionRead,
    SsvcSuggestionsRead,
)

router = APIRouter(prefix="/api/v1", tags=["assessment"])

MAX_OFFSET = 2**31 - 1
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET)]
Limit = Annotated[int, Query(ge=1, le=500)]
Level = Annotated[str, Query(min_length=1, max_length=40)]


def _visible(session: SessionDep, who: Principal, finding_id: int) -> str:
    """Refuse (as not found) a finding the account may not see; its product's name."""
    _, _, prod = decisions.get_finding(session, finding_id)
    require_read(session, who, prod.name, hide_as=decisions.missing(finding_id))
    return prod.name


def _current(session: SessionDep, finding_id: int) -> RiskRead:
    record = risk.current(session, [finding_id])[finding_id]
    view = listing.risk_view(record)
    assert view is not None
    return view


@router.get("/findings/{finding_id}/risk", response_model=list[RiskRecordRead])
def risk_history(finding_id: int, session: SessionDep, who: ApiPrincipal) -> list[RiskRead | None]:
    """Every version of a finding's risk record, oldest first."""
    _visible(session, who, finding_id)
    return [listing.risk_view(r) for r in risk.history(session, finding_id)]


@router.post("/findings/{finding_id}/risk", response_model=RiskRecordRead, status_code=201)
def assess(
    finding_id: int, body: RiskAssessCreate, session: SessionDep, who: ApiPrincipal
) -> RiskRead:
    """Record a new version of a finding's risk (analyst role), as `medsec risk assess`."""
    _visible(session, who, finding_id)
    risk.assess(
        session,
        finding_id=finding_id,
        hazardous_situation=body.hazardous_situation,
        harm=body.harm,
        severity=body.severity,
        controls=[Control(**c.model_dump()) for c in body.controls],
        actor=who.actor,
        exploitability=body.exploitability,
        override_reason=body.override_reason,
        rationale=body.rationale,
    )
    cvd.follow_risk_records(session, finding_ids=[finding_id], actor=who.actor)
    return _current(session, finding_id)


@router.post("/findings/{finding_id}/risk/acceptance", response_model=RiskRecordRead)
def accept(
    finding_id: int, body: RiskAcceptCreate, session: SessionDep, who: ApiPrincipal
) -> RiskRead:
    """Sign off the residual risk (reviewer role; who, when and why are recorded)."""
    product = _visible(session, who, finding_id)
    accounts.require(
        session, who.actor, "reviewer", rule="residual-risk acceptance", product=product
    )
    risk.accept(session, finding_id=finding_id, actor=who.actor, rationale=body.rationale)
    cvd.follow_risk_records(session, finding_ids=[finding_id], actor=who.actor)
    return _current(session, finding_id)


@router.post("/findings/{finding_id}/rescores", response_model=CvssRescoreRead, status_code=201)
def rescore(
    finding_id: int, body: RescoreCreate, session: SessionDep, who: ApiPrincipal
) -> CvssRescoreRead:
    """Rescore the finding's CVSS in the device's context (analyst role), as `findings rescore`."""
    _visible(session, who, finding_id)
    rescoring.rescore(
        session,
        finding_id=finding_id,
        reason=body.reason,
        actor=who.actor,
        environmental=body.environmental,
        rubric_answers=body.rubric_answers,
        rubric_rationales=body.rubric_rationales,
    )
    rescores = detail.finding_detail(session, finding_id).cvss_rescores
    return rescores[-1]


def _question(q: rubric.Question) -> RubricQuestionRead:
    return RubricQuestionRead(
        id=q.id,
        metric=q.metric,
        category=q.category,
        text=q.text,
        answers=[c.answer for c in q.choices],
    )


@router.get("/rubric/questions", response_model=list[RubricQuestionRead])
def rubric_questions(who: ApiPrincipal) -> list[RubricQuestionRead]:
    """Every question of the MITRE medical-device rubric (STANDARDS.md §6)."""
    return [_question(q) for q in rubric.QUESTIONS.values()]


@router.post("/rubric/evaluations", response_model=RubricStepRead)
def rubric_step(body: RubricAnswers, who: ApiPrincipal) -> RubricStepRead:
    """The questions the answers so far lead to next, or the CVSS vector once none remain."""
    pending = rubric.questions(body.answers)
    if pending:
        return RubricStepRead(questions=[_question(q) for q in pending])
    result = rubric.rubric_vector(body.answers)
    return RubricStepRead(
        questions=[],
        vector=result.vector,
        score=result.score,
        severity=result.severity,
        answers=result.answers,
        ignored=list(result.ignored),
    )


@router.get("/findings/{finding_id}/ssvc", response_model=SsvcSuggestionsRead)
def ssvc_points(
    finding_id: int,
    session: SessionDep,
    who: ApiPrincipal,
    role: Annotated[str, Query(max_length=20)] = "supplier",
) -> SsvcSuggestionsRead:
    """The decision points of the role's SSVC tree with medsec's suggestions for the finding."""
    _visible(session, who, finding_id)
    suggested = ssvc_service.suggest(session, finding_id, role)
    return SsvcSuggestionsRead(
        finding_id=finding_id,
        role=role,
        points=[
            SsvcPointRead(
                point=p,
                name=name,
                values=values,
                suggested=SsvcSuggestionRead(**suggested[p]) if p in suggested else None,
            )
            for p, name, values in ssvc_service.points(role)
        ],
    )


@router.post("/findings/{finding_id}/ssvc", response_model=SsvcDecisionRead, status_code=201)
def ssvc_decide(
    finding_id: int, body: SsvcCreate, session: SessionDep, who: ApiPrincipal
) -> SsvcDecisionRead:
    """Record an SSVC decision (analyst role): suggestions, then the overrides with reasons."""
    _visible(session, who, finding_id)
    row = ssvc_service.decide(
        session,
        finding_id=finding_id,
        role=body.role,
        overrides={k: (v.value, v.reason) for k, v in body.overrides.items()},
        actor=who.actor,
    )
    return SsvcDecisionRead(
        role=row.table,
        outcome=row.outcome,
        vector=row.vector,
        inputs=row.inputs,
        by=row.decided_by,
        at=row.decided_at.isoformat(),
    )


@router.get("/products/{product}/risk/heatmap", response_model=HeatMapRead)
def heat_map(
    product: str,
    session: SessionDep,
    who: ApiPrincipal,
    release: Annotated[str | None, Query(max_length=200)] = None,
) -> HeatMapRead:
    """The product's (or a release's) heat map of current risk records, before and residual."""
    require_read(session, who, product)
    prod = products.get_product(session, product)
    return risk.heat_map(session, prod.id, risk.release_ids_of(session, prod.id, release))


@router.get("/products/{product}/risk/cells", response_model=RiskCellPage)
def cell(
    product: str,
    session: SessionDep,
    who: ApiPrincipal,
    exploitability: Level,
    severity: Level,
    view: Annotated[str, Query(max_length=20)] = "before",
    release: Annotated[str | None, Query(max_length=200)] = None,
    offset: Offset = 0,
    limit: Limit = 50,
) -> RiskCellPage:
    """The findings one heat-map cell counts, paged in SQL."""
    require_read(session, who, product)
    prod = products.get_product(session, product)
    total, items = cells.cell_findings(
        session,
        release_ids=risk.release_ids_of(session, prod.id, release),
        which=view,
        exploitability=exploitability,
        severity=severity,
        offset=offset,
        limit=limit,
    )
    return RiskCellPage(total=total, offset=offset, limit=limit, items=items)
