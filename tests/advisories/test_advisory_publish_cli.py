"""Publishing through the CLI: roles, tracking rules (version increments, history sorted,
final stays final), immutable revisions, and an invalid document refused with nothing stored."""

from __future__ import annotations

import hashlib
import itertools
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson
import pytest
from _seed import READY, Case, add_accounts, add_update, seed
from sqlalchemy import select

from medsec.advisories import publish, service
from medsec.db.uow import unit_of_work
from medsec.export.csaf import csaf_filename
from medsec.ingest.csaf import CsafFailure, CsafValidation, validate_csaf
from medsec.models import AuditEvent, SecurityAdvisory, SecurityAdvisoryRevision, VexDecision

CASES = [
    Case("1.0", "openssl@1.1.1k", "CVE-2021-3711", "affected", action="Isolate the pump."),
    Case("1.0", "zlib@1.2.11", "CVE-2018-25032", "not_affected", "component_not_present"),
]


@pytest.fixture
def world(session_factory, monkeypatch) -> Any:
    """Accounts, one product with findings, and a clock that moves one minute per call."""
    with unit_of_work(session_factory) as s:
        add_accounts(s)
        found = seed(s, "InfuSafe", CASES, releases=("2.0",))
        add_update(
            s,
            "InfuSafe",
            "InfuSafe 2.0",
            "2.0",
            [found[("1.0", "openssl@1.1.1k", "CVE-2021-3711")]],
        )
    start = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    ticks = itertools.count()
    monkeypatch.setattr(service, "now", lambda: start + timedelta(minutes=next(ticks)))
    return session_factory


def as_(monkeypatch, name: str) -> None:
    """Act as account ``name`` in the next CLI calls."""
    monkeypatch.setenv("MEDSEC_ACTOR", name)


def revisions(sf: Any) -> list[SecurityAdvisoryRevision]:
    with unit_of_work(sf) as s:
        return list(
            s.execute(
                select(SecurityAdvisoryRevision).order_by(SecurityAdvisoryRevision.id)
            ).scalars()
        )


def actions(sf: Any) -> list[str]:
    with unit_of_work(sf) as s:
        return [e.action for e in s.execute(select(AuditEvent).order_by(AuditEvent.id)).scalars()]


def test_roles_versions_history_and_immutability(world, cli, monkeypatch, tmp_path: Path) -> None:
    as_(monkeypatch, "view")
    code, _, err = cli("advisory", "create", "--product", "InfuSafe", "--title", "T")
    assert code == 5 and "analyst" in err
    as_(monkeypatch, "ana")
    code, out, err = cli("advisory", "create", "--product", "InfuSafe", "--title", "Pump advisory")
    assert code == 0, err
    tid = out.split()[2].rstrip(":")
    assert tid == "ACMEMEDICAL-SA-2026-0001"
    assert "before publishing: the note on patient care is not written" in " ".join(out.split())
    code, _, err = cli("advisory", "publish", tid, "--summary", "Initial.")
    assert code == 5 and "reviewer" in err
    as_(monkeypatch, "rev")
    # no note on patient care written by a person, and the placeholder namespace: refused
    code, _, err = cli("advisory", "publish", tid, "--summary", "Initial.")
    flat = " ".join(err.split())
    assert code == 4 and "note on patient care is not written" in flat
    assert "psirt.example.com is a placeholder" in flat
    assert revisions(world) == []
    as_(monkeypatch, "ana")
    note = tmp_path / "note.txt"
    note.write_text(READY["clinician_note"], encoding="utf-8")
    assert cli("advisory", "edit", tid, "--note-file", str(note))[0] == 0
    as_(monkeypatch, "rev")
    code, _, err = cli("advisory", "publish", tid, "--summary", "Initial.")
    assert code == 4 and "placeholder" in err and "note on patient care" not in err
    as_(monkeypatch, "ana")
    code, _, err = cli("advisory", "edit", tid, "--namespace", "https://psirt.example.org")
    assert code == 0, err
    as_(monkeypatch, "rev")
    assert cli("advisory", "publish", tid, "--summary", "Initial.")[0] == 4  # also an example
    as_(monkeypatch, "ana")
    assert cli("advisory", "edit", tid, "--namespace", READY["namespace"])[0] == 0
    as_(monkeypatch, "rev")
    code, out, err = cli("advisory", "publish", tid, "--summary", "Initial.", "--status", "interim")
    assert code == 0, err
    assert revisions(world)[0].number == "1"
    code, _, _ = cli("advisory", "export", tid, "--format", "csaf", "--out", str(tmp_path))
    first_file = tmp_path / csaf_filename(tid)
    first = first_file.read_bytes()
    assert code == 0 and first == revisions(world)[0].csaf
    assert hashlib.sha256(first).hexdigest() == revisions(world)[0].sha256
    # a new decision, a refresh, and a second (final) revision
    with unit_of_work(world) as s:
        d = s.execute(select(VexDecision).where(VexDecision.status == "affected")).scalar_one()
        s.add(
            VexDecision(
                scope="release",
                product_id=d.product_id,
                release_id=d.release_id,
                component_key=d.component_key,
                vulnerability_id=d.vulnerability_id,
                status="not_affected",
                justification="vulnerable_code_not_in_execute_path",
                reason="the TLS stack never parses SM2",
                decided_by="cli:ana",
            )
        )
    as_(monkeypatch, "ana")
    code, out, _ = cli("advisory", "refresh", tid)
    assert code == 0 and "rebuilt" in out
    as_(monkeypatch, "rev")
    code, _, err = cli("advisory", "publish", tid, "--summary", "Not affected after analysis.")
    assert code == 0, err
    revs = revisions(world)
    assert [r.number for r in revs] == ["1", "2"] and revs[0].csaf == first  # immutable
    doc = orjson.loads(revs[1].csaf)
    t = doc["document"]["tracking"]
    assert (t["status"], t["version"]) == ("final", "2")
    assert [r["number"] for r in t["revision_history"]] == ["1", "2"]
    assert (
        t["initial_release_date"]
        == orjson.loads(first)["document"]["tracking"]["current_release_date"]
    )
    assert t["current_release_date"] > t["initial_release_date"]
    v = next(x for x in doc["vulnerabilities"] if x["cve"] == "CVE-2021-3711")
    assert "InfuSafe-1.0" in v["product_status"]["known_not_affected"]
    assert validate_csaf(revs[1].csaf, source="r2").valid
    code, _, err = cli("advisory", "publish", tid, "--summary", "x", "--status", "interim")
    assert code == 4 and "final" in err
    code, out, _ = cli("advisory", "show", tid, "--format", "json")
    shown = orjson.loads(out)
    assert (shown["status"], shown["version"], len(shown["revisions"])) == ("final", "2", 2)
    code, out, _ = cli("advisory", "list")
    assert tid in out and "final" in out
    code, out, _ = cli("advisory", "show", tid)
    assert code == 0 and "revision 2 final" in out and "revision 1 interim" in out
    (line,) = [x for x in out.splitlines() if x.strip().startswith("CVE-2021-3711:")]
    assert "fixed: InfuSafe-2.0;" in line and "known_not_affected: InfuSafe-1.0," in line
    target = tmp_path / "named.json"
    assert cli("advisory", "export", tid, "--out", str(target))[0] == 0
    assert target.read_bytes() == revs[1].csaf
    assert [a for a in actions(world) if a.startswith("advisory.")] == [
        "advisory.create",
        "advisory.edit",  # the note on patient care
        "advisory.edit",  # another example namespace
        "advisory.edit",  # the PSIRT's namespace
        "advisory.publish",
        "advisory.refresh",
        "advisory.publish",
    ]
    for fmt, stored in (("cyclonedx-vex", revs[1].cyclonedx_vex), ("openvex", revs[1].openvex)):
        code, out, _ = cli("advisory", "export", tid, "--format", fmt)
        assert code == 0 and out.encode() == stored + b"\n"


def test_invalid_document_is_refused_and_nothing_is_stored(world, cli, monkeypatch) -> None:
    as_(monkeypatch, "ana")
    code, _, _ = cli(
        "advisory", "create", "--product", "InfuSafe", "--title", "T", "--id", "ACME-1"
    )
    assert code == 0
    with unit_of_work(world) as s:
        service.edit(s, tracking_id="ACME-1", actor="cli:ana", **READY)
    bad = CsafValidation(
        "x",
        False,
        (CsafFailure("6.1.9", "score mismatch", "/vulnerabilities/0/scores/0", "mandatory"),),
        (),
        (),
    )
    monkeypatch.setattr(publish, "validate_csaf", lambda *a, **k: bad)
    as_(monkeypatch, "rev")
    code, _, err = cli("advisory", "publish", "ACME-1", "--summary", "Initial.")
    assert code == 2
    assert "6.1.9 at /vulnerabilities/0/scores/0" in err and "acme-1.json" in err
    assert revisions(world) == []
    with unit_of_work(world) as s:
        adv = s.execute(select(SecurityAdvisory)).scalar_one()
        assert (adv.status, adv.version) == ("draft", "0")
    assert "advisory.publish" not in actions(world)


def test_refusals(world, cli, monkeypatch) -> None:
    as_(monkeypatch, "ana")
    assert cli("advisory", "show", "NOPE")[0] == 3
    assert cli("advisory", "create", "--product", "Nope", "--title", "T")[0] == 3
    assert (
        cli("advisory", "create", "--product", "InfuSafe", "--title", "T", "--tlp", "PINK")[0] == 2
    )
    assert (
        cli("advisory", "create", "--product", "InfuSafe", "--title", "T", "--profile", "x")[0] == 2
    )
    assert (
        cli(
            "advisory", "create", "--product", "InfuSafe", "--title", "T", "--vuln", "CVE-1999-0001"
        )[0]
        == 3
    )
    code, _, err = cli(
        "advisory", "create", "--product", "InfuSafe", "--title", "T", "--release", "2.0"
    )
    assert code == 2 and "no active finding" in err and "InfuSafe 2.0" in err
    assert cli("advisory", "create", "--product", "InfuSafe", "--title", "T", "--id", "A-1")[0] == 0
    code, _, err = cli("advisory", "create", "--product", "InfuSafe", "--title", "T", "--id", "A-1")
    assert code == 4 and "A-1" in err
    as_(monkeypatch, "rev")
    assert cli("advisory", "publish", "A-1", "--summary", " ")[0] == 2
    assert cli("advisory", "publish", "A-1", "--summary", "s", "--status", "draft")[0] == 2
    assert cli("advisory", "export", "A-1", "--format", "pdf")[0] == 2
    assert revisions(world) == []


def test_product_access_and_note_file(world, cli, monkeypatch, tmp_path: Path) -> None:
    as_(monkeypatch, "admin")
    assert cli("account", "add", "other", "--role", "analyst", "--product", "Elsewhere")[0] == 0
    as_(monkeypatch, "other")
    code, _, err = cli("advisory", "create", "--product", "InfuSafe", "--title", "T")
    assert code == 3 and "no product named 'InfuSafe'" in err  # as if it did not exist
    as_(monkeypatch, "ana")
    missing = tmp_path / "missing-note.txt"
    code, _, err = cli(
        "advisory", "create", "--product", "InfuSafe", "--title", "T", "--note-file", str(missing)
    )
    assert code == 2 and "missing-note.txt" in err
    with unit_of_work(world) as s:
        assert s.execute(select(SecurityAdvisory)).first() is None
