"""Account pages: admins list, create, disable and enable accounts, change roles and product
access, set passwords and issue or revoke tokens (`/admin/accounts`); everyone signed in
changes their own password and manages their own tokens (`/account`). Every form carries the
CSRF token; a refusal re-renders the page with the typed text and the reason; a new token is
shown once, on the answer to the form that issued it, and never again."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session

from medsec.accounts import admin, credentials
from medsec.accounts import service as accounts
from medsec.admin.api import account_read, check_products, token_read
from medsec.api.deps import SessionDep
from medsec.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from medsec.products import service as products
from medsec.web.render import page, seg
from medsec.web.session import UserDep, WebUser

router = APIRouter(include_in_schema=False)
Short = Annotated[str, Form(max_length=200)]
Secret = Annotated[str, Form(max_length=credentials.MAX_PASSWORD)]
Many = Annotated[list[str] | None, Form(max_length=1000)]
ROLE_HELP = {
    "admin": "Everything, including accounts and jobs",
    "reviewer": "Accepts risks and publishes advisories",
    "analyst": "Triages findings, assesses risks, drafts advisories",
    "viewer": "Reads what their products show",
}
DONE = {
    "created": "Account created.",
    "access": "Roles and product access saved.",
    "disabled": "Account disabled: it cannot sign in or use its tokens; its sessions ended.",
    "enabled": "Account enabled again.",
    "password": "Password set; the account's web sessions were ended.",
    "own-password": "Your password was changed; sign in again with it.",
    "revoked": "Token revoked: it no longer works.",
}
Refusal = (InvalidInput, Conflict, PermissionDenied, NotFound)


def _require_admin(session: Session, user: WebUser) -> None:
    accounts.require(session, user.principal.actor, "admin", rule="only an admin manages accounts")


def _to(url: str, done: str) -> RedirectResponse:
    return RedirectResponse(f"{url}?done={done}", status_code=303)


def _no_store(response: HTMLResponse) -> HTMLResponse:
    response.headers["cache-control"] = "no-store"
    return response


def _product_names(session: Session) -> list[str]:
    return [p.name for p in products.list_products(session)]


# --- admins ---------------------------------------------------------------------------------


@router.get("/admin/accounts", response_class=HTMLResponse)
def account_list(
    request: Request, session: SessionDep, user: UserDep, done: str | None = None
) -> HTMLResponse:
    """Every account with its roles, products and state; the form that adds one."""
    _require_admin(session, user)
    return _list_page(request, session, done=done)


def _list_page(
    request: Request,
    session: Session,
    *,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    done: str | None = None,
) -> HTMLResponse:
    rows = [
        account_read(session, a).model_dump() | {"tokens": admin.token_count(session, a.name)}
        for a in accounts.list_accounts(session)
    ]
    ctx = {
        "accounts": rows,
        "roles": ROLE_HELP,
        "products": _product_names(session),
        "form": form or {"roles": ["viewer"], "products": []},
        "error": error,
        "done": DONE.get(done or ""),
    }
    return page(request, "accounts/list.html", ctx, status=422 if error else 200)


@router.post("/admin/accounts", response_model=None)
def create_account(
    request: Request,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    name: Short = "",
    roles: Many = None,
    products_: Annotated[list[str] | None, Form(alias="products", max_length=1000)] = None,
    password: Secret = "",
) -> Response:
    """Add an account with roles, product access and a first password (admin)."""
    credentials.check_csrf(user.csrf, csrf)
    _require_admin(session, user)
    chosen, access = roles or [], products_ or []
    form = {"name": name, "roles": chosen, "products": access}
    try:
        if not chosen:
            raise InvalidInput("roles: choose at least one role")
        if password and len(password) < credentials.MIN_PASSWORD:
            raise InvalidInput(
                f"password: must be {credentials.MIN_PASSWORD} to "
                f"{credentials.MAX_PASSWORD} characters long"
            )
        accounts.check_roles(chosen)
        accounts.check_name(name.strip())
        account = accounts.add(
            session,
            name=name.strip(),
            roles=chosen,
            products=check_products(session, access),
            actor=user.principal.actor,
        )
        if password:
            credentials.set_password(
                session, name=account.name, password=password, actor=user.principal.actor
            )
    except Refusal as refused:
        return _list_page(request, session, error=str(refused), form=form)
    return _to(f"/admin/accounts/{seg(account.name)}", "created")


@router.get("/admin/accounts/{account}", response_class=HTMLResponse)
def account_page(
    request: Request, account: str, session: SessionDep, user: UserDep, done: str | None = None
) -> HTMLResponse:
    """One account: its access form, disabling, a new password, its tokens (admin)."""
    _require_admin(session, user)
    return _account_page(request, session, user, account, done=done)


def _account_page(
    request: Request,
    session: Session,
    user: WebUser,
    name: str,
    *,
    error: str | None = None,
    form: dict[str, Any] | None = None,
    done: str | None = None,
    new_token: dict[str, Any] | None = None,
    status: int | None = None,
) -> HTMLResponse:
    acc = account_read(session, admin.get(session, name))
    tokens = [
        token_read(t).model_dump()
        for t in admin.tokens_of(session, name=name, actor=user.principal.actor)
    ]
    ctx = {
        "a": acc.model_dump(),
        "tokens": tokens,
        "roles": ROLE_HELP,
        "products": _product_names(session),
        "form": form or {"roles": acc.roles, "products": acc.products},
        "error": error,
        "done": DONE.get(done or ""),
        "new_token": new_token,
        "last_admin": admin.admins(session) == [acc.name],
        "base": f"/admin/accounts/{seg(acc.name)}",
    }
    code = status or (422 if error else 200)
    return _no_store(page(request, "accounts/account.html", ctx, status=code))


@router.post("/admin/accounts/{account}/access", response_model=None)
def change_access(
    request: Request,
    account: str,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    roles: Many = None,
    products_: Annotated[list[str] | None, Form(alias="products", max_length=1000)] = None,
) -> Response:
    """Change the account's roles and product access (admin; the last admin stays one)."""
    credentials.check_csrf(user.csrf, csrf)
    _require_admin(session, user)
    admin.get(session, account)
    chosen, access = roles or [], products_ or []
    try:
        admin.set_access(
            session,
            name=account,
            actor=user.principal.actor,
            roles=chosen,
            products=check_products(session, access),
        )
    except Refusal as refused:
        form = {"roles": chosen, "products": access}
        return _account_page(request, session, user, account, error=str(refused), form=form)
    return _to(f"/admin/accounts/{seg(account)}", "access")


@router.post("/admin/accounts/{account}/status", response_model=None)
def change_status(
    request: Request,
    account: str,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    disabled: Annotated[str, Form(max_length=5)] = "yes",
    confirmed: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Disable (after a confirmation) or enable the account (admin)."""
    credentials.check_csrf(user.csrf, csrf)
    _require_admin(session, user)
    acc = admin.get(session, account)
    off = disabled == "yes"
    if off and confirmed != "yes":
        ctx = {
            "title": f"Disable {acc.name}?",
            "lead": f"{acc.name} will no longer be able to sign in, and every API token of the "
            "account stops working. Its open web sessions end now. Its records and audit "
            "trail stay; an admin can enable the account again.",
            "action": f"/admin/accounts/{seg(acc.name)}/status",
            "fields": {"disabled": "yes"},
            "button": f"Disable {acc.name}",
            "back": f"/admin/accounts/{seg(acc.name)}",
        }
        return page(request, "accounts/confirm.html", ctx)
    try:
        admin.set_disabled(session, name=account, disabled=off, actor=user.principal.actor)
    except Refusal as refused:
        return _account_page(request, session, user, account, error=str(refused))
    return _to(f"/admin/accounts/{seg(account)}", "disabled" if off else "enabled")


@router.post("/admin/accounts/{account}/password", response_model=None)
def reset_password(
    request: Request,
    account: str,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    password: Secret = "",
    again: Secret = "",
) -> Response:
    """Set a new password for the account (admin); its sessions end."""
    credentials.check_csrf(user.csrf, csrf)
    _require_admin(session, user)
    admin.get(session, account)
    try:
        if password != again:
            raise InvalidInput("password: the two passwords differ")
        credentials.set_password(
            session, name=account, password=password, actor=user.principal.actor
        )
    except Refusal as refused:
        return _account_page(request, session, user, account, error=str(refused))
    return _to(f"/admin/accounts/{seg(account)}", "password")


@router.post("/admin/accounts/{account}/tokens", response_model=None)
def issue_token(
    request: Request,
    account: str,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    label: Short = "",
) -> Response:
    """Issue a token for the account (admin); the page shows it this once."""
    credentials.check_csrf(user.csrf, csrf)
    _require_admin(session, user)
    admin.get(session, account)
    try:
        new = credentials.issue_token(
            session, name=account, label=label.strip() or None, actor=user.principal.actor
        )
    except Refusal as refused:
        return _account_page(request, session, user, account, error=str(refused))
    shown = {"id": new.id, "secret": new.secret, "label": label.strip()}
    return _account_page(request, session, user, account, new_token=shown, status=201)


@router.post("/admin/accounts/{account}/tokens/{token_id}/revoke", response_model=None)
def revoke_token(
    request: Request,
    account: str,
    token_id: int,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    confirmed: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Revoke one of the account's tokens after a confirmation (admin)."""
    credentials.check_csrf(user.csrf, csrf)
    _require_admin(session, user)
    base = f"/admin/accounts/{seg(account)}"
    return _revoke(request, session, user, account, token_id, confirmed, base)


def _revoke(
    request: Request,
    session: Session,
    user: WebUser,
    name: str,
    token_id: int,
    confirmed: str,
    base: str,
) -> Response:
    rows = {t.id: t for t in admin.tokens_of(session, name=name, actor=user.principal.actor)}
    if token_id not in rows:
        raise NotFound(f"no API token {token_id} of {name!r}")
    if confirmed != "yes":
        label = rows[token_id].label or "no label"
        ctx = {
            "title": f"Revoke token {token_id}?",
            "lead": f"Token {token_id} of {name} ({label}) stops working at once: every "
            "script or pipeline using it is refused from now on. This cannot be undone; "
            "issue a new token instead.",
            "action": f"{base}/tokens/{token_id}/revoke",
            "fields": {},
            "button": f"Revoke token {token_id}",
            "back": base,
        }
        return page(request, "accounts/confirm.html", ctx)
    admin.revoke(session, name=name, token_id=token_id, actor=user.principal.actor)
    return _to(base, "revoked")


# --- one's own account ----------------------------------------------------------------------


@router.get("/account", response_class=HTMLResponse)
def my_account(
    request: Request, session: SessionDep, user: UserDep, done: str | None = None
) -> HTMLResponse:
    """The signed-in account: roles, products, password and tokens."""
    accounts.require_read(session, user.principal.actor, rule="your account")
    return _mine(request, session, user, done=done)


def _mine(
    request: Request,
    session: Session,
    user: WebUser,
    *,
    error: str | None = None,
    done: str | None = None,
    new_token: dict[str, Any] | None = None,
    status: int | None = None,
) -> HTMLResponse:
    acc = account_read(session, admin.get(session, user.name))
    tokens = [
        token_read(t).model_dump()
        for t in admin.tokens_of(session, name=user.name, actor=user.principal.actor)
    ]
    ctx = {
        "a": acc.model_dump(),
        "tokens": tokens,
        "error": error,
        "done": DONE.get(done or ""),
        "new_token": new_token,
        "base": "/account",
    }
    code = status or (422 if error else 200)
    return _no_store(page(request, "accounts/mine.html", ctx, status=code))


@router.post("/account/password", response_model=None)
def change_my_password(
    request: Request,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    current: Secret = "",
    password: Secret = "",
    again: Secret = "",
) -> Response:
    """Change one's own password (the current one is checked); every session ends."""
    credentials.check_csrf(user.csrf, csrf)
    try:
        if password != again:
            raise InvalidInput("new password: the two passwords differ")
        admin.change_own_password(
            session, actor=user.principal.actor, current=current, password=password
        )
    except Refusal as refused:
        return _mine(request, session, user, error=str(refused))
    return RedirectResponse("/login?next=/account", status_code=303)


@router.post("/account/tokens", response_model=None)
def issue_my_token(
    request: Request, session: SessionDep, user: UserDep, csrf: Short = "", label: Short = ""
) -> Response:
    """Issue oneself a token; the page shows it this once."""
    credentials.check_csrf(user.csrf, csrf)
    new = credentials.issue_token(
        session, name=user.name, label=label.strip() or None, actor=user.principal.actor
    )
    shown = {"id": new.id, "secret": new.secret, "label": label.strip()}
    return _mine(request, session, user, new_token=shown, status=201)


@router.post("/account/tokens/{token_id}/revoke", response_model=None)
def revoke_my_token(
    request: Request,
    token_id: int,
    session: SessionDep,
    user: UserDep,
    csrf: Short = "",
    confirmed: Annotated[str, Form(max_length=5)] = "",
) -> Response:
    """Revoke one of one's own tokens after a confirmation."""
    credentials.check_csrf(user.csrf, csrf)
    return _revoke(request, session, user, user.name, token_id, confirmed, "/account")
