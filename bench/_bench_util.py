"""Small helpers shared by the vulnerability matching benchmarks (machine info, peak RSS, DBs)."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import resource
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from medsec.db import migrate
from medsec.db.engine import make_engine, make_session_factory

SHARED = Path(
    os.environ.get("MEDSEC_SHARED_DATA")
    or Path(__file__).resolve().parents[1].parent / "shared/data"
)


def machine() -> str:
    """One line: host, cores, python, load average, date."""
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"# {platform.node()} {platform.machine()} {os.cpu_count()} cores, "
        f"python {platform.python_version()}, load average {load}, "
        f"{time.strftime('%Y-%m-%d %H:%M')}"
    )


def reset_peak() -> None:
    """Reset the kernel's peak-RSS mark of this process (Linux); a no-op elsewhere."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def peak_mb() -> float:
    """Peak resident set size since the last reset_peak (VmHWM), else since start, in MB."""
    try:
        text = Path("/proc/self/status").read_text()
        m = re.search(r"VmHWM:\s+(\d+) kB", text)
        if m:
            return int(m.group(1)) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Current resident set size in MB (VmRSS)."""
    m = re.search(r"VmRSS:\s+(\d+) kB", Path("/proc/self/status").read_text())
    return int(m.group(1)) / 1024 if m else float("nan")


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    """(wall seconds, result) of one call."""
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def best(fn: Callable[[], Any], repeat: int = 3) -> float:
    """Best wall time of fn over repeat runs."""
    return min(timed(fn)[0] for _ in range(repeat))


def fresh_db(path: Path) -> sessionmaker[Session]:
    """A freshly migrated SQLite database at ``path``; its session factory."""
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    return make_session_factory(engine)
