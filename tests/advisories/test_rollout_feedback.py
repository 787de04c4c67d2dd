"""The manufacturer imports a hospital's rollout feedback (medsec-rollout-feedback/1) onto the
advisory of the update: the message the hospital side writes is read back, bad messages are
refused with their JSON pointer and nothing stored, a message is stored once."""

from __future__ import annotations

import json
from datetime import date

import pytest
from _seed import add_accounts

from medsec.accounts import service as accounts
from medsec.advisories import feedback
from medsec.assets import rollouts
from medsec.assets import service as inventory
from medsec.db.uow import unit_of_work
from medsec.errors import Conflict, DocumentError, DocumentTooLarge, NotFound, PermissionDenied
from medsec.ingest.assets_table import read_csv
from medsec.ingest.rollout_feedback import read_feedback
from medsec.models import SecurityAdvisory, Update
from medsec.products import service as products
from medsec.products.schemas import ProductCreate

TID = "ACME-SA-2026-0001"


def _hospital_message(session) -> bytes:
    """The feedback the hospital side writes after a failed installation."""
    inventory.import_assets(
        session,
        table=read_csv(
            b"asset_tag,manufacturer,model,software_version,serial,location\n"
            b"P-1,Acme,Pump,1.0,SN-SECRET-1,Ward 7 bed 3\n"
            b"P-2,Acme,Pump,1.0,SN-SECRET-2,Ward 7 bed 4\n",
            "inv.csv",
        ),
        skip_bad_rows=False,
        actor="cli:ana",
    )
    rollouts.plan(
        session, name="r", update_name="Pump 1.1", method="remote", target_version="1.1",
        tags=["P-1", "P-2"], actor="cli:ana",
    )  # fmt: skip
    rollouts.validate(
        session, name="r", result="passed", summary="bench test", performed_on=date(2026, 1, 5),
        tags=["P-1", "P-2"], actor="cli:ana",
    )  # fmt: skip
    rollouts.move(session, name="r", tag="P-1", status="installed", actor="cli:ana")
    rollouts.move(
        session, name="r", tag="P-2", status="failed", note="stopped at 60 %", actor="cli:ana"
    )
    return json.dumps(rollouts.feedback(session, name="r", actor="cli:ana")).encode()


@pytest.fixture
def world(session_factory):
    with unit_of_work(session_factory) as s:
        add_accounts(s)
        accounts.add(s, name="other", roles=["analyst"], products=["Elsewhere"], actor="cli:admin")
        prod = products.create_product(
            s, data=ProductCreate(name="Pump", manufacturer="Acme"), actor="cli:admin"
        )
        s.add(
            SecurityAdvisory(
                tracking_id=TID, product_id=prod.id, profile="csaf_security_advisory",
                title="Pump update", namespace="https://acme.example", created_by="cli:ana",
                updated_by="cli:ana",
            )
        )  # fmt: skip
        s.add(
            Update(
                product_id=prod.id, name="Pump 1.1", method="remote", oversight="low",
                created_by="cli:ana",
            )
        )  # fmt: skip
        s.flush()
        message = _hospital_message(s)
    return session_factory, message


def test_the_hospitals_message_is_imported_onto_the_advisory_and_listed(world):
    factory, message = world
    assert b"SN-SECRET" not in message and b"Ward 7" not in message  # the site stays home
    with unit_of_work(factory) as s:
        got = feedback.import_feedback(
            s, tracking_id=TID, data=message, source="/home/x/rollout-feedback.json",
            actor="cli:ana",
        )  # fmt: skip
    assert got.update == "Pump 1.1" and got.update_known and got.method == "remote"
    assert [(f.model, f.installed_version, f.what_failed) for f in got.failures] == [
        ("Pump", "1.0", "stopped at 60 %")
    ]
    assert got.validations == [{"result": "passed", "summary": "bench test", "date": "2026-01-05"}]
    assert got.source == "rollout-feedback.json"  # the sender's path is not kept
    with unit_of_work(factory) as s:
        listed = feedback.list_feedback(s, tracking_id=TID, actor="cli:view")
        assert [r.id for r in listed] == [got.id]
        with pytest.raises(Conflict, match="already imported"):
            feedback.import_feedback(s, tracking_id=TID, data=message, source="again.json",
                                     actor="cli:ana")  # fmt: skip


def test_who_may_import_and_read(world):
    factory, message = world
    with unit_of_work(factory) as s, pytest.raises(PermissionDenied):
        feedback.import_feedback(s, tracking_id=TID, data=message, source="f.json",
                                 actor="cli:view")  # fmt: skip
    with unit_of_work(factory) as s, pytest.raises(NotFound, match=TID):
        feedback.list_feedback(s, tracking_id=TID, actor="cli:other")  # hidden = missing
    with unit_of_work(factory) as s, pytest.raises(NotFound, match="NOPE-1"):
        feedback.import_feedback(s, tracking_id="NOPE-1", data=message, source="f.json",
                                 actor="cli:ana")  # fmt: skip


def _mutate(message: bytes, change) -> bytes:
    doc = json.loads(message)
    change(doc)
    return json.dumps(doc).encode()


@pytest.mark.parametrize(
    ("change", "pointer"),
    [
        (lambda d: d.update(format="medsec-rollout-feedback/2"), "/format"),
        (lambda d: d["failed_installations"][0].update(asset_tag="P-2"),
         "/failed_installations/0/asset_tag"),
        (lambda d: d.update(hospital="St. Example"), "/hospital"),
        (lambda d: d["failed_installations"][0].update(when="yesterday"),
         "/failed_installations/0/when"),
        (lambda d: d.update(failed_installations=[]), "/failed_installations"),
        (lambda d: d.update(method="usb-stick"), "/method"),
        (lambda d: d.pop("update"), "/update"),
        (lambda d: d["validations"][0].update(result="maybe"), "/validations/0/result"),
        (lambda d: d["failed_installations"][0].update(what_failed="x" * 3000),
         "/failed_installations/0/what_failed"),
    ],
)  # fmt: skip
def test_bad_messages_are_refused_with_their_place_and_nothing_is_stored(world, change, pointer):
    factory, message = world
    bad = _mutate(message, change)
    with unit_of_work(factory) as s, pytest.raises(DocumentError) as err:
        feedback.import_feedback(s, tracking_id=TID, data=bad, source="bad.json", actor="cli:ana")
    assert err.value.location == pointer and str(err.value).startswith("bad.json: ")
    with unit_of_work(factory) as s:
        assert feedback.list_feedback(s, tracking_id=TID, actor="cli:ana") == []


def test_not_json_and_too_large_are_refused():
    with pytest.raises(DocumentError, match="not JSON"):
        read_feedback(b"{oops", source="f.json")
    with pytest.raises(DocumentTooLarge):
        read_feedback(b" " * (300 * 1024) + b"{}", source="f.json")
    with pytest.raises(DocumentError, match="JSON object"):
        read_feedback(b"[]", source="f.json")


def test_cli_import_and_list(world, cli, tmp_path):
    factory, message = world
    with unit_of_work(factory) as s:
        accounts.add(s, name="tester", roles=["analyst"], products=[], actor="cli:admin")
    path = tmp_path / "rollout-feedback.json"
    path.write_bytes(message)
    code, out, err = cli("advisory", "feedback", "import", str(path), "--advisory", TID)
    assert code == 0, err
    assert "1 failed installation(s) of Pump 1.1" in out and "stopped at 60 %" in out
    code, out, err = cli("advisory", "feedback", "list", TID, "--format", "json")
    assert code == 0 and json.loads(out)[0]["failures"][0]["model"] == "Pump"
    path.write_bytes(_mutate(message, lambda d: d.update(site="x")))
    code, out, err = cli("advisory", "feedback", "import", str(path), "--advisory", TID)
    assert code == 2 and "/site" in err
