"""Operator safety at the edge: proxy headers believed only from MEDSEC_TRUSTED_PROXIES, failed
logins limited per account name (no enumeration), product names holding a `/`."""

from __future__ import annotations

import dataclasses
import json
import re

import pytest
from _web import ADMIN, bearer, csrf_of, login
from fastapi.testclient import TestClient
from sqlalchemy import select

from medsec.app import serve_cli
from medsec.app.api import create_app
from medsec.config import get_settings
from medsec.errors import InvalidInput
from medsec.models import AuditEvent
from medsec.web.ratelimit import FailureBackoff, RateLimiter
from medsec.web.session import COOKIE

pytestmark = pytest.mark.db

PROXY = "10.1.2.3"


def _client(
    web_world, peer: str, *, proxies: tuple[str, ...] = (), base: str = "http://testserver"
) -> TestClient:
    settings = dataclasses.replace(web_world.settings, trusted_proxies=proxies)
    return TestClient(
        create_app(settings), base_url=base, follow_redirects=False, client=(peer, 40000)
    )


def _events(session_factory, action: str) -> list[dict]:
    with session_factory() as s:
        rows = s.execute(select(AuditEvent).where(AuditEvent.action == action)).scalars()
        return [dict(e.details) for e in rows]


def test_forwarded_headers_from_an_untrusted_client_are_ignored(web_world, session_factory):
    with _client(web_world, "192.0.2.7") as c:  # no proxy listed: the default
        c.app.state.login_limiter = RateLimiter(capacity=2, rate=0.001)
        codes = [
            login(c, web_world, "vic", password=f"wrong-{i}-password").status_code
            for i in range(3)
            if not c.headers.update({"X-Forwarded-For": f"198.51.100.{i}"})
        ]
        assert codes == [401, 401, 429]  # a fresh X-Forwarded-For buys no fresh bucket
    clients = {e["client"] for e in _events(session_factory, "login.failed")}
    assert clients == {"192.0.2.7"}


def _login_over_proxy(c: TestClient, name: str, password: str):
    """Log in by hand: the login cookie is Secure (https at the proxy), so it is sent back by
    hand over the test client's plain http."""
    form = c.get("/login")
    nonce = re.search(r"medsec_login=([^;]+)", form.headers["set-cookie"]).group(1)
    token = re.search(r'name="token" value="([^"]+)"', form.text).group(1)
    data = {"name": name, "password": password, "token": token, "next": "/"}
    return form, c.post("/login", data=data, headers={"Cookie": f"medsec_login={nonce}"})


def test_a_trusted_proxy_gives_the_client_address_and_the_scheme(web_world, session_factory):
    with _client(web_world, PROXY, proxies=("10.1.0.0/16",)) as c:
        c.headers.update({"X-Forwarded-For": "203.0.113.9, 10.1.9.9", "X-Forwarded-Proto": "https"})
        form, r = _login_over_proxy(c, "vic", "wrong-password!")
        assert "Secure" in form.headers["set-cookie"] and r.status_code == 401
        _, done = _login_over_proxy(c, "vic", web_world.passwords["vic"])
        assert done.status_code == 303 and "Secure" in done.headers["set-cookie"]
    assert [e["client"] for e in _events(session_factory, "login.failed")] == ["203.0.113.9"]
    with _client(web_world, "10.2.0.1", proxies=("10.1.0.0/16",)) as c:  # not a listed proxy
        c.headers.update({"X-Forwarded-For": "203.0.113.10", "X-Forwarded-Proto": "https"})
        done = login(c, web_world, "vic")
        assert done.status_code == 303 and "Secure" not in done.headers["set-cookie"]
    assert [e.get("client") for e in _events(session_factory, "login")] == [
        "203.0.113.9",
        "10.2.0.1",
    ]


def test_trusted_proxies_setting_is_checked():
    assert get_settings({"MEDSEC_HOME": "/tmp/x"}).trusted_proxies == ()
    got = get_settings({"MEDSEC_HOME": "/tmp/x", "MEDSEC_TRUSTED_PROXIES": "10.0.0.1, ::1/128"})
    assert got.trusted_proxies == ("10.0.0.1/32", "::1/128")
    with pytest.raises(InvalidInput, match=r"MEDSEC_TRUSTED_PROXIES: 'proxy\.local'"):
        get_settings({"MEDSEC_HOME": "/tmp/x", "MEDSEC_TRUSTED_PROXIES": "proxy.local"})


def test_serve_leaves_proxy_headers_to_the_app(monkeypatch, web_world):
    seen = {}
    import uvicorn

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: seen.update(kw))
    monkeypatch.setattr(serve_cli.scheduler, "start_if_embedded", lambda settings: None)
    serve_cli.run_server(web_world.settings, host="127.0.0.1", port=8999)
    assert seen["proxy_headers"] is False  # uvicorn would believe any local client


def test_failed_logins_lock_the_account_name_whatever_the_address(web_world, session_factory):
    with _client(web_world, PROXY, proxies=(PROXY,)) as c:
        c.app.state.login_limiter = RateLimiter(capacity=100, rate=1.0)
        clock = [0.0]
        lockout = FailureBackoff(free=3, base=30, cap=120, clock=lambda: clock[0])
        c.app.state.account_lockout = lockout

        def attempt(name: str, i: int, password: str | None = None):
            c.headers.update({"X-Forwarded-For": f"198.51.100.{i}"})  # a new address each time
            return login(c, web_world, name, password=password)

        for who in ("vic", "nobody-such"):  # an account and a name that is none
            codes = [attempt(who, i, "wrong-password!").status_code for i in range(4)]
            assert codes == [401, 401, 401, 401]
            locked = attempt(who, 9, web_world.passwords.get(who, "x" * 12))
            assert locked.status_code == 429 and locked.headers["retry-after"] == "30"
            assert "too many failed logins for this account name" in locked.text
        assert COOKIE not in locked.headers.get("set-cookie", "")
        clock[0] = 31.0
        assert attempt("vic", 10, "wrong-again!").status_code == 401
        assert attempt("vic", 11).headers["retry-after"] == "60"  # the wait doubles
        clock[0] = 200.0
        assert attempt("vic", 12).status_code == 303  # the right password after the wait
        assert attempt("vic", 13, "wrong-once-more").status_code == 401  # and starts afresh
    locks = _events(session_factory, "login.locked")
    assert [(e["name"], e["seconds"]) for e in locks] == [
        ("vic", 30),
        ("nobody-such", 30),
        ("vic", 60),
    ]
    reasons = [e["reason"] for e in _events(session_factory, "login.failed")]
    assert reasons.count("account locked") == 3


def test_backoff_rules():
    clock = [0.0]
    b = FailureBackoff(free=2, base=10, cap=25, forget_after=100, clock=lambda: clock[0])
    assert [b.failed("k") for _ in range(5)] == [0.0, 0.0, 10.0, 20.0, 25.0]
    assert b.locked_for("k") == 25.0 and b.locked_for("other") == 0.0
    clock[0] = 500.0
    assert b.failed("k") == 0.0  # quiet for longer than forget_after: afresh
    b.succeeded("k")
    assert b.locked_for("k") == 0.0
    with pytest.raises(ValueError):
        FailureBackoff(free=0)


SLASHED, VERSION = "Pump A/B %2F", "1.0/x"
ENC, VENC = "Pump%20A%2FB%20%252F", "1.0%2Fx"


def test_product_names_with_a_slash_work_over_the_api_and_pages(client, web_world):
    admin = bearer(web_world, ADMIN)
    body = {"name": SLASHED, "manufacturer": "Acme"}
    assert client.post("/api/v1/products", json=body, headers=admin).status_code == 201
    r = client.post(f"/api/v1/products/{ENC}/releases", json={"version": VERSION}, headers=admin)
    assert r.status_code == 201 and r.json()["product"] == SLASHED
    r = client.get(f"/api/v1/products/{ENC}", headers=admin)
    assert r.status_code == 200 and r.json()["releases"][0]["version"] == VERSION
    r = client.get(f"/api/v1/products/{ENC}/releases/{VENC}/findings", headers=admin)
    assert r.status_code == 200
    r = client.patch(f"/api/v1/products/{ENC}", json={"description": "ICU"}, headers=admin)
    assert r.status_code == 200 and r.json()["description"] == "ICU"
    missing = client.get("/api/v1/products/No%2FSuch/releases/x/findings", headers=admin)
    assert missing.status_code == 404 and "\uffff" not in missing.text
    r = client.get(f"/products/{ENC}")
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=%2Fproducts%2F" + ENC.replace("%", "%25")
    done = login(client, web_world, ADMIN, next_=f"/products/{ENC}")
    assert done.headers["location"] == f"/products/{ENC}"
    page = client.get(f"/products/{ENC}")
    assert page.status_code == 200 and f'href="/products/{ENC}/releases/{VENC}"' in page.text
    for url in (f"/products/{ENC}/releases/{VENC}", f"/products/{ENC}/findings", "/"):
        got = client.get(url)
        assert got.status_code == 200, url
        assert f"/products/{ENC}" in got.text, url
    edit = client.post(
        f"/products/{ENC}/edit",
        data={"csrf": csrf_of(page.text), "manufacturer": "Acme", "description": "ward 3"},
    )
    assert edit.status_code == 303 and edit.headers["location"].startswith(f"/products/{ENC}")
    assert re.search(r"ward 3", client.get(edit.headers["location"]).text)


def test_pages_show_bidi_and_control_characters_as_markers(client, web_world):
    name = "Pump\u202eexe.txt\x1b[2J"
    body = {"name": name, "manufacturer": "Acme\u2067"}
    r = client.post("/api/v1/products", json=body, headers=bearer(web_world, ADMIN))
    assert r.status_code == 201 and r.json()["name"] == name  # stored exactly
    login(client, web_world, ADMIN)
    for url in ("/", "/products/Pump%E2%80%AEexe.txt%1B%5B2J"):
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Pump&lt;U+202E&gt;exe.txt&lt;U+001B&gt;[2J" in page.text, url
        assert not any(c in page.text for c in "\u202e\x1b\u2067"), url


def test_the_work_list_shows_upstream_only_findings_on_request(client, web_world, session_factory):
    from medsec.db.uow import unit_of_work
    from medsec.findings import service as findings
    from medsec.sbom import service as sboms

    comp = {
        "type": "library",
        "bom-ref": "o",
        "name": "openssl",
        "version": "1.1.1k-1+deb11u1",
        "purl": "pkg:deb/debian/openssl@1.1.1k-1%2Bdeb11u1?distro=debian-11",
        "cpe": "cpe:2.3:a:openssl:openssl:1.1.1k:*:*:*:*:*:*:*",
    }
    doc = {"bomFormat": "CycloneDX", "specVersion": "1.5", "version": 1, "components": [comp]}
    with unit_of_work(session_factory) as s:
        sboms.import_sbom(
            s,
            data=json.dumps(doc).encode(),
            source_name="deb.json",
            product="Debian Box",
            version="1",
            actor="cli:psirt",
            manufacturer="Acme",
        )
        findings.match(s, actor="cli:psirt")
    login(client, web_world, ADMIN)
    box = "/products/Debian%20Box/findings?sort=release"
    assert "0 findings" in client.get(box).text  # not an open finding
    shown = client.get(box + "&upstream=yes")
    assert shown.status_code == 200 and "1 findings" in shown.text
    assert "upstream only: backports not considered" in shown.text
    assert client.get(box + "&upstream=maybe").status_code == 422
