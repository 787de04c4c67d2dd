"""`medsec serve` on the embedded database runs the scheduler beside the server (its own
thread, the collector left on) and stops it when the server stops; not in server mode, nor
with MEDSEC_SCHEDULER=0."""

from __future__ import annotations

import gc
import threading

import uvicorn

from medsec.app import serve_cli
from medsec.config import Settings


def _serve(monkeypatch, settings):
    seen = {}

    def fake_run(app, **kw):
        seen["threads"] = {t.name for t in threading.enumerate()}
        seen["gc"] = gc.isenabled()
        seen["port"] = kw["port"]

    monkeypatch.setattr(uvicorn, "run", fake_run)
    serve_cli.run_server(settings, host="127.0.0.1", port=8123)
    seen["after"] = {t.name for t in threading.enumerate()}
    return seen


def test_the_embedded_server_runs_the_scheduler_while_it_serves(monkeypatch, tmp_path):
    settings = Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'm.db'}")
    seen = _serve(monkeypatch, settings)
    assert seen["port"] == 8123 and seen["gc"] is True
    assert "medsec-scheduler" in seen["threads"]
    assert "medsec-scheduler" not in seen["after"]


def test_no_scheduler_when_turned_off_or_in_server_mode(monkeypatch, tmp_path):
    off = Settings(home=tmp_path, database_url=f"sqlite:///{tmp_path / 'm.db'}", scheduler=False)
    assert "medsec-scheduler" not in _serve(monkeypatch, off)["threads"]
    server = Settings(home=tmp_path, database_url="postgresql+psycopg://u@127.0.0.1:1/none")
    assert "medsec-scheduler" not in _serve(monkeypatch, server)["threads"]
