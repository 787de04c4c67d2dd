"""Finding list API under load: 1,000,000 findings on PostgreSQL, 50 concurrent clients.

Run: python bench/bench_findings_api.py --url postgresql+psycopg://postgres@127.0.0.1:5432/DB
     [--findings 1000000] [--products 50] [--releases 4] [--clients 50] [--requests 3000]
     [--seconds 60] [--workers 1] [--pace 1.0] [--reuse]

Setup (skipped with --reuse when the database already holds the findings): the database's
``public`` schema is rebuilt and migrated; the real services store an admin account and its API
token, one product with a release, a generated CycloneDX SBOM (1,000 components), a generated
OSV feed (500 records with CVSS vectors and CVE aliases) and a KEV catalog listing 50 of those
CVEs. Then SQL multiplies it in bulk: ``--products`` products of ``--releases`` releases each,
and ``--findings`` findings spread evenly over the releases, stored release by release as
matching stores them (one in ten resolved), with one VEX decision on every 50th finding;
``VACUUM ANALYZE``.

Measured, each phase bounded by ``--requests`` and ``--seconds``:

* sql: the baseline — the same two statements the API runs for a page (the filtered count and
  the page of ids, ``findings.repository.count_findings`` and ``page_ids``), straight on the
  database from ``--clients`` threads sharing a pool of 15 connections;
* sqlP: as sql, paced: each client starts a request every ``--pace`` seconds (50 clients, 1 s:
  50 requests/s offered), latency counted from the intended start (a late answer that delays the
  next request counts against it);
* sqlp: the same in the work-list (priority) order, computed in SQL;
* api: ``GET /api/v1/products/{p}/findings?offset=&limit=50`` (random product, random page of
  its open findings) from ``--clients`` concurrent keep-alive HTTP clients against uvicorn on
  127.0.0.1 (``--workers`` processes, ``--pool`` connections): every page described
  (vulnerability with every id and source, KEV, EPSS, VEX in force, risk, SSVC, priority) and
  serialised;
* apiP: as api, paced like sqlP;
* api1: the same from one client (the latency of a request that never queues);
* prio, prioP: as api and apiP, with ``sort=priority`` (the work list).

Each prints requests, errors, seconds, throughput, p50, p99 and max latency; the API phases also
the server's CPU time per request (user + system of the uvicorn processes, /proc); then the
API's p99 over the SQL p99, as fast as answered and paced.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import text
from sqlalchemy.dialects import postgresql

from _bench_util import machine
from medsec.accounts import credentials
from medsec.accounts import service as accounts
from medsec.db import migrate
from medsec.db.engine import make_engine, make_session_factory
from medsec.db.uow import unit_of_work
from medsec.findings import repository as findings_repo
from medsec.products import service as products
from medsec.products.schemas import ProductCreate, ReleaseCreate
from medsec.sbom import service as sboms
from medsec.vulns import service as vulns

ACTOR = "cli:bench"
COMPONENTS = 1000
VULNS = 500
PAGE = 50
VECTORS = (
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N",
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",
)


def _sbom() -> bytes:
    comps = [
        {
            "type": "library",
            "bom-ref": f"c{i}",
            "name": f"bench-lib-{i}",
            "version": "1.0.0",
            "purl": f"pkg:pypi/bench-lib-{i}@1.0.0",
        }
        for i in range(COMPONENTS)
    ]
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": comps}
    return json.dumps(doc).encode()


def _osv_zip(folder: Path) -> Path:
    path = folder / "osv-bench.zip"
    with zipfile.ZipFile(path, "w") as z:
        for i in range(VULNS):
            record = {
                "id": f"BENCH-{i:04d}",
                "modified": "2026-01-01T00:00:00Z",
                "aliases": [f"CVE-2099-{i + 1000}"],
                "summary": f"generated vulnerability {i} in bench-lib-{i}",
                "severity": [{"type": "CVSS_V3", "score": VECTORS[i % len(VECTORS)]}],
                "affected": [
                    {
                        "package": {"ecosystem": "PyPI", "name": f"bench-lib-{i}"},
                        "ranges": [
                            {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2"}]}
                        ],
                    }
                ],
            }
            z.writestr(f"BENCH-{i:04d}.json", json.dumps(record))
    return path


def _kev(folder: Path) -> Path:
    entries = [
        {
            "cveID": f"CVE-2099-{i + 1000}",
            "vendorProject": "Bench",
            "product": f"bench-lib-{i}",
            "vulnerabilityName": "generated",
            "dateAdded": "2026-01-01",
            "shortDescription": "generated for the benchmark",
            "requiredAction": "apply updates",
            "dueDate": "2026-01-22",
            "knownRansomwareCampaignUse": "Unknown",
            "notes": "",
        }
        for i in range(0, VULNS, VULNS // 50)
    ]
    catalog = {
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": "2026.01.01",
        "dateReleased": "2026-01-01T00:00:00.000Z",
        "count": len(entries),
        "vulnerabilities": entries,
    }
    path = folder / "known_exploited_vulnerabilities.json"
    path.write_text(json.dumps(catalog))
    return path


def setup(url: str, *, findings: int, n_products: int, n_releases: int) -> None:
    """Rebuild the schema, store the seed through the services, then multiply it in SQL."""
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory() as tmp, unit_of_work(make_session_factory(engine)) as s:
        folder = Path(tmp)
        accounts.add(s, name="bench", roles=["admin"], products=[], actor=ACTOR)
        products.create_product(
            s, data=ProductCreate(name="Bench 0000", manufacturer="Bench Medical"), actor=ACTOR
        )
        products.create_release(
            s, product="Bench 0000", data=ReleaseCreate(version="1.0"), actor=ACTOR
        )
        sboms.import_sbom(
            s, data=_sbom(), source_name="bench.cdx.json", product="Bench 0000",
            version="1.0", actor=ACTOR,
        )  # fmt: skip
        vulns.import_feed(s, path=_osv_zip(folder), actor=ACTOR)
        vulns.import_feed(s, path=_kev(folder), actor=ACTOR)
    per_release = findings // (n_products * n_releases)
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO product (name, manufacturer_id, created_at) "
                "SELECT 'Bench ' || lpad(g::text, 4, '0'), p.manufacturer_id, now() "
                "FROM product p, generate_series(1, :n) g WHERE p.name = 'Bench 0000'"
            ),
            {"n": n_products - 1},
        )
        conn.execute(
            text(
                "INSERT INTO release (product_id, version, use_environment, interfaces, "
                "created_at) SELECT p.id, v || '.0', 'hospital', '[]', now() "
                "FROM product p, generate_series(1, :n) v WHERE NOT EXISTS (SELECT 1 FROM "
                "release r WHERE r.product_id = p.id AND r.version = v || '.0')"
            ),
            {"n": n_releases},
        )
        conn.execute(
            text(
                "WITH c AS (SELECT array_agg(id ORDER BY id) AS a, "
                "array_agg(purl ORDER BY id) AS k FROM component), "
                "v AS (SELECT array_agg(id ORDER BY id) AS a FROM vulnerability) "
                "INSERT INTO finding (release_id, component_key, component_id, vulnerability_id,"
                " status, first_seen, last_seen, explanations) "
                "SELECT r.id, c.k[1 + g % :nc], c.a[1 + g % :nc], "
                "v.a[1 + (g / :nc + g) % :nv], "
                "CASE WHEN g % 10 = 9 THEN 'resolved' ELSE 'active' END, now(), now(), "
                'CAST(\'[{"source": "osv", "id": "generated", '
                '"range": "introduced 0, fixed 2"}]\' AS json) '
                "FROM release r, c, v, generate_series(0, :per - 1) g ORDER BY r.id, g"
            ),
            {"nc": COMPONENTS, "nv": VULNS, "per": per_release},
        )
        conn.execute(
            text(
                "INSERT INTO vex_decision (scope, product_id, release_id, component_key, "
                "vulnerability_id, status, vocabulary, reason, decided_by, decided_at) "
                "SELECT 'release', r.product_id, f.release_id, f.component_key, "
                "f.vulnerability_id, 'affected', 'canonical', 'generated', 'bench', now() "
                "FROM finding f JOIN release r ON r.id = f.release_id WHERE f.id % 50 = 0"
            )
        )
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))  # visibility map set: index-only scans
    with engine.connect() as conn:
        total = conn.execute(text("SELECT count(*) FROM finding")).scalar_one()
    engine.dispose()
    print(f"setup: {total:,} findings in {n_products * n_releases} releases of {n_products} "
          f"products, {time.perf_counter() - started:.0f} s")  # fmt: skip


def _token(url: str) -> str:
    engine = make_engine(url)
    with unit_of_work(make_session_factory(engine)) as s:
        secret = credentials.issue_token(s, name="bench", label="bench", actor=ACTOR).secret
    engine.dispose()
    return secret


def _targets(url: str) -> list[tuple[str, list[int], int]]:
    """(product name, its release ids, open findings) of every product."""
    engine = make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            text(
                "SELECT p.name, array_agg(DISTINCT r.id), count(f.id) FROM product p "
                "JOIN release r ON r.product_id = p.id LEFT JOIN finding f ON "
                "f.release_id = r.id AND f.status = 'active' GROUP BY p.name ORDER BY p.name"
            )
        ).all()
    engine.dispose()
    return [(name, sorted(ids), int(n)) for name, ids, n in rows]


def _stats(name: str, latencies: list[float], errors: int, seconds: float) -> float:
    ms = sorted(x * 1000 for x in latencies)
    p99 = ms[min(len(ms) - 1, int(len(ms) * 0.99))] if ms else float("nan")
    p50 = statistics.median(ms) if ms else float("nan")
    print(
        f"{name:>4}: {len(ms):6d} requests, {errors} errors, {seconds:6.1f} s, "
        f"{len(ms) / seconds:7.1f} req/s, p50 {p50:7.1f} ms, p99 {p99:7.1f} ms, "
        f"max {ms[-1] if ms else float('nan'):7.1f} ms"
    )
    return p99


def _sql_texts(release_ids: list[int], offset: int, sort: str = "release") -> list[str]:
    """The count and page-of-ids statements of the finding list, compiled with literals."""
    captured: list[str] = []

    class Capture:
        def execute(self, stmt: Any) -> Any:
            captured.append(
                str(
                    stmt.compile(
                        dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}
                    )
                )
            )

            class Result:
                def scalar_one(self) -> int:
                    return 0

                def scalars(self) -> list[int]:
                    return []

            return Result()

    q = findings_repo.ListQuery(sort=sort)
    findings_repo.count_findings(Capture(), release_ids, q)  # type: ignore[arg-type]
    findings_repo.page_ids(Capture(), release_ids, q, offset, PAGE)  # type: ignore[arg-type]
    return captured


def run_sql(
    url: str,
    targets: list[Any],
    clients: int,
    requests: int,
    seconds: float,
    sort: str = "release",
    name: str = "sql",
    pace: float = 0.0,
) -> float:
    """The baseline: count + page of ids straight on the database, ``clients`` threads (each
    starting a request every ``pace`` seconds when ``pace``, else as soon as one answers)."""
    engine = make_engine(url)  # default pool: 5 + 10 overflow, as the app's
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    issued = iter(range(requests))

    def worker() -> None:
        nonlocal errors
        rng = random.Random()
        due = time.perf_counter() + rng.uniform(0, pace)
        while time.perf_counter() < deadline:
            with lock:
                if next(issued, None) is None:
                    return
            _, ids, n = rng.choice(targets)
            count_sql, page_sql = _sql_texts(ids, rng.randrange(0, max(1, n - PAGE)), sort)[:2]
            time.sleep(max(0.0, due - time.perf_counter()))
            # paced: latency from the intended start, so a late answer that delays the next
            # request is counted against it (no coordinated omission)
            t0 = due if pace else time.perf_counter()
            due += pace
            try:
                with engine.connect() as conn:
                    conn.exec_driver_sql(count_sql).scalar_one()
                    conn.exec_driver_sql(page_sql).all()
            except Exception:
                with lock:
                    errors += 1
                continue
            with lock:
                latencies.append(time.perf_counter() - t0)

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    engine.dispose()
    return _stats(name, latencies, errors, time.perf_counter() - start)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process and its descendants (Linux /proc)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    todo = [pid]
    while todo:
        p = todo.pop()
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{p}/task").iterdir():
                todo.extend(int(c) for c in (task / "children").read_text().split())
        except (OSError, ValueError):
            continue
    return total


def run_api(
    url: str, targets: list[Any], token: str, args: argparse.Namespace
) -> tuple[dict[str, float], int]:
    """The API under ``--clients`` concurrent clients (as fast as answered, then paced), one
    client, then the work-list order; returns (p99 of each phase, bytes of one page)."""
    import httpx2

    port = _free_port()
    env = {**os.environ, "MEDSEC_DATABASE_URL": url, "MEDSEC_SECRET_KEY": "b" * 48}
    env["MEDSEC_HOME"] = tempfile.mkdtemp(prefix="medsec-bench-")
    env["MEDSEC_DB_POOL_SIZE"] = str(args.pool)
    env["MEDSEC_DB_MAX_OVERFLOW"] = "0"
    env["MEDSEC_SCHEDULER"] = "0"
    server = subprocess.Popen(
        [
            sys.executable, "-m", "uvicorn", "--factory", "--app-dir",
            str(Path(__file__).resolve().parent), "_findings_app:create",
            "--host", "127.0.0.1", "--port", str(port), "--workers", str(args.workers),
            "--log-level", "warning", "--no-access-log",
        ],
        env=env,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    headers = {"Authorization": f"Bearer {token}"}
    try:
        for _ in range(300):
            try:
                if httpx2.get(f"{base}/api/v1/products", headers=headers).status_code == 200:
                    break
            except httpx2.TransportError:
                pass
            time.sleep(0.1)
        else:
            raise SystemExit("uvicorn did not answer within 30 s")
        page_bytes = len(
            httpx2.get(
                f"{base}/api/v1/products/{targets[0][0]}/findings?limit={PAGE}", headers=headers
            ).content
        )
        p99s: dict[str, float] = {}
        for name, clients, sort, pace in (
            ("api", args.clients, "release", 0.0),
            ("apiP", args.clients, "release", args.pace),
            ("api1", 1, "release", 0.0),
            ("prio", args.clients, "priority", 0.0),
            ("prioP", args.clients, "priority", args.pace),
        ):
            if name not in args.phases:
                continue
            cpu = _cpu_seconds(server.pid)
            p, done = asyncio.run(_load(base, headers, targets, args, clients, sort, name, pace))
            used = _cpu_seconds(server.pid) - cpu
            print(
                f"      server CPU {used:.1f} s = {1000 * used / max(1, done):.1f} ms per request"
            )
            p99s[name] = p
    finally:
        server.terminate()
        server.wait(timeout=30)
    return p99s, page_bytes


async def _load(
    base: str,
    headers: dict[str, str],
    targets: list[Any],
    args: argparse.Namespace,
    clients: int,
    sort: str,
    name: str,
    pace: float = 0.0,
) -> tuple[float, int]:
    import httpx2

    latencies: list[float] = []
    errors = 0
    remaining = args.requests
    deadline = time.perf_counter() + args.seconds
    limits = httpx2.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx2.AsyncClient(
        base_url=base, headers=headers, limits=limits, timeout=60
    ) as client:

        async def worker() -> None:
            nonlocal errors, remaining
            rng = random.Random()
            due = time.perf_counter() + rng.uniform(0, pace)
            while remaining > 0 and time.perf_counter() < deadline:
                remaining -= 1
                product, _, n = rng.choice(targets)
                offset = rng.randrange(0, max(1, n - PAGE))
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
                # paced: latency from the intended start (no coordinated omission)
                t0 = due if pace else time.perf_counter()
                due += pace
                try:
                    r = await client.get(
                        f"/api/v1/products/{product}/findings",
                        params={"offset": offset, "limit": PAGE, "sort": sort},
                    )
                    ok = r.status_code == 200 and len(r.json()["items"]) == PAGE
                except httpx2.HTTPError:
                    ok = False
                if ok:
                    latencies.append(time.perf_counter() - t0)
                else:
                    errors += 1

        start = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
    p99 = _stats(name, latencies, errors, time.perf_counter() - start)
    return p99, len(latencies) + errors


PHASES = ("sql", "sqlP", "sqlp", "api", "apiP", "api1", "prio", "prioP")


def main() -> None:
    """Set up (unless --reuse), then the SQL baseline and the API under load."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--url", required=True, help="PostgreSQL URL of a database to rebuild.")
    ap.add_argument("--findings", type=int, default=1_000_000)
    ap.add_argument("--products", type=int, default=50)
    ap.add_argument("--releases", type=int, default=4)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--requests", type=int, default=3000)
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    ap.add_argument("--pool", type=int, default=15, help="MEDSEC_DB_POOL_SIZE of the server")
    ap.add_argument("--reuse", action="store_true", help="Keep the stored findings.")
    ap.add_argument(
        "--phases",
        type=lambda v: set(v.split(",")),
        default=set(PHASES),
        help=f"comma-separated phases to run (default all: {','.join(PHASES)})",
    )
    ap.add_argument(
        "--pace",
        type=float,
        default=1.0,
        help="seconds between the starts of one client's requests in the paced phases",
    )
    args = ap.parse_args()
    if not args.url.startswith("postgresql"):
        raise SystemExit("--url: a PostgreSQL URL (postgresql+psycopg://...)")
    print(machine())
    if not args.reuse:
        setup(args.url, findings=args.findings, n_products=args.products, n_releases=args.releases)
    targets = _targets(args.url)
    total = sum(n for _, _, n in targets)
    print(
        f"{len(targets)} products, {total:,} open findings; {args.clients} clients, "
        f"at most {args.requests} requests or {args.seconds:.0f} s per phase, page {PAGE}"
    )
    nan = float("nan")
    sql_p99 = paced_p99 = nan
    if "sql" in args.phases:
        sql_p99 = run_sql(args.url, targets, args.clients, args.requests, args.seconds)
    if "sqlP" in args.phases:
        paced_p99 = run_sql(
            args.url, targets, args.clients, args.requests, args.seconds, "release", "sqlP",
            args.pace,
        )  # fmt: skip
    if "sqlp" in args.phases:
        run_sql(args.url, targets, args.clients, args.requests, args.seconds, "priority", "sqlp")
    p99s, page_bytes = run_api(args.url, targets, _token(args.url), args)
    print(
        f"one API page: {page_bytes:,} bytes; API p99 / SQL p99 = "
        f"{p99s.get('api', nan) / sql_p99:.1f} (as fast as answered), "
        f"{p99s.get('apiP', nan) / paced_p99:.1f} (paced: {args.clients} clients "
        f"x 1 request / {args.pace:g} s = {args.clients / args.pace:.0f} requests/s offered)"
    )


if __name__ == "__main__":
    main()
