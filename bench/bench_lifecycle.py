"""Lifecycle benchmark: the support horizon of a 20,000-component release and the legacy status
of 100,000 releases/assets-equivalent rows, each beside a baseline measured in the same run.

Command: `python bench/bench_lifecycle.py [--n 20000] [--rows 100000]`

1. pure horizon: the components of the real SBOMs in ../shared/data/sboms (keycloak, juice-shop,
   airflow, blogifier, ...) replicated up to N (every copy keeps its purl, CPE and version, so
   the share that maps to endoflife.date products is the real one), matched against the 464 real
   endoflife.date files and reduced to the horizon. Baseline: building the N component facts.
2. service horizon: `lifecycle.service.horizon` on a fresh SQLite database holding the
   generated N-component SBOM (bench/gen_sbom.py) and the imported endoflife.date files.
   Baseline: reading the release's N components (`sbom.service.components`), which the horizon
   has to do anyway.
3. legacy status of ROWS rows (seeded random EOS dates, ended components, compensating controls,
   patchable flag), as the hospital asset side will call `rules.legacy` per asset. Baseline:
   the phase alone (`rules.phase_on`) for the same rows.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _bench_util import SHARED, best, fresh_db, machine, timed
from gen_sbom import generate
from medsec.accounts import service as accounts
from medsec.db.uow import unit_of_work
from medsec.errors import MedsecError
from medsec.ingest.endoflife import parse_product
from medsec.ingest.sbom import parse_sbom
from medsec.lifecycle import rules, service
from medsec.sbom import service as sboms

ON = date(2025, 8, 1)
SOURCES = (
    "cyclonedx-examples/SBOM/keycloak-10.0.2/bom.json",
    "cyclonedx-examples/SBOM/juice-shop/v11.1.2/bom.json",
    "sbomqs-samples/apache_airflow-sbom-2.8.0-python3.10.json",
    "sbomqs-samples/blogifier-dotnet-SBOM.json",
    "cyclonedx-examples/SBOM/laravel-7.12.0/bom.1.4.json",
    "cyclonedx-examples/SBOM/protonmail-webclient-v4-0912dff/bom.json",
)


def _facts(components: list, n: int) -> list[rules.ComponentFacts]:
    return [
        rules.ComponentFacts(
            ref=f"c{i}",
            name=c.name,
            version=c.version,
            purl=c.purl,
            cpe=c.cpe,
            stated_level=c.support_level,
            stated_end=c.end_of_support,
            stated_source="sbom" if c.support_level or c.end_of_support else None,
        )
        for i, c in zip(range(n), (components * (n // max(len(components), 1) + 1)), strict=False)
    ]


def main() -> None:
    """Run the three measurements and print the table."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=20_000)
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    print(machine())
    folder = SHARED / "lifecycle" / "endoflife-date" / "products"
    files = [(str(f), f.read_bytes()) for f in sorted(folder.glob("*.md"))]
    secs, products = timed(
        lambda: [p for s, d in files if (p := parse_product(d, source=s)[0]) is not None]
    )
    print(f"read {len(products)} endoflife.date files: {secs * 1000:.0f} ms")
    table = rules.build_mapping(products)
    cycles = {p.slug: p.cycles for p in products}

    components = []
    for rel in SOURCES:
        try:
            components += parse_sbom(
                (SHARED / "sboms" / rel).read_bytes(), source=rel, strict=False
            ).components
        except MedsecError:
            continue
    base = best(lambda: _facts(components, args.n))
    facts = _facts(components, args.n)

    def run() -> rules.Horizon:
        supports = rules.assess_components(facts, ON, table, cycles)
        return rules.horizon(supports, rules.ReleaseDates(release_date=ON), ON)

    pure = best(run)
    h = run()
    mapped = sum(1 for s in rules.assess_components(facts, ON, table, cycles) if s.product)
    print(
        f"pure horizon, {args.n:,} components ({mapped:,} matched to a product cycle): "
        f"{pure * 1000:.0f} ms, {args.n / pure:,.0f} components/s; baseline (facts) "
        f"{base * 1000:.0f} ms; x baseline {pure / base:.1f}; horizon {h.end}"
    )

    with tempfile.TemporaryDirectory() as tmp:
        factory = fresh_db(Path(tmp) / "bench.db")
        with unit_of_work(factory) as s:
            accounts.add(s, name="bench", roles=["admin"], products=[], actor="cli:bench")
            service.import_files(s, files=files, actor="cli:bench")
            sboms.import_sbom(
                s,
                data=generate(args.n),
                source_name="gen.cdx.json",
                product="Bench",
                version="1",
                actor="cli:bench",
            )
        with unit_of_work(factory) as s:
            sbom = sboms.get_sbom(s, product="Bench", version="1")
            read = best(lambda: sboms.components(s, sbom))
            svc = best(
                lambda: service.horizon(s, product="Bench", version="1", on=ON, actor="cli:bench")
            )
            (hz,) = service.horizon(s, product="Bench", version="1", on=ON, actor="cli:bench")
        print(
            f"service horizon (SQLite), {args.n:,} components: {svc * 1000:.0f} ms; baseline "
            f"(read components) {read * 1000:.0f} ms; x baseline {svc / read:.1f}; "
            f"{hz.components_with_end_of_support:,} with an end of support"
        )

    rnd = random.Random(6)
    start = date(2018, 1, 1)
    rows = []
    for i in range(args.rows):
        eos = start + timedelta(days=rnd.randrange(0, 4000)) if rnd.random() < 0.9 else None
        ended = [
            (f"component-{i}-{k}", start + timedelta(days=rnd.randrange(0, 2500)))
            for k in range(rnd.choice((0, 0, 1, 2, 3)))
        ]
        controls = [
            rules.Control(f"control-{k}", start + timedelta(days=rnd.randrange(1500, 4000)))
            for k in range(rnd.choice((0, 1, 2)))
        ]
        rows.append((eos, ended, controls, rnd.random() < 0.1))
    dates = [rules.ReleaseDates(eos_planned=r[0]) for r in rows]
    phase_base = best(lambda: [rules.phase_on(d, ON) for d in dates])

    def legacy_all() -> list[rules.LegacyVerdict]:
        return [
            rules.legacy(eos=eos, ended=ended, controls=controls, on=ON, patchable=patchable)
            for eos, ended, controls, patchable in rows
        ]

    leg = best(legacy_all)
    counts: dict[str, int] = {}
    for v in legacy_all():
        counts[v.status] = counts.get(v.status, 0) + 1
    print(
        f"legacy status, {args.rows:,} rows: {leg * 1000:.0f} ms, {args.rows / leg:,.0f} rows/s; "
        f"baseline (phase only) {phase_base * 1000:.0f} ms; x baseline {leg / phase_base:.1f}; "
        + ", ".join(f"{k} {n:,}" for k, n in sorted(counts.items()))
    )


if __name__ == "__main__":
    main()
