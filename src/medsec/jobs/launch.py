"""Start a job away from the caller (a web request): on the queue or in a child process."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from medsec.config import Settings
from medsec.jobs import catalog


def start(settings: Settings, *, name: str, actor: str) -> int | None:
    """Start a job away from the caller: on the queue (PostgreSQL; returns its queue id) or in a
    child process (embedded; returns None). The caller checked ``check_run_allowed``."""
    catalog.spec(name)
    if not settings.is_embedded:
        from medsec.db.engine import installation_session_factory, make_engine
        from medsec.jobs import queue

        engine = make_engine(settings.database_url)
        try:
            return queue.defer(settings, installation_session_factory(settings, engine), name)
        finally:
            engine.dispose()
    env = dict(
        os.environ, MEDSEC_HOME=str(settings.home), MEDSEC_DATABASE_URL=settings.database_url
    )
    command = [sys.executable, "-m", "medsec.jobs.runner", name, "manual", actor]
    child = subprocess.Popen(command, env=env, start_new_session=True)
    threading.Thread(target=child.wait, name=f"medsec-job-{name}", daemon=True).start()
    return None
