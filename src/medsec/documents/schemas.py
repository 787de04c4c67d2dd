"""Read models of generated documents: sections of blocks, revisions and their diffs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from medsec.controls.schemas import ControlRead
from medsec.evidence.schemas import CoverageRead, EvidenceImportRead
from medsec.ingest.sysmodel_model import SystemModel
from medsec.lifecycle.schemas import ReleaseStatusRead
from medsec.tplc.schemas import PlanRead
from medsec.trace.schemas import MatrixRead

Format = Literal["html", "pdf"]


class Block(BaseModel):
    """One piece of a section: a paragraph, a table, a diagram, or a fact a person must write."""

    kind: Literal["text", "table", "svg", "chart", "missing"]
    text: str = ""
    headers: list[str] = Field(default_factory=list)
    rows: list[list[str]] = Field(default_factory=list)
    svg: str = ""


class SectionContent(BaseModel):
    """A section of a document: its id, heading and blocks."""

    id: str
    clause: str
    title: str
    blocks: list[Block]

    def text(self) -> str:
        """The section as plain text (the input compared by `docs diff`)."""
        lines = [f"# {self.title}"]
        for b in self.blocks:
            if b.kind == "table":
                lines.append(" | ".join(b.headers))
                lines += [" | ".join(r) for r in b.rows]
            elif b.kind == "svg":
                lines.append(f"[diagram sha256 {b.text}]")
            elif b.kind == "chart":
                lines.append(f"[chart] {b.text}: " + ", ".join(f"{k} {n}" for k, n in b.rows))
            elif b.kind == "missing":
                lines.append(f"TO COMPLETE: {b.text}")
            else:
                lines.append(b.text)
        return "\n".join(lines)


class DocumentContent(BaseModel):
    """Everything a rendered document shows."""

    kind: str
    title: str
    product: str
    manufacturer: str
    release: str
    lang: str
    generated_at: datetime
    parts: list[tuple[str, list[SectionContent]]]
    to_complete: list[str]

    def inputs(self) -> dict[str, str]:
        """Section id -> its text: the inputs the revision hashes and `docs diff` compares."""
        return {s.id: s.text() for _, sections in self.parts for s in sections}


class RevisionRead(BaseModel):
    """A stored document revision (the bytes are downloaded separately)."""

    id: int
    kind: str
    product: str
    release: str
    lang: str
    format: str
    markets: list[str]
    inputs_sha256: str
    output_sha256: str
    size: int
    to_complete: list[str]
    filename: str
    created_by: str
    created_at: datetime


class BuildRequest(BaseModel):
    """What to build."""

    kind: str = Field(max_length=20)
    product: str = Field(max_length=200)
    release: str = Field(max_length=100)
    lang: str = Field(default="en", max_length=5)
    format: Format = "html"
    markets: list[str] = Field(default_factory=list, max_length=10)


class SectionDiffRead(BaseModel):
    """One section's change between two revisions' inputs."""

    section: str
    status: Literal["added", "removed", "changed", "same"]
    diff: list[str]


class DiffRead(BaseModel):
    """What changed between a revision and a later one (or the records today)."""

    base: int
    against: int | None
    kind: str
    product: str
    release: str
    inputs_changed: bool
    sections: list[SectionDiffRead]


@dataclass(frozen=True, slots=True)
class ReleaseFacts:
    """The release as the records describe it."""

    version: str
    release_date: date | None
    use_environment: str
    clinical_function: str | None
    essential_performance: str | None
    interfaces: list[dict[str, Any]]


@dataclass(frozen=True, slots=True)
class FeedFacts:
    """The last import of one vulnerability database."""

    source_name: str
    imported_at: datetime | None
    records: int


@dataclass
class Facts:
    """Everything the records hold about one release for its documents (plain values)."""

    product: str
    manufacturer: str
    release: ReleaseFacts
    on: date
    model: SystemModel | None
    diagram: str | None
    matrix: MatrixRead | None
    controls: list[ControlRead]
    imports: list[EvidenceImportRead]
    coverage: CoverageRead
    components: list[dict[str, Any]]
    sbom_revision: int | None
    matched_at: datetime | None
    feeds: dict[str, FeedFacts]
    plan: PlanRead
    status: ReleaseStatusRead | None
    notes: list[str] = field(default_factory=list)
