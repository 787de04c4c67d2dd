"""One-shot scan benchmark: real and generated SBOMs against every real advisory in memory.

Run: python bench/bench_scan.py [--n 20000] [--sample 2000] [--shared ../shared/data]
The advisories of shared/data/advisories (every folder ``read_feed`` accepts) are loaded once
with ``load_feeds``. Per SBOM it prints: baseline (a) ``orjson.loads`` of the bytes,
``parse_sbom`` (parse + validate), ``scan`` (best of 3: match + grouping; the scan index of the
loaded feed set is built once, on the first scan, and its time printed apart),
parse+scan, findings, and baseline (b): the naive per-pair univers comparison of
bench/_naive.py over all components, or over a random ``--sample`` and extrapolated (marked
``~``). Inputs: the largest real SBOMs; bench/gen_sbom.py's 20,000 components (names with no
advisory); and 20,000 components drawn by bench/gen_portfolio.py from the real advisories'
own packages (30 % of them, at listed/event/unaffected versions; the rest without advisory).
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _naive
import gen_portfolio
from _bench_util import SHARED, best, machine, timed
from gen_sbom import generate
from medsec.errors import DocumentError
from medsec.findings.scan import Intelligence, load_feeds, scan
from medsec.ingest.sbom import parse_sbom

REAL = [
    "sboms/cyclonedx-examples/SBOM/juice-shop/via_npm/bare/bom.1.4.json",
    "sboms/cyclonedx-examples/SBOM/keycloak-10.0.2/bom.json",
    "sboms/cyclonedx-examples/SBOM/dropwizard-1.3.15/bom.json",
    "sboms/sbomqs-samples/apache_airflow-sbom-2.8.0-python3.10.json",
    "sboms/sbomqs-samples/blogifier-dotnet-SBOM.json",
]


def load_intel(advisories: Path) -> Intelligence:
    """Every readable advisory folder, loaded once."""
    intel = Intelligence()
    for sub in sorted(p for p in advisories.iterdir() if p.is_dir()):
        try:
            part = load_feeds([sub], max_bytes=1 << 30)
        except DocumentError as exc:
            print(f"# skipped {sub.name}: {exc}")
            continue
        intel.records += part.records
        print(f"# {sub.name}: {len(part.records):,} records")
    return intel


def measure(name: str, data: bytes, intel: Intelligence, nindex: _naive.Index, sample: int) -> None:
    """Print one row of figures for one SBOM."""
    base = best(lambda: orjson.loads(data))
    t_parse, sbom = timed(lambda: parse_sbom(data, source=name, strict=False))
    t_scan = best(lambda: scan(sbom, intel))
    result = scan(sbom, intel)
    purls = [(i, c.purl) for i, c in enumerate(sbom.components) if c.purl]
    picked = purls if len(purls) <= sample else random.Random(5).sample(purls, sample)
    t_naive, (nhits, _err) = timed(lambda: _naive.match(nindex, picked))
    naive = t_naive * len(purls) / max(len(picked), 1)
    mark = "~" if len(picked) < len(purls) else " "
    print(
        f"{name[-44:]:>44} {len(sbom.components):>6} {base * 1e3:7.1f} {t_parse * 1e3:8.1f} "
        f"{t_scan * 1e3:8.1f} {(t_parse + t_scan) * 1e3:8.1f} {len(result.findings):>6} "
        f"{len(nhits):>6} {mark}{naive * 1e3:9.0f} {naive / t_scan:7.1f}"
    )


def main() -> None:
    """Run the benchmark and print a table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--sample", type=int, default=2000)
    ap.add_argument("--shared", type=Path, default=SHARED)
    args = ap.parse_args()
    print(machine())
    t_load, intel = timed(lambda: load_intel(args.shared / "advisories"))
    print(f"# {len(intel.records):,} records loaded in {t_load:.1f} s (once)")
    t_index, _ = timed(intel.index)
    print(f"# scan index built in {t_index * 1e3:.0f} ms (once per loaded feed set)")
    nindex = _naive.build(intel.records)
    print(
        f"{'sbom':>44} {'comps':>6} {'json ms':>7} {'parse ms':>8} {'scan ms':>8} "
        f"{'p+s ms':>8} {'find.':>6} {'naive#':>6} {'naive ms':>10} {'x scan':>7}"
    )
    for rel in REAL:
        path = args.shared / rel
        if path.exists():
            measure(rel, path.read_bytes(), intel, nindex, args.sample)
    measure(f"gen_sbom {args.n} (no advisory names)", generate(args.n), intel, nindex, args.sample)
    real = gen_portfolio.load_real(args.shared / "advisories")
    purls = gen_portfolio.components(real, len(real), args.n, renamed=False)
    data = gen_portfolio.sbom(purls, 99)
    measure(f"gen_portfolio {args.n} (advisory names)", data, intel, nindex, args.sample)


if __name__ == "__main__":
    main()
