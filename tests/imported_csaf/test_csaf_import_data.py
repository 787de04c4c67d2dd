"""Importing others' CSAF advisories through the service, on SQLite and PostgreSQL: every real
CISA advisory, version handling, refusals of invalid documents, and exact product mapping."""

from __future__ import annotations

import json
from pathlib import Path

import _csaf_docs as docs
import pytest
from sqlalchemy import func, select

from medsec.accounts import service as accounts
from medsec.db.uow import unit_of_work
from medsec.errors import Conflict, DocumentError, PermissionDenied
from medsec.imported_csaf import queries
from medsec.imported_csaf.service import CsafRefused, import_csaf
from medsec.ingest.csaf import validate_csaf
from medsec.models import (
    AuditEvent,
    ImportedCsaf,
    ImportedCsafMapping,
    ImportedCsafProduct,
    ImportedCsafStatement,
    ImportedCsafVulnerability,
)

ACTOR = "cli:tester"
_TABLES = (
    ImportedCsaf,
    ImportedCsafProduct,
    ImportedCsafMapping,
    ImportedCsafVulnerability,
    ImportedCsafStatement,
    AuditEvent,
)
_TESTCASES = Path("csaf/oasis/csaf_2.0/test/validator/data")


@pytest.fixture
def sf(session_factory):
    """The session factory with an analyst account 'tester'."""
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="tester", roles=["analyst"], products=[], actor=ACTOR)
    return session_factory


def _import(sf, data: bytes, source: str, *, force: bool = False, sidecars=None):
    with unit_of_work(sf) as s:
        r = import_csaf(s, data=data, source=source, force=force, actor=ACTOR, sidecars=sidecars)
        return r.outcome, r.products, r.mapped, r.statements, r.document.id


def _counts(sf) -> dict[str, int]:
    with unit_of_work(sf) as s:
        return {
            m.__tablename__: s.execute(select(func.count()).select_from(m)).scalar_one()
            for m in _TABLES
        }


def _cisa(shared_data: Path) -> list[Path]:
    root = shared_data / "csaf" / "cisa" / "csaf_files"
    return sorted(p for p in root.rglob("*.json") if p.parent.name.isdigit())


def test_every_cisa_advisory_imports_with_its_sha512_and_again_unchanged(sf, shared_data):
    files = _cisa(shared_data)
    assert len(files) > 100
    expected_statements = 0
    for path in files:
        data = path.read_bytes()
        sidecar = path.with_name(path.name + ".sha512")
        assert sidecar.is_file(), path
        outcome, products, _, statements, _ = _import(
            sf, data, path.name, sidecars={"sha512": sidecar.read_bytes()}
        )
        assert outcome == "new", path.name
        doc = json.loads(data)
        assert products == len(_leaf_ids(doc)), path.name
        named = sum(
            len(ids)
            for v in doc.get("vulnerabilities", [])
            for ids in v.get("product_status", {}).values()
        )
        assert statements == named, path.name
        expected_statements += named
    counts = _counts(sf)
    assert counts["imported_csaf"] == len(files)
    assert counts["imported_csaf_statement"] == expected_statements
    with unit_of_work(sf) as s:
        rows = queries.list_documents(s)
        assert len(rows) == len(files)
        assert all(r.sidecars == {"sha512": "ok"} and r.valid for r in rows)
        assert len({r.tracking_id for r in rows}) == len(files)
    # the same files again: nothing is written
    for path in files[:10]:
        assert _import(sf, path.read_bytes(), path.name)[0] == "unchanged"
    assert _counts(sf) == counts


def _leaf_ids(doc: dict) -> set[str]:
    tree = doc.get("product_tree", {})
    ids = {p["product_id"] for p in tree.get("full_product_names", [])}
    ids |= {r["full_product_name"]["product_id"] for r in tree.get("relationships", [])}
    stack = list(tree.get("branches", []))
    while stack:
        b = stack.pop()
        if "product" in b:
            ids.add(b["product"]["product_id"])
        stack += b.get("branches", [])
    return ids


def test_a_mismatching_sha512_refuses_the_file_even_forced(sf, shared_data):
    path = _cisa(shared_data)[0]
    wrong = path.with_name(path.name + ".sha512").read_bytes().replace(b"a", b"b", 1)
    before = _counts(sf)
    with pytest.raises(DocumentError, match="sha512 checksum does not match"):
        _import(sf, path.read_bytes(), path.name, force=True, sidecars={"sha512": wrong})
    assert _counts(sf) == before


def test_a_newer_version_replaces_the_current_and_the_older_stays_readable(sf):
    v1 = docs.advisory()
    v2 = docs.advisory(version="2", date="2026-02-01T00:00:00.000Z", title="Acme (Update A)")
    assert _import(sf, docs.as_bytes(v1), "v1.json")[0] == "new"
    assert _import(sf, docs.as_bytes(v2), "v2.json")[0] == "replaced"
    assert _import(sf, docs.as_bytes(v1), "v1.json")[0] == "unchanged"
    with unit_of_work(sf) as s:
        current = queries.list_documents(s)
        assert [(d.tracking_id, d.version) for d in current] == [("ACME-2026-0001", "2")]
        assert len(queries.list_documents(s, all_versions=True)) == 2
        old = queries.get_document(s, tracking_id="ACME-2026-0001", version="1")
        assert (old.version, old.current, old.versions) == ("1", False, ["1", "2"])
        assert queries.get_document(s, tracking_id="ACME-2026-0001").title == "Acme (Update A)"
        actions = s.execute(select(AuditEvent.details).where(AuditEvent.action == "csaf.import"))
        assert [d["outcome"] for d in actions.scalars()] == ["new", "replaced"]


def test_an_older_version_is_stored_as_history_and_a_changed_same_version_conflicts(sf):
    v2 = docs.advisory(version="2", date="2026-02-01T00:00:00.000Z")
    assert _import(sf, docs.as_bytes(v2), "v2.json")[0] == "new"
    assert _import(sf, docs.as_bytes(docs.advisory()), "v1.json")[0] == "history"
    with unit_of_work(sf) as s:
        assert [d.version for d in queries.list_documents(s)] == ["2"]
    before = _counts(sf)
    edited = docs.advisory(version="2", date="2026-02-01T00:00:00.000Z", title="Edited")
    with pytest.raises(Conflict, match="version 2 is already stored with other content"):
        _import(sf, docs.as_bytes(edited), "v2-edited.json")
    assert _counts(sf) == before


def test_import_needs_the_analyst_role(session_factory):
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="admin", roles=["admin"], products=[], actor="cli:admin")
        accounts.add(s, name="viewer", roles=["viewer"], products=[], actor="cli:admin")
    with pytest.raises(PermissionDenied, match="analyst"):
        with unit_of_work(session_factory) as s:
            import_csaf(
                s, data=docs.as_bytes(docs.advisory()), source="a.json", force=False,
                actor="cli:viewer",
            )  # fmt: skip


def _oasis_examples(shared_data: Path) -> list[Path]:
    return sorted((shared_data / "csaf/oasis/csaf_2.0/examples/csaf").rglob("*.json"))


def test_oasis_examples_import_and_the_invalid_one_is_refused_then_forced(sf, shared_data):
    files = _oasis_examples(shared_data)
    invalid = [p for p in files if not validate_csaf(p.read_bytes(), source=p.name).valid]
    assert [p.name for p in invalid] == ["2022-evd-uc-08-001.json"]
    for p in files:
        if p in invalid:
            continue
        assert _import(sf, p.read_bytes(), p.name)[0] == "new", p.name
    before = _counts(sf)
    data = invalid[0].read_bytes()
    with pytest.raises(CsafRefused) as refused:
        _import(sf, data, invalid[0].name)
    assert {f.test_id for f in refused.value.failures} == {"6.1.27"}
    assert refused.value.location == refused.value.failures[0].path
    assert refused.value.location.startswith("/")
    assert "2022-evd-uc-08-001.json" in str(refused.value)
    assert _counts(sf) == before
    _import(sf, data, invalid[0].name, force=True)
    with unit_of_work(sf) as s:
        doc = queries.get_document(s, tracking_id="2022-EVD-UC-08-001")
    assert doc.valid is False
    assert {f["test"] for f in doc.failures} == {"6.1.27"}
    assert all(f["path"].startswith("/") for f in doc.failures)
    assert _counts(sf)["imported_csaf"] == len(files)


@pytest.mark.parametrize("test_id", ["6.1.1", "6.1.6", "6.1.8", "6.1.11", "6.1.13", "6.1.23"])
def test_must_fail_testcases_are_refused_with_test_and_pointer_and_forced_marked_invalid(
    sf, shared_data, test_id
):
    index = json.loads((shared_data / _TESTCASES / "testcases.json").read_text())
    case = next(t for t in index["tests"] if t["id"] == test_id)
    path = shared_data / _TESTCASES / case["failures"][0]["name"]
    data = path.read_bytes()
    before = _counts(sf)
    with pytest.raises(CsafRefused) as refused:
        _import(sf, data, path.name)
    failing = {f.test_id for f in refused.value.failures}
    assert test_id in failing
    assert all(f.path.startswith("/") for f in refused.value.failures)
    assert test_id in str(refused.value)
    assert _counts(sf) == before
    _import(sf, data, path.name, force=True)
    with unit_of_work(sf) as s:
        (row,) = queries.list_documents(s)
        assert row.valid is False
        assert test_id in {f["test"] for f in row.failures}
        assert queries.original_document(row) == data
