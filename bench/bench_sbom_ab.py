"""Interleaved before/after of the generated-SBOM import: this tree against a git revision.

Run: python bench/bench_sbom_ab.py --rev <commit> [--rounds 5] [--n 20000]
The revision's ``src`` and ``bench`` are exported (``git archive``) to a temporary folder; each
round imports the same generated SBOM in a fresh process per tree, alternating trees, so both
see the same machine load. Per tree it prints best and median wall time, components/s, the
``orjson.loads`` baseline of the same process and the main thread's CPU time (less sensitive to
other processes' load than wall time).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

from _bench_util import machine

ROOT = Path(__file__).resolve().parents[1]
CHILD = r"""
import json, sys, tempfile, time
from pathlib import Path
tree, n = sys.argv[1], int(sys.argv[2])
sys.path[:0] = [tree + "/src", tree + "/bench"]
import medsec
assert medsec.__file__.startswith(tree), medsec.__file__
import bench_sbom_import as b
from gen_sbom import generate
data = generate(n)
with tempfile.TemporaryDirectory() as tmp:
    b.store(data, "warm-up", Path(tmp))
    base = b.best(lambda: b._baseline_parse(data))
    runs = []
    for _ in range(3):
        cpu = time.thread_time()
        wall = b.store(data, "g", Path(tmp))[0]
        runs.append((wall, time.thread_time() - cpu))
wall, cpu = min(runs)
print(json.dumps({"parse0": base, "wall": wall, "cpu": cpu}))
"""


def export(rev: str, into: Path) -> Path:
    """Write ``src`` and ``bench`` of ``rev`` under ``into``; returns that tree."""
    archive = into / "rev.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "archive", rev, "src", "bench"], cwd=ROOT, stdout=out, check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "tree", filter="data")
    return into / "tree"


def main() -> None:
    """Alternate the two trees for a number of rounds and print their figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--rev", required=True)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--n", type=int, default=20_000)
    args = ap.parse_args()
    print(machine())
    with tempfile.TemporaryDirectory() as tmp:
        trees = {args.rev: str(export(args.rev, Path(tmp))), "this tree": str(ROOT)}
        results: dict[str, list[dict[str, float]]] = {name: [] for name in trees}
        for r in range(args.rounds):
            for name, tree in trees.items():
                cmd = [sys.executable, "-c", CHILD, tree, str(args.n)]
                out = json.loads(subprocess.run(cmd, capture_output=True, check=True).stdout)
                results[name].append(out)
                print(
                    f"round {r} {name:>12}: parse0 {out['parse0'] * 1e3:6.0f} ms, import "
                    f"{out['wall'] * 1e3:6.0f} ms wall, {out['cpu'] * 1e3:6.0f} ms CPU",
                    flush=True,
                )
    print(machine())
    for name, runs in results.items():
        wall = [x["wall"] for x in runs]
        cpu = [x["cpu"] for x in runs]
        ratio = [x["wall"] / x["parse0"] for x in runs]
        print(
            f"{name:>12}: wall best {min(wall) * 1e3:.0f} / median "
            f"{statistics.median(wall) * 1e3:.0f} ms = {args.n / min(wall):,.0f} / "
            f"{args.n / statistics.median(wall):,.0f} components/s; CPU best "
            f"{min(cpu) * 1e3:.0f} / median {statistics.median(cpu) * 1e3:.0f} ms; "
            f"x parse0 median {statistics.median(ratio):.1f}"
        )


if __name__ == "__main__":
    main()
