"""Web editing of data flows, trust boundaries and interfaces: each edit checked like a model
file (bad ports, dangling references, duplicate ids refused inline with the typed text kept,
nothing stored), a new model version, audited, and the threats following the model."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from medsec.db.uow import unit_of_work
from medsec.models import AuditEvent, SystemModelRow
from medsec.threats import service as threats

PAGE = "/design/Pump/1.0"


def _login(client, design_web, name: str) -> str:
    form = client.get("/login")
    token = re.search(r'name="token" value="([^"]+)"', form.text)
    assert token is not None
    r = client.post(
        "/login",
        data={
            "name": name,
            "password": design_web.passwords[name],
            "token": token.group(1),
            "next": "/",
        },
    )
    assert r.status_code == 303
    csrf = re.search(r'name="csrf" value="([^"]+)"', client.get(PAGE).text)
    assert csrf is not None
    return csrf.group(1)


def _versions(session_factory) -> int:
    with unit_of_work(session_factory) as s:
        return s.execute(select(func.count()).select_from(SystemModelRow)).scalar_one()


def _keys(session_factory) -> dict[str, bool]:
    with unit_of_work(session_factory) as s:
        return {
            t.key: t.stale
            for t in threats.list_threats(s, product="Pump", release="1.0", actor="t")
        }


def test_flows_boundaries_interfaces_edited_in_the_web(client, design_web, session_factory):
    csrf = _login(client, design_web, "ana")
    before = _versions(session_factory)
    flow = {
        "csrf": csrf,
        "op": "add",
        "id": "telemetry",
        "name": "Telemetry <b>hostile</b>",
        "from": "pump",
        "to": "updates",
        "protocol": "MQTT",
        "port": "88883",
        "direction": "one-way",
        "classification": "personal-health",
    }
    r = client.post(f"{PAGE}/flows", data=flow)
    assert r.status_code == 422
    assert "Not saved: the web form: /flows/2/port: port 88883 is outside 0-65535" in r.text
    assert 'value="Telemetry &lt;b&gt;hostile&lt;/b&gt;"' in r.text and 'value="88883"' in r.text
    r = client.post(f"{PAGE}/flows", data={**flow, "port": "8883", "from": "ghost"})
    assert r.status_code == 422 and "/flows/2/from: unknown element &#39;ghost&#39;" in r.text, (
        re.findall("Not saved[^<]*", r.text)
    )
    r = client.post(f"{PAGE}/flows", data={**flow, "port": "8883", "id": "dose"})
    assert r.status_code == 422 and "duplicate id &#39;dose&#39;" in r.text
    assert _versions(session_factory) == before  # nothing stored
    r = client.post(f"{PAGE}/flows", data={**flow, "port": "8883"})
    assert r.status_code == 303 and r.headers["location"].endswith("#flows")
    assert _versions(session_factory) == before + 1
    keys = _keys(session_factory)
    assert any(k.endswith("@telemetry") and not stale for k, stale in keys.items())
    page = client.get(PAGE).text
    assert 'data-flow="telemetry"' in page and "Telemetry &lt;b&gt;hostile&lt;/b&gt;" in page
    edit = {**flow, "op": "edit", "item": "telemetry", "port": "8884"}
    assert client.post(f"{PAGE}/flows", data=edit).status_code == 303
    r = client.post(f"{PAGE}/flows", data={"csrf": csrf, "op": "delete", "item": "telemetry"})
    assert r.status_code == 303
    keys = _keys(session_factory)
    assert all(stale for k, stale in keys.items() if k.endswith("@telemetry"))
    # boundaries: a referenced one cannot go; a new one can be added and removed
    r = client.post(f"{PAGE}/boundaries", data={"csrf": csrf, "op": "delete", "item": "vendor"})
    assert r.status_code == 422 and "unknown boundary &#39;vendor&#39;" in r.text
    new = {"csrf": csrf, "op": "add", "id": "home", "name": "Patient home", "parent": "nowhere"}
    r = client.post(f"{PAGE}/boundaries", data=new)
    assert r.status_code == 422 and "/boundaries/2/parent: unknown boundary" in r.text
    assert 'value="nowhere"' in r.text
    assert client.post(f"{PAGE}/boundaries", data={**new, "parent": ""}).status_code == 303
    assert 'data-boundary="home"' in client.get(PAGE).text
    # interfaces: disable the Wi-Fi with a reason, then add a USB port
    iface = {
        "csrf": csrf,
        "op": "edit",
        "element": "pump",
        "item": "0",
        "name": "Wi-Fi",
        "kind": "wireless",
        "port": "443",
        "reason": "wired Ethernet only in this hospital",
    }
    assert client.post(f"{PAGE}/interfaces", data=iface).status_code == 303
    r = client.post(f"{PAGE}/interfaces", data={**iface, "op": "add", "item": "", "port": "x"})
    assert r.status_code == 422 and "port &#39;x&#39; is not a number" in r.text
    usb = {**iface, "op": "add", "item": "", "name": "USB", "kind": "usb", "port": ""}
    assert client.post(f"{PAGE}/interfaces", data={**usb, "enabled": "1"}).status_code == 303
    with unit_of_work(session_factory) as s:
        doc = s.execute(
            select(SystemModelRow.document).where(SystemModelRow.is_current.is_(True))
        ).scalar_one()
        actions = list(
            s.execute(select(AuditEvent.action).where(AuditEvent.action == "model.save")).scalars()
        )
    pump = next(e for e in doc["elements"] if e["id"] == "pump")
    assert [(i["name"], i.get("enabled", True)) for i in pump["interfaces"]] == [
        ("Wi-Fi", False),
        ("Service port", False),
        ("USB", True),
    ]
    assert pump["interfaces"][0]["reason"] == "wired Ethernet only in this hospital"
    assert _versions(session_factory) == before + 6 and len(actions) == before + 6


def test_viewers_cannot_edit(client, design_web, session_factory):
    csrf = _login(client, design_web, "vic")
    before = _versions(session_factory)
    r = client.post(f"{PAGE}/flows", data={"csrf": csrf, "op": "delete", "item": "dose"})
    assert r.status_code == 403
    assert _versions(session_factory) == before
    assert "add-flow" not in client.get(PAGE).text
