"""`medsec account access|disable|enable|list --format json`: the admin commands, their
refusals (exit 4 for the last admin, 2 for bad input, 5 for a non-admin) and stable JSON."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.db


def test_access_disable_enable_and_the_last_admin(cli, monkeypatch):
    assert cli("account", "add", "tester")[0] == 0  # the first account: admin
    assert cli("product", "add", "Pump", "--manufacturer", "Acme")[0] == 0
    assert cli("account", "add", "ana", "--role", "viewer")[0] == 0
    code, out, _ = cli("account", "access", "ana", "--role", "analyst", "--product", "Pump")
    assert code == 0 and "roles analyst; products Pump" in out
    code, _, err = cli("account", "access", "ana", "--product", "Nope")
    assert code == 2 and "Nope" in err
    code, _, err = cli("account", "access", "tester", "--role", "viewer")
    assert code == 4 and "last admin" in err
    code, _, err = cli("account", "disable", "tester")
    assert code == 4 and "last admin" in err
    assert cli("account", "disable", "ana")[0] == 0
    code, out, _ = cli("account", "list", "--format", "json")
    rows = {r["name"]: r for r in json.loads(out)}
    assert rows["ana"] == {
        "name": "ana",
        "roles": ["analyst"],
        "products": ["Pump"],
        "disabled": True,
    }
    assert rows["tester"]["disabled"] is False
    monkeypatch.setenv("MEDSEC_ACTOR", "ana")
    code, _, err = cli("account", "token", "ana")  # its own token: refused while disabled
    assert code == 5 and "disabled" in err
    monkeypatch.setenv("MEDSEC_ACTOR", "tester")
    assert cli("account", "enable", "ana")[0] == 0
    assert cli("account", "access", "ana", "--all-products")[0] == 0
    monkeypatch.setenv("MEDSEC_ACTOR", "ana")
    assert cli("account", "disable", "tester")[0] == 5  # not an admin
