"""Document generator benchmark on the embedded default (SQLite), on the demo workspace.

Run: python bench/bench_documents.py [--rounds 3]
For the submission set (design, risk, test, TPLC plan, labeling) and the customer security
documentation, in English and Japanese: the baseline is rendering the same HTML only (the
content composed once, then Jinja2 -> HTML); then `documents.build` to HTML (facts read from the
records, composed, rendered, stored as a revision, audited) and to PDF (the same plus WeasyPrint).
Prints the best and median milliseconds of each and the ratio to the baseline.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_util import machine
from medsec.db import migrate
from medsec.db.engine import make_engine, make_session_factory
from medsec.db.uow import unit_of_work
from medsec.demo import data
from medsec.demo import service as demo
from medsec.documents import render
from medsec.documents import service as documents
from medsec.documents.schemas import BuildRequest

ACTOR = "demo:psirt"


def _times(fn: Callable[[], object], rounds: int) -> tuple[float, float]:
    out = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000)
    return min(out), statistics.median(out)


def main() -> None:
    """Build the demo, then time the baseline and the builds."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{tmp}/bench.db")
        migrate.upgrade(engine)
        factory = make_session_factory(engine)
        with unit_of_work(factory) as s:
            demo.build(s, Path(tmp))
        print(machine())
        print(
            f"{'kind':>10} {'lang':>4} {'html0 ms':>9} {'html ms':>13} {'pdf ms':>15} "
            f"{'x html0':>8} {'pdf x html0':>11}"
        )
        for kind in ("submission", "customer"):
            for lang in ("en", "ja"):
                with unit_of_work(factory) as s:
                    doc = documents.compose(
                        s,
                        kind=kind,
                        product=data.PRODUCT,
                        release="2.1.0",
                        lang=lang,
                        actor=ACTOR,
                    )
                base = _times(lambda d=doc: render.to_html(d, generated="2026-01-01"), args.rounds)

                def build(fmt: str, kind: str = kind, lang: str = lang) -> None:
                    req = BuildRequest.model_validate(
                        {
                            "kind": kind,
                            "product": data.PRODUCT,
                            "release": "2.1.0",
                            "lang": lang,
                            "format": fmt,
                        }
                    )
                    with unit_of_work(factory) as s:
                        documents.build(s, request=req, actor=ACTOR)

                html = _times(lambda: build("html"), args.rounds)
                pdf = _times(lambda: build("pdf"), args.rounds)
                print(
                    f"{kind:>10} {lang:>4} {base[0]:9.1f} {html[0]:6.1f}/{html[1]:6.1f} "
                    f"{pdf[0]:7.1f}/{pdf[1]:7.1f} {html[0] / base[0]:8.1f} {pdf[0] / base[0]:11.1f}"
                )
        engine.dispose()


if __name__ == "__main__":
    main()
