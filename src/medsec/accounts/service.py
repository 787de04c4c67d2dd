"""Accounts with roles (admin, reviewer, analyst, viewer) and per-product access; role checks.

The first account created becomes an admin (bootstrap); after that only admins add accounts.
An actor string such as ``cli:alice`` or ``api:alice`` names the account ``alice``.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from medsec.accounts import repository as repo
from medsec.audit import service as audit
from medsec.errors import Conflict, Hidden, InvalidInput, PermissionDenied
from medsec.models import Account

ROLES = ("admin", "reviewer", "analyst", "viewer")
MAX_NAME = 200


def check_name(name: str) -> str:
    """An account name as stored, or InvalidInput: 1-200 printable characters without spaces or
    ':' (an actor string such as ``web:alice`` names its account after the first ':')."""
    if not 1 <= len(name) <= MAX_NAME:
        raise InvalidInput(f"account name: must be 1 to {MAX_NAME} characters long")
    bad = next((c for c in name if c.isspace() or not c.isprintable() or c == ":"), None)
    if bad is not None:
        raise InvalidInput(f"account name {name!r}: no spaces, control characters or ':'")
    return name


def is_disabled(account: Account) -> bool:
    """True when an admin has disabled the account."""
    return account.disabled_at is not None


def account_name(actor: str) -> str:
    """The account an actor string names (``cli:alice`` -> ``alice``)."""
    return actor.split(":", 1)[1] if ":" in actor else actor


def get(session: Session, name: str) -> Account | None:
    """One account by name."""
    return repo.account(session, name)


def list_accounts(session: Session) -> list[Account]:
    """Every account by name."""
    return repo.accounts(session)


def add(
    session: Session, *, name: str, roles: list[str], products: list[str], actor: str
) -> Account:
    """Create an account; the first one is made admin, later ones need an admin to add them."""
    check_roles(roles)
    check_name(name)
    if get(session, name) is not None:
        raise Conflict(f"account {name!r} already exists")
    first = not repo.any_account(session)
    if first:
        roles = sorted({*roles, "admin"})
    else:
        require(session, actor, "admin", rule="only an admin adds accounts")
    account = Account(name=name, roles=sorted(set(roles)), products=sorted(set(products)))
    session.add(account)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="account.add",
        object_type="account",
        details={"name": name, "roles": account.roles, "products": account.products},
    )
    return account


def check_roles(roles: list[str]) -> None:
    """InvalidInput naming the roles that are not one of ``ROLES``."""
    unknown = sorted(set(roles) - set(ROLES))
    if unknown:
        raise InvalidInput(f"unknown role(s) {', '.join(unknown)}; one of: {', '.join(ROLES)}")


def no_account_hint(session: Session, actor: str, role: str) -> str:
    """What to do when the acting name has no account: create the first (admin) account on a
    fresh home, else act as an existing account or have an admin add this one."""
    name = account_name(actor)
    admins = [a.name for a in list_accounts(session) if "admin" in a.roles or role in a.roles][:3]
    if not admins and not repo.any_account(session):
        return (
            f"{name!r} has no account and none exists yet: create the first account, which "
            f"becomes the admin, with `medsec account add {name}`"
        )
    acting = " or ".join(f"MEDSEC_ACTOR={a}" for a in admins) or "MEDSEC_ACTOR=<an admin>"
    return (
        f"{name!r} has no account: act as an existing account ({acting} medsec ...), "
        f"or have an admin run `medsec account add {name} --role {role}`"
    )


def require_read(session: Session, actor: str, *, rule: str, product: str | None = None) -> None:
    """Refuse unless the actor has an account (any role) with access to ``product``."""
    account = get(session, account_name(actor))
    if account is None:
        raise PermissionDenied(f"{rule}: {no_account_hint(session, actor, 'viewer')}")
    if is_disabled(account):
        raise PermissionDenied(f"{rule}: the account {account.name!r} is disabled")
    if not account.roles:
        raise PermissionDenied(f"{rule}: {account.name!r} has no role")
    if product is not None and account.products and product not in account.products:
        raise PermissionDenied(f"{rule}: {account.name!r} has no access to product {product!r}")


def rename_product_access(session: Session, *, old: str, new: str) -> int:
    """Carry per-product access from a product's old name to its new one; accounts changed."""
    changed = 0
    for account in list_accounts(session):
        if old in account.products:
            account.products = sorted({new if p == old else p for p in account.products})
            changed += 1
    session.flush()
    return changed


def roles_of(session: Session, actor: str) -> set[str]:
    """The roles of the account an actor names (empty when it has no account)."""
    account = get(session, account_name(actor))
    return set(account.roles) if account and not is_disabled(account) else set()


def require(
    session: Session,
    actor: str,
    role: str,
    *,
    rule: str,
    product: str | None = None,
    hide_as: str | None = None,
) -> None:
    """Refuse unless the actor's account has ``role`` (admins have all) and product access.

    Without access to the product the refusal is ``Hidden``: the same not-found answer as for
    a product that does not exist (or ``hide_as``, the not-found message of the object asked
    for), so that a refusal reveals neither the object nor the product that owns it.
    """
    account = get(session, account_name(actor))
    if account is None:
        raise PermissionDenied(f"{rule}: {no_account_hint(session, actor, role)}")
    if is_disabled(account):
        raise PermissionDenied(f"{rule}: the account {account.name!r} is disabled")
    if role not in account.roles and "admin" not in account.roles:
        raise PermissionDenied(f"{rule}: {account.name!r} does not have the {role} role")
    if product is not None and account.products and product not in account.products:
        raise Hidden(
            hide_as or f"no product named {product!r} (see `medsec product list`)",
            reason=f"{rule}: {account.name!r} has no access to product {product!r}",
        )
