"""Peak memory and time of every reader on hostile inputs, each in a fresh process.

Usage: ``python bench/bench_hostile.py [--mb 3 9 64] [--case NAME ...]``. The baseline printed
beside each case is a fresh interpreter that merely imports the reader (its peak memory).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_util import machine
from hostile_cases import CASES, MB, run_case


def _baseline_mb() -> float:
    code = (
        "import medsec.ingest.sbom, medsec.ingest.feeds, medsec.ingest.csaf, pathlib;"
        "s = pathlib.Path('/proc/self/status').read_text();"
        "print(int([x for x in s.splitlines() if x.startswith('VmHWM:')][0].split()[1]) / 1024)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    """Run every case at every size and print one line per run."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=float, nargs="+", default=[3.0, 9.0, 64.0])
    parser.add_argument("--case", nargs="*", default=list(CASES))
    args = parser.parse_args()
    print(machine())
    base = _baseline_mb()
    print(f"baseline: a fresh interpreter importing the readers peaks at {base:.0f} MB")
    head = f"{'case':34} {'input MB':>8} {'outcome':>8} {'seconds':>8} {'peak MB':>8} {'x base':>7}"
    print(head)
    with tempfile.TemporaryDirectory() as tmp:
        for name in args.case:
            for mb in args.mb:
                r = run_case(CASES[name], int(mb * MB), Path(tmp))
                print(
                    f"{name:34} {r.input_bytes / MB:8.2f} {r.outcome:>8} {r.seconds:8.2f} "
                    f"{r.peak_mb:8.0f} {r.peak_mb / base:7.1f}  {r.detail[:70]}"
                )


if __name__ == "__main__":
    main()
