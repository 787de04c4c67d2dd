"""Account administration: roles and product access, disabling, and one's own password.

An account that is disabled cannot sign in, use a token or act (its web sessions end at once);
the last enabled admin can be neither demoted nor disabled, so medsec always has an admin.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from medsec.accounts import credentials
from medsec.accounts import repository as repo
from medsec.accounts import service as accounts
from medsec.audit import service as audit
from medsec.core.clock import utcnow
from medsec.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from medsec.models import Account, ApiToken


def missing(name: str) -> str:
    """The not-found message of an account."""
    return f"no account {name!r} (see `medsec account list`)"


def get(session: Session, name: str) -> Account:
    """One account by name; NotFound otherwise."""
    account = accounts.get(session, name) if len(name) <= accounts.MAX_NAME else None
    if account is None:
        raise NotFound(missing(name))
    return account


def admins(session: Session) -> list[str]:
    """The enabled accounts with the admin role."""
    return [
        a.name
        for a in accounts.list_accounts(session)
        if "admin" in a.roles and not accounts.is_disabled(a)
    ]


def has_password(session: Session, name: str) -> bool:
    """True when the account has a web password."""
    return repo.password(session, name) is not None


def _guard_last_admin(session: Session, account: Account, *, doing: str) -> None:
    if "admin" in account.roles and admins(session) == [account.name]:
        raise Conflict(
            f"{account.name!r} is the last admin and cannot be {doing}: "
            "give another account the admin role first"
        )


def set_access(
    session: Session,
    *,
    name: str,
    actor: str,
    roles: list[str] | None = None,
    products: list[str] | None = None,
) -> Account:
    """Change an account's roles and/or per-product access (admin); audited old -> new."""
    accounts.require(session, actor, "admin", rule="only an admin changes roles")
    account = get(session, name)
    before = {"roles": list(account.roles), "products": list(account.products)}
    if roles is not None:
        accounts.check_roles(roles)
        if not roles:
            raise InvalidInput("roles: give at least one role (to stop an account, disable it)")
        if "admin" not in roles and not accounts.is_disabled(account):
            _guard_last_admin(session, account, doing="demoted")
        account.roles = sorted(set(roles))
    if products is not None:
        cleaned = sorted({p.strip() for p in products if p.strip()})
        account.products = cleaned
    after = {"roles": list(account.roles), "products": list(account.products)}
    if after == before:
        return account
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="account.access",
        object_type="account",
        details={"name": name, "before": before, "after": after},
    )
    return account


def set_disabled(session: Session, *, name: str, disabled: bool, actor: str) -> Account:
    """Disable an account (its web sessions end; tokens stop working) or enable it again."""
    accounts.require(session, actor, "admin", rule="only an admin disables accounts")
    account = get(session, name)
    if disabled == accounts.is_disabled(account):
        return account
    if disabled:
        _guard_last_admin(session, account, doing="disabled")
        account.disabled_at = utcnow()
        repo.end_web_sessions(session, name)
    else:
        account.disabled_at = None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="account.disable" if disabled else "account.enable",
        object_type="account",
        details={"name": name},
    )
    return account


def change_own_password(
    session: Session, *, actor: str, current: str | None, password: str
) -> None:
    """Change one's own web password; the current one is checked when one is set."""
    name = accounts.account_name(actor)
    accounts.require_read(session, actor, rule="changing one's password")
    known = credentials.check_password(session, name=name, password=current or "")
    if has_password(session, name) and known is None:
        raise PermissionDenied("the current password is wrong")
    credentials.set_password(session, name=name, password=password, actor=actor)


def tokens_of(session: Session, *, name: str, actor: str) -> list[ApiToken]:
    """The API tokens of an account (the account itself or an admin), never their secrets."""
    get(session, name)
    if accounts.account_name(actor) != name:
        accounts.require(session, actor, "admin", rule="only an admin lists another's tokens")
    else:
        accounts.require_read(session, actor, rule="listing one's tokens")
    return credentials.list_tokens(session, name)


def revoke(session: Session, *, name: str, token_id: int, actor: str) -> ApiToken:
    """Revoke one token of an account (own or admin); a token of another account is missing."""
    row = repo.token(session, token_id) if 0 < token_id < 2**31 else None
    if row is None or row.account != name:
        raise NotFound(f"no API token {token_id} of {name!r}")
    return credentials.revoke_token(session, token_id=token_id, actor=actor)


def token_count(session: Session, name: str) -> int:
    """How many live (not revoked) tokens an account has."""
    return repo.live_token_count(session, name)
