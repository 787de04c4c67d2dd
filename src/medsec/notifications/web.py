"""The notification preferences page (`/account/notifications`): what one is told about, for
which product, at which severity or how many days before a deadline, by e-mail or signed
webhook. Admins can also set them for any account. A webhook's signing secret is shown once, on
the answer to the form that made it, and never again."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from medsec.accounts import credentials
from medsec.accounts import service as accounts
from medsec.api.deps import SessionDep
from medsec.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from medsec.notifications import rules, service
from medsec.products import service as products
from medsec.web.render import page, seg
from medsec.web.session import UserDep, WebUser

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=200)]
BASE = "/account/notifications"
CHANNELS = {"email": "E-mail", "webhook": "Webhook (HTTPS POST signed with HMAC-SHA256)"}
EVENTS = {
    "finding.new": "A new finding at or above the severity below",
    "kev.hit": "A known exploited vulnerability (CISA KEV) hits a product",
    "cvd.deadline": "A vulnerability report's deadline is near or has passed",
    "advisory.published": "A security advisory revision is published",
    "lifecycle.end_of_support": "A component or release reaches end of support",
}
DONE = {
    "added": "Preference added.",
    "removed": "Preference removed; what was already sent stays recorded.",
    "paused": "Preference paused: nothing is sent for it until you resume it.",
    "resumed": "Preference resumed.",
}
Refusal = (InvalidInput, Conflict, PermissionDenied, NotFound)


def _owner(session: Session, user: WebUser, account: str | None) -> str:
    """The account whose preferences are shown or changed: one's own, or (admin) any."""
    owner = (account or "").strip()[:200] or user.name
    if owner != user.name:
        accounts.require(
            session, user.principal.actor, "admin", rule="only an admin sets another's"
        )
        if accounts.get(session, owner) is None:
            raise NotFound(f"no account {owner!r} (see `medsec account list`)")
    return owner


def _page(
    request: Request,
    session: Session,
    user: WebUser,
    *,
    account: str,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    done: str | None = None,
    secret: dict[str, Any] | None = None,
    status: int | None = None,
) -> HTMLResponse:
    prefs = service.list_preferences(session, actor=user.principal.actor, account=account)
    held = accounts.get(session, account)
    visible = [
        p.name
        for p in products.list_products(session)
        if held is None or not held.products or p.name in held.products
    ]
    ctx = {
        "account": account,
        "accounts": [a.name for a in accounts.list_accounts(session)] if user.has("admin") else [],
        "prefs": [p.model_dump() for p in prefs],
        "events": EVENTS,
        "channels": CHANNELS,
        "severities": rules.SEVERITIES,
        "products": visible,
        "form": form
        or {"channel": "email", "events": ["kev.hit"], "min_severity": "high", "days": "7"},
        "error": error,
        "done": DONE.get(done or ""),
        "secret": secret,
    }
    code = status or (422 if error else 200)
    response = page(request, "notifications/preferences.html", ctx, status=code)
    response.headers["cache-control"] = "no-store"
    return response


@router.get("/account/notifications", response_class=HTMLResponse)
def preferences_page(
    request: Request,
    session: SessionDep,
    user: UserDep,
    account: str | None = None,
    done: str | None = None,
) -> HTMLResponse:
    """One's notification preferences (an admin: any account's, `?account=`) and the form."""
    accounts.require_read(session, user.principal.actor, rule="notification preferences")
    owner = _owner(session, user, account)
    return _page(request, session, user, account=owner, done=done)


@router.post("/account/notifications", response_model=None)
def add_preference(
    request: Request,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    account: Short = "",
    channel: Annotated[str, Form(max_length=20)] = "email",
    target: Annotated[str, Form(max_length=2000)] = "",
    events: Annotated[list[str] | None, Form(max_length=10)] = None,
    product: Short = "",
    min_severity: Annotated[str, Form(max_length=20)] = "high",
    days: Annotated[str, Form(max_length=10)] = "7",
) -> Response:
    """Add a preference; a webhook's signing secret is on this answer only."""
    credentials.check_csrf(user.csrf, csrf)
    owner = _owner(session, user, account)
    chosen = events or []
    form = {
        "channel": channel,
        "target": target,
        "events": chosen,
        "product": product,
        "min_severity": min_severity,
        "days": days,
    }
    try:
        if not chosen:
            raise InvalidInput("events: choose at least one event")
        if not days.strip().isdigit():
            raise InvalidInput(f"days before a deadline: {days!r} is not a whole number")
        made = service.add_preference(
            session,
            channel=channel,
            target=target,
            events=chosen,
            product=product or None,
            min_severity=min_severity,
            deadline_days=int(days),
            account=owner,
            actor=user.principal.actor,
        )
    except Refusal as refused:
        return _page(request, session, user, account=owner, error=str(refused), form=form)
    if not made.secret:
        return RedirectResponse(f"{BASE}?account={seg(owner)}&done=added", status_code=303)
    secret = {"id": made.id, "secret": made.secret}
    return _page(request, session, user, account=owner, secret=secret, status=201)


@router.post("/account/notifications/{pref_id}", response_model=None)
def change_preference(
    request: Request,
    pref_id: int,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    action: Annotated[str, Form(max_length=10)] = "",
    confirmed: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Pause, resume or (after a confirmation) remove a preference."""
    credentials.check_csrf(user.csrf, csrf)
    mine = {
        p.id: p
        for p in service.list_preferences(
            session, actor=user.principal.actor, account=None if user.has("admin") else user.name
        )
    }
    pref = mine.get(pref_id)
    if pref is None:
        raise NotFound(f"no notification preference {pref_id}")
    back = f"{BASE}?account={seg(pref.account)}"
    if action == "remove":
        if confirmed != "yes":
            ctx = {
                "title": f"Remove preference {pref_id}?",
                "lead": f"{pref.account} will no longer be told about "
                f"{', '.join(EVENTS.get(e, e).lower() for e in pref.events)} "
                f"by {CHANNELS.get(pref.channel, pref.channel).split(' ')[0].lower()} "
                f"to {pref.target}. What was already sent stays recorded.",
                "action": f"{BASE}/{pref_id}",
                "fields": {"action": "remove"},
                "button": f"Remove preference {pref_id}",
                "back": back,
            }
            return page(request, "accounts/confirm.html", ctx)
        service.remove_preference(session, pref_id=pref_id, actor=user.principal.actor)
        return RedirectResponse(f"{back}&done=removed", status_code=303)
    if action not in ("pause", "resume"):
        raise InvalidInput(f"action {action!r}: pause, resume or remove")
    service.set_enabled(
        session, pref_id=pref_id, enabled=action == "resume", actor=user.principal.actor
    )
    return RedirectResponse(f"{back}&done={action}d", status_code=303)
