"""Request dependencies: one transaction per request, and who is asking (API token)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request, UploadFile
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from medsec.accounts import credentials
from medsec.accounts import service as accounts
from medsec.core import inbound
from medsec.db.uow import unit_of_work
from medsec.errors import MedsecError
from medsec.models import Account


class Unauthenticated(MedsecError):
    """No valid credentials came with the request."""

    status = 401
    code = "unauthenticated"


def get_session(request: Request) -> Iterator[Session]:
    """A session for one request: committed when the endpoint succeeds, else rolled back."""
    with unit_of_work(request.app.state.session_factory) as session:
        yield session


# scope="function": the commit happens before the response is sent, so a failed commit is an error
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


@dataclass(frozen=True, slots=True)
class Principal:
    """The account acting in a request and its actor string for the audit log."""

    name: str
    actor: str
    roles: list[str] = field(default_factory=list)
    products: list[str] = field(default_factory=list)

    @classmethod
    def of(cls, account: Account, channel: str) -> Principal:
        """The principal for an account on a channel ("api" or "web")."""
        return cls(account.name, f"{channel}:{account.name}", account.roles, account.products)

    def sees(self, product: str) -> bool:
        """True when the account may see the product (no product list: every product)."""
        return not self.products or product in self.products


_bearer = HTTPBearer(auto_error=False, description="An API token from `medsec account token`.")


def api_principal(
    request: Request,
    session: SessionDep,
    creds: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> Principal:
    """The account of the request's bearer token; 401 without a valid one."""
    if creds is None or not creds.credentials.strip():
        raise Unauthenticated("send an API token as `Authorization: Bearer …`")
    account = credentials.account_for_token(session, creds.credentials.strip())
    if account is None:
        raise Unauthenticated("the API token is unknown or revoked")
    who = Principal.of(account, "api")
    request.state.actor = who.actor  # for the audit of a refusal
    # held for the request: the session's identity map is weak, and the role check reads the
    # same account again (`session.get` then answers from memory instead of a second query)
    request.state.account = account
    return who


ApiPrincipal = Annotated[Principal, Depends(api_principal)]


def require_read(
    session: Session, who: Principal, product: str | None = None, *, hide_as: str | None = None
) -> None:
    """Refuse unless the account has viewer or a higher role, and access to the product;
    an object the account may not see is answered as not found (``hide_as``: its message)."""
    held = [r for r in accounts.ROLES if r in who.roles]  # admin, reviewer, analyst, viewer
    rule = f"reading {product!r}" if product else "reading"
    role = held[0] if held else "viewer"
    accounts.require(session, who.actor, role, rule=rule, product=product, hide_as=hide_as)


def document_limit(request: Request, cap: int | None = None, *, feed: bool = False) -> int:
    """An upload's size limit: MEDSEC_MAX_DOCUMENT_BYTES (a feed: the feed limit), or a kind's
    stricter cap."""
    settings = request.app.state.settings
    limit: int = settings.feed_max_bytes if feed else settings.max_document_bytes
    return limit if cap is None else min(cap, limit)


async def read_upload(
    request: Request, file: UploadFile, cap: int | None = None, *, feed: bool = False
) -> bytes:
    """An uploaded file's bytes within the document limit (413 above it), read through
    `core.inbound` like every inbound file."""
    return await inbound.read_upload(file, limit=document_limit(request, cap, feed=feed))


def read_upload_sync(
    request: Request, file: UploadFile, cap: int | None = None, *, feed: bool = False
) -> bytes:
    """`read_upload` for synchronous routes (they run in a worker thread)."""
    limit = document_limit(request, cap, feed=feed)
    return inbound.read_stream(file.file, limit=limit, source=inbound.upload_name(file.filename))
