"""`product edit|rename|delete`, `release edit|delete`, `sbom import` refusing an unknown product
without --create, and the guidance given to an actor without an account."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.db

SBOM = {
    "bomFormat": "CycloneDX",
    "specVersion": "1.6",
    "version": 1,
    "components": [{"type": "library", "name": "zlib", "version": "1.2.11"}],
}


def _audit_actions(cli) -> list[str]:
    from medsec.cli import runtime
    from medsec.models import AuditEvent

    runtime.reset()
    with runtime.uow() as session:
        return [e.action for e in session.query(AuditEvent).order_by(AuditEvent.id)]


def test_fresh_home_guides_the_first_person_to_create_the_admin(cli):
    code, _, err = cli("product", "add", "Pump", "-m", "Acme")
    assert code == 0
    code, _, err = cli("product", "edit", "Pump", "--description", "x")
    assert code == 5
    assert "none exists yet" in err and "medsec account add tester" in err


def test_an_actor_without_an_account_is_told_how_to_act_as_one(cli, monkeypatch):
    assert cli("account", "add", "boss")[0] == 0  # first account: admin
    code, _, err = cli("account", "add", "alice", "--role", "analyst")
    assert code == 5
    assert "MEDSEC_ACTOR=boss" in err
    assert "'tester' has no account" in err


def test_edit_rename_delete_a_product_with_audit(cli, monkeypatch):
    assert cli("account", "add", "tester")[0] == 0
    assert cli("account", "add", "ana", "--role", "analyst", "--product", "Pump")[0] == 0
    assert cli("product", "add", "Pump", "-m", "Acme")[0] == 0
    code, _, err = cli("product", "edit", "Pump", "-m", "Acme Medical", "--description", "IV")
    assert code == 0, err
    shown = json.loads(cli("product", "show", "Pump", "--format", "json")[1])
    assert shown["manufacturer"] == "Acme Medical" and shown["description"] == "IV"
    assert cli("product", "add", "Monitor", "-m", "Acme")[0] == 0
    code, _, err = cli("product", "rename", "Pump", "Monitor")
    assert code == 4 and "already exists" in err
    code, _, err = cli("product", "rename", "Pump", "Infusion Pump")
    assert code == 0, err
    names = [p["name"] for p in json.loads(cli("product", "list", "--format", "json")[1])]
    assert names == ["Infusion Pump", "Monitor"]
    # per-product access followed the rename
    monkeypatch.setenv("MEDSEC_ACTOR", "ana")
    assert cli("product", "edit", "Infusion Pump", "--description", "y")[0] == 0
    code, _, err = cli("product", "delete", "Infusion Pump")
    assert code == 5 and "admin" in err
    monkeypatch.setenv("MEDSEC_ACTOR", "tester")
    assert cli("release", "add", "1.0", "-p", "Infusion Pump")[0] == 0
    code, _, err = cli("product", "delete", "Infusion Pump")
    assert code == 4 and "release row(s) depend on it" in err
    assert cli("release", "delete", "1.0", "-p", "Infusion Pump")[0] == 0
    assert cli("product", "delete", "Infusion Pump")[0] == 0
    code, _, _ = cli("product", "show", "Infusion Pump")
    assert code == 3
    actions = _audit_actions(cli)
    for action in ("product.edit", "product.rename", "release.delete", "product.delete"):
        assert action in actions


def test_release_edit_and_delete_refused_when_an_sbom_depends(cli, tmp_path):
    assert cli("account", "add", "tester")[0] == 0
    sbom = tmp_path / "fw.cdx.json"
    sbom.write_text(json.dumps(SBOM))
    code, _, err = cli("sbom", "import", str(sbom), "-p", "Pump", "-r", "2.0", "--create")
    assert code == 0, err
    code, _, err = cli(
        "release", "edit", "2.0", "-p", "Pump", "--clinical-function", "Doses insulin",
        "--environment", "home", "--interface", "wifi:https:443:inbound",
    )  # fmt: skip
    assert code == 0, err
    shown = json.loads(cli("release", "show", "2.0", "-p", "Pump", "--format", "json")[1])
    assert shown["clinical_function"] == "Doses insulin"
    assert shown["use_environment"] == "home"
    assert shown["interfaces"] == [
        {"name": "wifi", "protocol": "https", "port": 443, "direction": "inbound"}
    ]
    code, _, err = cli("release", "edit", "2.0", "-p", "Pump", "--environment", "moon")
    assert code == 2 and "'hospital', 'home', 'both'" in err
    code, _, err = cli("release", "delete", "2.0", "-p", "Pump")
    assert code == 4 and "sbom row(s)" in err
    out = tmp_path / "out.cdx.json"
    assert cli("sbom", "export", "-p", "Pump", "-r", "2.0", "-o", str(out))[0] == 0
    assert json.loads(out.read_text())["components"][0]["name"] == "zlib"
    assert _audit_actions(cli)[-1] == "sbom.export"


def test_sbom_import_refuses_an_unknown_product_and_suggests_close_names(cli, tmp_path):
    sbom = tmp_path / "fw.cdx.json"
    sbom.write_text(json.dumps(SBOM))
    assert cli("product", "add", "Juice Shop", "-m", "OWASP")[0] == 0
    code, _, err = cli("sbom", "import", str(sbom), "-p", "juice-shop", "-r", "1")
    assert code == 3
    assert "did you mean 'Juice Shop'?" in err and "--create" in err
    names = [p["name"] for p in json.loads(cli("product", "list", "--format", "json")[1])]
    assert names == ["Juice Shop"]  # nothing half-stored
    code, _, err = cli("sbom", "import", str(sbom), "-p", "Juice Shop", "-r", "1")
    assert code == 0, err  # a new release of a known product needs no flag


def test_option_help_lists_allowed_values_and_flags(cli):
    code, out, _ = cli("release", "add", "--help")
    assert code == 0
    assert "hospital" in out and "home" in out and "both" in out
    code, out, _ = cli("sbom", "import", "--help")
    assert "--create" in out and "--lenient" in out and "--no-lenient" not in out


def test_quiet_silences_info_logging_for_that_command_only(cli, monkeypatch):
    import logging

    from medsec.products import service

    seen: list[bool] = []
    real = service.list_products

    def spy(session):
        seen.append(logging.getLogger("fontTools.subset").isEnabledFor(logging.INFO))
        return real(session)

    monkeypatch.setattr(service, "list_products", spy)
    logging.getLogger("fontTools.subset").setLevel(logging.INFO)
    assert cli("--quiet", "product", "list")[0] == 0
    assert cli("product", "list")[0] == 0
    assert seen == [False, True]
    logging.getLogger("fontTools.subset").setLevel(logging.NOTSET)
