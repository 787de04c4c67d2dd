"""The finding list computed by the database equals the pure rules on random data.

A random world is stored through the real feed import (OSV records with random CVSS vectors, some
naming each other so groups merge; a KEV catalog; an EPSS file), then findings, rescorings, SSVC
decisions, risk records (current and superseded) and VEX decisions of both scopes are added at
random. For every filter and both orders, the pages the database gives equal what describing
every finding and applying `findings.priority` and the filter in Python gives. Runs on SQLite and,
with MEDSEC_TEST_DATABASE_URL, on PostgreSQL (`db` marker).
"""

from __future__ import annotations

import json
import random
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select

from medsec.accounts import service as accounts
from medsec.db.uow import unit_of_work
from medsec.findings import listing, overview, priority
from medsec.findings.schemas import FindingRead
from medsec.models import (
    CvssRescore,
    Finding,
    RiskRecord,
    SsvcDecisionRow,
    VexDecision,
    Vulnerability,
)
from medsec.products import service as products
from medsec.products.schemas import ProductCreate, ReleaseCreate
from medsec.vulns import service as vulns

pytestmark = pytest.mark.db

ACTOR = "cli:lister"
NOW = datetime(2026, 12, 1, tzinfo=UTC)
VECTORS = [
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",  # 9.8 critical
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",  # 7.5 high
    "CVSS:3.1/AV:L/AC:L/PR:L/UI:N/S:U/C:H/I:N/A:N",  # 5.5 medium
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:R/S:U/C:L/I:L/A:N",  # medium
    "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N",  # low
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N",  # 0.0 none
    "CVSS:3.1/AV:X/broken",  # invalid: kept, never scored
]
OUTCOMES = ["defer", "Scheduled", "Out-of-Cycle", "immediate", "Track", "Track*", "attend", "Act"]
KEYS = [f"pkg:pypi/lib-{i}@1.0" for i in range(6)] + ["acme/Thing_%x@2"]
N_VULNS = 24


def _osv(rng: random.Random, folder: Path, n: int, *, modified: str) -> Path:
    path = folder / f"osv-{modified[:10]}.zip"
    with zipfile.ZipFile(path, "w") as z:
        for i in range(n):
            aliases = [f"CVE-2099-{i:04d}"]
            if i % 7 == 3:  # names the next record's CVE too: the two groups merge
                aliases.append(f"CVE-2099-{i + 1:04d}")
            severity = [
                {"type": "CVSS_V3", "score": rng.choice(VECTORS)}
                for _ in range(rng.choice([0, 1, 1, 2]))
            ]
            record = {
                "id": f"LIST-{i:04d}",
                "modified": modified,
                "aliases": aliases,
                "summary": f"random vulnerability {i}",
                "severity": severity,
                "affected": [
                    {
                        "package": {"ecosystem": "PyPI", "name": f"lib-{i}"},
                        "ranges": [
                            {"type": "ECOSYSTEM", "events": [{"introduced": "0"}, {"fixed": "2"}]}
                        ],
                    }
                ],
            }
            z.writestr(f"LIST-{i:04d}.json", json.dumps(record))
    return path


def _kev(rng: random.Random, folder: Path) -> Path:
    cves = sorted(rng.sample([f"CVE-2099-{i:04d}" for i in range(N_VULNS)], 6))
    entries = [
        {
            "cveID": c,
            "vendorProject": "Acme",
            "product": "lib",
            "vulnerabilityName": "random",
            "dateAdded": "2026-01-01",
            "shortDescription": "random",
            "requiredAction": "update",
            "dueDate": "2026-01-22",
            "knownRansomwareCampaignUse": "Unknown",
            "notes": "",
        }
        for c in cves
    ]
    doc = {
        "title": "CISA Catalog of Known Exploited Vulnerabilities",
        "catalogVersion": "2026.01.01",
        "dateReleased": "2026-01-01T00:00:00.000Z",
        "count": len(entries),
        "vulnerabilities": entries,
    }
    path = folder / "known_exploited_vulnerabilities.json"
    path.write_text(json.dumps(doc))
    return path


def _epss(rng: random.Random, folder: Path) -> Path:
    lines = [
        "#model_version:v2025.03.14,score_date:2026-01-01T00:00:00+0000",
        "cve,epss,percentile",
    ]
    for i in range(N_VULNS):
        if rng.random() < 0.7:  # few distinct values: ties fall through to the next criterion
            lines.append(f"CVE-2099-{i:04d},{rng.choice([0.0012, 0.25, 0.9731])},0.5")
    path = folder / "epss_scores-2026-01-01.csv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _risk(finding_id: int, version: int, current: bool, rank: int | None) -> RiskRecord:
    return RiskRecord(
        finding_id=finding_id,
        version=version,
        is_current=current,
        hazardous_situation="random",
        harm="random",
        severity="serious",
        exploitability="low",
        exploitability_reasons=[],
        controls=[],
        risk_before="medium",
        residual="low",
        region="alarp",
        acceptable=True,
        fda_class="controlled",
        evaluation={} if rank is None else {"residual_level_rank": rank},
        status="draft",
        changed_by="random",
        changed_at=NOW,
    )


def build_world(session: Any, seed: int, folder: Path) -> None:
    """Two products of two releases with random findings and every kind of assessment."""
    rng = random.Random(seed)
    accounts.add(session, name="lister", roles=["admin"], products=[], actor=ACTOR)
    vulns.import_feed(session, path=_osv(rng, folder, N_VULNS, modified="2026-01-01T00:00:00Z"),
                      actor=ACTOR)  # fmt: skip
    vulns.import_feed(session, path=_kev(rng, folder), actor=ACTOR)
    vulns.import_feed(session, path=_epss(rng, folder), actor=ACTOR)
    vids = list(session.execute(select(Vulnerability.id).order_by(Vulnerability.id)).scalars())
    releases: list[tuple[int, int]] = []
    for p in ("Alpha", "Beta"):
        prod = products.create_product(
            session, data=ProductCreate(name=p, manufacturer="Acme"), actor=ACTOR
        )
        for v in ("1.0", "2.0"):
            rel = products.create_release(
                session, product=p, data=ReleaseCreate(version=v), actor=ACTOR
            )
            releases.append((prod.id, rel.id))
    findings: list[Finding] = []
    for product_id, release_id in releases:
        for key in KEYS:
            for vid in rng.sample(vids, rng.randint(2, 6)):
                f = Finding(
                    release_id=release_id,
                    component_key=key,
                    vulnerability_id=vid,
                    status="active" if rng.random() < 0.85 else "resolved",
                    first_seen=NOW,
                    last_seen=NOW,
                    explanations=[],
                )
                session.add(f)
                findings.append(f)
                if rng.random() < 0.15:
                    status = rng.choice(
                        ["not_affected", "fixed", "affected", "under_investigation"]
                    )
                    scope = rng.choice(["release", "component"])
                    session.add(
                        VexDecision(
                            scope=scope,
                            product_id=product_id,
                            release_id=release_id if scope == "release" else None,
                            component_key=key,
                            vulnerability_id=vid,
                            status=status,
                            justification="component_not_present"
                            if status == "not_affected"
                            else None,
                            vocabulary="canonical",
                            reason="random",
                            decided_by="random",
                            decided_at=NOW,
                        )
                    )
    session.flush()
    for f in findings:
        if rng.random() < 0.3:
            for _ in range(rng.randint(1, 2)):
                score = rng.choice([3.1, 7.0, 9.8, 5.5, 0.0])
                session.add(
                    CvssRescore(
                        finding_id=f.id,
                        source_vector=VECTORS[0],
                        source="random",
                        vector=VECTORS[0],
                        score=score,
                        severity="high",
                        reason="random",
                        decided_by="random",
                        decided_at=NOW,
                    )
                )
                session.flush()
        if rng.random() < 0.35:
            for _ in range(rng.randint(1, 2)):
                session.add(
                    SsvcDecisionRow(
                        finding_id=f.id,
                        table="supplier",
                        inputs={"exploitation": {"value": "none"}},
                        outcome=rng.choice(OUTCOMES),
                        vector="random",
                        decided_by="random",
                        decided_at=NOW,
                    )
                )
                session.flush()
        if rng.random() < 0.35:
            if rng.random() < 0.5:
                session.add(_risk(f.id, 1, False, rng.randint(0, 4)))
            session.add(_risk(f.id, 2, True, rng.choice([None, 0, 1, 2, 3, 4])))
    session.flush()


@pytest.fixture
def world(request, session_factory, tmp_path):
    with unit_of_work(session_factory) as session:
        build_world(session, getattr(request, "param", 11), tmp_path)
    return session_factory


def _described(session: Any, product: str, include_resolved: bool) -> list[FindingRead]:
    return listing.list_findings(session, product=product, include_resolved=include_resolved)


def _pure_order(items: list[FindingRead]) -> list[int]:
    """The work list by the pure rule: open (no closing VEX decision), most urgent first."""
    kept = [f for f in items if overview.state_of(f) not in listing.CLOSED]
    kept.sort(key=lambda f: (tuple(f.priority.key), -f.id), reverse=True)
    return [f.id for f in kept]


def _pages(session: Any, product: str, flt: overview.FindingFilter, size: int) -> list[int]:
    got: list[int] = []
    offset = 0
    total = None
    while True:
        page = overview.search(session, product=product, flt=flt, offset=offset, limit=size)
        assert total in (None, page.total)  # the total is the same on every page
        total = page.total
        got.extend(f.id for f in page.items)
        offset += size
        if offset >= page.total:
            break
    assert len(got) == total
    return got


@pytest.mark.parametrize("world", [11, 23, 57, 91], indirect=True)
def test_sql_priority_order_equals_the_pure_ranking(world):
    with unit_of_work(world) as session:
        for product, include_resolved in [(p, r) for p in ("Alpha", "Beta") for r in (0, 1)]:
            want = _pure_order(_described(session, product, bool(include_resolved)))
            flt = overview.FindingFilter(sort="priority", include_resolved=bool(include_resolved))
            assert _pages(session, product, flt, 7) == want
            assert [f.id for f in listing.list_findings(
                session, product=product, include_resolved=bool(include_resolved), sort="priority"
            )] == want  # fmt: skip
        keys = [tuple(f.priority.key) for f in _described(session, "Alpha", True)]
        # the random world reaches every branch of the rule
        firsts = {k[0] for k in keys}
        assert priority.UNASSESSED_URGENT in firsts and priority.MISSING in firsts
        assert any(0 <= x <= 4 for x in firsts)
        assert len({k[1] for k in keys}) >= 3 and {k[2] for k in keys} == {0.0, 1.0}


def _python_filter(items: list[FindingRead], flt: overview.FindingFilter) -> list[int]:
    out = []
    for f in items:
        if not overview.matches(f, flt):
            continue
        if flt.component and flt.component.lower() not in f.component.key.lower():
            continue
        ids = [f.vulnerability.id, *f.vulnerability.aliases]
        if flt.text and not any(flt.text.lower() in i.lower() for i in ids):
            continue
        out.append(f.id)
    return out


FILTERS = [
    *(overview.FindingFilter(severity=s) for s in ("critical", "high", "medium", "low", "none")),
    overview.FindingFilter(kev=True),
    overview.FindingFilter(kev=False, include_resolved=True),
    *(overview.FindingFilter(state=s) for s in overview.STATES),
    overview.FindingFilter(component="lib-3"),
    overview.FindingFilter(component="THING_%"),  # wildcards are literal text
    overview.FindingFilter(component="_"),
    overview.FindingFilter(text="cve-2099-001"),
    overview.FindingFilter(text="list-0002"),
    overview.FindingFilter(severity="high", kev=False, state="under_investigation"),
]


@pytest.mark.parametrize("world", [11, 23], indirect=True)
def test_sql_filters_equal_the_python_filters(world):
    with unit_of_work(world) as session:
        for flt, product in [(f, p) for f in FILTERS for p in ("Alpha", "Beta")]:
            items = _described(session, product, flt.include_resolved)
            want = _python_filter(items, flt)
            assert _pages(session, product, flt, 5) == want, flt


def test_the_filters_select_something(world):
    with unit_of_work(world) as session:
        items = _described(session, "Alpha", True)
        severities = {f.vulnerability.severity for f in items}
        assert {"critical", "high"} <= severities  # the severity filter is really exercised
        assert None in severities  # no score at all, or only an invalid vector
        for flt in (FILTERS[0], FILTERS[5], FILTERS[11], FILTERS[14]):
            assert overview.search(session, product="Alpha", flt=flt).total > 0, flt


def test_stored_scores_equal_the_scores_shown(world):
    with unit_of_work(world) as session:
        for product in ("Alpha", "Beta"):
            for f in _described(session, product, True):
                v = session.get(Vulnerability, session.get(Finding, f.id).vulnerability_id)
                assert v.severity == f.vulnerability.severity
                rescored = f.priority.key[4]
                if (
                    session.execute(
                        select(CvssRescore.id).where(CvssRescore.finding_id == f.id)
                    ).first()
                    is None
                ):
                    assert (v.cvss_score if v.cvss_score is not None else -1.0) == rescored


@pytest.mark.parametrize("sort", ["release", "priority"])
def test_a_page_takes_the_same_number_of_statements_whatever_its_size(world, engine, sort):
    counted: list[str] = []

    def count(_conn, _cursor, statement, *_args):
        counted.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        sizes = {}
        for limit in (1, 5, 60):
            with unit_of_work(world) as session:
                flt = overview.FindingFilter(sort=sort, include_resolved=True)
                counted.clear()
                page = overview.search(session, product="Alpha", flt=flt, limit=limit)
                assert len(page.items) == min(limit, page.total)
                sizes[limit] = len([s for s in counted if not s.startswith(("BEGIN", "SAVEPOINT"))])
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert sizes[1] == sizes[5] == sizes[60], sizes
    # release ids, count, the page of rows, ids with KEV and EPSS, records, VEX, risk, rescoring,
    # SSVC (13 before the page of rows, the KEV/EPSS join and the product ids came from the rows)
    assert sizes[60] <= 9, sizes


T0, T1 = "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"


def _one_osv(folder: Path, rid: str, aliases: list[str], vector: str | None, modified: str) -> Path:
    record = {
        "id": rid,
        "modified": modified,
        "aliases": aliases,
        "severity": [{"type": "CVSS_V3", "score": vector}] if vector else [],
        "affected": [],
    }
    path = folder / f"{rid}-{modified[:4]}.json"
    path.write_text(json.dumps(record))
    return path


def _scores(session: Any, cve: str) -> tuple[str | None, float | None]:
    from medsec.vulns import repository as vuln_repo

    v = vuln_repo.vulnerability_by_alias(session, cve)
    assert v is not None
    session.refresh(v)
    return v.severity, v.cvss_score


def test_every_feed_write_keeps_the_stored_scores(session_factory, tmp_path):
    low = "CVSS:3.1/AV:P/AC:H/PR:H/UI:R/S:U/C:L/I:N/A:N"
    with unit_of_work(session_factory) as s:
        vulns.import_feed(
            s, path=_one_osv(tmp_path, "A-1", ["CVE-2099-0001"], low, T0),
            actor=ACTOR,
        )  # fmt: skip
        assert _scores(s, "CVE-2099-0001") == ("low", 1.6)
        # a newer revision of the record scores it critical
        vulns.import_feed(
            s, path=_one_osv(tmp_path, "A-1", ["CVE-2099-0001"], VECTORS[0], T1),
            actor=ACTOR,
        )  # fmt: skip
        assert _scores(s, "CVE-2099-0001") == ("critical", 9.8)
        vulns.import_feed(
            s, path=_one_osv(tmp_path, "B-1", ["CVE-2099-0002"], None, T0),
            actor=ACTOR,
        )  # fmt: skip
        assert _scores(s, "CVE-2099-0002") == (None, None)
        # a record naming both merges the groups: the merged one has the highest score
        vulns.import_feed(
            s, path=_one_osv(tmp_path, "C-1", ["CVE-2099-0001", "CVE-2099-0002"], VECTORS[2],
                             T0),
            actor=ACTOR,
        )  # fmt: skip
        assert _scores(s, "CVE-2099-0002") == ("critical", 9.8)
        # an invalid vector is shown, never scored
        vulns.import_feed(
            s, path=_one_osv(tmp_path, "D-1", ["CVE-2099-0004"], VECTORS[-1], T0),
            actor=ACTOR,
        )  # fmt: skip
        assert _scores(s, "CVE-2099-0004") == (None, None)


def test_the_migration_scores_vulnerabilities_already_stored(tmp_path):
    from sqlalchemy import text

    from medsec.db import migrate
    from medsec.db.engine import make_engine, make_session_factory

    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine)
    with unit_of_work(make_session_factory(engine)) as s:
        vulns.import_feed(
            s, path=_one_osv(tmp_path, "A-1", ["CVE-2099-0001"], VECTORS[1], T0),
            actor=ACTOR,
        )  # fmt: skip
    from alembic import command
    from alembic.script import ScriptDirectory

    cfg = migrate.alembic_config(engine)
    before = ScriptDirectory.from_config(cfg).get_revision("0026").down_revision
    command.downgrade(cfg, str(before))  # the columns dropped, the advisories kept
    with engine.connect() as conn:
        assert "severity" not in list(conn.execute(text("SELECT * FROM vulnerability")).keys())
    migrate.upgrade(engine)
    with engine.connect() as conn:
        row = conn.execute(text("SELECT severity, cvss_score FROM vulnerability")).one()
    engine.dispose()
    assert tuple(row) == ("high", 7.5)


def test_cli_list_filters_in_sql_and_refuses_unknown_values(world, cli):
    with unit_of_work(world) as session:
        want = _pure_order(_described(session, "Alpha", False))
        high = _python_filter(
            _described(session, "Alpha", False), overview.FindingFilter(severity="high")
        )
    code, out, _ = cli("findings", "list", "-p", "Alpha", "--sort", "priority", "-f", "json")
    assert code == 0 and [r["id"] for r in json.loads(out)] == want
    code, out, _ = cli("findings", "list", "-p", "Alpha", "--severity", "high", "-f", "json")
    rows = json.loads(out)
    assert code == 0 and [r["id"] for r in rows] == high and high
    assert {r["vulnerability"]["severity"] for r in rows} == {"high"}
    assert set(rows[0]) >= {"id", "component", "vulnerability", "vex", "risk", "priority"}
    code, out, _ = cli("findings", "list", "-p", "Alpha", "--kev", "--search", "cve-2099")
    assert code == 0 and "findings" in out
    code, _, err = cli("findings", "list", "-p", "Alpha", "--severity", "urgent")
    assert code == 2 and "severity" in err and "critical" in err


@pytest.mark.parametrize("world", [11, 57], indirect=True)
def test_release_counts_in_sql_equal_counting_the_described_findings(world):
    from collections import Counter

    with unit_of_work(world) as session:
        for product in ("Alpha", "Beta"):
            got = overview.product_overview(session, product)
            assert got.name == product and [r.version for r in got.releases] == ["1.0", "2.0"]
            for rel in got.releases:
                rows = listing.list_findings(session, product=product, version=rel.version)
                states = Counter(overview.state_of(f) for f in rows)
                assert rel.findings == len(rows) > 0
                assert rel.by_state == dict(states)
                assert rel.by_severity == dict(
                    Counter((f.vulnerability.severity or "unknown").lower() for f in rows)
                )
                assert rel.open == sum(
                    1 for f in rows if overview.state_of(f) not in listing.CLOSED
                )
                assert rel.kev == sum(1 for f in rows if f.vulnerability.kev)
            assert any(len(r.by_state) > 1 for r in got.releases)


def test_one_statement_of_ids_kev_and_epss_equals_the_three_it_replaces(world):
    from medsec.vulns import queries as vuln_queries

    with unit_of_work(world) as session:
        vids = list(session.execute(select(Vulnerability.id)).scalars())
        ids, kev, epss = vuln_queries.intel_of(session, vids)
        assert ids == vuln_queries.ids_of(session, vids)
        cves = sorted({i for group in ids.values() for i in group if i.startswith("CVE-")})
        assert kev == vuln_queries.kev_for(session, cves) and kev  # the world has KEV hits
        assert epss == vuln_queries.epss_for(session, cves) and epss  # and EPSS scores


def test_the_shown_records_are_the_full_records_without_what_a_finding_does_not_show(world):
    from medsec.vulns import queries as vuln_queries

    shown_fields = ("source", "id", "modified", "published", "withdrawn", "summary", "severities")
    with unit_of_work(world) as session:
        vids = list(session.execute(select(Vulnerability.id)).scalars())
        full, shown = (
            vuln_queries.records_of(session, vids),
            vuln_queries.shown_records_of(session, vids),
        )
        assert full.keys() == shown.keys() and full
        for vid, records in full.items():
            assert [[getattr(r, n) for n in shown_fields] for r in records] == [
                [getattr(r, n) for n in shown_fields] for r in shown[vid]
            ]
        assert any(r.severities for rs in shown.values() for r in rs)
        assert all(r.affected == () for rs in shown.values() for r in rs)


@pytest.mark.parametrize("sort", ["release", "priority"])
def test_a_page_of_rows_in_one_statement_is_the_page_of_ids_in_the_same_order(world, sort):
    from medsec.findings import repository as repo

    with unit_of_work(world) as session:
        release_ids = listing.release_ids_of(session, product="Alpha")
        q = repo.ListQuery(sort=sort, include_resolved=True)
        total = repo.count_findings(session, release_ids, q)
        assert total > 12
        for offset, limit in ((0, 5), (3, 7), (total - 4, 10), (total, 5)):
            rows = repo.page_rows(session, release_ids, q, offset, limit)
            assert [r.Finding.id for r in rows] == repo.page_ids(
                session, release_ids, q, offset, limit
            )
            for r in rows:
                assert (
                    r.vulnerability_key
                    == session.get(Vulnerability, r.Finding.vulnerability_id).key
                )
