"""The races the concurrent test exposed, made deterministic: a lookup that misses a row
another writer just committed (get-or-create, duplicate names), and the audit append lock."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import func, select

from medsec.audit import service as audit
from medsec.db.uow import unit_of_work
from medsec.errors import Conflict
from medsec.models import AuditEvent, Manufacturer
from medsec.products import repository as repo
from medsec.products import service
from medsec.products.schemas import ProductCreate, ReleaseCreate


def _blind(monkeypatch, name: str) -> None:
    """Make the repository's lookup miss what is stored, as a racing writer's lookup would."""
    monkeypatch.setattr(repo, name, lambda *_a, **_k: None)


def test_get_or_create_manufacturer_survives_a_concurrent_insert(session_factory, monkeypatch):
    with unit_of_work(session_factory) as s:
        first = service.get_or_create_manufacturer(s, "Shared Maker")
    real = repo.manufacturer_by_name
    calls = []

    def racing(session, name):
        calls.append(name)
        return None if len(calls) == 1 else real(session, name)

    monkeypatch.setattr(repo, "manufacturer_by_name", racing)
    with unit_of_work(session_factory) as s:
        again = service.get_or_create_manufacturer(s, "Shared Maker")
        assert again.id == first.id
        service.create_product(s, data=ProductCreate(name="P", manufacturer="Other"), actor="t")
    with session_factory() as s:
        assert s.scalar(select(func.count()).select_from(Manufacturer)) == 2


def test_a_product_or_release_name_taken_by_a_racing_writer_is_a_conflict(
    session_factory, monkeypatch
):
    with unit_of_work(session_factory) as s:
        service.create_product(s, data=ProductCreate(name="Pump", manufacturer="M"), actor="t")
        service.create_release(s, product="Pump", data=ReleaseCreate(version="1.0"), actor="t")
    _blind(monkeypatch, "release_by_version")
    with unit_of_work(session_factory) as s:
        with pytest.raises(Conflict, match="already exists"):
            service.create_release(s, product="Pump", data=ReleaseCreate(version="1.0"), actor="t")
    _blind(monkeypatch, "product_by_name")
    with unit_of_work(session_factory) as s:
        with pytest.raises(Conflict, match="already exists"):
            service.create_product(s, data=ProductCreate(name="Pump", manufacturer="M"), actor="t")


def test_appends_from_threads_never_share_a_previous_hash(session_factory):
    start = threading.Barrier(8)
    errors: list[BaseException] = []

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(5):
                with unit_of_work(session_factory) as s:
                    audit.record(s, actor=f"t{n}", action="test.race", object_type="x", object_id=i)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with session_factory() as s:
        assert audit.verify_chain(s) is None
        prevs = s.scalars(select(AuditEvent.prev_hash)).all()
        assert len(prevs) == 40 and len(set(prevs)) == 40
