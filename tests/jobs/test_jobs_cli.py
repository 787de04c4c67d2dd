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
