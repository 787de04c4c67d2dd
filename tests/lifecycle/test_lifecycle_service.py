"""The lifecycle service on SQLite and PostgreSQL: import (all or nothing), mapping, release
dates, status/horizon/legacy on dates, notices drafted in English and Japanese, access, audit."""

from __future__ import annotations

from datetime import date

import orjson
import pytest
from sqlalchemy import func, select

from medsec.accounts import service as accounts
from medsec.db.uow import unit_of_work
from medsec.errors import InvalidInput, NotFound, PermissionDenied
from medsec.lifecycle import service
from medsec.lifecycle.schemas import ControlIn, ReleaseLifecycleUpdate
from medsec.models import AuditEvent, LifecycleProductRow, ReleaseLifecycleRow
from medsec.products import service as products
from medsec.products.schemas import ProductCreate, ReleaseCreate
from medsec.sbom import service as sboms

D = date.fromisoformat
ANA, VIC, VAL = "cli:ana", "cli:vic", "cli:val"
PRODUCT, OTHER = "Pump <b>X</b>", "Other"
OPENSSL = b"""---
title: OpenSSL
identifiers:
  - cpe: cpe:/a:openssl:openssl
  - repology: openssl
releases:
  - releaseCycle: "3.0"
    releaseDate: 2021-09-07
    eol: 2026-09-07
  - releaseCycle: "1.1.1"
    releaseDate: 2018-09-11
    eol: 2023-09-11
---
"""
PYTHON = b"""---
title: Python
identifiers:
  - purl: pkg:generic/python
releases:
  - releaseCycle: "3.9"
    releaseDate: 2020-10-05
    eoas: 2022-05-17
    eol: 2025-10-31
---
"""
BROKEN = b"""---
title: Broken
releases:
  - releaseCycle: "1.0"
    releaseDate: 2020-01-01
    eol: 2020-02-30
---
"""


def _sbom() -> bytes:
    comps = [
        {
            "type": "library",
            "bom-ref": "ssl",
            "name": "openssl",
            "version": "1.1.1n-0+deb11u5",
            "purl": "pkg:deb/debian/openssl@1.1.1n-0%2Bdeb11u5?distro=debian-11",
        },
        {
            "type": "application",
            "bom-ref": "py",
            "name": "python3.9",
            "version": "3.9.2-1",
            "purl": "pkg:generic/python@3.9.2",
            "properties": [{"name": "cdx:lifecycle:milestone:endOfSupport", "value": "2026-01-31"}],
        },
        {
            "type": "library",
            "bom-ref": "x",
            "name": "<script>alert(1)</script>",
            "version": "1",
            "purl": "pkg:npm/hostile@1",
        },
    ]
    return orjson.dumps(
        {"bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1, "components": comps}
    )


@pytest.fixture
def world(session_factory):
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="boss", roles=["admin"], products=[], actor="cli:boss")
        accounts.add(s, name="ana", roles=["analyst"], products=[PRODUCT], actor="cli:boss")
        accounts.add(s, name="vic", roles=["viewer"], products=[], actor="cli:boss")
        accounts.add(s, name="val", roles=["viewer"], products=[OTHER], actor="cli:boss")
        products.create_product(s, data=ProductCreate(name=PRODUCT, manufacturer="Acme"), actor="t")
        for version, shipped in (("1.0", "2023-03-15"), ("2.0", "2024-06-03")):
            products.create_release(
                s,
                product=PRODUCT,
                data=ReleaseCreate(version=version, release_date=D(shipped)),
                actor="t",
            )
        sboms.import_sbom(
            s, data=_sbom(), source_name="b.cdx.json", product=PRODUCT, version="2.0", actor="t"
        )
        service.import_files(s, files=[("openssl.md", OPENSSL), ("python.md", PYTHON)], actor=ANA)
        service.set_release_lifecycle(
            s,
            product=PRODUCT,
            version="2.0",
            data=ReleaseLifecycleUpdate(
                eol_planned=D("2027-06-30"),
                eos_planned=D("2028-06-30"),
                eos_announced=D("2028-12-31"),
                eos_announced_on=D("2025-01-15"),
                controls=[ControlIn(name="isolated VLAN", until=D("2026-06-30"))],
            ),
            actor=ANA,
        )
    return session_factory


def test_import_counts_and_a_reimport_is_unchanged(world):
    with unit_of_work(world) as s:
        again = service.import_files(s, files=[("openssl.md", OPENSSL)], actor=ANA)
        assert (again.products, again.new, again.unchanged, again.cycles) == (1, 0, 1, 2)
        listed = service.list_lifecycle_products(s, actor=VIC)
        assert [(p.slug, p.cycles) for p in listed] == [("openssl", 2), ("python", 1)]
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "lifecycle.import"))
        assert len(list(events)) == 2


def test_a_bad_entry_refuses_the_whole_import_and_names_its_place(world):
    with pytest.raises(service.LifecycleDataError) as caught, unit_of_work(world) as s:
        service.import_files(
            s,
            files=[("new.md", PYTHON.replace(b"Python", b"New")), ("broken.md", BROKEN)],
            actor=ANA,
        )
    assert str(caught.value).startswith("broken.md: /releases/0/eol: '2020-02-30' is not a date")
    with unit_of_work(world) as s:
        assert s.scalar(select(func.count()).select_from(LifecycleProductRow)) == 2
        result = service.import_files(s, files=[("broken.md", BROKEN)], actor=ANA, skip_bad=True)
        assert result.products == 1 and result.cycles == 0
        assert [p.location for p in result.problems] == ["/releases/0/eol"]


def test_importing_and_setting_dates_need_the_analyst_role(world):
    with unit_of_work(world) as s:
        with pytest.raises(PermissionDenied):
            service.import_files(s, files=[("openssl.md", OPENSSL)], actor=VIC)
        with pytest.raises(PermissionDenied):
            service.set_release_lifecycle(
                s,
                product=PRODUCT,
                version="1.0",
                data=ReleaseLifecycleUpdate(eol_planned=D("2026-01-01")),
                actor=VIC,
            )
        with pytest.raises(PermissionDenied, match="no access to product"):
            service.status(s, product=PRODUCT, on=D("2025-01-01"), actor=VAL)
        with pytest.raises(PermissionDenied, match="has no account"):
            service.status(s, product=PRODUCT, on=D("2025-01-01"), actor="cli:nobody")


def test_inconsistent_dates_are_refused_and_nothing_changes(world):
    with pytest.raises(InvalidInput, match="before the end of life"), unit_of_work(world) as s:
        service.set_release_lifecycle(
            s,
            product=PRODUCT,
            version="2.0",
            data=ReleaseLifecycleUpdate(eos_announced=D("2027-01-01")),
            actor=ANA,
        )
    with unit_of_work(world) as s:
        (st,) = service.status(s, product=PRODUCT, version="2.0", on=D("2025-01-01"), actor=VIC)
        assert st.lifecycle.eos == D("2028-12-31")  # announced wins over planned
        assert st.lifecycle.eos_planned == D("2028-06-30")


def test_status_horizon_and_legacy_on_dates(world):
    with unit_of_work(world) as s:
        (h,) = service.horizon(s, product=PRODUCT, version="2.0", on=D("2025-01-01"), actor=VIC)
        assert h.horizon == D("2023-09-11")
        assert [(c.name, c.lifecycle_product, c.lifecycle_cycle) for c in h.set_by] == [
            ("openssl", "openssl", "1.1.1")
        ]
        assert any(
            "support had already ended (2023-09-11) when the release shipped" in w
            for w in h.warnings
        )
        py = [c for c in h.conflicts if c.name == "python3.9"]
        assert py and "2026-01-31" in (py[0].conflict or "") and "2025-10-31" in py[0].conflict
        (st,) = service.status(s, product=PRODUCT, version="2.0", on=D("2026-06-30"), actor=VIC)
        assert (st.phase, st.legacy.status) == ("supported", "at_risk")
        assert st.legacy.protected_until == D("2026-06-30")
        (late,) = service.status(s, product=PRODUCT, version="2.0", on=D("2028-12-31"), actor=VIC)
        assert (late.phase, late.legacy.status) == ("end_of_support", "legacy")
        (none,) = service.status(s, product=PRODUCT, version="1.0", on=D("2025-01-01"), actor=VIC)
        assert none.phase is None and none.legacy.status == "unknown"


def test_user_mapping_changes_matching_and_a_double_fit_is_refused(world):
    with unit_of_work(world) as s:
        comps = service.component_support(
            s, product=PRODUCT, version="2.0", on=D("2025-01-01"), actor=VIC
        )
        assert {c.name: c.lifecycle_product for c in comps}["<script>alert(1)</script>"] is None
        service.add_mapping(s, purl_type="npm", name="hostile", product="python", actor=ANA)
        with pytest.raises(InvalidInput, match="would fit two products"):
            service.add_mapping(s, purl_type="npm", name="hostile", product="openssl", actor=ANA)
        with pytest.raises(InvalidInput, match="would fit two products"):
            service.add_mapping(s, purl_type="generic", name="python", product="openssl", actor=ANA)
        with pytest.raises(InvalidInput, match="unknown product"):
            service.add_mapping(s, purl_type="npm", name="x", product="nope", actor=ANA)
    with unit_of_work(world) as s:
        assert [m.name for m in service.list_mappings(s, actor=VIC)] == ["hostile"]
        comps = service.component_support(
            s, product=PRODUCT, version="2.0", on=D("2025-01-01"), actor=VIC
        )
        by_name = {c.name: c for c in comps}
        assert by_name["<script>alert(1)</script>"].lifecycle_product is None  # 1 is no cycle


def test_notices_due_and_drafts_in_both_languages(world):
    with unit_of_work(world) as s:
        due = service.notices(s, product=PRODUCT, version="2.0", on=D("2026-02-01"), actor=VIC)
        assert [n.key for n in due] == ["component_eos-0m-python3.9@3.9.2-1"]
        assert due[0].milestone_date == D("2026-01-31")  # the SBOM's statement wins
        en = service.draft_notice(
            s,
            product=PRODUCT,
            version="2.0",
            key=due[0].key,
            on=D("2026-02-01"),
            lang="en",
            actor=VIC,
        )
        ja = service.draft_notice(
            s,
            product=PRODUCT,
            version="2.0",
            key=due[0].key,
            on=D("2026-02-01"),
            lang="ja",
            actor=VIC,
        )
        assert "Pump &lt;b&gt;X&lt;/b&gt; 2.0" in en and "<b>X" not in en
        assert "python3.9 3.9.2-1, a component of" in en and "ended on 2026-01-31" in en
        assert "responsibility for the device&#x27;s security" in en
        assert '<html lang="ja">' in ja and "2026年1月31日に終了しました" in ja
        assert "ヘルスケアプロバイダである貴施設に移転されます" in ja
        assert "<svg" in en  # the timeline of the release
        with pytest.raises(NotFound):
            service.draft_notice(
                s,
                product=PRODUCT,
                version="2.0",
                key="eol-12m-2.0",
                on=D("2026-02-01"),
                lang="en",
                actor=VIC,
            )
        schedule = (service.rules.NoticeRule("eol", 12),)
        (eol,) = service.notices(
            s, product=PRODUCT, version="2.0", on=D("2026-06-30"), actor=VIC, schedule=schedule
        )
        assert eol.key == "eol-12m-2.0" and eol.due_on == D("2026-06-30")


def test_plan_timeline_and_csaf_notes(world):
    with unit_of_work(world) as s:
        plan = service.plan(s, product=PRODUCT, on=D("2025-01-01"), actor=VIC)
        quarters = {q.quarter: q for q in plan.quarters}
        assert (
            "python3.9 3.9.2-1 (2026-01-31) in 2.0" in quarters["2026-Q1"].component_end_of_support
        )
        assert quarters["2027-Q2"].end_of_life == ["2.0 (2027-06-30)"]
        assert plan.assets == "not available"
        svg = service.timeline(s, product=PRODUCT, on=D("2025-01-01"), actor=VIC)
        assert svg.count('class="tl-row"') == 2 and "Pump &lt;b&gt;X&lt;/b&gt;" in svg
        rel = products.get_release(s, product=PRODUCT, version="2.0")
        ((title, text),) = service.csaf_notes(
            s, product=PRODUCT, releases=[rel], on=D("2025-01-01")
        )
        assert title == "Support lifecycle of Pump <b>X</b> 2.0"
        assert "end of support 2028-12-31" in text and "2023-09-11 (openssl" in text


def test_release_dates_are_audited_and_removed_with_the_release(world):
    with unit_of_work(world) as s:
        ev = s.scalars(select(AuditEvent).where(AuditEvent.action == "release.lifecycle.set")).one()
        assert ev.details["after"]["eos"] == "2028-12-31" and ev.details["before"]["eos"] is None
        assert s.scalar(select(func.count()).select_from(ReleaseLifecycleRow)) == 1
