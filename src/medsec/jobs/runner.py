"""`python -m medsec.jobs.runner NAME [TRIGGER ACTOR]`: run one job in a child process (of the
scheduler, or of a web request that started it).

A job runs apart from the web server so that its work (matching pauses the garbage collector
and holds the interpreter for seconds) never slows or blocks requests.
"""

from __future__ import annotations

import signal
import sys
from types import FrameType

from medsec.config import get_settings


class Stopped(Exception):
    """The server stopped while the job ran (recorded as a failed run)."""


def _stop(_signum: int, _frame: FrameType | None) -> None:
    raise Stopped("stopped with the server")


def main(argv: list[str] | None = None) -> int:
    """Run the job named in argv (by the scheduler unless a trigger and actor follow)."""
    from medsec.db import migrate
    from medsec.db.engine import installation_session_factory, make_engine
    from medsec.db.uow import unit_of_work
    from medsec.jobs import service

    args = sys.argv[1:] if argv is None else argv
    signal.signal(signal.SIGTERM, _stop)
    settings = get_settings()
    engine = make_engine(settings.database_url)
    if settings.is_embedded:
        migrate.ensure_current(engine)
    factory = installation_session_factory(settings, engine)  # keyed anchors, like the CLI
    trigger, actor = (args[1], args[2]) if len(args) >= 3 else ("schedule", None)
    result = service.run(
        lambda: unit_of_work(factory), settings, name=args[0], trigger=trigger, actor=actor
    )
    engine.dispose()
    return 0 if result.status == "succeeded" else 1


if __name__ == "__main__":
    sys.exit(main())
