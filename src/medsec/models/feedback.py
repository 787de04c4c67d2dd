"""Rollout feedback a hospital sent back about an update (``medsec-rollout-feedback/1``), imported
onto the manufacturer's advisory (seed 6.2.2 c)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from medsec.core.clock import utcnow
from medsec.models.base import Base


class RolloutFeedback(Base):
    """One feedback message: the update, what failed where (models and versions, no site data)."""

    __tablename__ = "rollout_feedback"
    __table_args__ = (UniqueConstraint("advisory_id", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    advisory_id: Mapped[int] = mapped_column(
        ForeignKey("security_advisory.id", ondelete="CASCADE"), index=True
    )
    update_id: Mapped[int | None] = mapped_column(
        ForeignKey("software_update.id", ondelete="SET NULL")
    )
    source_name: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))
    update_name: Mapped[str] = mapped_column(Text)
    method: Mapped[str] = mapped_column(String(30))
    target_version: Mapped[str] = mapped_column(Text)
    failures: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    validations: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    imported_by: Mapped[str] = mapped_column(String(200))
    imported_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
