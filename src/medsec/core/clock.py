"""The clock: every "now" in medsec comes from here, so tests can set the time."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime


def _system() -> datetime:
    return datetime.now(UTC)


_now: Callable[[], datetime] = _system


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC."""
    return _now()


@contextmanager
def frozen(at: datetime | Callable[[], datetime]) -> Iterator[None]:
    """Within the block, `utcnow()` answers `at` (a fixed aware time or a callable)."""
    global _now
    if isinstance(at, datetime):
        if at.tzinfo is None:
            raise ValueError("the clock takes timezone-aware times")
        fixed = at
        at = lambda: fixed  # noqa: E731
    previous, _now = _now, at
    try:
        yield
    finally:
        _now = previous
