"""Start-up benchmark: `medsec --help` and `medsec --version` beside `python -c pass` and
`python -c "import typer"`, each in fresh processes, alternated, in the same run.

Run: python bench/bench_startup.py [--rounds 15] [--rev COMMIT]
With ``--rev`` the same commands also run on that revision's ``src`` (exported with
``git archive``), so a before/after comparison shares the machine's load. Prints per command the
best and median wall time and the median CPU time (user + system) of the child, and the ratios
of the medians to the ``python -c pass`` baseline and to ``import typer``.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_util import machine

ROOT = Path(__file__).resolve().parents[1]


def run_once(argv: list[str], env: dict[str, str]) -> tuple[float, float]:
    """(wall seconds, child CPU seconds) of one fresh process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def export(rev: str, into: Path) -> Path:
    """The revision's src tree, exported with git archive."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", rev, "src"], check=True, capture_output=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def main() -> None:
    """Measure and print the table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--rev", help="also measure this git revision (e.g. main)")
    args = ap.parse_args()
    py = sys.executable
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cases: list[tuple[str, list[str], dict[str, str]]] = [
        ("python -c pass", [py, "-c", "pass"], env),
        ('python -c "import typer"', [py, "-c", "import typer"], env),
        ("medsec --help", [py, "-m", "medsec", "--help"], env),
        ("medsec --version", [py, "-m", "medsec", "--version"], env),
    ]
    with tempfile.TemporaryDirectory() as tmp:
        if args.rev:
            old_env = {**os.environ, "PYTHONPATH": str(export(args.rev, Path(tmp)))}
            cases += [
                (f"medsec --help @{args.rev}", [py, "-m", "medsec", "--help"], old_env),
                (f"medsec --version @{args.rev}", [py, "-m", "medsec", "--version"], old_env),
            ]
        for _, argv, case_env in cases:  # warm the file cache and the bytecode
            run_once(argv, case_env)
        walls: dict[str, list[float]] = {name: [] for name, _, _ in cases}
        cpus: dict[str, list[float]] = {name: [] for name, _, _ in cases}
        for _ in range(args.rounds):
            for name, argv, case_env in cases:
                wall, cpu = run_once(argv, case_env)
                walls[name].append(wall)
                cpus[name].append(cpu)
    print(machine())
    base = statistics.median(walls["python -c pass"])
    typer_med = statistics.median(walls['python -c "import typer"'])
    print(
        f"{'command':>32} {'best ms':>8} {'med ms':>8} {'cpu ms':>8} {'x pass':>7} {'x typer':>8}"
    )
    for name, _, _ in cases:
        med = statistics.median(walls[name])
        print(
            f"{name:>32} {min(walls[name]) * 1000:8.0f} {med * 1000:8.0f} "
            f"{statistics.median(cpus[name]) * 1000:8.0f} {med / base:7.1f} {med / typer_med:8.2f}"
        )


if __name__ == "__main__":
    main()
