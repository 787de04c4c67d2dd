"""The hospital workspace through its services, on SQLite and PostgreSQL: imports that land whole
or not at all, configuration history, remembered mappings, access, controls and rollouts."""

from __future__ import annotations

from datetime import date

import pytest

from medsec.accounts import service as accounts
from medsec.assets import exposure, operations, rollouts
from medsec.assets import service as inventory
from medsec.audit import service as audit
from medsec.db.uow import unit_of_work
from medsec.errors import DocumentError, InvalidInput, NotFound, PermissionDenied
from medsec.ingest.assets_table import read_csv
from medsec.models import Asset
from medsec.products import service as products
from medsec.products.schemas import ProductCreate, ReleaseCreate

BIOMED = "cli:biomed"
HEADER = "asset_tag,manufacturer,model,software_version,department,network_segment\n"


def _table(text: str, name: str = "inv.csv"):
    return read_csv((HEADER + text).encode(), name)


@pytest.fixture
def hospital(session_factory):
    """An admin, a hospital analyst, a viewer, and a product with two releases."""
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="admin", roles=["admin"], products=[], actor="cli:admin")
        accounts.add(s, name="biomed", roles=["analyst"], products=[], actor="cli:admin")
        accounts.add(s, name="view", roles=["viewer"], products=[], actor="cli:admin")
        accounts.add(s, name="other", roles=["analyst"], products=["Monitor"], actor="cli:admin")
        products.create_product(
            s, data=ProductCreate(name="InfuGuard 500", manufacturer="ExampleMedic"), actor="t"
        )
        for version in ("2.0.0", "2.1.0"):
            products.create_release(
                s, product="InfuGuard 500", data=ReleaseCreate(version=version), actor="t"
            )
    return session_factory


def _assets(s):
    return {a.asset_tag: a for a in s.query(Asset).all()}


def test_an_import_with_one_bad_row_stores_nothing_and_names_the_row(hospital):
    bad = _table("P-1,ExampleMedic,InfuGuard 500,2.0.0,ICU,\nP-2,,InfuGuard 500,2.0.0,ICU,\n")
    with pytest.raises(DocumentError, match=r"inv.csv: 1 bad row\(s\), nothing imported.*row 3"):
        with unit_of_work(hospital) as s:
            inventory.import_assets(s, table=bad, skip_bad_rows=False, actor=BIOMED)
    with unit_of_work(hospital) as s:
        assert _assets(s) == {}
        result = inventory.import_assets(s, table=bad, skip_bad_rows=True, actor=BIOMED)
        assert (result.created, [i.row for i in result.skipped]) == (1, [3])
    with unit_of_work(hospital) as s:
        assert list(_assets(s)) == ["P-1"]
        events = [e for e in audit.list_events(s) if e.action == "assets.import"]
        assert events[-1].details["skipped_rows"] == [3]


def test_reimport_keeps_the_configuration_history_with_who_and_when(hospital):
    with unit_of_work(hospital) as s:
        first = inventory.import_assets(
            s, table=_table("P-1,ExampleMedic,InfuGuard 500,2.0.0,ICU,\n"), skip_bad_rows=False,
            actor=BIOMED,
        )  # fmt: skip
        assert (first.created, first.mapped) == (1, 1)
    with unit_of_work(hospital) as s:
        again = inventory.import_assets(
            s,
            table=_table("P-1,ExampleMedic,InfuGuard 500,2.1.0,Ward 3,\nP-2,Acme,Vent,1,ICU,\n"),
            skip_bad_rows=False,
            actor="cli:admin",
        )
        assert (again.created, again.changed, again.unchanged) == (1, 1, 0)
        same = inventory.import_assets(
            s, table=_table("P-2,Acme,Vent,1,ICU,\n"), skip_bad_rows=False, actor=BIOMED
        )
        assert (same.created, same.changed, same.unchanged) == (0, 0, 1)
    with unit_of_work(hospital) as s:
        hist = inventory.history(s, tag="P-1", actor=BIOMED)
        assert [h.action for h in hist] == ["created", "changed"]
        assert hist[1].by == "cli:admin"
        assert hist[1].changes["software_version"] == ["2.0.0", "2.1.0"]
        assert hist[1].changes["department"] == ["ICU", "Ward 3"]
        rel = products.get_release(s, product="InfuGuard 500", version="2.1.0")
        assert hist[1].changes["target"][1] == f"release:{rel.id}"
        assert inventory.get_asset(s, tag="P-1", actor=BIOMED).target_label == (
            "ExampleMedic InfuGuard 500 2.1.0"
        )


def test_a_confirmed_mapping_is_remembered_and_suggestions_are_never_applied(hospital):
    with unit_of_work(hospital) as s:
        inventory.import_assets(
            s, table=_table("P-1,ExampleMedic,InfuGuard-500,v2.0,ICU,\n"), skip_bad_rows=False,
            actor=BIOMED,
        )  # fmt: skip
        assert inventory.get_asset(s, tag="P-1", actor=BIOMED).target is None
        (group,) = inventory.unmapped(s, actor=BIOMED)
        best = group.suggestions[0]
        assert best.label == "ExampleMedic InfuGuard 500 2.0.0"
        with pytest.raises(InvalidInput, match="unknown target"):
            inventory.confirm_mapping(s, tag="P-1", target="release:999", actor=BIOMED)
        assert inventory.confirm_mapping(s, tag="P-1", target=best.target, actor=BIOMED) == 1
    with unit_of_work(hospital) as s:
        later = inventory.import_assets(
            s, table=_table("P-9,ExampleMedic,InfuGuard-500,v2.0,Ward 3,\n"), skip_bad_rows=False,
            actor=BIOMED,
        )  # fmt: skip
        assert later.mapped == 1
        got = inventory.get_asset(s, tag="P-9", actor=BIOMED)
        assert (got.target, got.mapped_by) == (best.target, "confirmed")
        assert inventory.unmapped(s, actor=BIOMED) == []


def test_roles_and_product_access(hospital):
    table = _table("P-1,ExampleMedic,InfuGuard 500,2.0.0,ICU,\n")
    with unit_of_work(hospital) as s:
        with pytest.raises(PermissionDenied, match="analyst"):
            inventory.import_assets(s, table=table, skip_bad_rows=False, actor="cli:view")
        with pytest.raises(PermissionDenied, match="has no account"):
            inventory.list_assets(s, actor="cli:nobody")
        inventory.import_assets(s, table=table, skip_bad_rows=False, actor=BIOMED)
    with unit_of_work(hospital) as s:
        assert [a.asset_tag for a in inventory.list_assets(s, actor="cli:view")] == ["P-1"]
        # "other" may only see product Monitor: the pump's asset is as absent as a missing one
        assert inventory.list_assets(s, actor="cli:other") == []
        with pytest.raises(NotFound, match="no asset tagged 'P-1'") as hidden:
            inventory.get_asset(s, tag="P-1", actor="cli:other")
        with pytest.raises(NotFound) as missing:
            inventory.get_asset(s, tag="P-404", actor="cli:other")
        assert str(hidden.value).replace("P-1", "X") == str(missing.value).replace("P-404", "X")


def test_controls_rollouts_and_feedback(hospital):
    with unit_of_work(hospital) as s:
        operations.set_segment(s, name="icu", exposure="controlled", description=None, actor=BIOMED)
        with pytest.raises(InvalidInput, match="exposure 'dmz'"):
            operations.set_segment(s, name="x", exposure="dmz", description=None, actor=BIOMED)
        inventory.import_assets(
            s,
            table=_table(
                "P-1,ExampleMedic,InfuGuard 500,2.0.0,ICU,icu\n"
                "P-2,ExampleMedic,InfuGuard 500,2.0.0,ICU,icu\n"
            ),
            skip_bad_rows=False,
            actor=BIOMED,
        )
        with pytest.raises(InvalidInput, match="needs its evidence"):
            operations.add_control(
                s, kind="firewall_rule", description="d", owner="net", segment="icu",
                verified_on=date(2026, 1, 1), actor=BIOMED,
            )  # fmt: skip
        control = operations.add_control(
            s, kind="firewall_rule", description="only the server", owner="net", segment="icu",
            verified_on=date(2026, 1, 1), expires_on=date(2026, 6, 30), evidence="CHG-1",
            actor=BIOMED,
        )  # fmt: skip
        states = {
            c.id: c.state for c in operations.list_controls(s, actor=BIOMED, on=date(2026, 7, 1))
        }
        assert states[control.id] == "expired"
        plan = rollouts.plan(
            s, name="R1", update_name="InfuGuard 2.1.0", method="service_visit",
            target_version="2.1.0", department="ICU", actor=BIOMED,
        )  # fmt: skip
        assert [i.status for i in plan.items] == ["planned", "planned"]
        with pytest.raises(InvalidInput, match="no passed validation"):
            rollouts.move(s, name="R1", tag="P-1", status="installed", actor=BIOMED)
        rollouts.validate(
            s, name="R1", result="passed", summary="alarms re-tested",
            performed_on=date(2026, 2, 1), tags=["P-1"], actor=BIOMED,
        )  # fmt: skip
        rollouts.move(s, name="R1", tag="P-1", status="installed", actor=BIOMED)
        with pytest.raises(InvalidInput, match="say what failed"):
            rollouts.move(s, name="R1", tag="P-2", status="failed", actor=BIOMED)
        done = rollouts.move(
            s, name="R1", tag="P-2", status="failed", note="stopped at 60 %", actor=BIOMED
        )
        assert done.counts == {"installed": 1, "failed": 1}
        message = rollouts.feedback(s, name="R1", actor=BIOMED)
    assert message["failed_installations"] == [
        {
            "manufacturer": "ExampleMedic",
            "model": "InfuGuard 500",
            "installed_version": "2.0.0",
            "what_failed": "stopped at 60 %",
            "when": message["failed_installations"][0]["when"],
        }
    ]
    text = rollouts.feedback_text(message)
    assert "P-2" not in str(message) and "P-2" not in text  # the site's tags stay at the site
    with unit_of_work(hospital) as s:
        hist = inventory.history(s, tag="P-2", actor=BIOMED)
        assert [h.changes.get("status") for h in hist if h.action == "rollout"] == [
            ["planned", "failed"]
        ]


def test_exposure_of_an_unmapped_asset_is_listed_as_unmapped(hospital):
    with unit_of_work(hospital) as s:
        inventory.import_assets(
            s, table=_table("X-1,Acme,Vent,1,ICU,\n"), skip_bad_rows=False, actor=BIOMED
        )
        rep = exposure.report(s, actor=BIOMED)
        assert rep.assets == [] and rep.unmapped == ["X-1"]
        with pytest.raises(NotFound):
            exposure.report(s, actor=BIOMED, tags=["nope"])


@pytest.mark.parametrize(
    ("name", "data", "stored"),
    [
        (
            "shift_jis.csv",
            (HEADER + "J-1,テルモ,輸液ポンプ TE-261,1.0,集中治療室,\n").encode("shift_jis"),
            {"manufacturer": "テルモ", "model": "輸液ポンプ TE-261", "department": "集中治療室"},
        ),
        (
            "bom.csv",
            b"\xef\xbb\xbf" + (HEADER + "B-1,Acme,Pump,1.0,ICU,\n").encode(),
            {"manufacturer": "Acme"},
        ),
        (
            "cp1252.csv",
            (HEADER + "C-1,Société Médicale,Pompe – 500,1.0,Réanimation,\n").encode("cp1252"),
            {"manufacturer": "Société Médicale", "model": "Pompe – 500"},
        ),
        (
            "formula.csv",
            (HEADER + 'F-1,"=HYPERLINK(""http://evil"")",@SUM(A1),+1,-2,\n').encode(),
            {"manufacturer": '=HYPERLINK("http://evil")', "model": "@SUM(A1)"},
        ),
    ],
)
def test_messy_files_are_stored_exactly_on_both_databases(hospital, name, data, stored):
    with unit_of_work(hospital) as s:
        inventory.import_assets(s, table=read_csv(data, name), skip_bad_rows=False, actor=BIOMED)
    with unit_of_work(hospital) as s:
        (asset,) = _assets(s).values()
        assert {k: getattr(asset, k) for k in stored} == stored


def test_each_bad_row_kind_is_refused_whole_and_skipped_with_its_row(hospital):
    text = (
        "asset_tag,manufacturer,model,install_date,clinical_criticality,ip_address\n"
        "G-1,Acme,Pump,2024-05-01,high,10.0.0.1\n"
        "G-2,Acme,Pump,05/01/2024,high,\n"  # ambiguous date
        ",,,,,\n"  # empty row
        "G-1,Acme,Pump,,,\n"  # duplicate tag
        "G-3,Acme,Pump,,urgent,\n"  # unknown criticality
        "G-4,Acme,Pump,,,999.1.1.1\n"  # not an address
        "G-5,,Pump,,,\n"  # missing manufacturer
    )
    table = read_csv(text.encode(), "messy.csv")
    with pytest.raises(DocumentError, match=r"messy\.csv: 5 bad row\(s\)"):
        with unit_of_work(hospital) as s:
            inventory.import_assets(s, table=table, skip_bad_rows=False, actor=BIOMED)
    with unit_of_work(hospital) as s:
        assert _assets(s) == {}
        result = inventory.import_assets(s, table=table, skip_bad_rows=True, actor=BIOMED)
    assert [(i.row, i.column) for i in result.skipped] == [
        (3, "install_date"),
        (5, "asset_tag"),
        (6, "clinical_criticality"),
        (7, "ip_address"),
        (8, "manufacturer"),
    ]
    assert result.empty_rows == [4] and result.created == 1
    with unit_of_work(hospital) as s:
        assert list(_assets(s)) == ["G-1"]


def test_vendor_contacts_and_responsibility_agreements_per_product_line(hospital):
    with unit_of_work(hospital) as s:
        operations.set_vendor(
            s, manufacturer="ExampleMedic", contact="psirt@x.example", response_days=5,
            actor=BIOMED,
        )  # fmt: skip
        with pytest.raises(InvalidInput, match="responsibility 'repairs'"):
            operations.set_agreement(
                s, manufacturer="ExampleMedic", product_line="pumps",
                duties={"repairs": "hospital"}, actor=BIOMED,
            )  # fmt: skip
        with pytest.raises(InvalidInput, match="patches='nobody'"):
            operations.set_agreement(
                s, manufacturer="ExampleMedic", product_line="pumps",
                duties={"patches": "nobody"}, actor=BIOMED,
            )  # fmt: skip
        operations.set_agreement(
            s, manufacturer="ExampleMedic", product_line="pumps",
            duties={"patches": "manufacturer", "segments": "hospital"},
            agreed_on=date(2025, 3, 1), reference="SC-1", actor=BIOMED,
        )  # fmt: skip
        operations.set_agreement(
            s, manufacturer="ExampleMedic", product_line="pumps",
            duties={"monitors": "shared"}, actor=BIOMED,
        )  # fmt: skip
        operations.set_agreement(
            s, manufacturer="ExampleMedic", product_line="monitors",
            duties={"patches": "shared"}, actor=BIOMED,
        )  # fmt: skip
    with unit_of_work(hospital) as s:
        got = {a.product_line: a for a in operations.list_agreements(s, actor="cli:view")}
        assert got["pumps"].duties == {
            "patches": "manufacturer",
            "segments": "hospital",
            "monitors": "shared",
        }
        assert got["monitors"].duties == {"patches": "shared"}
        (vendor,) = operations.list_vendors(s, actor="cli:view")
        assert (vendor.contact, vendor.response_days) == ("psirt@x.example", 5)
        actions = [e.action for e in audit.list_events(s)]
        assert actions.count("assets.agreement") == 3 and "assets.vendor" in actions
