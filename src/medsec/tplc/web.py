"""The plan page: a product's TPLC cybersecurity management plan with the form that changes it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep
from medsec.core.updates import UPDATE_METHODS
from medsec.tplc import service
from medsec.tplc.schemas import PlanContent
from medsec.web.render import page, seg
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)

TEXT_FIELDS = [k for k in PlanContent.model_fields if k not in ("update_methods",)]


@router.get("/products/{product}/plan", response_class=HTMLResponse)
def plan_page(request: Request, product: str, session: SessionDep, user: UserDep) -> HTMLResponse:
    """The plan, the facts medsec's records hold, its history, and the edit form (analysts)."""
    actor = user.principal.actor
    plan = service.show(session, product=product, actor=actor)
    ctx = {
        "product": product,
        "plan": plan,
        "content": plan.content.model_dump(mode="json"),
        "fields": TEXT_FIELDS,
        "methods": [(m.value, i.title) for m, i in UPDATE_METHODS.items()],
        "history": service.history(session, product=product, actor=actor),
        "can_edit": user.has("analyst"),
    }
    return page(request, "documents/plan.html", ctx)


@router.post("/products/{product}/plan")
async def plan_edit(
    request: Request,
    product: str,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
    note: Annotated[str, Form(max_length=2000)] = "",
    update_methods: Annotated[list[str] | None, Form()] = None,
) -> Response:
    """Save the form as a new version of the plan (only the fields that changed)."""
    credentials.check_csrf(user.csrf, csrf)
    form = await request.form()
    current = service.show(session, product=product, actor=user.principal.actor).content
    before = current.model_dump(mode="json")
    changes: dict[str, object] = {}
    for key in TEXT_FIELDS:
        value = form.get(key)
        if isinstance(value, str) and len(value) <= 20_000:
            old = before.get(key)
            shown = ", ".join(old) if isinstance(old, list) else (old or "")
            if value.strip() != shown:
                changes[key] = value
    methods = sorted(update_methods or [])
    if methods != sorted(before.get("update_methods") or []):
        changes["update_methods"] = methods
    service.set_plan(
        session, product=product, changes=changes, actor=user.principal.actor, note=note or None
    )
    return RedirectResponse(f"/products/{seg(product)}/plan", status_code=303)
