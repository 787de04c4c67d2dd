"""The fast import path (lean mapping, all-NULL columns left out of the INSERT) stores exactly
the rows the general path stores, for every real SBOM."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from medsec.db.uow import unit_of_work
from medsec.ingest.cyclonedx_mapper import Mapper
from medsec.models import AuditEvent, Component, Release, Sbom
from medsec.sbom import convert, service

DATA = Path(
    os.environ.get("MEDSEC_SHARED_DATA") or Path(__file__).resolve().parents[3] / "shared" / "data"
)
_SKIP = (".md", ".txt", ".tsv")
REAL = sorted(
    str(p.relative_to(DATA))
    for p in (DATA / "sboms").rglob("*")
    if p.is_file() and p.suffix in (".json", ".xml") and not p.name.endswith(_SKIP)
)
_SBOM_COLUMNS = (
    "format",
    "spec_version",
    "encoding",
    "serial_number",
    "document_version",
    "document_name",
    "document_created",
    "authors",
    "tools",
    "primary",
    "sha256",
    "size",
    "original",
    "component_count",
    "warnings",
    "dependencies",
)


def _stored(session_factory: Any, product: str) -> dict[str, Any]:
    """Per release version: the SBOM row's values and every component row but its ids."""
    out: dict[str, Any] = {}
    with unit_of_work(session_factory) as s:
        rows = s.execute(
            select(Release.version, Sbom).join(Sbom, Sbom.release_id == Release.id)
        ).all()
        for version, sbom in rows:
            if sbom.imported_by != product:
                continue
            comps = s.execute(
                select(Component).where(Component.sbom_id == sbom.id).order_by(Component.id)
            ).scalars()
            out[version] = (
                tuple(getattr(sbom, c) for c in _SBOM_COLUMNS),
                [
                    tuple(
                        getattr(c, col.name)
                        for col in Component.__table__.columns
                        if col.name not in ("id", "sbom_id")
                    )
                    for c in comps
                ],
            )
    return out


@pytest.mark.shared_data
def test_fast_and_general_paths_store_identical_rows(
    shared_data: Path, session_factory: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = []
    for rel in REAL:
        data = (shared_data / rel).read_bytes()
        if b"CycloneDX" in data[:4096] or b"cyclonedx.org/schema/bom" in data[:4096]:
            docs.append((rel, data))
    assert len(docs) > 50

    def import_all(actor: str) -> None:
        for i, (rel, data) in enumerate(docs):
            with unit_of_work(session_factory) as s:
                service.import_sbom(
                    s,
                    data=data,
                    source_name=rel,
                    product=f"Pump {actor}",
                    version=str(i),
                    actor=actor,
                    lenient=True,
                    allow_empty=True,  # some conformance BOMs list no components
                )

    import_all("fast")
    monkeypatch.setattr(Mapper, "lean", lambda self, c, loc, parent: None)
    monkeypatch.setattr(convert, "drop_null_columns", lambda columns, rows: (columns, rows))
    import_all("general")
    fast, general = _stored(session_factory, "fast"), _stored(session_factory, "general")
    assert len(fast) == len(docs)
    assert sum(len(comps) for _sbom, comps in fast.values()) > 20_000
    for version, (rel, data) in enumerate(docs):
        assert fast[str(version)] == general[str(version)], rel
        sbom_values = fast[str(version)][0]
        assert service.zlib.decompress(sbom_values[_SBOM_COLUMNS.index("original")]) == data
    with unit_of_work(session_factory) as s:
        events = s.execute(select(AuditEvent).where(AuditEvent.action == "sbom.import")).all()
    assert len(events) == 2 * len(docs)


def test_drop_null_columns_keeps_every_value() -> None:
    columns = ("sbom_id", "ref", "parent_ref", "scope", "hashes", "support_note")
    rows = [(1, "a", None, "required", "[]", None), (1, "b", None, None, "[]", None)]
    kept, trimmed = convert.drop_null_columns(columns, rows)
    assert kept == ("sbom_id", "ref", "scope", "hashes")
    assert trimmed == [(1, "a", "required", "[]"), (1, "b", None, "[]")]
    assert convert.drop_null_columns(columns[:2], [(1, None)]) == (("sbom_id", "ref"), [(1, None)])
    assert convert.drop_null_columns(columns, []) == (columns, [])
    with pytest.raises(ValueError):
        convert.drop_null_columns(columns, [(1, "a")])
