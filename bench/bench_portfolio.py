"""Portfolio matching benchmark: N generated components against M generated advisories.

Run: python bench/bench_portfolio.py [--components 1000000] [--advisories 300000]
     [--releases 50] [--sample 2000] [--skip-stored] [--phases engine,naive,stored]
Inputs come from bench/gen_portfolio.py (real pypa + go-vulndb + ghsa records cloned under new
package names; see its docstring). Each phase runs in its own child process so that its peak
RSS (VmHWM) is its own:

* engine: read the advisory zip with ``read_feed`` (parse time), then the pure engine:
  ``AdvisoryIndex.build`` and ``AdvisoryIndex.match`` over all components (time, matches,
  peak RSS including the records in memory);
* naive: the baseline of bench/_naive.py (per-pair univers ranges) on a random sample of
  components, extrapolated to all of them, and the engine on the same sample (agreement);
* stored: a fresh SQLite database; import the releases (one ``import_sbom`` each), import the
  advisory zip with ``import_feed``, ``findings.match(full=True)`` (time, CPU, peak RSS), the
  same again with every finding stored (updates instead of inserts), then one
  new advisory (affecting 3 components) with ``import_feed`` and ``findings.match()``.
"""

from __future__ import annotations

import argparse
import gc
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _naive
import gen_portfolio as gen
from _bench_util import SHARED, fresh_db, machine, peak_mb, reset_peak, rss_mb, timed
from medsec.db.uow import unit_of_work
from medsec.findings import service as findings
from medsec.ingest.feeds import read_feed
from medsec.ingest.vuln_model import VulnRecord
from medsec.matching.index import AdvisoryIndex, ComponentRef
from medsec.sbom.service import import_sbom
from medsec.vulns.service import import_feed


def load_records(zip_path: Path) -> list[VulnRecord]:
    """Every record of the advisory zip, parsed."""
    return [r for b in read_feed(zip_path, max_bytes=1 << 31) for r in b.records]


def purls_of(work: Path) -> list[str]:
    """The generated component purls."""
    return (work / "components.txt").read_text().splitlines()


def phase_engine(work: Path) -> None:
    """The pure engine over every component."""
    purls = purls_of(work)
    t_load, records = timed(lambda: load_records(work / "advisories.zip"))
    print(
        f"engine: parsed {len(records):,} records from the zip in {t_load:.1f} s "
        f"({len(records) / t_load:,.0f}/s), RSS {rss_mb():,.0f} MB"
    )
    refs = [ComponentRef(i, p) for i, p in enumerate(purls)]
    reset_peak()
    base = rss_mb()
    t_build, index = timed(lambda: AdvisoryIndex.build(records))
    t_match, result = timed(lambda: index.match(refs))
    total = t_build + t_match
    print(
        f"engine: build {t_build:.2f} s ({len(index):,} entries), match {t_match:.2f} s "
        f"-> {len(result.matches):,} matches, {len(result.unmatched):,} unmatched; "
        f"build+match {total:.2f} s = {len(purls) / total:,.0f} components/s; peak RSS "
        f"{peak_mb():,.0f} MB (records already loaded: {base:,.0f} MB)"
    )


def phase_naive(work: Path, sample: int) -> None:
    """The naive per-pair univers baseline on a sample, and the engine on the same sample."""
    purls = purls_of(work)
    records = load_records(work / "advisories.zip")
    rng = random.Random(11)
    ids = rng.sample(range(len(purls)), min(sample, len(purls)))
    t_nidx, nindex = timed(lambda: _naive.build(records))
    t_naive, (nhits, errors) = timed(lambda: _naive.match(nindex, ((i, purls[i]) for i in ids)))
    index = AdvisoryIndex.build(records)
    t_eng, res = timed(lambda: index.match(ComponentRef(i, purls[i]) for i in ids))
    ehits = {(int(m.component_id), m.vuln_id) for m in res.matches}
    extra = t_naive * len(purls) / len(ids)
    print(
        f"naive: {len(ids):,} sampled components in {t_naive:.2f} s (+ name index "
        f"{t_nidx:.2f} s) -> {len(nhits):,} matches, {errors} pairs raised; extrapolated to "
        f"{len(purls):,}: {extra:,.0f} s ({extra / 60:.1f} min)"
    )
    print(
        f"naive: engine on the same sample {t_eng * 1e3:.0f} ms -> {len(ehits):,} matches "
        f"(x{t_naive / t_eng:,.0f} faster); both {len(nhits & ehits):,}, naive only "
        f"{len(nhits - ehits)}, engine only {len(ehits - nhits)}"
    )


def phase_stored(work: Path, releases: int) -> None:
    """Import releases and advisories, full match, then one new advisory incrementally."""
    purls = purls_of(work)
    factory = fresh_db(work / "portfolio.db")
    per = -(-len(purls) // releases)
    t0 = time.perf_counter()
    for r in range(releases):
        data = gen.sbom(purls[r * per : (r + 1) * per], r)
        with unit_of_work(factory) as s:
            import_sbom(
                s,
                data=data,
                source_name=f"r{r}.cdx.json",
                product="Portfolio",
                version=f"{r}.0",
                actor="bench",
                max_bytes=1 << 30,
            )
    t_sbom = time.perf_counter() - t0
    print(
        f"stored: {releases} releases x {per:,} components imported in {t_sbom:.1f} s "
        f"({len(purls) / t_sbom:,.0f} components/s)"
    )
    with unit_of_work(factory) as s:
        t_feed, fr = timed(
            lambda: import_feed(s, path=work / "advisories.zip", actor="bench", max_bytes=1 << 31)
        )
    print(
        f"stored: import_feed {fr.records:,} records in {t_feed:.1f} s "
        f"({fr.records / t_feed:,.0f}/s), {fr.new:,} new, {len(fr.problems)} problems"
    )
    gc.collect()
    reset_peak()
    base = rss_mb()
    cpu = time.process_time()
    with unit_of_work(factory) as s:
        t_full, rep = timed(lambda: findings.match(s, actor="bench", full=True))
    cpu = time.process_time() - cpu
    print(
        f"stored: match(full=True) {t_full:.1f} s (CPU {cpu:.1f} s; {rep.components:,} components, "
        f"{rep.advisories:,} advisories, {rep.new:,} new findings), peak RSS "
        f"{peak_mb():,.0f} MB (before: {base:,.0f} MB)"
    )
    gc.collect()
    reset_peak()
    cpu = time.process_time()
    with unit_of_work(factory) as s:
        t_again, rep = timed(lambda: findings.match(s, actor="bench", full=True))
    cpu = time.process_time() - cpu
    print(
        f"stored: match(full=True) again, every finding stored {t_again:.1f} s (CPU {cpu:.1f} s; "
        f"{rep.active:,} kept active, {rep.new} new, {rep.resolved} resolved), peak RSS "
        f"{peak_mb():,.0f} MB"
    )
    probe = work / "new-advisory.json"
    probe.write_bytes(orjson.dumps(gen.new_advisory()))
    with unit_of_work(factory) as s:
        t_new, _ = timed(lambda: import_feed(s, path=probe, actor="bench"))
    with unit_of_work(factory) as s:
        t_inc, rep = timed(lambda: findings.match(s, actor="bench"))
    print(
        f"stored: one new advisory: import_feed {t_new * 1e3:.0f} ms, match() "
        f"{t_inc * 1e3:.0f} ms ({rep.releases_incremental} releases incremental, "
        f"{rep.components} components re-checked, {rep.new} new findings; target < 100 ms)"
    )
    with unit_of_work(factory) as s:
        t_noop, rep = timed(lambda: findings.match(s, actor="bench"))
    print(f"stored: match() with nothing changed {t_noop * 1e3:.0f} ms")


def main() -> None:
    """Generate the inputs, then run each phase in a child process."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--components", type=int, default=1_000_000)
    ap.add_argument("--advisories", type=int, default=300_000)
    ap.add_argument("--releases", type=int, default=50)
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--skip-stored", action="store_true")
    ap.add_argument("--phases", default="engine,naive,stored", help="comma-separated subset")
    ap.add_argument("--shared", type=Path, default=SHARED)
    ap.add_argument("--phase", choices=["engine", "naive", "stored"])
    ap.add_argument("--work", type=Path)
    args = ap.parse_args()
    if args.phase:
        {
            "engine": lambda: phase_engine(args.work),
            "naive": lambda: phase_naive(args.work, args.sample),
            "stored": lambda: phase_stored(args.work, args.releases),
        }[args.phase]()
        return
    print(machine())
    print(
        f"# {args.components:,} components, {args.advisories:,} advisories, "
        f"{args.releases} releases"
    )
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        t = time.perf_counter()
        real = gen.load_real(args.shared / "advisories")
        size = gen.write_zip(real, args.advisories, work / "advisories.zip")
        purls = gen.components(real, args.advisories, args.components)
        (work / "components.txt").write_text("\n".join(purls))
        n_real = len(real)
        del real, purls
        print(
            f"generated from {n_real:,} real records: zip "
            f"{size / 1e6:,.0f} MB in {time.perf_counter() - t:.1f} s"
        )
        phases = [p for p in args.phases.split(",") if not (args.skip_stored and p == "stored")]
        for ph in phases:
            cmd = [
                sys.executable,
                __file__,
                "--phase",
                ph,
                "--work",
                str(work),
                "--sample",
                str(args.sample),
                "--releases",
                str(args.releases),
            ]
            subprocess.run(cmd, check=True)
        print(machine())


if __name__ == "__main__":
    main()
