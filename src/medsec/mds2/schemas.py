"""Read models of MDS2 statements (written by medsec, or read from a vendor's workbook)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class Mds2AnswerRead(BaseModel):
    """One answered question of a statement medsec wrote."""

    id: str
    section: str
    question: str
    answer: str
    note: str
    source: str


class Mds2OpenRead(BaseModel):
    """A question medsec left blank, and why."""

    id: str
    section: str
    question: str
    why: str


class Mds2ExportRead(BaseModel):
    """What an MDS2 export wrote: the answers from the records and the questions left open."""

    product: str
    release: str
    document_id: str
    file: str | None = None
    questions: int
    answers: list[Mds2AnswerRead]
    to_answer: list[Mds2OpenRead]


class VendorAnswerRead(BaseModel):
    """One answer read from a vendor's statement, with the sheet and row it came from."""

    id: str
    section: str
    question: str
    answer: str
    note: str
    sheet: str
    row: int
    formula: bool = Field(default=False, description="the cell held a formula, kept as text")


class UnknownIdRead(BaseModel):
    """A cell shaped like a question id that the form does not have."""

    sheet: str
    row: int
    id: str


class Mds2StatementRead(BaseModel):
    """A vendor's MDS2 statement read back into structured answers."""

    source: str
    answers: list[VendorAnswerRead]
    unknown: list[UnknownIdRead]
    warnings: list[str]


class JahisItemRead(BaseModel):
    """One line of the MDS/SDS sheet: blank ``value`` means medsec has no record of it."""

    key: str
    label: str
    value: str
    source: str
    basis: str


class JahisGapRead(BaseModel):
    """Something the MDS/SDS sheet does not cover, and why."""

    what: str
    why: str


class JahisRead(BaseModel):
    """What `medsec mds2 jahis` wrote."""

    product: str
    release: str
    lang: str
    file: str | None = None
    items: list[JahisItemRead]
    not_covered: list[JahisGapRead]
