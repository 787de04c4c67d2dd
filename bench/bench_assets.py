"""Hospital workspace benchmark on the embedded default (SQLite).

Run: python bench/bench_assets.py [--rows 100000]
1. Import: a generated inventory CSV of N rows, read merely with the csv module (the baseline),
   then read and checked by medsec, then imported in full (read + checked + stored with history,
   committed) into a fresh migrated database holding the demo's product; rows/s and the ratio
   to the baseline.
2. Exposure: the same N assets, mapped to the demo's two releases on three network segments with
   a compensating control; `exposure.report` for all of them (target: under 5 s).
"""

from __future__ import annotations

import argparse
import csv
import io
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_util import machine
from medsec.accounts import service as accounts
from medsec.assets import exposure, planning
from medsec.assets import service as inventory
from medsec.db import migrate
from medsec.db.engine import make_engine, make_session_factory
from medsec.db.uow import unit_of_work
from medsec.demo import data, hospital
from medsec.demo import service as demo
from medsec.ingest.assets_table import COLUMNS, read_csv
from medsec.lifecycle import service as lifecycle
from medsec.lifecycle.schemas import ReleaseLifecycleUpdate

ACTOR = "cli:bench"


def generate(rows: int) -> bytes:
    """An inventory of ``rows`` devices: demo pumps on both releases, other devices unmapped."""
    buf = io.StringIO()
    out = csv.writer(buf)
    out.writerow(COLUMNS)
    depts = ("ICU", "Ward 3", "Oncology", "Emergency", "Radiology")
    segs = [s for s, _, _ in hospital.SEGMENTS]
    for i in range(rows):
        version = ("2.0.0", "2.1.0", "2.0.0", "9.9")[i % 4]
        model = data.PRODUCT if version != "9.9" else "Other Device"
        out.writerow(
            [
                f"A-{i:07d}", data.MANUFACTURER, model, version, f"SN{i:08d}", "Building A",
                depts[i % 5], segs[i % 3], f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
                "", ("low", "medium", "high", "critical")[i % 4], "Clinical Engineering",
                "no", "no", "2023-04-01",
            ]
        )  # fmt: skip
    return buf.getvalue().encode()


CPU: dict[str, float] = {}


def timed(fn, label: str = ""):  # type: ignore[no-untyped-def]
    """(wall seconds, result) of one call; its CPU seconds are kept in CPU[label]."""
    t, c = time.perf_counter(), time.process_time()
    out = fn()
    CPU[label] = time.process_time() - c
    return time.perf_counter() - t, out


def main() -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    n = args.rows
    print(machine())
    blob = generate(n)
    print(f"inventory: {n:,} rows, {len(blob) / 1e6:.1f} MB")
    base, _ = timed(lambda: sum(1 for _ in csv.reader(io.StringIO(blob.decode()))), "base")
    parse, table = timed(lambda: read_csv(blob, "bench.csv"), "parse")
    assert not table.errors, table.errors[:3]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        engine = make_engine(f"sqlite:///{folder / 'bench.db'}")
        migrate.upgrade(engine)
        factory = make_session_factory(engine)
        t = time.perf_counter()
        with unit_of_work(factory) as s:
            demo.build(s, folder)
            accounts.add(s, name="bench", roles=["analyst"], products=[], actor="demo:psirt")
        print(f"demo world built in {time.perf_counter() - t:.1f} s")

        def run_import() -> object:
            with unit_of_work(factory) as s:
                return inventory.import_assets(
                    s, table=read_csv(blob, "bench.csv"), skip_bad_rows=False, actor=ACTOR
                )

        full, result = timed(run_import, "import")
        again, same = timed(run_import, "again")
        with unit_of_work(factory) as s:
            expo, rep = timed(lambda: exposure.report(s, actor=ACTOR), "exposure")
        with unit_of_work(factory) as s:
            for version, eos in (("2.0.0", date(2026, 12, 31)), ("2.1.0", date(2029, 6, 30))):
                lifecycle.set_release_lifecycle(
                    s, product=data.PRODUCT, version=version,
                    data=ReleaseLifecycleUpdate(eos_planned=eos), actor="demo:psirt",
                )  # fmt: skip
        with unit_of_work(factory) as s:
            plan_t, plan = timed(
                lambda: planning.plan(s, actor=ACTOR, on=date(2027, 1, 15)), "legacy plan"
            )
        engine.dispose()
    rate = n / base
    print(f"baseline csv.reader:               {base:7.2f} s  {rate:12,.0f} rows/s")
    print(f"medsec read + check:               {parse:7.2f} s  {n / parse:12,.0f} rows/s  "
          f"({parse / base:.1f}x the baseline)")  # fmt: skip
    print(f"medsec import (read+check+store):  {full:7.2f} s  {n / full:12,.0f} rows/s  "
          f"({full / base:.1f}x the baseline); {result.created:,} created, "  # type: ignore[attr-defined]
          f"{result.mapped:,} mapped")  # type: ignore[attr-defined]  # fmt: skip
    print(f"re-import, nothing changed:        {again:7.2f} s  {n / again:12,.0f} rows/s  "
          f"({same.unchanged:,} unchanged)")  # type: ignore[attr-defined]  # fmt: skip
    items = sum(len(a.items) for a in rep.assets)
    print(
        "CPU seconds (robust to other load): " + ", ".join(f"{k} {v:.2f}" for k, v in CPU.items())
    )
    print(f"legacy status and end-of-support plan of {n:,} assets: {plan_t:.2f} s "
          f"({len(plan.legacy):,} legacy or at risk)")  # fmt: skip
    print(f"exposure of {len(rep.assets):,} mapped assets ({items:,} items, "
          f"{len(rep.unmapped):,} unmapped): {expo:.2f} s  (target < 5 s)")  # fmt: skip


if __name__ == "__main__":
    main()
