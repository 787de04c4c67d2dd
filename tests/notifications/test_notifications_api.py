"""The notification preferences API on both databases: one's own preferences, the secret once,
problems naming the field, and deliveries."""

from __future__ import annotations

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
        accounts.add(s, name="pam", roles=["analyst"], products=["Pump"], actor=ADMIN)
        for name in ("ana", "pam"):
            tokens[name] = credentials.issue_token(s, name=name, label="t", actor=ADMIN).secret
    settings = Settings(home=tmp_path / "home", database_url=db_url, secret_key="k" * 48)
    with TestClient(create_app(settings), follow_redirects=False) as client:
        yield client, {k: {"Authorization": f"Bearer {v}"} for k, v in tokens.items()}


def test_an_account_manages_its_own_preferences(api):
    client, auth = api
    made = client.post(
        "/api/v1/notifications/preferences",
        headers=auth["pam"],
        json={
            "channel": "webhook",
            "target": "https://ci.example/hooks/medsec",
            "events": ["kev.hit", "finding.new"],
            "product": "Pump",
            "min_severity": "critical",
        },
    )
    assert made.status_code == 201
    body = made.json()
    assert body["account"] == "pam" and body["events"] == ["finding.new", "kev.hit"]
    assert len(body["secret"]) >= 40
    listed = client.get("/api/v1/notifications/preferences", headers=auth["pam"]).json()
    assert [p["id"] for p in listed] == [body["id"]] and listed[0]["secret"] is None
    assert client.get("/api/v1/notifications/deliveries", headers=auth["pam"]).json() == []
    gone = client.delete(f"/api/v1/notifications/preferences/{body['id']}", headers=auth["pam"])
    assert gone.status_code == 200
    assert client.get("/api/v1/notifications/preferences", headers=auth["pam"]).json() == []


def test_bad_preferences_are_problems_and_others_need_an_admin(api):
    client, auth = api
    url = "/api/v1/notifications/preferences"
    bad_kind = client.post(
        url,
        headers=auth["pam"],
        json={"channel": "email", "target": "p@x.example", "events": ["x"]},
    )
    assert bad_kind.status_code == 422 and "unknown event 'x'" in bad_kind.json()["detail"]
    bad_channel = client.post(
        url,
        headers=auth["pam"],
        json={"channel": "sms", "target": "+15550100", "events": ["kev.hit"]},
    )
    assert bad_channel.status_code == 422
    assert "channel" in str(bad_channel.json())
    not_mine = client.post(
        url,
        headers=auth["pam"],
        json={"channel": "email", "target": "a@x.example", "events": ["kev.hit"], "account": "ana"},
    )
    assert not_mine.status_code == 403
    by_admin = client.post(
        url,
        headers=auth["ana"],
        json={"channel": "email", "target": "p@x.example", "events": ["kev.hit"], "account": "pam"},
    )
    assert by_admin.status_code == 201 and by_admin.json()["account"] == "pam"
    assert client.get(url, headers=auth["ana"]).json()[0]["account"] == "pam"
    assert client.get(url).status_code == 401
