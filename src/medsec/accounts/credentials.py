"""Credentials: web passwords (argon2), API tokens and server-side web sessions.

Only digests are stored: argon2 hashes of passwords, SHA-256 of tokens and session ids (both are
256-bit random values, so a fast digest is enough). No secret is ever written to the audit log.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy.orm import Session

from medsec.accounts import repository as repo
from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.errors import InvalidInput, NotFound, PermissionDenied
from medsec.models import Account, AccountPassword, ApiToken, WebSession

TOKEN_PREFIX = "msk_"  # noqa: S105 (a prefix that marks medsec tokens, not a secret)
MIN_PASSWORD = 10
MAX_PASSWORD = 1024
SESSION_LIFETIME = timedelta(hours=8)
TOKEN_USE_GRANULARITY = timedelta(hours=1)

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the account does not exist, so both paths take the same time;
    computed on first use, never at import."""
    return _hasher.hash("medsec-no-such-account")


def digest(secret: str) -> str:
    """The SHA-256 hex digest of a token or session id."""
    return hashlib.sha256(secret.encode()).hexdigest()


def _require_self_or_admin(session: Session, actor: str, name: str, *, rule: str) -> Account:
    account = accounts.get(session, name)
    if account is None:
        raise NotFound(f"no account {name!r} (see `medsec account list`)")
    if accounts.account_name(actor) != name:
        accounts.require(session, actor, "admin", rule=rule)
    elif accounts.is_disabled(account):
        raise PermissionDenied(f"the account {name!r} is disabled")
    return account


def set_password(session: Session, *, name: str, password: str, actor: str) -> None:
    """Set an account's web password (the account itself or an admin); ends its sessions."""
    _require_self_or_admin(session, actor, name, rule="only an admin sets another's password")
    if not MIN_PASSWORD <= len(password) <= MAX_PASSWORD:
        raise InvalidInput(f"password: must be {MIN_PASSWORD} to {MAX_PASSWORD} characters long")
    row = repo.password(session, name)
    hashed = _hasher.hash(password)
    if row is None:
        session.add(AccountPassword(account=name, password_hash=hashed, set_by=actor))
    else:
        row.password_hash, row.set_by, row.set_at = hashed, actor, utcnow()
    repo.end_web_sessions(session, name)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="account.password",
        object_type="account",
        details={"name": name},
    )


def check_password(session: Session, *, name: str, password: str) -> Account | None:
    """The account when name and password match, else None (same work either way)."""
    account = accounts.get(session, name) if len(name) <= 200 else None
    row = repo.password(session, name) if account is not None else None
    try:
        _hasher.verify(row.password_hash if row else _dummy_hash(), password[:MAX_PASSWORD])
    except (VerificationError, InvalidHashError):
        return None
    if account is None or row is None or accounts.is_disabled(account):
        return None
    return account


@dataclass(frozen=True, slots=True)
class NewToken:
    """A token just issued: the secret is shown once and never stored."""

    id: int
    secret: str


def issue_token(session: Session, *, name: str, label: str | None, actor: str) -> NewToken:
    """Issue an API token for an account (the account itself or an admin)."""
    _require_self_or_admin(session, actor, name, rule="only an admin issues another's token")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken(account=name, label=label, token_hash=digest(secret), created_by=actor)
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="account.token.issue",
        object_type="api_token",
        object_id=row.id,
        details={"name": name, "label": label},
    )
    return NewToken(id=row.id, secret=secret)


def list_tokens(session: Session, name: str) -> list[ApiToken]:
    """The API tokens of an account (digests only), oldest first."""
    return repo.tokens(session, name)


def revoke_token(session: Session, *, token_id: int, actor: str) -> ApiToken:
    """Revoke an API token (its account or an admin)."""
    row = repo.token(session, token_id)
    if row is None:
        raise NotFound(f"no API token {token_id}")
    _require_self_or_admin(session, actor, row.account, rule="only an admin revokes another's")
    if row.revoked_at is None:
        row.revoked_at = utcnow()
        session.flush()
        audit.record(
            session,
            actor=actor,
            action="account.token.revoke",
            object_type="api_token",
            object_id=row.id,
            details={"name": row.account},
        )
    return row


def account_for_token(session: Session, secret: str) -> Account | None:
    """The account of a valid (not revoked) API token, else None."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 200:
        return None
    row = repo.token_by_digest(session, digest(secret))
    if row is None or row.revoked_at is not None:
        return None
    now = utcnow()
    if row.last_used_at is None or _aware(row.last_used_at) < now - TOKEN_USE_GRANULARITY:
        row.last_used_at = now  # at most one write per token and hour
    account = accounts.get(session, row.account)
    return account if account is not None and not accounts.is_disabled(account) else None


@dataclass(frozen=True, slots=True)
class NewSession:
    """A web session just opened: the cookie value is given once, only its digest is kept."""

    cookie: str
    csrf: str
    expires_at: datetime


def open_session(session: Session, *, account: Account, client: str) -> NewSession:
    """Open a web session for an account that has just logged in (audited)."""
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    now = utcnow()
    for old in repo.web_sessions(session, account.name):
        if _aware(old.expires_at) <= now:
            session.delete(old)  # expired sessions of this account go at its next login
    row = WebSession(
        id_hash=digest(cookie),
        account=account.name,
        csrf_secret=csrf,
        created_at=now,
        expires_at=now + SESSION_LIFETIME,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=f"web:{account.name}",
        action="login",
        object_type="account",
        details={"name": account.name, "client": client},
    )
    return NewSession(cookie=cookie, csrf=csrf, expires_at=row.expires_at)


def find_session(session: Session, cookie: str) -> tuple[WebSession, Account] | None:
    """The live web session and its account for a cookie value, else None."""
    if not cookie or len(cookie) > 200:
        return None
    row = repo.web_session(session, digest(cookie))
    if row is None or _aware(row.expires_at) <= utcnow():
        return None
    account = accounts.get(session, row.account)
    if account is None or accounts.is_disabled(account):
        return None
    return row, account


def close_session(session: Session, cookie: str) -> None:
    """End a web session (logout; audited when it existed)."""
    row = repo.web_session(session, digest(cookie)) if cookie else None
    if row is None:
        return
    session.delete(row)
    session.flush()
    audit.record(
        session,
        actor=f"web:{row.account}",
        action="logout",
        object_type="account",
        details={"name": row.account},
    )


def login_failed(session: Session, *, name: str, client: str, reason: str) -> None:
    """Audit a refused login (never the password)."""
    audit.record(
        session,
        actor="web:anonymous",
        action="login.failed",
        object_type="account",
        details={"name": name[:200], "client": client, "reason": reason},
    )


def login_locked(session: Session, *, name: str, client: str, seconds: int) -> None:
    """Audit an account name locked out after repeated failed logins."""
    audit.record(
        session,
        actor="web:anonymous",
        action="login.locked",
        object_type="account",
        details={"name": name[:200], "client": client, "seconds": seconds},
    )


def check_csrf(expected: str, token: str | None) -> None:
    """Refuse a form whose CSRF token does not match its session's."""
    if not token or not secrets.compare_digest(token, expected):
        raise PermissionDenied("the form's CSRF token is missing or wrong; reload the page")


def _aware(moment: datetime) -> datetime:
    # SQLite returns naive datetimes for timezone=True columns; they are stored in UTC
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=utcnow().tzinfo)
