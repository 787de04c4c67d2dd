"""Job specifications and job runs as read models."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy.orm import Session

from medsec.config import Settings

UnitOfWork = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True, slots=True)
class JobContext:
    """What a job body gets: transactions to open, the settings, and who acts."""

    uow: UnitOfWork
    settings: Settings
    actor: str


@dataclass(frozen=True, slots=True)
class JobSpec:
    """A background job: its name, what it does, how often it runs, and its body."""

    name: str
    title: str
    every_seconds: int
    body: Callable[[JobContext], dict[str, Any]]


class JobRead(BaseModel):
    """A job as admins see it: its schedule and its last run."""

    name: str
    title: str
    every_seconds: int
    last_status: str | None
    last_started_at: datetime | None


class JobRunRead(BaseModel):
    """One attempt of a job."""

    id: int
    name: str
    trigger: str
    status: str
    actor: str
    queue_job_id: int | None
    attempt: int
    started_at: datetime | None
    finished_at: datetime | None
    summary: dict[str, Any]
    error: str | None
