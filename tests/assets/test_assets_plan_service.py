"""The hospital's end-of-support plan on both databases: devices by quarter of their release's
end of life and end of support, the replacement budget, legacy devices around the EOS day."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from medsec.accounts import service as accounts
from medsec.assets import planning
from medsec.assets import service as inventory
from medsec.db.uow import unit_of_work
from medsec.errors import InvalidInput
from medsec.ingest.assets_table import read_csv
from medsec.lifecycle import service as lifecycle
from medsec.lifecycle.schemas import ReleaseLifecycleUpdate
from medsec.products import service as products
from medsec.products.schemas import ProductCreate, ReleaseCreate

BIOMED = "cli:biomed"
EOS = date(2026, 12, 31)


@pytest.fixture
def planned(session_factory):
    """Two releases, one with EOL/EOS dates; five devices, two without a cost."""
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="admin", roles=["admin"], products=[], actor="cli:admin")
        accounts.add(s, name="biomed", roles=["analyst"], products=[], actor="cli:admin")
        products.create_product(
            s, data=ProductCreate(name="Pump", manufacturer="Acme"), actor="cli:admin"
        )
        for version in ("1.0", "2.0"):
            products.create_release(
                s, product="Pump", data=ReleaseCreate(version=version), actor="cli:admin"
            )
        lifecycle.set_release_lifecycle(
            s,
            product="Pump",
            version="1.0",
            data=ReleaseLifecycleUpdate(eol_planned=date(2026, 3, 31), eos_planned=EOS),
            actor="cli:admin",
        )
        text = (
            "asset_tag,manufacturer,model,software_version,replacement_cost\n"
            'P-1,Acme,Pump,1.0,"12,000"\n'
            "P-2,Acme,Pump,1.0,$8000.50\n"
            "P-3,Acme,Pump,1.0,\n"
            "P-4,Acme,Pump,2.0,9000\n"
            "X-1,Other,Thing,1,\n"
        )
        inventory.import_assets(
            s, table=read_csv(text.encode(), "inv.csv"), skip_bad_rows=False, actor=BIOMED
        )
    return session_factory


def test_quarters_budget_and_devices_without_dates(planned):
    with unit_of_work(planned) as s:
        rep = planning.plan(s, actor=BIOMED, on=date(2025, 11, 14))
    by = {q.quarter: q for q in rep.quarters}
    assert sorted(by) == ["2026-Q1", "2026-Q4"]
    assert sorted(by["2026-Q1"].end_of_life) == ["P-1", "P-2", "P-3"]
    q4 = by["2026-Q4"]
    assert sorted(q4.end_of_support) == ["P-1", "P-2", "P-3"]
    assert q4.budget == pytest.approx(20000.50) and q4.missing_costs == 1
    assert rep.without_dates == ["P-4"]  # 2.0 has no dates; X-1 maps to nothing
    assert rep.legacy == [] and rep.timeline_svg and "<svg" in rep.timeline_svg


@pytest.mark.parametrize(("day", "legacy"), [(EOS - timedelta(days=1), False), (EOS, True)])
def test_devices_are_legacy_from_their_releases_end_of_support_day(planned, day, legacy):
    with unit_of_work(planned) as s:
        rep = planning.plan(s, actor=BIOMED, on=day)
    tags = sorted(x.asset_tag for x in rep.legacy if x.status == "legacy")
    assert tags == (["P-1", "P-2", "P-3"] if legacy else [])
    if legacy:
        assert "residual risk passes to the provider" in rep.legacy[0].reasons[0]
        assert {x.replacement_cost for x in rep.legacy} == {12000.0, 8000.5, None}


def test_the_plan_refuses_a_silly_horizon_and_strangers(planned):
    with unit_of_work(planned) as s:
        with pytest.raises(InvalidInput, match="--years"):
            planning.plan(s, actor=BIOMED, on=date(2025, 1, 1), years=40)
        from medsec.errors import PermissionDenied

        with pytest.raises(PermissionDenied):
            planning.plan(s, actor="cli:nobody", on=date(2025, 1, 1))
