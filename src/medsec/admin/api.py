"""`/api/v1/accounts` (admins: accounts, roles, product access, disabling, passwords, tokens)
and `/api/v1/me` (anyone signed in: one's own account, password and tokens). Thin: services
only; a token's secret is in the answer that issues it and nowhere else."""

from __future__ import annotations

from fastapi import APIRouter, Response
from sqlalchemy.orm import Session

from medsec.accounts import admin, credentials
from medsec.accounts import service as accounts
from medsec.accounts.schemas import (
    AccountCreate,
    AccountRead,
    AccountUpdate,
    NewTokenRead,
    PasswordSet,
    TokenCreate,
    TokenRead,
)
from medsec.api.deps import ApiPrincipal, SessionDep
from medsec.errors import InvalidInput
from medsec.models import Account, ApiToken
from medsec.products import service as products

router = APIRouter(prefix="/api/v1", tags=["accounts"])


def check_products(session: Session, names: list[str]) -> list[str]:
    """The product names, or InvalidInput naming those that do not exist."""
    known = {p.name for p in products.list_products(session)}
    unknown = sorted({n for n in names if n not in known})
    if unknown:
        raise InvalidInput(f"products: no product named {', '.join(map(repr, unknown))}")
    return sorted(set(names))


def account_read(session: Session, account: Account) -> AccountRead:
    """The read model of an account."""
    return AccountRead(
        name=account.name,
        roles=list(account.roles),
        products=list(account.products),
        disabled=accounts.is_disabled(account),
        has_password=admin.has_password(session, account.name),
        created_at=account.created_at,
        disabled_at=account.disabled_at,
    )


def token_read(row: ApiToken) -> TokenRead:
    """The read model of a token (no secret)."""
    return TokenRead(
        id=row.id,
        account=row.account,
        label=row.label,
        created_by=row.created_by,
        created_at=row.created_at,
        last_used_at=row.last_used_at,
        revoked_at=row.revoked_at,
    )


def _admin(session: Session, who: ApiPrincipal) -> None:
    accounts.require(session, who.actor, "admin", rule="only an admin manages accounts")


@router.get("/accounts", response_model=list[AccountRead])
def list_accounts(session: SessionDep, who: ApiPrincipal) -> list[AccountRead]:
    """Every account (admin)."""
    _admin(session, who)
    return [account_read(session, a) for a in accounts.list_accounts(session)]


@router.post("/accounts", status_code=201, response_model=AccountRead)
def add_account(body: AccountCreate, session: SessionDep, who: ApiPrincipal) -> AccountRead:
    """Create an account with roles, product access and optionally a first password (admin)."""
    _admin(session, who)
    account = accounts.add(
        session,
        name=body.name,
        roles=body.roles,
        products=check_products(session, body.products),
        actor=who.actor,
    )
    if body.password:
        credentials.set_password(
            session, name=account.name, password=body.password, actor=who.actor
        )
    return account_read(session, account)


@router.get("/accounts/{account}", response_model=AccountRead)
def show_account(account: str, session: SessionDep, who: ApiPrincipal) -> AccountRead:
    """One account (admin)."""
    _admin(session, who)
    return account_read(session, admin.get(session, account))


@router.patch("/accounts/{account}", response_model=AccountRead)
def update_account(
    account: str, body: AccountUpdate, session: SessionDep, who: ApiPrincipal
) -> AccountRead:
    """Change roles, product access or disable/enable (admin); the last admin stays one."""
    _admin(session, who)
    admin.get(session, account)
    if body.roles is not None or body.products is not None:
        admin.set_access(
            session,
            name=account,
            actor=who.actor,
            roles=body.roles,
            products=None if body.products is None else check_products(session, body.products),
        )
    if body.disabled is not None:
        admin.set_disabled(session, name=account, disabled=body.disabled, actor=who.actor)
    return account_read(session, admin.get(session, account))


@router.put("/accounts/{account}/password", status_code=204, response_class=Response)
def reset_password(
    account: str, body: PasswordSet, session: SessionDep, who: ApiPrincipal
) -> Response:
    """Set another account's password (admin; its web sessions end)."""
    _admin(session, who)
    admin.get(session, account)
    credentials.set_password(session, name=account, password=body.password, actor=who.actor)
    return Response(status_code=204)


@router.get("/accounts/{account}/tokens", response_model=list[TokenRead])
def account_tokens(account: str, session: SessionDep, who: ApiPrincipal) -> list[TokenRead]:
    """An account's API tokens, never their secrets (admin)."""
    _admin(session, who)
    return [token_read(t) for t in admin.tokens_of(session, name=account, actor=who.actor)]


@router.post("/accounts/{account}/tokens", status_code=201, response_model=NewTokenRead)
def issue_account_token(
    account: str, body: TokenCreate, session: SessionDep, who: ApiPrincipal
) -> NewTokenRead:
    """Issue a token for an account (admin); its secret is in this answer only."""
    _admin(session, who)
    admin.get(session, account)
    new = credentials.issue_token(session, name=account, label=body.label, actor=who.actor)
    return NewTokenRead(id=new.id, account=account, label=body.label, secret=new.secret)


@router.delete("/accounts/{account}/tokens/{token_id}", response_model=TokenRead)
def revoke_account_token(
    account: str, token_id: int, session: SessionDep, who: ApiPrincipal
) -> TokenRead:
    """Revoke one token of an account (admin)."""
    _admin(session, who)
    return token_read(admin.revoke(session, name=account, token_id=token_id, actor=who.actor))


@router.get("/me", response_model=AccountRead)
def me(session: SessionDep, who: ApiPrincipal) -> AccountRead:
    """The account the token belongs to."""
    return account_read(session, admin.get(session, who.name))


@router.put("/me/password", status_code=204, response_class=Response)
def change_password(body: PasswordSet, session: SessionDep, who: ApiPrincipal) -> Response:
    """Change one's own web password (the current one is needed when one is set)."""
    admin.change_own_password(
        session, actor=who.actor, current=body.current_password, password=body.password
    )
    return Response(status_code=204)


@router.get("/me/tokens", response_model=list[TokenRead])
def my_tokens(session: SessionDep, who: ApiPrincipal) -> list[TokenRead]:
    """One's own API tokens, never their secrets."""
    return [token_read(t) for t in admin.tokens_of(session, name=who.name, actor=who.actor)]


@router.post("/me/tokens", status_code=201, response_model=NewTokenRead)
def issue_my_token(body: TokenCreate, session: SessionDep, who: ApiPrincipal) -> NewTokenRead:
    """Issue oneself a token; its secret is in this answer only."""
    new = credentials.issue_token(session, name=who.name, label=body.label, actor=who.actor)
    return NewTokenRead(id=new.id, account=who.name, label=body.label, secret=new.secret)


@router.delete("/me/tokens/{token_id}", response_model=TokenRead)
def revoke_my_token(token_id: int, session: SessionDep, who: ApiPrincipal) -> TokenRead:
    """Revoke one of one's own tokens."""
    return token_read(admin.revoke(session, name=who.name, token_id=token_id, actor=who.actor))
