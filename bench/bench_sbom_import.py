"""SBOM import benchmark: parse+validate+store throughput on the embedded default.

Run: python bench/bench_sbom_import.py [--n 20000] [--shared ../shared/data]
Prints, per input: the baseline (orjson.loads of the same bytes; also with the garbage collector
paused, as the import pauses it), parse+validate, and the full import (parse+validate+store in a
fresh migrated SQLite database, committed), as components/s, with the ratio to the baseline and
the peak traced memory of the full import.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import orjson
from defusedxml import ElementTree

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_util import machine
from gen_sbom import generate
from medsec.core.gcpause import paused_gc
from medsec.db import migrate
from medsec.db.engine import make_engine, make_session_factory
from medsec.db.uow import unit_of_work
from medsec.ingest.sbom import parse_sbom
from medsec.sbom import service

REAL = [
    "sboms/cyclonedx-examples/SBOM/keycloak-10.0.2/bom.json",
    "sboms/cyclonedx-examples/SBOM/keycloak-10.0.2/bom.xml",
    "sboms/cyclonedx-examples/SBOM/juice-shop/via_npm/bare/bom.1.4.json",
    "sboms/sbomqs-samples/apache_airflow-sbom-2.8.0-python3.10.json",
    "sboms/sbomqs-samples/blogifier-dotnet-SBOM.json",
    "sboms/sbomqs-samples/sbomqs-spdx-sbtool.json",
]


def best(fn, repeat: int = 3) -> float:
    """Best wall time of fn over repeat runs."""
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)


def _baseline_parse(data: bytes) -> object:
    """Merely parsing the bytes: orjson (JSON), defusedxml ElementTree (XML), else lines."""
    head = data.lstrip()[:1]
    if head in (b"{", b"["):
        return orjson.loads(data)
    if head == b"<":
        return ElementTree.fromstring(data)
    return data.splitlines()


def store(data: bytes, name: str, workdir: Path) -> tuple[float, int]:
    """Time one full import into a fresh database; returns (seconds, components)."""
    db = workdir / f"bench-{time.perf_counter_ns()}.db"
    engine = make_engine(f"sqlite:///{db}")
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    t = time.perf_counter()
    with unit_of_work(factory) as s:
        res = service.import_sbom(
            s, data=data, source_name=name, product="Bench", version="1", actor="bench"
        )
    elapsed = time.perf_counter() - t
    engine.dispose()
    return elapsed, res.sbom.component_count


def measure(name: str, data: bytes, workdir: Path) -> None:
    """Print one row of figures for one input (import: best and median of five)."""
    base = best(lambda: _baseline_parse(data))
    with paused_gc():
        base_nogc = best(lambda: _baseline_parse(data))
    parse = best(lambda: parse_sbom(data, source=name))
    runs = sorted(store(data, name, workdir)[0] for _ in range(5))
    full, median = runs[0], runs[len(runs) // 2]
    n = store(data, name, workdir)[1]
    tracemalloc.start()
    store(data, name, workdir)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    print(
        f"{name[-48:]:>48} {n:>7} {len(data) / 1e6:7.1f} {base * 1e3:9.1f} {base_nogc * 1e3:9.1f} "
        f"{parse * 1e3:9.1f} "
        f"{full * 1e3:9.1f} {median * 1e3:9.1f} {n / full:>10,.0f} {n / median:>10,.0f} "
        f"{full / base:7.1f} {peak / 1e6:8.1f}"
    )


def main() -> None:
    """Run the benchmark and print a table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument(
        "--shared", type=Path, default=Path(__file__).resolve().parents[1].parent / "shared/data"
    )
    args = ap.parse_args()
    print(machine())
    print(
        f"{'input':>48} {'comps':>7} {'MB':>7} {'parse0 ms':>9} {'p0 nogc':>9} {'parse ms':>9} "
        f"{'import ms':>9} {'med ms':>9} {'comps/s':>10} {'med c/s':>10} {'x json':>7} "
        f"{'peak MB':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        for rel in REAL:
            path = args.shared / rel
            if path.exists():
                measure(rel, path.read_bytes(), workdir)
        measure(f"generated {args.n} components CDX 1.6", generate(args.n), workdir)


if __name__ == "__main__":
    main()
