"""Login and logout pages: argon2 passwords, rate limit per client, failed logins per account
locked out with a doubling wait, CSRF on both forms."""

from __future__ import annotations

import math
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from medsec.accounts import credentials
from medsec.api.deps import SessionDep
from medsec.errors import MedsecError
from medsec.web.render import error_page, page
from medsec.web.session import COOKIE, LOGIN_COOKIE, UserDep, client_of
from medsec.web.signing import Signer

router = APIRouter(include_in_schema=False)
LOGIN_FORM_AGE = 3600


def _signer(request: Request) -> Signer:
    return Signer(request.app.state.secret, "login")


def _safe_next(target: str | None) -> str:
    ok = bool(target) and target.startswith("/") and not target.startswith(("//", "/\\"))  # type: ignore[union-attr]
    return target if ok else "/"  # type: ignore[return-value]


def _login_form(
    request: Request, *, next_: str, message: str | None = None, status: int = 200
) -> HTMLResponse:
    nonce = secrets.token_urlsafe(24)
    response = page(
        request,
        "login.html",
        {"token": _signer(request).sign(nonce), "next": next_, "message": message},
        status=status,
    )
    response.set_cookie(
        LOGIN_COOKIE,
        nonce,
        max_age=LOGIN_FORM_AGE,
        path="/login",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    return response


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str | None = None) -> HTMLResponse:
    """The login form."""
    return _login_form(request, next_=_safe_next(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=credentials.MAX_PASSWORD)],
    token: Annotated[str, Form(max_length=4096)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the account name and password; open a session and go on, or say no."""
    client = client_of(request)
    limiter = request.app.state.login_limiter
    if not limiter.allow(client):
        wait = math.ceil(limiter.retry_after(client))
        limited = error_page(
            request, 429, f"too many login attempts from {client}; try again in {wait} s"
        )
        limited.headers["Retry-After"] = str(wait)
        return limited
    try:
        nonce = _signer(request).verify(token, max_age=LOGIN_FORM_AGE)
    except MedsecError as exc:
        return error_page(request, 403, str(exc))
    if not secrets.compare_digest(nonce, request.cookies.get(LOGIN_COOKIE, "")):
        return error_page(request, 403, "the login form does not belong to this browser; reload")
    lockout = request.app.state.account_lockout
    key = name[:200].casefold()
    locked = lockout.locked_for(key)
    if locked > 0:  # the same answer whether or not the account exists: no enumeration
        credentials.login_failed(session, name=name, client=client, reason="account locked")
        wait = math.ceil(locked)
        refused = error_page(
            request,
            429,
            f"too many failed logins for this account name; try again in {wait} s",
        )
        refused.headers["Retry-After"] = str(wait)
        return refused
    account = credentials.check_password(session, name=name, password=password)
    if account is None:
        credentials.login_failed(session, name=name, client=client, reason="bad credentials")
        lock = lockout.failed(key)
        if lock > 0:
            credentials.login_locked(session, name=name, client=client, seconds=math.ceil(lock))
        return _login_form(
            request, next_=_safe_next(next), message="wrong account name or password", status=401
        )
    lockout.succeeded(key)
    new = credentials.open_session(session, account=account, client=client)
    response = RedirectResponse(_safe_next(next), status_code=303)
    response.set_cookie(
        COOKIE,
        new.cookie,
        max_age=int(credentials.SESSION_LIFETIME.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(
    request: Request,
    session: SessionDep,
    user: UserDep,
    csrf: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """End the session and go back to the login page."""
    credentials.check_csrf(user.csrf, csrf)
    credentials.close_session(session, request.cookies.get(COOKIE, ""))
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
