"""The audit head anchor is also kept outside the database (MEDSEC_HOME/audit-anchor.json):
an emptied database with no events, anchors, accounts or products left looks like a fresh
install from inside, and is detected by `medsec db verify-audit` through the file."""

from __future__ import annotations

import stat

import orjson
import pytest
from sqlalchemy import delete, select

from medsec.audit import outside
from medsec.audit import service as audit
from medsec.db.engine import make_session_factory
from medsec.db.uow import unit_of_work
from medsec.models import AuditEvent, Base

pytestmark = pytest.mark.db

KEY = b"k" * 48


def _empty_every_table(session_factory) -> None:
    """What someone with write access to the database can do: delete every row."""
    with unit_of_work(session_factory) as s:
        for table in reversed(Base.metadata.sorted_tables):
            s.execute(delete(table))


def test_an_emptied_database_is_detected_through_the_anchor_file(cli, session_factory, tmp_path):
    for n in range(3):
        assert cli("product", "add", f"P{n}", "--manufacturer", "M")[0] == 0
    path = tmp_path / "home" / "audit-anchor.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    written = orjson.loads(path.read_bytes())
    with session_factory() as s:
        top = s.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        assert (written["last_event_id"], written["events"]) == (top.id, 3)
        assert written["head_hash"] == top.hash and len(written["mac"]) == 64
    assert cli("db", "verify-audit")[0] == 0
    _empty_every_table(session_factory)
    code, out, err = cli("db", "verify-audit", "--format", "json")
    body = orjson.loads(out)
    assert code == 2 and body["failed"] == "emptied" and "records 3 events" in body["detail"]
    assert "audit-anchor.json" in err


def test_the_file_follows_commits_only_and_never_goes_back(engine, tmp_path):
    path = tmp_path / "anchor.json"
    factory = make_session_factory(engine, audit_key=KEY, audit_anchor_file=path)
    with unit_of_work(factory) as s:
        for i in range(2):
            audit.record(s, actor="t", action="test.event", object_type="x", object_id=i)
    assert outside.read(path).events == 2
    with pytest.raises(RuntimeError), unit_of_work(factory) as s:
        audit.record(s, actor="t", action="test.event", object_type="x", object_id=9)
        raise RuntimeError("rolled back")
    assert outside.read(path).events == 2  # nothing committed, nothing written
    outside.write(path, outside.OutsideAnchor(1, 1, "0" * 64, None))  # an older anchor
    assert outside.read(path).events == 2
    with factory() as s:
        assert audit.verify(s, key=KEY, anchor_file=path).ok


def test_a_tampered_or_garbage_anchor_file_is_reported(engine, tmp_path):
    path = tmp_path / "anchor.json"
    factory = make_session_factory(engine, audit_key=KEY, audit_anchor_file=path)
    with unit_of_work(factory) as s:
        audit.record(s, actor="t", action="test.event", object_type="x")
    doc = orjson.loads(path.read_bytes())
    path.write_bytes(orjson.dumps(doc | {"events": 5}))
    with factory() as s:
        assert audit.verify(s, key=KEY, anchor_file=path).failed == "anchor-key"
        assert audit.verify(s, key=None, anchor_file=path).failed == "truncated"
    path.write_bytes(b"not json")
    with factory() as s:
        assert audit.verify(s, key=KEY, anchor_file=path).failed == "anchor-file"
    path.unlink()
    with factory() as s:  # no file yet (an instance from before, or a fresh home): no check
        assert audit.verify(s, key=KEY, anchor_file=path).ok
