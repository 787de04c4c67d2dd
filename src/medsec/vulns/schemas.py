"""Typed shapes of the feed import and re-match API."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from medsec.core.schemas import ReadModel


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
