"""The jobs API and admin page on both databases: admins see jobs and runs and start one; other
accounts get 403; starting is audited and the run appears in the history."""

from __future__ import annotations

import re
import time

import pytest
from fastapi.testclient import TestClient

from medsec.accounts import credentials
from medsec.accounts import service as accounts
from medsec.app.api import create_app
from medsec.config import Settings
from medsec.db.uow import unit_of_work

ADMIN = "cli:ana"


@pytest.fixture
def api(session_factory, db_url, tmp_path):
    tokens = {}
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="ana", roles=["admin"], products=[], actor=ADMIN)
        accounts.add(s, name="vic", roles=["viewer"], products=[], actor=ADMIN)
        for name in ("ana", "vic"):
            tokens[name] = credentials.issue_token(s, name=name, label="t", actor=ADMIN).secret
            credentials.set_password(s, name=name, password=f"pw-{name}-horse-staple", actor=ADMIN)
    settings = Settings(
        home=tmp_path / "home", database_url=db_url, actor="test", secret_key="k" * 48
    )
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client, {k: {"Authorization": f"Bearer {v}"} for k, v in tokens.items()}


def _wait_for_run(client, auth, job):
    end = time.monotonic() + 60
    while time.monotonic() < end:
        runs = client.get(f"/api/v1/jobs/runs?job={job}", headers=auth).json()
        if runs and runs[0]["status"] != "running":
            return runs
        time.sleep(0.3)
    raise AssertionError(f"no finished run of {job}")


def test_admins_list_start_and_follow_jobs_over_the_api(api, engine):
    client, auth = api
    listed = client.get("/api/v1/jobs", headers=auth["ana"])
    assert listed.status_code == 200
    assert {"feed-sync", "rematch", "cvd-deadlines", "notifications-deliver"} <= {
        j["name"] for j in listed.json()
    }
    started = client.post("/api/v1/jobs/cvd-deadlines/runs", headers=auth["ana"])
    assert started.status_code == 202
    assert started.json()["job"] == "cvd-deadlines"
    assert started.json()["queued"] is (started.json()["queue_job_id"] is not None)
    if started.json()["queued"]:  # server mode: the queue has it for the workers
        from sqlalchemy import text

        with engine.begin() as conn:
            row = conn.execute(
                text("SELECT task_name, status::text FROM procrastinate_jobs WHERE id = :i"),
                {"i": started.json()["queue_job_id"]},
            ).one()
            conn.execute(text("DELETE FROM procrastinate_jobs"))
        assert tuple(row) == ("medsec.cvd-deadlines", "todo")
        return
    runs = _wait_for_run(client, auth["ana"], "cvd-deadlines")
    assert runs[0]["status"] == "succeeded" and runs[0]["trigger"] == "manual"
    assert runs[0]["actor"] == "api:ana"


def test_other_accounts_and_strangers_are_refused(api):
    client, auth = api
    assert client.get("/api/v1/jobs", headers=auth["vic"]).status_code == 403
    assert client.get("/api/v1/jobs/runs", headers=auth["vic"]).status_code == 403
    refused = client.post("/api/v1/jobs/rematch/runs", headers=auth["vic"])
    assert refused.status_code == 403
    assert refused.headers["content-type"].startswith("application/problem+json")
    assert client.get("/api/v1/jobs").status_code == 401
    missing = client.post("/api/v1/jobs/nope/runs", headers=auth["ana"])
    assert missing.status_code == 404 and "feed-sync" in missing.json()["detail"]
    assert client.get("/api/v1/jobs/runs?limit=0", headers=auth["ana"]).status_code == 422


def _login(client, name):
    form = client.get("/login")
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
    done = client.post(
        "/login",
        data={"name": name, "password": f"pw-{name}-horse-staple", "token": token, "next": "/"},
    )
    assert done.status_code == 303


def test_the_admin_page_shows_jobs_and_runs_one_with_the_csrf_token(api):
    client, _auth = api
    _login(client, "ana")
    page = client.get("/admin/jobs")
    assert page.status_code == 200
    assert "Tell the security roles of CVD deadlines near or passed" in page.text
    assert '<a href="/admin/jobs">Jobs</a>' in page.text  # in the admin's menu
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    assert client.post("/admin/jobs/rematch/run", data={"csrf": "forged"}).status_code == 403
    ran = client.post("/admin/jobs/rematch/run", data={"csrf": csrf})
    assert ran.status_code == 303 and ran.headers["location"] == "/admin/jobs?started=rematch"
    assert "Started rematch" in client.get(ran.headers["location"]).text


def test_the_admin_page_is_for_admins_only(api):
    client, _auth = api
    _login(client, "vic")
    assert client.get("/admin/jobs").status_code == 403
    assert "/admin/jobs" not in client.get("/advisories").text  # not in a viewer's menu
