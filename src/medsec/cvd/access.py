"""Who may see and change CVD cases: they are confidential.

Accounts with role admin, reviewer or analyst see and handle cases; once a case belongs to a
product, only those with access to that product (an account with no products listed has access
to all). A viewer sees only cases already disclosed whose embargo has passed, and never the
finder's contact data. Refusals raise PermissionDenied.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from medsec.accounts import service as accounts
from medsec.core.clock import utcnow
from medsec.cvd import repository
from medsec.errors import Hidden, PermissionDenied
from medsec.models import Account, CvdCase

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
    """True for admins, reviewers and analysts (the roles that handle CVD cases)."""
    return bool(SECURITY_ROLES & set(account.roles))


def _product_ok(account: Account, product: str | None) -> bool:
    return product is None or not account.products or product in account.products


def public_now(case: CvdCase, today: date) -> bool:
    """True when the case was disclosed and no embargo date lies ahead."""
    return case.disclosed_at is not None and not under_embargo(case, today)


def under_embargo(case: CvdCase, today: date) -> bool:
    """True while the case's embargo date lies ahead and no reviewer released it early."""
    ahead = case.embargo_date is not None and case.embargo_date > today
    return ahead and case.embargo_released_at is None


def visible(account: Account, case: CvdCase, product: str | None, today: date) -> bool:
    """Whether the account may see the case at all."""
    if not _product_ok(account, product):
        return False
    return is_security(account) or ("viewer" in account.roles and public_now(case, today))


def require_read(
    session: Session,
    actor: str,
    case: CvdCase,
    *,
    today: date,
    rule: str = "cvd cases",
    ref: str | None = None,
) -> Account:
    """Refuse unless the actor may see the case; returns the account."""
    account = account_of(session, actor, rule=rule)
    product = repository.product_name(session, case.product_id)
    if not visible(account, case, product, today):  # answered as if the case did not exist
        raise Hidden(
            missing(ref or case.receipt_id),
            reason=f"{rule}: {account.name!r} may not see case {case.receipt_id}",
        )
    return account


def missing(ref: str) -> str:
    """The not-found message of a case (also given for one the caller may not see)."""
    return f"no CVD case {ref!r} (see `medsec cvd list`)"


def require_write(
    session: Session,
    actor: str,
    case: CvdCase | None,
    *,
    rule: str,
    product: str | None = None,
    ref: str | None = None,
) -> Account:
    """Refuse unless the actor handles CVD cases and has access to the case's product; a case
    the actor may not even see is answered as not found."""
    account = account_of(session, actor, rule=rule)
    if not is_security(account):
        if case is not None and not visible(
            account, case, repository.product_name(session, case.product_id), utcnow().date()
        ):
            raise Hidden(
                missing(ref or case.receipt_id),
                reason=f"{rule}: {account.name!r} may not see case {case.receipt_id}",
            )
        raise PermissionDenied(f"{rule}: {account.name!r} does not have the analyst role")
    if case is not None and not _product_ok(
        account, repository.product_name(session, case.product_id)
    ):
        raise Hidden(
            missing(ref or case.receipt_id),
            reason=f"{rule}: {account.name!r} has no access to the product of {case.receipt_id}",
        )
    if not _product_ok(account, product):
        raise Hidden(
            f"no product named {product!r} (see `medsec product list`)",
            reason=f"{rule}: {account.name!r} has no access to product {product!r}",
        )
    return account
