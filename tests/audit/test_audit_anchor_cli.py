"""`medsec db verify-audit` names the check that failed, in a table or in JSON."""

from __future__ import annotations

import orjson
from sqlalchemy import delete, select

from medsec.db.uow import unit_of_work
from medsec.models import AuditEvent


def test_verify_audit_reports_which_check_failed(cli, session_factory):
    for n in range(3):
        assert cli("product", "add", f"P{n}", "--manufacturer", "M")[0] == 0
    code, out, _ = cli("db", "verify-audit")
    assert code == 0 and "3 events" in out
    code, out, _ = cli("db", "verify-audit", "--format", "json")
    assert code == 0 and orjson.loads(out)["ok"] is True
    with unit_of_work(session_factory) as s:
        top = s.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1))
        s.execute(delete(AuditEvent).where(AuditEvent.id == top))
    code, out, err = cli("db", "verify-audit", "--format", "json")
    assert code == 2 and "truncated" in err
    body = orjson.loads(out)
    assert body["ok"] is False and body["failed"] == "truncated" and body["event_id"] == top


def test_an_sbom_export_is_audited(cli, session_factory, tmp_path):
    doc = tmp_path / "a.cdx.json"
    doc.write_text(
        '{"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": '
        '[{"type": "library", "name": "zlib", "version": "1.3", "purl": "pkg:generic/zlib@1.3"}]}'
    )
    assert cli("account", "add", "tester", "--role", "analyst")[0] == 0  # exports need one
    assert cli("product", "add", "Pump", "--manufacturer", "M")[0] == 0
    assert cli("release", "add", "1.0", "--product", "Pump")[0] == 0
    code, _, err = cli("sbom", "import", str(doc), "--product", "Pump", "--release", "1.0")
    assert code == 0, err
    code, out, _ = cli("sbom", "export", "--product", "Pump", "--release", "1.0")
    assert code == 0 and "zlib" in out
    with session_factory() as s:
        (event,) = s.scalars(select(AuditEvent).where(AuditEvent.action == "sbom.export"))
        assert event.actor == "cli:tester"
        assert event.details == {
            "product": "Pump",
            "release": "1.0",
            "revision": 1,
            "format": "cyclonedx-json",
        }
