"""Update pages: a product's software updates, and a form to record one with the findings it
addresses; the oversight level is derived and shown with its reasons. Thin: services only."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep, require_read
from medsec.errors import InvalidInput, NotFound
from medsec.products import service as products
from medsec.risk import cells
from medsec.risk import service as risk
from medsec.updates import rules, service
from medsec.web.render import page, seg
from medsec.web.session import UserDep

router = APIRouter(include_in_schema=False)

Short = Annotated[str, Form(max_length=200)]
Text = Annotated[str, Form(max_length=10_000)]
Many = Annotated[list[str], Form(max_length=1000)]
EFFECTS = {
    "fixed": "Fixes it",
    "risk_reduced": "Reduces its risk (cannot be fixed)",
    "cyber_hygiene": "General hardening",
}


def _updates_page(
    request: Request,
    session: SessionDep,
    user: UserDep,
    product: str,
    *,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    done: str | None = None,
) -> HTMLResponse:
    prod = products.get_product(session, product)
    ctx = {
        "product": product,
        "updates": [
            service.view(session, u) for u in service.list_updates(session, product=product)
        ],
        "releases": [r.version for r in products.list_releases(session, product=product)],
        "methods": {m.value: info for m, info in rules.UPDATE_METHODS.items()},
        "effects": EFFECTS,
        "candidates": cells.assessed(
            session, release_ids=risk.release_ids_of(session, prod.id, None)
        ),
        "can_write": user.has("analyst"),
        "error": error,
        "form": form
        or {
            "name": "",
            "method": "",
            "release": "",
            "description": "",
            "planned": "",
            "other_ids": "",
            "chosen": {},
            "cyber_hygiene": False,
            "other_impact": False,
        },
        "done": done,
    }
    return page(request, "updates/list.html", ctx, status=422 if error else 200)


@router.get("/products/{product}/updates", response_class=HTMLResponse)
def updates(
    request: Request,
    product: str,
    session: SessionDep,
    user: UserDep,
    done: Annotated[str, Query(max_length=200)] = "",
) -> HTMLResponse:
    """The product's updates with their oversight level, and the form to record one."""
    require_read(session, user.principal, product)
    shown = f"Update {done!r} recorded." if done else None
    return _updates_page(request, session, user, product, done=shown)


def _addressed(finding: list[str], effect: list[str], other_ids: str) -> list[tuple[int, str]]:
    chosen = dict(zip(finding, effect, strict=False))
    out = [(int(f), e) for f, e in chosen.items() if e and f.isdigit()]
    for part in other_ids.replace(",", " ").split():
        fid, _, eff = part.partition(":")
        if not fid.isdigit():
            raise InvalidInput(f"other findings: {part!r} is not FINDING_ID[:EFFECT]")
        out.append((int(fid), eff or "cyber_hygiene"))
    return out


def _date(text: str) -> date | None:
    """A date typed as YYYY-MM-DD (blank: none)."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(f"planned: {text!r} is not a date (YYYY-MM-DD)") from None


@router.post("/products/{product}/updates", response_model=None)
def create(
    request: Request,
    product: str,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    name: Short = "",
    method: Short = "",
    release: Short = "",
    description: Text = "",
    planned: Short = "",
    other_ids: Text = "",
    cyber_hygiene: Short = "",
    other_impact: Short = "",
    finding: Many = [],  # noqa: B006  (FastAPI copies defaults)
    effect: Many = [],  # noqa: B006
) -> Response:
    """Record an update (analyst role); refusals keep what was typed."""
    credentials.check_csrf(user.csrf, csrf)
    require_read(session, user.principal, product)
    form = {
        "name": name,
        "method": method,
        "release": release,
        "description": description,
        "planned": planned,
        "other_ids": other_ids,
        "chosen": dict(zip(finding, effect, strict=False)),
        "cyber_hygiene": cyber_hygiene == "yes",
        "other_impact": other_impact == "yes",
    }
    try:
        if not name.strip():
            raise InvalidInput("name: give the update a name (e.g. its version)")
        service.create(
            session,
            product=product,
            name=name.strip(),
            method=method,
            addressed=_addressed(finding, effect, other_ids),
            actor=user.principal.actor,
            release=release or None,
            cyber_hygiene=cyber_hygiene == "yes",
            other_impact=other_impact == "yes",
            description=description.strip() or None,
            planned=_date(planned),
        )
    except (InvalidInput, NotFound) as refused:
        return _updates_page(request, session, user, product, error=str(refused), form=form)
    return RedirectResponse(
        f"/products/{seg(product)}/updates?done={seg(name.strip())}#updates", status_code=303
    )
