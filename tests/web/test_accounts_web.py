"""Account and notification pages: admins add accounts, change access, disable (after a
confirmation) and issue tokens shown once; everyone changes their own password and manages their
own tokens and notification preferences; refusals inline with the typed text kept; hostile text
stays text; webhook secrets are never shown back."""

from __future__ import annotations

import re

import pytest
from _web import ADMIN, HOSTILE, OTHER, PRODUCT, csrf_of, login

from medsec.accounts import credentials
from medsec.db.uow import unit_of_work

pytestmark = pytest.mark.db


def test_admin_adds_an_account_gives_access_and_the_user_signs_in(client, web_world):
    login(client, web_world, ADMIN)
    listing = client.get("/admin/accounts")
    assert listing.status_code == 200 and "Add an account" in listing.text
    csrf = csrf_of(listing.text)
    bad = client.post(
        "/admin/accounts",
        data={"csrf": csrf, "name": "nora x", "roles": ["analyst"], "products": [PRODUCT]},
    )
    assert bad.status_code == 422 and 'role="alert"' in bad.text and "account name" in bad.text
    assert 'value="nora x"' in bad.text  # typed text kept
    assert re.search(r'value="analyst" checked', bad.text)
    r = client.post(
        "/admin/accounts",
        data={
            "csrf": csrf,
            "name": "nora",
            "roles": ["analyst"],
            "products": [PRODUCT],
            "password": "nora-first-password",
        },
    )
    assert r.status_code == 303 and r.headers["location"].startswith("/admin/accounts/nora")
    page = client.get(r.headers["location"])
    assert "Account created." in page.text and PRODUCT in page.text
    r = client.post(
        "/admin/accounts/nora/access",
        data={"csrf": csrf, "roles": ["analyst", "reviewer"], "products": [PRODUCT, OTHER]},
    )
    assert r.status_code == 303
    page = client.get("/admin/accounts/nora")
    assert "Analyst, Reviewer" in page.text and f"{PRODUCT}, {OTHER}" in page.text
    client.post("/logout", data={"csrf": csrf})
    web_world.passwords["nora"] = "nora-first-password"
    assert login(client, web_world, "nora").status_code == 303
    assert client.get(f"/products/{PRODUCT}").status_code == 200
    assert client.get("/admin/accounts").status_code == 403


def test_disabling_asks_first_and_the_last_admin_is_kept(client, web_world):
    login(client, web_world, ADMIN)
    csrf = csrf_of(client.get("/admin/accounts/vic").text)
    ask = client.post("/admin/accounts/vic/status", data={"csrf": csrf, "disabled": "yes"})
    assert ask.status_code == 200 and "no longer be able to sign in" in ask.text
    assert 'name="confirmed" value="yes"' in ask.text
    assert client.get("/admin/accounts/vic").text.count("Disabled since") == 0
    done = client.post(
        "/admin/accounts/vic/status", data={"csrf": csrf, "disabled": "yes", "confirmed": "yes"}
    )
    assert done.status_code == 303
    assert "Disabled since" in client.get("/admin/accounts/vic").text
    r = client.post(
        f"/admin/accounts/{ADMIN}/status",
        data={"csrf": csrf, "disabled": "yes", "confirmed": "yes"},
    )
    assert r.status_code == 422 and "last admin" in r.text
    r = client.post(f"/admin/accounts/{ADMIN}/access", data={"csrf": csrf, "roles": ["viewer"]})
    assert r.status_code == 422 and "last admin" in r.text
    assert re.search(r'value="viewer" checked', r.text)  # what was ticked is kept


def test_a_disabled_account_cannot_sign_in(client, web_world):
    login(client, web_world, ADMIN)
    csrf = csrf_of(client.get("/admin/accounts/vic").text)
    client.post(
        "/admin/accounts/vic/status", data={"csrf": csrf, "disabled": "yes", "confirmed": "yes"}
    )
    client.post("/logout", data={"csrf": csrf})
    assert login(client, web_world, "vic").status_code == 401


def test_tokens_are_shown_once_and_revoked_after_a_confirmation(client, web_world):
    login(client, web_world, "vic")
    page = client.get("/account")
    csrf = csrf_of(page.text)
    made = client.post("/account/tokens", data={"csrf": csrf, "label": HOSTILE})
    assert made.status_code == 201 and made.headers["cache-control"] == "no-store"
    secret = re.search(r'id="new-token-secret" readonly value="(msk_[^"]+)"', made.text)
    assert secret and "<script>window" not in made.text  # the hostile label is text
    again = client.get("/account")
    assert secret.group(1) not in again.text and "&lt;script&gt;" in again.text
    token_id = re.search(r"New token (\d+)", made.text)
    assert token_id
    tid = token_id.group(1)
    ask = client.post(f"/account/tokens/{tid}/revoke", data={"csrf": csrf})
    assert ask.status_code == 200 and "stops working at once" in ask.text
    with TestToken(client, secret.group(1)) as ok:
        assert ok == 200
    done = client.post(f"/account/tokens/{tid}/revoke", data={"csrf": csrf, "confirmed": "yes"})
    assert done.status_code == 303
    with TestToken(client, secret.group(1)) as refused:
        assert refused == 401
    other = web_world.token_ids["ana"]
    r = client.post(f"/account/tokens/{other}/revoke", data={"csrf": csrf, "confirmed": "yes"})
    assert r.status_code == 404


class TestToken:
    """The status of `GET /api/v1/me` with a token (as a context manager, for readability)."""

    __test__ = False

    def __init__(self, client, secret: str) -> None:
        self.status = client.get(
            "/api/v1/me", headers={"Authorization": f"Bearer {secret}"}
        ).status_code

    def __enter__(self) -> int:
        return self.status

    def __exit__(self, *exc: object) -> None:
        return None


def test_own_password_change_checks_the_current_one(client, web_world, session_factory):
    login(client, web_world, "vic")
    csrf = csrf_of(client.get("/account").text)
    wrong = client.post(
        "/account/password",
        data={"csrf": csrf, "current": "nope", "password": "b" * 12, "again": "b" * 12},
    )
    assert wrong.status_code == 422 and "current password is wrong" in wrong.text
    differ = client.post(
        "/account/password",
        data={
            "csrf": csrf,
            "current": web_world.passwords["vic"],
            "password": "b" * 12,
            "again": "c" * 12,
        },
    )
    assert differ.status_code == 422 and "differ" in differ.text
    ok = client.post(
        "/account/password",
        data={
            "csrf": csrf,
            "current": web_world.passwords["vic"],
            "password": "b" * 12,
            "again": "b" * 12,
        },
    )
    assert ok.status_code == 303 and ok.headers["location"].startswith("/login")
    assert client.get("/account").status_code in (302, 303)  # the session ended
    with unit_of_work(session_factory) as s:
        assert credentials.check_password(s, name="vic", password="b" * 12) is not None


def test_forms_without_the_csrf_token_are_refused(client, web_world):
    login(client, web_world, ADMIN)
    r = client.post("/admin/accounts", data={"name": "eve", "roles": ["admin"]})
    assert r.status_code == 403
    r = client.post("/account/notifications", data={"target": "a@b.example"})
    assert r.status_code == 403


def test_notification_preferences_page(client, web_world):
    login(client, web_world, "ana")
    page = client.get("/account/notifications")
    assert page.status_code == 200 and "nothing is sent" in page.text
    csrf = csrf_of(page.text)
    bad = client.post(
        "/account/notifications",
        data={"csrf": csrf, "channel": "email", "target": "not-an-address", "events": ["kev.hit"]},
    )
    assert bad.status_code == 422 and "not an e-mail address" in bad.text
    assert 'value="not-an-address"' in bad.text
    hidden = client.post(
        "/account/notifications",
        data={
            "csrf": csrf,
            "channel": "email",
            "target": "a@b.example",
            "events": ["kev.hit"],
            "product": OTHER,
        },
    )
    assert hidden.status_code == 422 and "no access" in hidden.text
    ok = client.post(
        "/account/notifications",
        data={
            "csrf": csrf,
            "channel": "email",
            "target": "ana@maker.example",
            "events": ["finding.new", "kev.hit"],
            "product": PRODUCT,
            "min_severity": "critical",
            "days": "7",
        },
    )
    assert ok.status_code == 303
    listed = client.get(ok.headers["location"])
    assert "ana@maker.example" in listed.text and "severity Critical or higher" in listed.text
    hook = client.post(
        "/account/notifications",
        data={
            "csrf": csrf,
            "channel": "webhook",
            "target": "https://hooks.example/medsec",
            "events": ["advisory.published"],
            "days": "7",
        },
    )
    assert hook.status_code == 201
    secret = re.search(
        r'id="webhook-secret" readonly size="50" autocomplete="off" value="([^"]+)"', hook.text
    )
    assert secret
    again = client.get("/account/notifications")
    assert secret.group(1) not in again.text and "https://hooks.example/medsec" in again.text
    pref_id = re.search(r"Webhook preference (\d+) added", hook.text)
    assert pref_id
    pid = pref_id.group(1)
    r = client.post(f"/account/notifications/{pid}", data={"csrf": csrf, "action": "pause"})
    assert r.status_code == 303 and "Paused" in client.get(r.headers["location"]).text
    ask = client.post(f"/account/notifications/{pid}", data={"csrf": csrf, "action": "remove"})
    assert ask.status_code == 200 and "will no longer be told" in ask.text
    done = client.post(
        f"/account/notifications/{pid}",
        data={"csrf": csrf, "action": "remove", "confirmed": "yes"},
    )
    assert done.status_code == 303
    assert "https://hooks.example/medsec" not in client.get("/account/notifications").text


def test_only_admins_see_another_accounts_preferences(client, web_world):
    login(client, web_world, "vic")
    assert client.get("/account/notifications?account=ana").status_code == 403
    client.post("/logout", data={"csrf": csrf_of(client.get("/account").text)})
    login(client, web_world, ADMIN)
    page = client.get("/account/notifications?account=ana")
    assert page.status_code == 200 and "Notification preferences of ana" in page.text
    assert client.get("/account/notifications?account=nobody").status_code == 404
