"""Pure scheduling rules."""

from __future__ import annotations

from datetime import datetime, timedelta


def is_due(last_started: datetime | None, every_seconds: int, now: datetime) -> bool:
    """True when a job last started at ``last_started`` (or never) is due again at ``now``."""
    return last_started is None or now - last_started >= timedelta(seconds=every_seconds)


def cron_for(every_seconds: int) -> str:
    """A cron expression running at least every ``every_seconds`` (minute granularity)."""
    minutes = max(1, every_seconds // 60)
    if minutes < 60:
        return f"*/{minutes} * * * *"
    hours = minutes // 60
    if hours < 24:
        return f"0 */{hours} * * *"
    return "0 3 * * *"
