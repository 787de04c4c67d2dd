"""The stored re-match (compact match forms, bulk writes) gives exactly the findings of the
engine over the full records, on real advisories and SBOMs; the form is backfilled."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
import yaml
from alembic import command
from sqlalchemy import select, update

from medsec.db import migrate
from medsec.db.engine import make_engine, make_session_factory
from medsec.db.uow import unit_of_work
from medsec.findings import service as findings
from medsec.matching.engine import Candidate, Matcher
from medsec.models import Advisory, Component, Finding, FindingEvent, Sbom
from medsec.sbom import service as sboms
from medsec.vulns import codec
from medsec.vulns import service as vulns

pytestmark = pytest.mark.shared_data

SBOMS = "sboms/cyclonedx-examples/SBOM"
REAL_SBOMS = (
    ("juice", "juice-shop/via_npm/bare/bom.1.4.json"),
    ("keycloak", "keycloak-10.0.2/bom.json"),
    ("dropwizard", "dropwizard-1.3.15/bom.json"),
)
SAMPLE = 250  # records taken from each of pypa and go-vulndb (sorted paths)
PURL_TYPE = {"PyPI": "pypi", "Go": "golang"}


def _sample(shared: Path, tmp: Path) -> tuple[Path, list[dict[str, Any]]]:
    """A folder with the first SAMPLE pypa and go-vulndb records; the records as dicts."""
    out = tmp / "feed"
    records: list[dict[str, Any]] = []
    for sub, pattern in (("pypa/vulns", "*.yaml"), ("go-vulndb/data/osv", "*.json")):
        for path in sorted((shared / "advisories" / sub).rglob(pattern))[:SAMPLE]:
            dest = out / sub.split("/")[0] / path.name
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, dest)
            data = path.read_bytes()
            records.append(orjson.loads(data) if path.suffix == ".json" else yaml.safe_load(data))
    return out, records


def _versions(aff: dict[str, Any]) -> list[str]:
    """Versions to try: some listed ones, every event value, one above every range."""
    values = list(aff.get("versions") or ())[:3]
    for rng in aff.get("ranges") or ():
        for event in rng.get("events") or ():
            values += [v for v in event.values() if v != "0"]
    return [*dict.fromkeys(values), "99999.0.0"]


def _portfolio_sbom(records: list[dict[str, Any]]) -> bytes:
    """A CycloneDX SBOM with the packages of the records at affected and safe versions."""
    comps: dict[str, dict[str, Any]] = {}
    for rec in records:
        for aff in rec.get("affected") or ():
            pkg = aff.get("package") or {}
            kind = PURL_TYPE.get(pkg.get("ecosystem", ""))
            if not kind or pkg.get("name") in (None, "stdlib", "toolchain"):
                continue
            for v in _versions(aff):
                version = f"v{v}" if kind == "golang" and not v.startswith("v") else v
                purl = f"pkg:{kind}/{pkg['name']}@{version}"
                comps.setdefault(
                    purl,
                    {
                        "type": "library",
                        "bom-ref": purl,
                        "name": pkg["name"],
                        "version": version,
                        "purl": purl,
                    },
                )
    return orjson.dumps(
        {
            "bomFormat": "CycloneDX",
            "specVersion": "1.5",
            "version": 1,
            "components": list(comps.values()),
        }
    )


def _load(factory, shared: Path, tmp: Path) -> None:
    feed, records = _sample(shared, tmp)
    with unit_of_work(factory) as s:
        for product, rel in REAL_SBOMS:
            data = (shared / SBOMS / rel).read_bytes()
            sboms.import_sbom(
                s, data=data, source_name=rel, product=product, version="1", actor="t"
            )
        sboms.import_sbom(
            s,
            data=_portfolio_sbom(records),
            source_name="sample.json",
            product="sample",
            version="1",
            actor="t",
        )
    with unit_of_work(factory) as s:
        for path in (shared / "advisories/ghsa-subset", feed):
            result = vulns.import_feed(s, path=path, actor="t")
            assert not [p for p in result.problems if p.fatal]


def _component_key(c: Any) -> str:
    if c.purl:
        return f"purl:{c.purl}"
    name = f"{c.group}/{c.name}" if c.group else c.name
    return f"name:{name}@{c.version or ''}"


def _expected(s) -> dict[tuple[int, str, int], tuple[int, list[dict[str, Any]]]]:
    """What the findings must be: the engine over every full record (``codec.to_record``)."""
    advisories = list(s.execute(select(Advisory).order_by(Advisory.id)).scalars())
    by_record: dict[str, Advisory] = {}
    for a in advisories:
        by_record.setdefault(a.source_id, a)
    matcher = Matcher(codec.to_record(a) for a in advisories)
    out: dict[tuple[int, str, int], tuple[int, list[dict[str, Any]]]] = {}
    for sbom in s.execute(select(Sbom).where(Sbom.is_current.is_(True))).scalars():
        comps = list(s.execute(select(Component).where(Component.sbom_id == sbom.id)).scalars())
        by_id = {c.id: c for c in comps}
        cands = [Candidate(c.id, c.purl, c.cpe, c.version) for c in comps if c.purl or c.cpe]
        hits, _ = matcher.match(cands, [c.cpe for c in comps if c.cpe])
        for h in hits:
            adv = by_record[h.record_id]
            key = (sbom.release_id, _component_key(by_id[h.component_id]), adv.vulnerability_id)
            _cid, expl = out.setdefault(key, (h.component_id, []))
            expl.append(
                {
                    "record": h.record_id,
                    "source": adv.source,
                    "identifier": h.identifier,
                    "value": h.value,
                    "reason": h.reason,
                }
            )
    return out


def _stored(s) -> dict[tuple[int, str, int], tuple[int, list[dict[str, Any]]]]:
    rows = s.execute(select(Finding).where(Finding.status == "active")).scalars()
    return {
        (f.release_id, f.component_key, f.vulnerability_id): (f.component_id, f.explanations)
        for f in rows
    }


def _match(factory, **kw) -> findings.MatchReport:
    with unit_of_work(factory) as s:
        return findings.match(s, actor="t", **kw)


@pytest.mark.parametrize("join_from", [0, 10**9], ids=["semi-join", "key-lists"])
def test_stored_rematch_equals_the_engine_on_full_records(
    session_factory, shared_data, tmp_path, monkeypatch, join_from
):
    monkeypatch.setattr(findings, "JOIN_FROM_COMPONENTS", join_from)
    _load(session_factory, shared_data, tmp_path)
    report = _match(session_factory, full=True)
    with unit_of_work(session_factory) as s:
        expected = _expected(s)
        stored = _stored(s)
        events = list(s.execute(select(FindingEvent)).scalars())
        findings_by_id = {f.id: f for f in s.execute(select(Finding)).scalars()}
    releases = {k[0] for k in expected}
    assert len(expected) > 50 and len(releases) >= 3  # real hits in several releases
    assert report.new == len(expected) == len(findings_by_id)
    assert stored == expected
    assert sorted(e.finding_id for e in events) == sorted(findings_by_id)
    for e in events:
        f = findings_by_id[e.finding_id]
        assert e.event == "new" and e.details == {"matched_by": f.explanations}
        assert f.first_seen == f.last_seen and f.resolved_at is None
    print(f"equivalence: {len(expected)} findings in {len(releases)} releases")

    again = _match(session_factory, full=True)  # nothing new: same rows, first_seen kept
    with unit_of_work(session_factory) as s:
        assert _stored(s) == expected
        for f in s.execute(select(Finding)).scalars():
            old = findings_by_id[f.id]
            assert (f.first_seen, f.status) == (old.first_seen, "active")
            assert f.last_seen >= old.last_seen
        assert len(list(s.execute(select(FindingEvent)).scalars())) == len(events)
    assert (again.new, again.resolved, again.reopened) == (0, 0, 0)


def test_advisories_without_a_stored_form_match_the_same(session_factory, shared_data, tmp_path):
    _load(session_factory, shared_data, tmp_path)
    _match(session_factory, full=True)
    with unit_of_work(session_factory) as s:
        before = _stored(s)
        forms = {a.id: a.match_form for a in s.execute(select(Advisory)).scalars()}
        s.execute(update(Advisory).values(match_form=None))
        s.execute(update(Finding).values(status="resolved"))  # so every finding is reopened
    report = _match(session_factory, full=True)
    assert report.reopened == len(before) and report.new == 0
    with unit_of_work(session_factory) as s:
        assert _stored(s) == before
        for a in s.execute(select(Advisory)).scalars():
            assert forms[a.id] == codec.match_form(a)


def test_migration_backfills_the_form_of_stored_advisories(shared_data, tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    migrate.upgrade(engine)
    factory = make_session_factory(engine)
    _load(factory, shared_data, tmp_path)
    with unit_of_work(factory) as s:
        stored = {a.id: a.match_form for a in s.execute(select(Advisory)).scalars()}
    assert len(stored) > 100 and all(stored.values())
    command.downgrade(migrate.alembic_config(engine), "0009")
    migrate.upgrade(engine)
    with unit_of_work(factory) as s:
        rows = list(s.execute(select(Advisory)).scalars())
        assert {a.id: a.match_form for a in rows} == stored
        assert all(a.match_form == codec.match_form(a) for a in rows)


def test_findings_added_after_a_bulk_match_get_fresh_ids(session_factory, shared_data, tmp_path):
    _load(session_factory, shared_data, tmp_path)
    _match(session_factory, full=True)
    with unit_of_work(session_factory) as s:
        bulk_ids = set(s.execute(select(Finding.id)).scalars())
        some = s.execute(select(Finding)).scalars().first()
        assert some is not None and bulk_ids
        extra = Finding(
            release_id=some.release_id,
            component_key="name:added-later@1",
            vulnerability_id=some.vulnerability_id,
            explanations=[],
        )
        s.add(extra)
        s.flush()  # the database's own id (a sequence on PostgreSQL) is above the reserved ones
        assert extra.id not in bulk_ids and extra.id > max(bulk_ids)


def _osv_file(path: Path, modified: str, **extra: Any) -> Path:
    record = {
        "schema_version": "1.6.0",
        "id": "TEST-1",
        "modified": modified,
        "affected": [
            {
                "package": {"ecosystem": "npm", "name": "lib"},
                "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "2.0.0"}]}],
            }
        ],
        **extra,
    }
    path.write_bytes(orjson.dumps(record))
    return path


def test_updated_and_withdrawn_records_change_their_form(session_factory, tmp_path):
    comps = [
        {
            "type": "library",
            "bom-ref": "a",
            "name": "lib",
            "version": "1.0.0",
            "purl": "pkg:npm/lib@1.0.0",
        }
    ]
    sbom = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": comps}
    with unit_of_work(session_factory) as s:
        sboms.import_sbom(
            s, data=orjson.dumps(sbom), source_name="x.json", product="P", version="1", actor="t"
        )
    feed = tmp_path / "a.json"
    with unit_of_work(session_factory) as s:
        vulns.import_feed(s, path=_osv_file(feed, "2024-01-01T00:00:00Z"), actor="t")
    assert _match(session_factory, full=True).new == 1
    fixed_early = _osv_file(feed, "2024-02-01T00:00:00Z")
    record = orjson.loads(fixed_early.read_bytes())
    record["affected"][0]["ranges"][0]["events"][1] = {"fixed": "0.5.0"}
    fixed_early.write_bytes(orjson.dumps(record))
    with unit_of_work(session_factory) as s:
        assert vulns.import_feed(s, path=fixed_early, actor="t").updated == 1
    assert _match(session_factory, full=True).resolved == 1  # 1.0.0 is no longer affected
    with unit_of_work(session_factory) as s:
        vulns.import_feed(s, path=_osv_file(feed, "2024-03-01T00:00:00Z"), actor="t")
    assert _match(session_factory, full=True).reopened == 1
    withdrawn = _osv_file(feed, "2024-04-01T00:00:00Z", withdrawn="2024-04-01T00:00:00Z")
    with unit_of_work(session_factory) as s:
        vulns.import_feed(s, path=withdrawn, actor="t")
        form = s.execute(select(Advisory.match_form)).scalar_one()
        assert orjson.loads(form)[0] is True
    report = _match(session_factory, full=True)
    assert (report.resolved, report.active) == (1, 0)
