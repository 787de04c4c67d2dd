"""Design-phase benchmark: threats and the matrix for a large model, and a large SARIF import.

Run: python bench/bench_design.py [--elements 500] [--flows 2000] [--results 50000]

Model: a generated medsec system model (seeded random) with ``--elements`` elements of every
type in 12 trust boundaries (a third of the devices with an enabled radio, some service ports
and USB), and ``--flows`` flows between random elements (a quarter safety-critical). Baseline
(a): parsing and checking the model file (``read_system_model``). Figures: STRIDE generation
in memory (``threats.rules.generate``), the pure matrix build over those threats with one
control per library entry, then on a fresh SQLite database: storing the model, generating and
storing the threats, and the full matrix read model (``trace.service.matrix``, which reads
threats, risks, controls and evidence through their services) with 8 controls linked to every
threat of their library entries and 2,000 JUnit results.

SARIF: ``--results`` results made by replicating the results of the real logs in
shared/data/evidence/sarif (every file with results, rule ids suffixed per copy) into one run.
Baseline (b): ``orjson.loads`` of the bytes. Figures: ``read_sarif`` (parse + map to DTOs) and
the import into SQLite (``evidence.service.import_file``: parse, store every result, audit),
results per second.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_util import SHARED, best, fresh_db, machine, timed
from medsec.accounts import service as accounts
from medsec.controls import service as controls
from medsec.controls.schemas import ControlCreate
from medsec.db.uow import unit_of_work
from medsec.evidence import service as evidence
from medsec.ingest.sarif import read_sarif
from medsec.ingest.sysmodel import dump_model, model_from_dict, read_system_model
from medsec.ingest.sysmodel_model import ELEMENT_TYPES
from medsec.products import service as products
from medsec.products.schemas import ProductCreate, ReleaseCreate
from medsec.sysmodel import service as sysmodel
from medsec.threats import rules as threat_rules
from medsec.threats import service as threats
from medsec.trace import rules as trace_rules
from medsec.trace import service as trace

ACTOR = "bench"


def gen_model(n_elements: int, n_flows: int, seed: int = 11) -> bytes:
    """A medsec model file with the given size."""
    rnd = random.Random(seed)
    zones = [{"id": f"z{i}", "name": f"Zone {i}"} for i in range(12)]
    elements = []
    for i in range(n_elements):
        etype = ELEMENT_TYPES[i % len(ELEMENT_TYPES)]
        e: dict[str, object] = {
            "id": f"e{i}",
            "type": etype,
            "name": f"{etype} {i}",
            "boundary": f"z{rnd.randrange(12)}",
        }
        if etype == "device":
            e["interfaces"] = [
                {"name": "radio", "kind": "wireless", "enabled": rnd.random() < 0.33},
                {"name": "service", "kind": "service-port", "enabled": rnd.random() < 0.2},
                {"name": "usb", "kind": "usb", "enabled": rnd.random() < 0.2},
            ]
        elements.append(e)
    flows = []
    for i in range(n_flows):
        a, b = rnd.sample(range(n_elements), 2)
        flows.append(
            {
                "id": f"f{i}",
                "from": f"e{a}",
                "to": f"e{b}",
                "name": f"flow {i}",
                "protocol": "HTTPS",
                "port": 443,
                "classification": "safety-critical" if rnd.random() < 0.25 else "internal",
            }
        )
    doc = {
        "medsec-system-model": 1,
        "name": "bench",
        "boundaries": zones,
        "elements": elements,
        "flows": flows,
    }
    return orjson.dumps(doc)


def gen_sarif(total: int) -> bytes:
    """One SARIF log with ``total`` results replicated from the real logs."""
    base = SHARED / "evidence" / "sarif"
    index = json.loads((base / "index.json").read_text())["index"]
    pool = []
    for entry in index:
        if entry.get("results", 0) > 0 and not entry.get("invalid"):
            doc = read_sarif((base / entry["file"]).read_bytes(), source=entry["file"])
            pool.extend(doc.results)
    results = []
    copy = 0
    while len(results) < total:
        for r in pool:
            if len(results) == total:
                break
            res: dict[str, object] = {
                "ruleId": f"{r.key}-{copy}",
                "message": {"text": r.message or r.name},
            }
            if r.level:
                res["level"] = r.level
            if r.location:
                uri, _, line = r.location.rpartition(":")
                res["locations"] = [
                    {
                        "physicalLocation": {
                            "artifactLocation": {"uri": uri or r.location},
                            **({"region": {"startLine": int(line)}} if line.isdigit() else {}),
                        }
                    }
                ]
            results.append(res)
        copy += 1
    return orjson.dumps(
        {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "bench"}}, "results": results}]}
    )


def junit(n: int) -> bytes:
    """A JUnit report with n passing cases spread over 8 classes."""
    cases = "".join(f'<testcase classname="tests.c{i % 8}" name="t{i}"/>' for i in range(n))
    return f"<testsuites><testsuite name='s'>{cases}</testsuite></testsuites>".encode()


def main() -> None:
    """Run the benchmark and print its figures."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--elements", type=int, default=500)
    ap.add_argument("--flows", type=int, default=2000)
    ap.add_argument("--results", type=int, default=50_000)
    args = ap.parse_args()
    print(machine())
    data = gen_model(args.elements, args.flows)
    t_parse = best(lambda: read_system_model(data, source="bench"))
    model = read_system_model(data, source="bench")
    t_gen, made = timed(lambda: threat_rules.generate(model))
    t_gen = min(t_gen, best(lambda: threat_rules.generate(model)))
    by_lib: dict[str, list[trace_rules.ControlCell]] = {}
    rows = []
    for g in made:
        cell = by_lib.setdefault(
            g.library_id,
            [trace_rules.ControlCell(f"C-{g.library_id}", g.library_id, "verified", ())],
        )
        rows.append(
            (trace_rules.ThreatCell(g.key, g.title, g.category, "open", g.target_id), [], cell)
        )
    t_pure_matrix = best(lambda: trace_rules.build(rows))
    print(
        f"model: {args.elements} elements, {args.flows} flows, {len(data) / 1e6:.1f} MB; "
        f"{len(made):,} threats"
    )
    print(f"  (a) baseline read+check model  {t_parse * 1000:9.1f} ms")
    print(
        f"  STRIDE generation (memory)     {t_gen * 1000:9.1f} ms   x{t_gen / t_parse:.2f} of (a)"
    )
    print(
        f"  matrix build (pure)            {t_pure_matrix * 1000:9.1f} ms   "
        f"x{t_pure_matrix / t_parse:.2f} of (a)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        factory = fresh_db(Path(tmp) / "b.db")
        with unit_of_work(factory) as s:
            accounts.add(s, name="bench", roles=["admin"], products=[], actor=ACTOR)
            products.create_product(s, data=ProductCreate(name="B", manufacturer="M"), actor=ACTOR)
            products.create_release(s, product="B", data=ReleaseCreate(version="1"), actor=ACTOR)
        t_store, _ = timed(
            lambda: _in(
                factory,
                lambda s: sysmodel.import_model(
                    s, product="B", release="1", data=data, source="bench", actor=ACTOR
                ),
            )
        )
        t_threats, gen = timed(
            lambda: _in(
                factory, lambda s: threats.generate(s, product="B", release="1", actor=ACTOR)
            )
        )
        t_regen, _ = timed(
            lambda: _in(
                factory, lambda s: threats.generate(s, product="B", release="1", actor=ACTOR)
            )
        )

        def link_all(s: object) -> None:
            all_t = threats.list_threats(s, product="B", release="1", actor=ACTOR)  # type: ignore[arg-type]
            for k, lib in enumerate(sorted({t.library_id or "" for t in all_t})[:8]):
                controls.add_control(
                    s,
                    product="B",
                    actor=ACTOR,
                    data=ControlCreate(  # type: ignore[arg-type]
                        key=f"C{k}", name=lib, selectors=[f"junit:tests.c{k}::*"]
                    ),
                )
                controls.link(
                    s,
                    product="B",
                    key=f"C{k}",
                    release="1",
                    actor=ACTOR,  # type: ignore[arg-type]
                    threat_keys=[t.key for t in all_t if t.library_id == lib],
                )
            evidence.import_file(
                s,
                product="B",
                release="1",
                data=junit(2000),  # type: ignore[arg-type]
                source="j.xml",
                kind="junit",
                actor=ACTOR,
            )

        _in(factory, link_all)
        t_matrix, m = timed(
            lambda: _in(factory, lambda s: trace.matrix(s, product="B", release="1", actor=ACTOR))
        )
        print(f"  SQLite: store model            {t_store * 1000:9.1f} ms")
        print(
            f"  SQLite: generate+store threats {t_threats * 1000:9.1f} ms   "
            f"({gen.created:,} threats; x{t_threats / t_parse:.1f} of (a))"
        )
        print(f"  SQLite: regenerate (all kept)  {t_regen * 1000:9.1f} ms")
        print(
            f"  SQLite: matrix read model      {t_matrix * 1000:9.1f} ms   "
            f"({len(m.rows):,} rows, gaps {sum(m.gap_counts.values()):,}; "
            f"x{t_matrix / t_parse:.1f} of (a))"
        )
    sarif = gen_sarif(args.results)
    t_json = best(lambda: orjson.loads(sarif))
    t_read = best(lambda: read_sarif(sarif, source="bench.sarif"))
    print(f"SARIF: {args.results:,} results, {len(sarif) / 1e6:.1f} MB")
    print(f"  (b) baseline orjson.loads      {t_json * 1000:9.1f} ms")
    print(
        f"  read_sarif                     {t_read * 1000:9.1f} ms   x{t_read / t_json:.1f} of (b)"
    )
    with tempfile.TemporaryDirectory() as tmp:
        factory = fresh_db(Path(tmp) / "s.db")
        with unit_of_work(factory) as s:
            accounts.add(s, name="bench", roles=["admin"], products=[], actor=ACTOR)
            products.create_product(s, data=ProductCreate(name="B", manufacturer="M"), actor=ACTOR)
            products.create_release(s, product="B", data=ReleaseCreate(version="1"), actor=ACTOR)
        t_imp, imp = timed(
            lambda: _in(
                factory,
                lambda s: evidence.import_file(
                    s,
                    product="B",
                    release="1",
                    data=sarif,
                    source="bench.sarif",
                    kind="sarif",
                    actor=ACTOR,
                ),
            )
        )
        print(
            f"  SQLite import (parse+store)    {t_imp * 1000:9.1f} ms   "
            f"{imp.counts['total'] / t_imp:,.0f} results/s; x{t_imp / t_json:.1f} of (b)"
        )
    _ = model_from_dict, dump_model


def _in(factory: object, fn: object) -> object:
    """Run fn(session) in one committed unit of work; its result."""
    with unit_of_work(factory) as s:  # type: ignore[arg-type]
        return fn(s)  # type: ignore[operator]


if __name__ == "__main__":
    main()
