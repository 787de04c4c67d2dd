"""Who may see and change incidents: they are confidential, always.

Accounts with role admin, reviewer or analyst see and handle incidents; once an incident
belongs to a product, only those with access to that product (an account with no products
listed has access to all). Viewers never see incidents. Refusals raise PermissionDenied.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.errors import PermissionDenied
from medsec.models import Account

SECURITY_ROLES = frozenset({"admin", "reviewer", "analyst"})


def account_of(session: Session, actor: str, *, rule: str) -> Account:
    """The acting account; PermissionDenied when there is none."""
    account = accounts.get(session, accounts.account_name(actor))
    if account is None:
        raise PermissionDenied(
            f"{rule}: {accounts.account_name(actor)!r} has no account "
            "(medsec account add NAME --role analyst)"
        )
    return account


def is_security(account: Account) -> bool:
    """True for admins, reviewers and analysts (the roles that handle incidents)."""
    return bool(SECURITY_ROLES & set(account.roles))


def product_ok(account: Account, product: str | None) -> bool:
    """True when the account may see things of this product (None: no product)."""
    return product is None or not account.products or product in account.products


def visible(account: Account, product: str | None) -> bool:
    """Whether the account may see an incident of this product at all."""
    return is_security(account) and product_ok(account, product)


def require(session: Session, actor: str, product: str | None, *, rule: str) -> Account:
    """Refuse unless the actor holds a security role with access to the product."""
    account = account_of(session, actor, rule=rule)
    if not is_security(account):
        raise PermissionDenied(
            f"{rule}: {account.name!r} needs the analyst, reviewer or admin role "
            "(incidents are confidential)"
        )
    if not product_ok(account, product):
        raise PermissionDenied(f"{rule}: {account.name!r} has no access to product {product!r}")
    return account
