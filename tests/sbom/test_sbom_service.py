"""SBOM import, revisions and support information through the service, on both databases."""

from __future__ import annotations

from datetime import date

import orjson
import pytest
from sqlalchemy import func, select

from medsec.db.uow import unit_of_work
from medsec.errors import DocumentError, InvalidInput, NotFound
from medsec.models import Component, Product, Release, Sbom
from medsec.sbom import service


def cdx(components: list[dict], deps: list[dict] | None = None, spec: str = "1.6") -> bytes:
    """A small CycloneDX JSON document."""
    doc = {"bomFormat": "CycloneDX", "specVersion": spec, "version": 1, "components": components}
    if deps is not None:
        doc["dependencies"] = deps
    return orjson.dumps(doc)


LIB_A = {
    "type": "library",
    "bom-ref": "a",
    "name": "liba",
    "version": "1.0",
    "purl": "pkg:npm/liba@1.0",
}
LIB_B = {
    "type": "library",
    "bom-ref": "b",
    "name": "libb",
    "version": "2.0",
    "purl": "pkg:npm/libb@2.0",
}
FW = {
    "type": "firmware",
    "bom-ref": "fw",
    "name": "fw",
    "version": "3",
    "components": [{"type": "library", "bom-ref": "rtos", "name": "rtos", "version": "10.4.3"}],
}


def _import(session_factory, data: bytes, version: str = "1.0", name: str = "doc.json"):
    with unit_of_work(session_factory) as s:
        return service.import_sbom(
            s, data=data, source_name=name, product="Pump", version=version, actor="t"
        )


def _counts(session_factory) -> tuple[int, ...]:
    with unit_of_work(session_factory) as s:
        return tuple(
            s.execute(select(func.count()).select_from(t)).scalar_one()
            for t in (Product, Release, Sbom, Component)
        )


def test_import_creates_product_release_and_keeps_graph_and_nesting(session_factory):
    res = _import(session_factory, cdx([LIB_A, LIB_B, FW], [{"ref": "a", "dependsOn": ["b"]}]))
    assert res.created_product and res.created_release
    assert res.sbom.component_count == 4
    with unit_of_work(session_factory) as s:
        sbom = service.get_sbom(s, product="Pump", version="1.0")
        parsed = service.load_parsed(s, sbom)
        assert service.original_document(sbom) == cdx(
            [LIB_A, LIB_B, FW], [{"ref": "a", "dependsOn": ["b"]}]
        )
    by_ref = {c.ref: c for c in parsed.components}
    assert set(by_ref) == {"a", "b", "fw", "rtos"}
    assert by_ref["rtos"].parent_ref == "fw"
    assert by_ref["a"].purl == "pkg:npm/liba@1.0"
    assert ("a", "b") in parsed.dependencies


def test_reimport_is_a_new_revision_and_old_one_stays_readable(session_factory):
    _import(session_factory, cdx([LIB_A]))
    res = _import(session_factory, cdx([LIB_A, LIB_B]))
    assert res.sbom.revision == 2 and res.replaced_revision == 1
    assert not res.created_product and not res.created_release
    with unit_of_work(session_factory) as s:
        current = service.get_sbom(s, product="Pump", version="1.0")
        old = service.get_sbom(s, product="Pump", version="1.0", revision=1)
        assert current.revision == 2
        assert [c.name for c in service.components(s, old)] == ["liba"]
        assert sorted(c.name for c in service.components(s, current)) == ["liba", "libb"]
        assert [r.is_current for r in service.list_revisions(s, product="Pump", version="1.0")] == [
            False,
            True,
        ]


def test_bad_document_leaves_database_exactly_as_before(session_factory):
    _import(session_factory, cdx([LIB_A]))
    before = _counts(session_factory)
    no_type = {k: v for k, v in LIB_B.items() if k != "type"}  # a schema violation
    for data in (
        b'{"bomFormat": "CycloneDX", "specVersion": "1.6", "components": [',
        cdx([LIB_A, no_type]),
    ):
        with pytest.raises(DocumentError) as info:
            _import(session_factory, data, version="2.0", name="bad.json")
        assert info.value.source == "bad.json"
    assert _counts(session_factory) == before


def test_manual_support_is_set_audited_and_carried_to_next_revision(session_factory):
    _import(session_factory, cdx([LIB_A, LIB_B]))
    with unit_of_work(session_factory) as s:
        changed = service.set_support(
            s,
            product="Pump",
            version="1.0",
            component="liba@1.0",
            level="no_longer_maintained",
            end_of_support=date(2025, 1, 31),
            note="upstream archived",
            actor="t",
        )
        assert [c.ref for c in changed] == ["a"]
    res = _import(session_factory, cdx([LIB_A, LIB_B]))
    assert res.carried_support == 1
    with unit_of_work(session_factory) as s:
        comps = {c.ref: c for c in service.components(s, res.sbom)}
    assert comps["a"].support_level == "no_longer_maintained"
    assert comps["a"].end_of_support == date(2025, 1, 31)
    assert comps["a"].support_source == "manual"
    assert comps["b"].support_source is None


def test_support_rules(session_factory):
    _import(session_factory, cdx([LIB_A]))
    with unit_of_work(session_factory) as s:
        with pytest.raises(InvalidInput, match="unknown level of support"):
            service.set_support(
                s,
                product="Pump",
                version="1.0",
                component="liba",
                level="great",
                end_of_support=None,
                note=None,
                actor="t",
            )
        with pytest.raises(InvalidInput):
            service.set_support(
                s,
                product="Pump",
                version="1.0",
                component="liba",
                level=None,
                end_of_support=None,
                note=None,
                actor="t",
            )
        with pytest.raises(NotFound):
            service.set_support(
                s,
                product="Pump",
                version="1.0",
                component="nothing",
                level="unknown",
                end_of_support=None,
                note=None,
                actor="t",
            )
