"""Notification events, preferences and deliveries as read models."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field

WebhookPayload = dict[str, Any]
"""The JSON body medsec sends for a delivery (webhook POST, e-mail facts, kept as sent on the
delivery row): an outbound document other systems parse, so it stays a document; `id`,
`event`, `title`, `product` and the event kind's public fields (`rules.PUBLIC_FIELDS`)."""


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened, as any domain emits it: ``key`` makes it happen only once.

    ``data`` may carry anything; only the fields the rules allow per kind ever leave medsec.
    """

    kind: str
    key: str
    title: str
    product: str | None = None
    severity: str | None = None
    data: dict[str, Any] = field(default_factory=dict)


class PreferenceCreate(BaseModel):
    """A new notification preference (API body)."""

    channel: str = Field(pattern="^(email|webhook)$")
    target: str = Field(min_length=3, max_length=2000)
    events: list[str] = Field(min_length=1, max_length=10)
    product: str | None = Field(default=None, max_length=200)
    min_severity: str = Field(default="high", max_length=20)
    deadline_days: int = Field(default=7, ge=0, le=365)
    account: str | None = Field(default=None, max_length=200)


class PreferenceUpdate(BaseModel):
    """Pause (``enabled: false``) or resume a preference."""

    enabled: bool


class PreferenceRead(BaseModel):
    """A notification preference; ``secret`` is shown only once, when it is made."""

    id: int
    account: str
    product: str | None
    channel: str
    target: str
    events: list[str]
    min_severity: str
    deadline_days: int
    enabled: bool
    created_at: datetime | None
    secret: str | None = None


class DeliveryRead(BaseModel):
    """One message sent (or tried) to one target."""

    id: int
    event_kind: str
    event_title: str
    channel: str
    target: str
    status: str
    attempts: int
    last_error: str | None
    created_at: datetime | None
    sent_at: datetime | None


class DeliveryRun(BaseModel):
    """What one delivery pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
