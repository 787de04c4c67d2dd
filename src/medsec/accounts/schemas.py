"""Typed models of accounts and API tokens: what the API returns and takes."""

from __future__ import annotations

from pydantic import BaseModel, Field

from medsec.core.schemas import IsoTime, ReadModel


class AccountRead(ReadModel):
    """An account: its roles, the products it may see (empty: every product), whether an admin
    has disabled it, and whether it has a web password (never the password)."""

    name: str
    roles: list[str]
    products: list[str]
    disabled: bool
    has_password: bool
    created_at: IsoTime | None = None
    disabled_at: IsoTime | None = None


class TokenRead(ReadModel):
    """An API token as listed: never its secret (only a digest is stored)."""

    id: int
    account: str
    label: str | None = None
    created_by: str
    created_at: IsoTime | None = None
    last_used_at: IsoTime | None = None
    revoked_at: IsoTime | None = None


class NewTokenRead(ReadModel):
    """A token just issued: ``secret`` is in this answer only and never stored or logged."""

    id: int
    account: str
    label: str | None = None
    secret: str


class AccountCreate(BaseModel):
    """A new account (admin): at least one role; products empty means every product."""

    name: str = Field(min_length=1, max_length=200)
    roles: list[str] = Field(min_length=1, max_length=4)
    products: list[str] = Field(default_factory=list, max_length=1000)
    password: str | None = Field(default=None, max_length=1024)


class AccountUpdate(BaseModel):
    """What an admin changes on an account; a field left out stays as it is."""

    roles: list[str] | None = Field(default=None, min_length=1, max_length=4)
    products: list[str] | None = Field(default=None, max_length=1000)
    disabled: bool | None = None


class PasswordSet(BaseModel):
    """A new web password; changing one's own needs the current one (when one is set)."""

    password: str = Field(min_length=1, max_length=1024)
    current_password: str | None = Field(default=None, max_length=1024)


class TokenCreate(BaseModel):
    """A new API token and what it is for."""

    label: str | None = Field(default=None, max_length=200)
