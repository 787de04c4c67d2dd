"""Feed import benchmark: the real advisories of shared/data into a fresh SQLite database.

Run: python bench/bench_feeds_import.py [--shared ../shared/data] [--repeat 1]
For each source (pypa YAML, go-vulndb JSON, ghsa-subset, dependency-track fixtures) and for all
of them in one database, prints: the baseline (``read_feed`` alone: read + parse every file, no
storing), the first ``import_feed`` into a fresh migrated database (committed), records/s and the
ratio to the baseline, then the second, idempotent import of the same path into the same database
(expected: all unchanged) with its time and ratio, and the peak RSS of the first import.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_util import SHARED, machine, peak_mb, reset_peak, timed
from medsec.db.uow import unit_of_work
from medsec.ingest.feeds import read_feed
from medsec.vulns.service import FeedImportResult, import_feed

SOURCES = ["pypa", "go-vulndb", "ghsa-subset", "dependency-track-fixtures"]


def parse_only(path: Path) -> int:
    """The baseline: read and parse every record of a feed path, store nothing."""
    return sum(len(b.records) for b in read_feed(path))


def import_all(factory: object, paths: list[Path]) -> FeedImportResult:
    """Import every path in one unit of work; returns the summed result."""
    total = FeedImportResult(path="+".join(p.name for p in paths))
    with unit_of_work(factory) as s:  # type: ignore[arg-type]
        for p in paths:
            r = import_feed(s, path=p, actor="bench")
            total.records += r.records
            total.new += r.new
            total.updated += r.updated
            total.unchanged += r.unchanged
            total.withdrawn += r.withdrawn
            total.problems += r.problems
    return total


def row(label: str, paths: list[Path], workdir: Path) -> None:
    """Measure one line: parse baseline, first import, second import."""
    from _bench_util import fresh_db

    base = min(timed(lambda: sum(parse_only(p) for p in paths))[0] for _ in range(2))
    factory = fresh_db(workdir / f"{label}-{time.perf_counter_ns()}.db")
    reset_peak()
    first_t, first = timed(lambda: import_all(factory, paths))
    peak = peak_mb()
    second_t, second = timed(lambda: import_all(factory, paths))
    n = first.records
    print(
        f"{label:>26} {n:>6} {len(first.problems):>5} {base:7.2f} {first_t:7.2f} "
        f"{n / first_t:>8,.0f} {first_t / base:6.2f} {first.new:>6} "
        f"{second_t:7.2f} {second.unchanged:>6} {second.new + second.updated:>4} "
        f"{second_t / base:6.2f} {peak:7.0f}"
    )


def main() -> None:
    """Run the benchmark and print a table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args()
    print(machine())
    print(
        f"{'source':>26} {'recs':>6} {'probl':>5} {'parse s':>7} {'1st s':>7} {'recs/s':>8} "
        f"{'x parse':>6} {'new':>6} {'2nd s':>7} {'unchg':>6} {'chg':>4} {'x parse':>6} "
        f"{'peakMB':>7}"
    )
    adv = args.shared / "advisories"
    paths = [adv / s for s in SOURCES if (adv / s).exists()]
    with tempfile.TemporaryDirectory() as tmp:
        for p in paths:
            row(p.name, [p], Path(tmp))
        row("all four, one database", paths, Path(tmp))


if __name__ == "__main__":
    main()
