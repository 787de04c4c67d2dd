"""Queries of document revisions (only this domain's table)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session, defer

from medsec.models import DocumentRevision


def get(session: Session, revision_id: int) -> DocumentRevision | None:
    """One revision with its bytes."""
    return session.get(DocumentRevision, revision_id)


def listing(
    session: Session, product_ids: Sequence[int] | None, kind: str | None, limit: int
) -> list[DocumentRevision]:
    """Revisions, newest first, without their bytes (of some products, optionally one kind)."""
    q = select(DocumentRevision).options(defer(DocumentRevision.content))
    if product_ids is not None:
        q = q.where(DocumentRevision.product_id.in_(product_ids))
    if kind is not None:
        q = q.where(DocumentRevision.kind == kind)
    return list(session.scalars(q.order_by(DocumentRevision.id.desc()).limit(limit)))
