"""`medsec demo --serve` and `medsec serve`: what they would serve, and the demo logins work."""

from __future__ import annotations

import re

from medsec.accounts import credentials
from medsec.app import demo_cli, serve_cli
from medsec.db.engine import make_engine, make_session_factory
from medsec.db.uow import unit_of_work


def test_demo_serve_prints_working_logins_and_serves_the_demo_database(cli, tmp_path, monkeypatch):
    served = {}

    def fake_run(settings, *, host, port):
        served.update(settings=settings, host=host, port=port)

    monkeypatch.setattr(demo_cli, "run_server", fake_run)
    home = tmp_path / "demo-ws"
    code, out, err = cli("demo", "--home", str(home), "--serve", "--port", "8123")
    assert code == 0, err
    logins = dict(re.findall(r"web login: account (\w+), password (\S+)", out))
    assert set(logins) == {"psirt", "reviewer"}
    assert served["host"] == "127.0.0.1" and served["port"] == 8123
    assert served["settings"].database_url == f"sqlite:///{home.resolve() / 'medsec.db'}"
    engine = make_engine(served["settings"].database_url)
    with unit_of_work(make_session_factory(engine)) as s:
        for name, password in logins.items():
            assert credentials.check_password(s, name=name, password=password).name == name
        assert credentials.check_password(s, name="psirt", password=logins["reviewer"]) is None
    engine.dispose()


def test_serve_runs_uvicorn_on_the_configured_database(cli, monkeypatch, db_url):
    served = {}
    monkeypatch.setattr(
        serve_cli, "run_server", lambda settings, *, host, port: served.update(s=settings, p=port)
    )
    code, _, err = cli("serve", "--port", "8765")
    assert code == 0, err
    assert served["p"] == 8765 and served["s"].database_url == db_url
    code, _, err = cli("serve", "--port", "0")
    assert code == 2 and "port" in err.lower()
