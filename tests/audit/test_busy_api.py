"""A database that stays busy past the wait answers 503 with Retry-After, never a 500."""

from __future__ import annotations

import sqlite3

from fastapi.testclient import TestClient
from sqlalchemy.exc import OperationalError

from medsec.accounts import credentials
from medsec.app.api import create_app
from medsec.config import Settings


def _locked(*_a, **_k):
    raise OperationalError("SELECT 1", {}, sqlite3.OperationalError("database is locked"))


def test_login_and_api_answer_503_with_retry_after_when_the_database_is_busy(
    engine, db_url, tmp_path, monkeypatch
):
    settings = Settings(home=tmp_path / "h", database_url=db_url, secret_key="k" * 48)
    monkeypatch.setattr(credentials, "check_password", _locked)
    monkeypatch.setattr(credentials, "account_for_token", _locked)
    with TestClient(create_app(settings), raise_server_exceptions=False) as c:
        form = c.get("/login")
        token = form.text.split('name="token" value="', 1)[1].split('"', 1)[0]
        r = c.post("/login", data={"name": "a", "password": "b", "token": token})
        assert r.status_code == 503 and r.headers["Retry-After"] == "2"
        assert "busy" in r.text
        r = c.get("/api/v1/products", headers={"Authorization": "Bearer x"})
        assert r.status_code == 503 and r.headers["Retry-After"] == "2"
        assert r.json()["type"] == "urn:medsec:problem:busy"
