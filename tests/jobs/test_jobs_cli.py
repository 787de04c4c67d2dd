"""`medsec jobs` on both databases: list, run, history in table and JSON; errors and exit codes."""

from __future__ import annotations

import orjson


def test_an_admin_lists_runs_and_reads_the_history(cli):
    assert cli("account", "add", "tester", "--role", "admin")[0] == 0
    code, out, _ = cli("jobs", "list", "--format", "json")
    assert code == 0
    jobs = {j["job"]: j for j in orjson.loads(out)}
    assert jobs["feed-sync"]["every_seconds"] == 86400
    assert jobs["rematch"]["last_status"] is None
    code, out, _ = cli("jobs", "run", "rematch", "--format", "json")
    assert code == 0
    run = orjson.loads(out)
    assert (run["job"], run["status"], run["trigger"], run["actor"]) == (
        "rematch",
        "succeeded",
        "manual",
        "cli:tester",
    )
    assert run["summary"]["new"] == 0
    code, out, _ = cli("jobs", "history", "--format", "json")
    assert [r["job"] for r in orjson.loads(out)] == ["rematch"]
    code, out, _ = cli("jobs", "history")
    assert code == 0 and "rematch" in out and "succeeded" in out
    code, out, _ = cli("jobs", "list")
    assert code == 0 and "every 1 hour(s)" in out


def test_errors_name_the_job_and_follow_the_exit_codes(cli):
    assert cli("account", "add", "tester", "--role", "admin")[0] == 0
    code, _, err = cli("jobs", "run", "nope")
    assert code == 3 and "no job 'nope'" in err and "feed-sync" in err
    assert cli("account", "add", "vic", "--role", "viewer")[0] == 0


def test_non_admins_are_refused_with_exit_5(cli, monkeypatch):
    assert cli("account", "add", "tester", "--role", "admin")[0] == 0
    assert cli("account", "add", "vic", "--role", "viewer")[0] == 0
    monkeypatch.setenv("MEDSEC_ACTOR", "vic")
    for args in (("jobs", "list"), ("jobs", "history"), ("jobs", "run", "rematch")):
        code, _, err = cli(*args)
        assert code == 5 and "admin" in err


def test_deferring_needs_the_postgresql_queue(cli, db_url, engine):
    assert cli("account", "add", "tester", "--role", "admin")[0] == 0
    if db_url.startswith("sqlite"):
        code, _, err = cli("jobs", "run", "rematch", "--defer")
        assert code == 2 and "needs PostgreSQL" in err
        code, _, err = cli("worker")
        assert code == 2 and "needs PostgreSQL" in err
    else:
        code, out, _ = cli("jobs", "run", "rematch", "--defer", "--format", "json")
        assert code == 0
        queued = orjson.loads(out)
        assert queued["queued"] is True and queued["queue_job_id"] > 0
        from sqlalchemy import text

        with engine.begin() as conn:
            task = conn.execute(
                text("DELETE FROM procrastinate_jobs WHERE id = :i RETURNING task_name"),
                {"i": queued["queue_job_id"]},
            ).scalar()
        assert task == "medsec.rematch"


def _audited_job(ctx):
    """A job whose work is audited, as a real one's is (a feed import, a deadline notice)."""
    from medsec.audit import service as audit

    with ctx.uow() as session:
        audit.record(session, actor=ctx.actor, action="test.job", object_type="job")
    return {"audited": 1}


def test_a_background_job_keeps_the_audit_chain_verifiable(
    cli, session_factory, tmp_path, monkeypatch
):
    """A job run in its own process (the embedded scheduler's child) writes its audit events
    with the installation's keyed anchors and head-anchor file, so the head anchor stays keyed
    (an unkeyed one could be recomputed by anyone who can write the database)."""
    from sqlalchemy import select

    from medsec.jobs import catalog, runner
    from medsec.jobs.schemas import JobSpec
    from medsec.models import AuditCheckpoint, AuditEvent

    spec = JobSpec("audited-test-job", "writes one audit event", 3600, _audited_job)
    monkeypatch.setitem(catalog._registered, spec.name, spec)  # gone after the test
    assert cli("product", "add", "Pump", "--manufacturer", "M")[0] == 0
    assert runner.main(["audited-test-job", "manual", "tester"]) == 0
    with session_factory() as s:
        last = s.scalar(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1))
        head = s.scalar(select(AuditCheckpoint).where(AuditCheckpoint.kind == "head"))
    assert last.action == "test.job" and head.last_event_id == last.id
    assert head.mac is not None and len(head.mac) == 64
    written = orjson.loads((tmp_path / "home" / "audit-anchor.json").read_bytes())
    assert written["last_event_id"] == last.id and written["mac"] == head.mac
    code, out, err = cli("db", "verify-audit", "--format", "json")
    assert code == 0, out + err
    assert orjson.loads(out)["ok"] is True
