"""Long fuzzing run: ``python bench/fuzz_parsers.py [--inputs 100000] [--target NAME ...]``.

Per parser, ``--inputs`` inputs derived from its valid seeds by random mutations (byte flips,
insertions of interesting tokens, deletions, duplications, truncation, splicing two inputs,
random bytes), deterministic per ``--seed``. Prints per parser the inputs run, accepted,
refused, unexpected exceptions (bugs) and inputs per second; exits 1 on any unexpected one.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_util import machine
from fuzz_targets import TARGETS, Target

TOKENS = [
    b"{}",
    b"[]",
    b'""',
    b"null",
    b"-1",
    b"1e999",
    b"0",
    b"\x00",
    b"\xff\xfe",
    b"\\u0000",
    b"<",
    b">",
    b"</",
    b"<!DOCTYPE x>",
    b"&amp;",
    b":",
    b"/",
    b"@",
    b"?",
    b"#",
    b"%",
    b"%zz",
    b"~",
    b"*",
    b"-",
    b"+",
    b"|",
    b"\n",
    b"\r\n",
    b"\t",
    b"<text>",
    b"</text>",
    b"vers:",
    b"pkg:",
    b"cpe:2.3:",
    b"CVSS:3.1/",
    b"AV:N",
    b"1:",
    b"-r0",
    b"+incompatible",
    b"\xe2\x80\xae",
]


def mutate(rng: random.Random, data: bytes, pool: list[bytes]) -> bytes:
    """One to four random mutations of ``data``."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(8)
        pos = rng.randint(0, len(out))
        if op == 0 and out:
            out[min(pos, len(out) - 1)] = rng.randrange(256)
        elif op == 1:
            out[pos:pos] = rng.choice(TOKENS)
        elif op == 2 and out:
            del out[pos : pos + rng.randint(1, 16)]
        elif op == 3 and out:
            end = min(len(out), pos + rng.randint(1, 64))
            out[pos:pos] = out[pos:end] * rng.randint(1, 8)
        elif op == 4:
            del out[pos:]
        elif op == 5:
            other = rng.choice(pool)
            cut = rng.randint(0, len(other))
            out[pos:] = other[cut:]
        elif op == 6:
            out[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
        else:
            out[pos:pos] = str(rng.choice([0, -1, 2**63, 1.5, "x" * 300])).encode()
    return bytes(out[:65536])


def run(target: Target, inputs: int, rng: random.Random) -> tuple[int, int, int, list[str]]:
    """Inputs run, accepted, unexpected exceptions, and the first 5 of those."""
    pool = list(target.seeds)
    accepted = 0
    unexpected = 0
    bugs: list[str] = []
    refusals = target.refusals()
    for i in range(inputs):
        data = mutate(rng, rng.choice(pool), pool) if i % 50 else rng.randbytes(rng.randint(0, 64))
        try:
            target.call(data)
            accepted += 1
            if len(pool) < 64:
                pool.append(data)  # accepted inputs become seeds: deeper coverage
        except refusals:
            pass
        except Exception as exc:
            unexpected += 1
            if len(bugs) < 5:
                bugs.append(f"{type(exc).__name__}: {str(exc)[:100]} <- {data[:120]!r}")
    return inputs, accepted, unexpected, bugs


def main() -> None:
    """Fuzz every parser (or those named) and print one line each."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--inputs", type=int, default=100_000)
    parser.add_argument("--target", nargs="*", default=list(TARGETS))
    parser.add_argument("--seed", type=int, default=20261207)
    args = parser.parse_args()
    print(machine())
    print(f"{'parser':22} {'inputs':>8} {'accepted':>8} {'refused':>8} {'bugs':>5} {'inputs/s':>9}")
    failed = False
    for name in args.target:
        rng = random.Random(f"{args.seed}:{name}")
        t0 = time.perf_counter()
        n, ok, bad, bugs = run(TARGETS[name], args.inputs, rng)
        rate = n / (time.perf_counter() - t0)
        print(f"{name:22} {n:8} {ok:8} {n - ok - bad:8} {bad:5} {rate:9.0f}", flush=True)
        for b in bugs:
            print(f"    {b}", flush=True)
        failed = failed or bool(bugs)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
