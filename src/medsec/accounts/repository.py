"""Queries of accounts, their passwords, API tokens and web sessions (only this domain's tables)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from medsec.models import Account, AccountPassword, ApiToken, WebSession


def account(session: Session, name: str) -> Account | None:
    """One account by name."""
    return session.get(Account, name)


def accounts(session: Session) -> list[Account]:
    """Every account by name."""
    return list(session.scalars(select(Account).order_by(Account.name)))


def any_account(session: Session) -> bool:
    """True once any account exists."""
    return session.execute(select(Account.name).limit(1)).scalar() is not None


def password(session: Session, name: str) -> AccountPassword | None:
    """An account's web password row (its hash), if one is set."""
    return session.get(AccountPassword, name)


def token(session: Session, token_id: int) -> ApiToken | None:
    """One API token by id."""
    return session.get(ApiToken, token_id)


def token_by_digest(session: Session, token_hash: str) -> ApiToken | None:
    """The API token whose secret has this digest."""
    stmt = select(ApiToken).where(ApiToken.token_hash == token_hash)
    return session.execute(stmt).scalar_one_or_none()


def tokens(session: Session, name: str) -> list[ApiToken]:
    """The API tokens of an account, oldest first."""
    stmt = select(ApiToken).where(ApiToken.account == name).order_by(ApiToken.id)
    return list(session.scalars(stmt))


def live_token_count(session: Session, name: str) -> int:
    """How many API tokens of an account are not revoked."""
    stmt = select(ApiToken.id).where(ApiToken.account == name, ApiToken.revoked_at.is_(None))
    return len(list(session.scalars(stmt)))


def web_session(session: Session, id_hash: str) -> WebSession | None:
    """One web session by the digest of its cookie."""
    return session.get(WebSession, id_hash)


def web_sessions(session: Session, name: str) -> list[WebSession]:
    """Every web session of an account."""
    return list(session.scalars(select(WebSession).where(WebSession.account == name)))


def end_web_sessions(session: Session, name: str) -> None:
    """Delete every web session of an account."""
    session.execute(delete(WebSession).where(WebSession.account == name))
