"""The audit chain holds under concurrent writers: 16 at once through a real `medsec serve`
(threads posting public reports and failed logins) and parallel `medsec product add` processes
sharing one manufacturer; afterwards `verify-audit` is clean, on SQLite and PostgreSQL."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx2 as httpx
from sqlalchemy import func, select

from medsec.audit import service as audit
from medsec.models import AuditEvent, Manufacturer, Product

API_THREADS = 8
CLI_PROCESSES = 8
PER_WRITER = 3
REPORT = {
    "product": "Infusion pump IP-200",
    "version": "4.1.2",
    "description": "The telemetry service accepts unauthenticated firmware uploads on 8443.",
}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _env(tmp_path: Path, db_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        MEDSEC_HOME=str(tmp_path / "home"),
        MEDSEC_DATABASE_URL=db_url,
        MEDSEC_SECRET_KEY="s" * 48,
        MEDSEC_REPORT_BURST="10000",
        MEDSEC_ACTOR="racer",
    )
    return env


def _medsec(*args: str) -> list[str]:
    return [sys.executable, "-m", "medsec", *args]


def _wait_up(base: str, server: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"medsec serve exited: {server.stderr.read()!r}")  # type: ignore[union-attr]
        try:
            if httpx.get(f"{base}/.well-known/security.txt", timeout=2).status_code < 500:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise AssertionError("medsec serve did not come up")


def test_sixteen_writers_through_the_api_and_the_cli_keep_the_chain_whole(
    engine, session_factory, db_url, tmp_path
):
    env = _env(tmp_path, db_url)
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = subprocess.Popen(
        _medsec("serve", "--port", str(port)),
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    statuses: list[int] = []
    try:
        _wait_up(base, server)
        start = threading.Barrier(API_THREADS)

        def api_writer(n: int) -> None:
            with httpx.Client(base_url=base, timeout=120) as c:
                start.wait()
                for i in range(PER_WRITER):
                    r = c.post("/api/v1/cvd/reports", json=REPORT | {"version": f"4.{n}.{i}"})
                    statuses.append(r.status_code)
                    form = c.get("/login")
                    token = re.search(r'name="token" value="([^"]+)"', form.text)
                    assert token, form.text
                    r = c.post(
                        "/login",
                        data={"name": f"nobody{n}", "password": "wrong", "token": token.group(1)},
                    )
                    statuses.append(r.status_code)

        threads = [threading.Thread(target=api_writer, args=(n,)) for n in range(API_THREADS)]
        cmds = [
            "; ".join(
                f"main(['product', 'add', 'P{n}-{i}', '--manufacturer', 'Shared Maker'])"
                for i in range(PER_WRITER)
            )
            for n in range(CLI_PROCESSES)
        ]
        procs = [
            subprocess.Popen(
                [sys.executable, "-c", f"from medsec.app.cli import main\n{_loop(c)}"],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
            )
            for c in cmds
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        outcomes = [(*p.communicate(timeout=300), p.returncode) for p in procs]
    finally:
        server.terminate()
        server.communicate(timeout=30)
    assert [o for o in outcomes if o[2] != 0] == []
    assert 500 not in statuses and statuses.count(201) == API_THREADS * PER_WRITER
    with session_factory() as s:
        assert audit.verify_chain(s) is None
        heads = s.execute(
            select(AuditEvent.prev_hash, func.count()).group_by(AuditEvent.prev_hash)
        ).all()
        assert [h for h in heads if h[1] > 1] == []
        assert s.scalar(select(func.count()).select_from(Manufacturer)) == 1
        assert s.scalar(select(func.count()).select_from(Product)) == CLI_PROCESSES * PER_WRITER
    done = subprocess.run(_medsec("db", "verify-audit"), env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def _loop(calls: str) -> str:
    """Run each `main([...])` call, treating SystemExit 0 as success and any other as a failure."""
    lines = []
    for call in calls.split("; "):
        lines.append(
            "try:\n    " + call + "\nexcept SystemExit as e:\n    assert not e.code, e.code"
        )
    return "\n".join(lines)
