"""Every query of the sharing domain (its own tables only)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from medsec.models import SharedImport, SharedObject, SharingAgreement


def agreements(session: Session) -> list[SharingAgreement]:
    """Every sharing agreement, newest first."""
    stmt = select(SharingAgreement).order_by(SharingAgreement.signed_on.desc(), SharingAgreement.id)
    return list(session.execute(stmt).scalars())


def import_by_sha(session: Session, sha256: str) -> SharedImport | None:
    """An earlier import of the same bytes, if any."""
    return session.execute(select(SharedImport).where(SharedImport.sha256 == sha256)).scalar()


def imports(session: Session) -> list[SharedImport]:
    """Every import, newest first."""
    return list(session.execute(select(SharedImport).order_by(SharedImport.id.desc())).scalars())


def objects_of(session: Session, import_id: int) -> list[SharedObject]:
    """The indicators and vulnerabilities kept from one import."""
    stmt = select(SharedObject).where(SharedObject.import_id == import_id).order_by(SharedObject.id)
    return list(session.execute(stmt).scalars())
