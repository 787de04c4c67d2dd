"""The PSIRT's CVD pages (login required): the case list with deadlines and the case page with
its timeline, links, coordination, communication log and the forms to move it on or log a
message (CSRF-checked). Who sees what follows ``cvd.access``; every stored text is escaped by the
templates (the finder's report is hostile input)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep, require_read
from medsec.cvd import rules
from medsec.cvd import service as cvd
from medsec.cvd.read import case_json, deadline_json, summary_json
from medsec.cvd.schemas import CaseRowRead
from medsec.models import CvdCase
from medsec.web.render import page, seg
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)


def next_actions(case: CvdCase) -> list[str]:
    """The moves the state machine allows from the case's state, as action names."""
    outcome = rules.TriageOutcome(case.outcome) if case.outcome else None
    status = rules.CaseStatus(rules.CaseState(case.state), outcome, bool(case.remediated))
    targets = set(rules.allowed_targets(status))
    closed = status.state is rules.CaseState.CLOSED
    out = []
    for action, target in cvd.ACTIONS.items():
        if target in targets and (action == "reopen") == closed:
            out.append(action)
    return out


@router.get("/cvd/cases", response_class=HTMLResponse)
def case_list(
    request: Request,
    session: SessionDep,
    user: UserDep,
    state: str | None = None,
    overdue: str | None = None,
) -> HTMLResponse:
    """The cases the account may see, with their deadlines (overdue ones highlighted)."""
    require_read(session, user.principal)
    rows = cvd.list_cases(
        session, actor=user.principal.actor, state=state or None, overdue=overdue == "yes"
    )
    items = [
        CaseRowRead(
            **summary_json(s).model_dump(), deadlines=[deadline_json(d) for d in s.deadlines]
        )
        for s in rows
    ]
    ctx = {
        "cases": items,
        "states": [s.value for s in rules.CaseState],
        "f": {"state": state or "", "overdue": overdue or ""},
    }
    return page(request, "cvd/cases.html", ctx)


@router.get("/cvd/cases/{case}", response_class=HTMLResponse)
def case_page(request: Request, case: str, session: SessionDep, user: UserDep) -> HTMLResponse:
    """One case: report, deadlines, timeline, links, coordination and the handling forms."""
    require_read(session, user.principal)
    detail = cvd.case_detail(session, case=case, actor=user.principal.actor)
    ctx: dict[str, Any] = {
        "c": case_json(detail),
        "can_handle": detail.finder_visible and user.has("analyst", "reviewer"),
        "actions": next_actions(detail.case),
        "outcomes": [o.value for o in rules.TriageOutcome],
        "directions": cvd.DIRECTIONS,
    }
    return page(request, "cvd/case.html", ctx)


@router.post("/cvd/cases/{case}/transition")
def transition(
    case: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    action: Annotated[str, Form(max_length=40)] = "",
    reason: Annotated[str, Form(max_length=10_000)] = "",
    outcome: Annotated[str, Form(max_length=40)] = "",
) -> Response:
    """Move the case on (analyst role), then show it again."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    row = cvd.transition(
        session,
        case=case,
        action=action,
        actor=user.principal.actor,
        reason=reason,
        outcome=outcome or None,
    )
    return RedirectResponse(f"/cvd/cases/{seg(row.receipt_id)}#timeline", status_code=303)


@router.post("/cvd/cases/{case}/message")
def message(
    case: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    text: Annotated[str, Form(max_length=cvd.MAX_MESSAGE_CHARS + 100)] = "",
    direction: Annotated[str, Form(max_length=20)] = "internal",
    channel: Annotated[str, Form(max_length=40)] = "note",
) -> Response:
    """Add to the communication log (analyst role), then show the case again."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal)
    cvd.log_message(
        session,
        case=case,
        text=text,
        actor=user.principal.actor,
        direction=direction,
        channel=channel or "note",
    )
    row = cvd.resolve(session, case)
    return RedirectResponse(f"/cvd/cases/{seg(row.receipt_id)}#timeline", status_code=303)
