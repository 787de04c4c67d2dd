"""Read models of verification evidence."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field


class EvidenceImportRead(BaseModel):
    """One imported evidence file."""

    id: int
    product: str
    release: str
    kind: str
    test_kind: str
    source_name: str
    sha256: str
    format: str
    tools: list[str]
    counts: dict[str, int]
    warnings: list[str]
    imported_by: str
    imported_at: datetime


class EvidenceResultRead(BaseModel):
    """One verification result."""

    id: int
    import_id: int
    source_name: str
    kind: str
    key: str
    outcome: str
    name: str
    level: str | None
    message: str | None
    location: str | None
    tool: str | None
    suite: str | None
    tags: list[str]
    triage: str | None
    triage_note: str | None = None


class CoverageRead(BaseModel):
    """Which seed 5.3 test kinds a release has evidence of."""

    product: str
    release: str
    kinds: dict[str, bool]
    imports: int
    results: int
    to_triage: int


class TriageCreate(BaseModel):
    """The triage of a failing result."""

    note: str = Field(min_length=1, max_length=20_000)
