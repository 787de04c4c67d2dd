"""Who is logged in (server-side session cookie) and the CSRF check of every POST form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from medsec.accounts import credentials
from medsec.api.deps import Principal, SessionDep, Unauthenticated

COOKIE = "medsec_session"
LOGIN_COOKIE = "medsec_login"


@dataclass(frozen=True, slots=True)
class WebUser:
    """The logged-in account and its session's CSRF token (plain values: they outlive a
    rolled-back transaction, so an error page can still show who is logged in)."""

    principal: Principal
    csrf: str

    @property
    def name(self) -> str:
        """The account name."""
        return self.principal.name

    def has(self, *roles: str) -> bool:
        """True when the account holds one of the roles (admins hold all)."""
        return "admin" in self.principal.roles or any(r in self.principal.roles for r in roles)


def web_user(request: Request, session: SessionDep) -> WebUser:
    """The account of the session cookie; Unauthenticated (redirect to /login) otherwise."""
    found = credentials.find_session(session, request.cookies.get(COOKIE, ""))
    if found is None:
        raise Unauthenticated("log in first")
    row, account = found
    user = WebUser(Principal.of(account, "web"), row.csrf_secret)
    request.state.user = user
    request.state.actor = user.principal.actor  # for the audit of a refusal
    request.state.account = account  # held: role checks then read it from the session's memory
    return user


UserDep = Annotated[WebUser, Depends(web_user)]


def client_of(request: Request) -> str:
    """The client address a request came from (the proxy's when behind one)."""
    return request.client.host if request.client else "unknown"
