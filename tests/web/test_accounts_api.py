"""Accounts, roles and tokens through `/api/v1/accounts` (admins) and `/api/v1/me` (anyone
signed in), on both databases: typed answers, refusals as problems, the last admin kept, a
token's secret only in the answer that issued it, and every change audited."""

from __future__ import annotations

import pytest
from _web import ADMIN, OTHER, PRODUCT, bearer
from sqlalchemy import select

from medsec.db.uow import unit_of_work
from medsec.models import ApiToken, AuditEvent

pytestmark = pytest.mark.db


def _audit_text(sf) -> str:
    with unit_of_work(sf) as s:
        rows = s.execute(select(AuditEvent.action, AuditEvent.details)).all()
    return "\n".join(f"{a} {d}" for a, d in rows)


def test_admin_creates_an_account_that_then_uses_its_token(client, web_world, session_factory):
    head = bearer(web_world, ADMIN)
    r = client.post(
        "/api/v1/accounts",
        json={"name": "nora", "roles": ["analyst"], "products": [PRODUCT], "password": "x" * 12},
        headers=head,
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["roles"] == ["analyst"] and body["products"] == [PRODUCT]
    assert body["has_password"] is True and body["disabled"] is False
    r = client.post("/api/v1/accounts/nora/tokens", json={"label": "ci"}, headers=head)
    assert r.status_code == 201
    secret = r.json()["secret"]
    assert secret.startswith("msk_")
    nora = {"Authorization": f"Bearer {secret}"}
    me = client.get("/api/v1/me", headers=nora)
    assert me.status_code == 200 and me.json()["name"] == "nora"
    assert client.get(f"/api/v1/products/{OTHER}", headers=nora).status_code == 404
    listed = client.get("/api/v1/accounts/nora/tokens", headers=head).json()
    assert [t["label"] for t in listed] == ["ci"] and "secret" not in listed[0]
    with unit_of_work(session_factory) as s:  # stored hashed, never the secret
        stored = s.execute(select(ApiToken.token_hash).where(ApiToken.account == "nora")).all()
    assert stored and all(secret not in h for (h,) in stored)
    assert secret not in _audit_text(session_factory)


def test_bad_input_is_a_problem_and_nothing_is_stored(client, web_world):
    head = bearer(web_world, ADMIN)
    for body, words in (
        ({"name": "x y", "roles": ["viewer"]}, "account name"),
        ({"name": "ok", "roles": ["root"]}, "unknown role"),
        ({"name": "ok", "roles": ["viewer"], "products": ["No Such"]}, "No Such"),
        ({"name": "ok", "roles": ["viewer"], "password": "short"}, "password"),
        ({"name": "vic", "roles": ["viewer"]}, "already exists"),
    ):
        r = client.post("/api/v1/accounts", json=body, headers=head)
        assert r.status_code in (409, 422), (body, r.status_code)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert words in r.text, (body, r.text)
    names = [a["name"] for a in client.get("/api/v1/accounts", headers=head).json()]
    assert "ok" not in names


def test_roles_products_and_disabling(client, web_world, session_factory):
    head = bearer(web_world, ADMIN)
    r = client.patch(
        "/api/v1/accounts/vic", json={"roles": ["analyst"], "products": [OTHER]}, headers=head
    )
    assert r.status_code == 200 and r.json()["roles"] == ["analyst"]
    assert r.json()["products"] == [OTHER]
    vic = bearer(web_world, "vic")
    assert client.get(f"/api/v1/products/{PRODUCT}", headers=vic).status_code == 404
    r = client.patch("/api/v1/accounts/vic", json={"disabled": True}, headers=head)
    assert r.status_code == 200 and r.json()["disabled"] is True
    assert client.get("/api/v1/me", headers=vic).status_code == 401
    client.patch("/api/v1/accounts/vic", json={"disabled": False}, headers=head)
    assert client.get("/api/v1/me", headers=vic).status_code == 200
    text = _audit_text(session_factory)
    assert "account.access" in text and "account.disable" in text and "account.enable" in text


def test_the_last_admin_cannot_be_removed_or_demoted(client, web_world):
    head = bearer(web_world, ADMIN)
    admins = [
        a["name"]
        for a in client.get("/api/v1/accounts", headers=head).json()
        if "admin" in a["roles"] and not a["disabled"]
    ]
    assert admins == [ADMIN]
    for body in ({"roles": ["analyst"]}, {"disabled": True}):
        r = client.patch(f"/api/v1/accounts/{ADMIN}", json=body, headers=head)
        assert r.status_code == 409 and "last admin" in r.json()["detail"], r.text
    assert client.get("/api/v1/me", headers=head).json()["roles"] == ["admin", "analyst"]


def test_self_service_password_and_tokens(client, web_world):
    vic = bearer(web_world, "vic")
    wrong = client.put(
        "/api/v1/me/password",
        json={"password": "a-new-password", "current_password": "nope"},
        headers=vic,
    )
    assert wrong.status_code == 403
    ok = client.put(
        "/api/v1/me/password",
        json={"password": "a-new-password", "current_password": web_world.passwords["vic"]},
        headers=vic,
    )
    assert ok.status_code == 204
    new = client.post("/api/v1/me/tokens", json={"label": "laptop"}, headers=vic).json()
    mine = client.get("/api/v1/me/tokens", headers=vic).json()
    assert new["id"] in [t["id"] for t in mine] and all("secret" not in t for t in mine)
    other = web_world.token_ids["ana"]
    assert client.delete(f"/api/v1/me/tokens/{other}", headers=vic).status_code == 404
    r = client.delete(f"/api/v1/me/tokens/{new['id']}", headers=vic)
    assert r.status_code == 200 and r.json()["revoked_at"]
    gone = {"Authorization": f"Bearer {new['secret']}"}
    assert client.get("/api/v1/me", headers=gone).status_code == 401


def test_non_admins_are_refused(client, web_world):
    for name in ("vic", "ana", "reviewer"):
        head = bearer(web_world, name)
        assert client.get("/api/v1/accounts", headers=head).status_code == 403
        r = client.patch("/api/v1/accounts/vic", json={"roles": ["admin"]}, headers=head)
        assert r.status_code == 403
        r = client.put("/api/v1/accounts/vic/password", json={"password": "x" * 12}, headers=head)
        assert r.status_code == 403
