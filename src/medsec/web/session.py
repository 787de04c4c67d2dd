"""Who is logged in (server-side session cookie) and the CSRF check of every POST form."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from medsec.accounts import credentials
from medsec.api.deps import Principal, SessionDep, Unauthenticated
from medsec.models import WebSession

COOKIE = "medsec_session"
LOGIN_COOKIE = "medsec_login"


@dataclass(frozen=True, slots=True)
class WebUser:
    """The logged-in account, its session row and the session's CSRF token."""

    principal: Principal
    session: WebSession

    @property
    def csrf(self) -> str:
        """The CSRF token every form of this session carries."""
        return self.session.csrf_secret

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
    user = WebUser(Principal.of(account, "web"), row)
    request.state.user = user
    return user


UserDep = Annotated[WebUser, Depends(web_user)]
