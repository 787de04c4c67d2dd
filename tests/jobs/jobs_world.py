"""Helpers of the job tests: a feed mirror that holds its first download (so a worker can be
killed mid-job), and the environment of a child process on the test database."""

from __future__ import annotations

import os
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class HoldingMirror:
    """Serves one file; the first request waits (until ``release``) and the rest get the file."""

    def __init__(self, data: bytes) -> None:
        self.data = data
        self.requests = 0
        self.first_arrived = threading.Event()
        self.release = threading.Event()
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                mirror.requests += 1
                if mirror.requests == 1:
                    mirror.first_arrived.set()
                    mirror.release.wait(120)
                try:
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(mirror.data)))
                    self.end_headers()
                    self.wfile.write(mirror.data)
                except OSError:  # the client was killed while it waited
                    return

            def log_message(self, *args: Any) -> None:
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> HoldingMirror:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        """The file's URL."""
        return f"http://127.0.0.1:{self.server.server_address[1]}/kev.json"


def child_env(db_url: str, home: Path, **extra: str) -> dict[str, str]:
    """The environment of a medsec child process on the test database."""
    env = dict(os.environ)
    env.update({"MEDSEC_DATABASE_URL": db_url, "MEDSEC_HOME": str(home), **extra})
    return env
