"""Typed shapes of the feed import and re-match API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, NotRequired, TypedDict

from pydantic import BaseModel, ConfigDict, Field

from medsec.core.schemas import ReadModel


class AdvisoryValues(TypedDict):
    """The column values of one `advisory` row from a record (a bulk insert/update parameter
    set: a dict, so the feed import hands it to executemany unchanged); the group, snapshot and
    change number are added before it is written."""

    source: str
    source_id: str
    modified: datetime | None
    published: datetime | None
    withdrawn: datetime | None
    summary: str | None
    details: str | None
    aliases: list[str]
    severities: list[dict[str, Any]]
    references: list[str]
    cwes: list[str]
    affected: list[dict[str, Any]]
    configurations: list[dict[str, Any]]
    content_hash: str
    match_form: NotRequired[str]
    vulnerability_id: NotRequired[int]
    snapshot_id: NotRequired[int]
    change_seq: NotRequired[int]


class FeedProblemRead(ReadModel):
    """A record (or part of one) that could not be imported; ``skipped``: it was left out."""

    location: str
    record_id: str | None = None
    message: str
    skipped: bool


class FeedImportRead(ReadModel):
    """What one uploaded feed file gave: records read, stored, skipped."""

    file: str
    kinds: list[str]
    records: int
    new: int
    updated: int
    unchanged: int
    older_skipped: int
    withdrawn: int
    kev: int
    epss: int
    skipped: int
    problems: list[FeedProblemRead]


class FeedSnapshotRead(ReadModel):
    """One imported feed snapshot."""

    id: int
    kind: str
    source: str
    digest: str
    imported_at: str
    by: str
    records: int
    problems: int


class FeedSnapshotsPage(ReadModel):
    """One page of feed snapshots, newest first."""

    total: int
    offset: int
    limit: int
    items: list[FeedSnapshotRead]


class MatchCreate(BaseModel):
    """What to re-match: a release, a product, or (neither) the portfolio the account sees."""

    model_config = ConfigDict(extra="forbid")

    product: str | None = Field(default=None, min_length=1, max_length=200)
    release: str | None = Field(default=None, min_length=1, max_length=200)
    full: bool = False
