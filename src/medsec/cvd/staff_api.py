"""`/api/v1/cvd/cases`: the PSIRT's view of CVD cases (list, show, transitions, log messages).
Who sees what follows ``cvd.access``: security roles see cases of their products, a viewer only
disclosed ones past their embargo and never the finder's contact data or messages."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from medsec.api.deps import ApiPrincipal, SessionDep, require_read
from medsec.cvd import service as cvd
from medsec.cvd.read import case_json, summary_json
from medsec.cvd.schemas import CaseRead, CaseSummaryRead, MessageLoggedRead

router = APIRouter(prefix="/api/v1/cvd/cases", tags=["cvd"])


class TransitionBody(BaseModel):
    """One move through the case states."""

    action: str = Field(max_length=40)
    reason: str = Field(default="", max_length=10_000)
    outcome: str | None = Field(default=None, max_length=40)


class MessageBody(BaseModel):
    """One entry of the communication log."""

    text: str = Field(max_length=cvd.MAX_MESSAGE_CHARS + 100)
    direction: str = Field(default="internal", max_length=20)
    channel: str = Field(default="note", max_length=40)


@router.get("", response_model=list[CaseSummaryRead])
def list_cases(
    session: SessionDep, who: ApiPrincipal, state: str | None = None, overdue: bool = False
) -> list[CaseSummaryRead]:
    """The cases the account may see, as `medsec cvd list --format json`."""
    require_read(session, who)
    rows = cvd.list_cases(session, actor=who.actor, state=state, overdue=overdue)
    return [summary_json(s) for s in rows]


@router.get("/{case}", response_model=CaseRead)
def show_case(case: str, session: SessionDep, who: ApiPrincipal) -> CaseRead:
    """One case, as `medsec cvd show --format json` (finder data only for security roles)."""
    require_read(session, who)
    return case_json(cvd.case_detail(session, case=case, actor=who.actor))


@router.post("/{case}/transitions", response_model=CaseRead)
def transition(case: str, body: TransitionBody, session: SessionDep, who: ApiPrincipal) -> CaseRead:
    """Apply one move (acknowledge, triage, …; analyst role); the case as it is then."""
    require_read(session, who)
    cvd.transition(
        session,
        case=case,
        action=body.action,
        actor=who.actor,
        reason=body.reason,
        outcome=body.outcome,
    )
    return case_json(cvd.case_detail(session, case=case, actor=who.actor))


@router.post("/{case}/messages", status_code=201, response_model=MessageLoggedRead)
def log_message(
    case: str, body: MessageBody, session: SessionDep, who: ApiPrincipal
) -> MessageLoggedRead:
    """Add to the communication log (analyst role)."""
    require_read(session, who)
    event = cvd.log_message(
        session,
        case=case,
        text=body.text,
        actor=who.actor,
        direction=body.direction,
        channel=body.channel,
    )
    return MessageLoggedRead(
        id=event.id,
        at=event.at.isoformat(),
        direction=event.direction,
        channel=event.channel,
        visible_to_finder=event.visible_to_finder,
    )
