"""Design pages: the traceability matrix with its gaps highlighted, a test result linked to the
threat it verifies, and variation analysis."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep
from medsec.trace import rules, service
from medsec.web.render import page, seg
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)


@router.get("/design/{product}/{release}/matrix", response_class=HTMLResponse)
def matrix_page(
    request: Request, product: str, release: str, session: SessionDep, user: UserDep
) -> HTMLResponse:
    """Threat → risk → control → verification → result, gaps highlighted."""
    m = service.matrix(session, product=product, release=release, actor=user.principal.actor)
    ctx = {
        "product": product,
        "release": release,
        "base": f"/design/{seg(product)}/{seg(release)}",
        "m": m,
        "gap_text": rules.GAP_TEXT,
    }
    return page(request, "design/matrix.html", ctx)


@router.get("/vulnerabilities/where", response_class=HTMLResponse)
def where_page(request: Request, session: SessionDep, user: UserDep, id: str = "") -> HTMLResponse:
    """Variation analysis: which products and releases one vulnerability or component touches."""
    rows = service.where(session, ident=id, actor=user.principal.actor) if id.strip() else []
    return page(request, "design/where.html", {"ident": id, "rows": rows})


@router.post("/design/{product}/{release}/evidence/{result_id}/threats")
def verifies(
    product: str,
    release: str,
    result_id: int,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    threat: Annotated[str, Form(max_length=300)] = "",
) -> Response:
    """Link the result to a threat it verifies directly (shown in the matrix)."""
    credentials.check_csrf(user.csrf, csrf)
    service.verify_threat(
        session,
        product=product,
        release=release,
        result_id=result_id,
        threat=threat.strip(),
        actor=user.principal.actor,
    )
    return RedirectResponse(
        f"/design/{seg(product)}/{seg(release)}/evidence#failing", status_code=303
    )
