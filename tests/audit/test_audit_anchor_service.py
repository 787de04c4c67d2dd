"""The audit log's keyed anchors: deleting the tail, emptying the log, or editing an event and
recomputing the chain after it no longer verify, and the check that failed is named."""

from __future__ import annotations

from datetime import UTC

import pytest
from sqlalchemy import delete, select, update

from medsec.audit import service as audit
from medsec.db.engine import make_session_factory
from medsec.db.uow import unit_of_work
from medsec.models import AuditCheckpoint, AuditEvent
from medsec.products import service as products
from medsec.products.schemas import ProductCreate

KEY = b"k" * 48


@pytest.fixture
def keyed(engine):
    """A keyed session factory with 205 events logged (two periodic checkpoints)."""
    factory = make_session_factory(engine, audit_key=KEY)
    with unit_of_work(factory) as s:
        products.create_product(s, data=ProductCreate(name="Pump", manufacturer="M"), actor="t")
        for i in range(204):
            audit.record(s, actor="t", action="test.event", object_type="x", object_id=i)
    return factory


def _check(factory, key=KEY):
    with factory() as s:
        return audit.verify(s, key=key)


def test_an_untouched_log_verifies_with_its_anchors(keyed):
    check = _check(keyed)
    assert check.ok and check.events == 205 and check.checkpoints == 3


def test_deleting_the_tail_is_detected(keyed):
    with unit_of_work(keyed) as s:
        top = s.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        s.execute(delete(AuditEvent).where(AuditEvent.id > top - 3))
    check = _check(keyed)
    assert check.failed == "truncated" and check.event_id == top


def test_deleting_every_event_is_detected_even_with_the_anchors(keyed):
    with unit_of_work(keyed) as s:
        s.execute(delete(AuditEvent))
    assert _check(keyed).failed == "emptied"
    with unit_of_work(keyed) as s:
        s.execute(delete(AuditCheckpoint))
    assert _check(keyed).failed == "emptied"


def test_editing_and_recomputing_the_chain_is_detected(keyed):
    with unit_of_work(keyed) as s:
        events = list(s.scalars(select(AuditEvent).order_by(AuditEvent.id)))
        events[10].details = {"forged": True}
        prev = events[9].hash
        for e in events[10:]:  # the attacker recomputes every hash after the edit
            if e.at.tzinfo is None:
                e.at = e.at.replace(tzinfo=UTC)
            e.prev_hash = prev
            e.hash = audit._digest(prev, e)
            prev = e.hash
    with keyed() as s:
        assert audit.verify_chain(s) is None  # the bare chain cannot see it
    check = _check(keyed)
    assert check.failed == "rewritten" and check.event_id in {events[99].id, events[-1].id}
    with unit_of_work(keyed) as s:  # ...and moves the anchors too, without the secret
        for a in s.scalars(select(AuditCheckpoint)):
            a.head_hash = s.get(AuditEvent, a.last_event_id).hash
    assert _check(keyed).failed == "anchor-key"


def test_a_missing_head_anchor_is_reported(keyed):
    with unit_of_work(keyed) as s:
        s.execute(delete(AuditCheckpoint).where(AuditCheckpoint.kind == "head"))
    assert _check(keyed).failed == "anchor-missing"


def test_another_instance_secret_does_not_verify_the_anchors(keyed):
    assert _check(keyed, key=b"x" * 48).failed == "anchor-key"
    with unit_of_work(keyed) as s:
        s.execute(update(AuditCheckpoint).values(mac=None))
    assert _check(keyed).failed == "anchor-key"
