"""Credentials service and CLI: passwords (argon2), API tokens (digests only), sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from medsec.accounts import credentials
from medsec.accounts import service as accounts
from medsec.core.clock import utcnow
from medsec.db.uow import unit_of_work
from medsec.errors import InvalidInput, NotFound, PermissionDenied
from medsec.models import AccountPassword, ApiToken, AuditEvent, WebSession


@pytest.fixture
def people(session_factory):
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="root", roles=["admin"], products=[], actor="cli:root")
        accounts.add(s, name="amy", roles=["analyst"], products=[], actor="cli:root")
        accounts.add(s, name="bob", roles=["viewer"], products=[], actor="cli:root")
    return session_factory


def test_passwords_are_argon2_hashed_checked_and_only_self_or_admin_sets_them(people):
    with unit_of_work(people) as s:
        credentials.set_password(s, name="amy", password="amy-long-password", actor="cli:amy")
        credentials.set_password(s, name="bob", password="bob-long-password", actor="cli:root")
        with pytest.raises(PermissionDenied, match="admin"):
            credentials.set_password(s, name="root", password="x" * 12, actor="cli:amy")
        with pytest.raises(InvalidInput, match="10 to"):
            credentials.set_password(s, name="amy", password="short", actor="cli:amy")
        with pytest.raises(NotFound):
            credentials.set_password(s, name="zed", password="x" * 12, actor="cli:root")
    with unit_of_work(people) as s:
        row = s.get(AccountPassword, "amy")
        assert row.password_hash.startswith("$argon2id$") and "amy-long" not in row.password_hash
        assert credentials.check_password(s, name="amy", password="amy-long-password").name == "amy"
        assert credentials.check_password(s, name="amy", password="bob-long-password") is None
        assert credentials.check_password(s, name="root", password="anything-at-all") is None
        assert credentials.check_password(s, name="zed", password="amy-long-password") is None
        audited = [e.details for e in s.execute(select(AuditEvent)).scalars()]
    assert {"name": "amy"} in audited and not any("password" in str(d) for d in audited[3:])


def test_tokens_are_stored_as_digests_and_stop_working_when_revoked(people):
    with unit_of_work(people) as s:
        new = credentials.issue_token(s, name="amy", label="ci", actor="cli:amy")
        other = credentials.issue_token(s, name="bob", label=None, actor="cli:root")
        with pytest.raises(PermissionDenied):
            credentials.issue_token(s, name="root", label=None, actor="cli:bob")
    assert new.secret.startswith(credentials.TOKEN_PREFIX) and len(new.secret) > 40
    with unit_of_work(people) as s:
        stored = [t.token_hash for t in s.execute(select(ApiToken)).scalars()]
        assert new.secret not in stored and credentials.digest(new.secret) in stored
        assert credentials.account_for_token(s, new.secret).name == "amy"
        assert credentials.account_for_token(s, new.secret + "x") is None
        assert credentials.account_for_token(s, "Bearer nonsense") is None
        with pytest.raises(PermissionDenied):
            credentials.revoke_token(s, token_id=new.id, actor="cli:bob")
        credentials.revoke_token(s, token_id=new.id, actor="cli:amy")
        with pytest.raises(NotFound):
            credentials.revoke_token(s, token_id=9999, actor="cli:root")
    with unit_of_work(people) as s:
        assert credentials.account_for_token(s, new.secret) is None
        assert credentials.account_for_token(s, other.secret).name == "bob"


def test_sessions_expire_and_a_new_password_ends_them(people):
    with unit_of_work(people) as s:
        amy = accounts.get(s, "amy")
        one = credentials.open_session(s, account=amy, client="10.0.0.1")
        two = credentials.open_session(s, account=amy, client="10.0.0.2")
    with unit_of_work(people) as s:
        assert credentials.find_session(s, one.cookie)[1].name == "amy"
        assert s.get(WebSession, one.cookie) is None  # stored under its digest only
        s.get(WebSession, credentials.digest(two.cookie)).expires_at = utcnow() - timedelta(1)
    with unit_of_work(people) as s:
        assert credentials.find_session(s, two.cookie) is None
        credentials.set_password(s, name="amy", password="a-new-password", actor="cli:amy")
    with unit_of_work(people) as s:
        assert credentials.find_session(s, one.cookie) is None


def test_cli_token_password_and_revoke(cli, monkeypatch, session_factory):
    monkeypatch.setenv("MEDSEC_ACTOR", "root")
    assert cli("account", "add", "root", "--role", "admin")[0] == 0
    assert cli("account", "add", "amy", "--role", "analyst")[0] == 0
    code, out, _ = cli("account", "token", "amy", "--label", "laptop")
    assert code == 0
    secret = out.strip().splitlines()[-1]
    assert secret.startswith("msk_")
    code, out, _ = cli("account", "tokens", "amy")
    assert "laptop" in out and secret not in out
    monkeypatch.setattr("sys.stdin", _Stdin("amy-password-123\n"))
    code, out, err = cli("account", "password", "amy")
    assert code == 0, err
    monkeypatch.setattr("sys.stdin", _Stdin("short\n"))
    code, _, err = cli("account", "password", "amy")
    assert code == 2 and "10 to" in err
    with unit_of_work(session_factory) as s:
        assert credentials.check_password(s, name="amy", password="amy-password-123")
        token_id = s.execute(select(ApiToken.id)).scalar()
    assert cli("account", "revoke-token", str(token_id))[0] == 0
    assert cli("account", "revoke-token", "12345")[0] == 3
    with unit_of_work(session_factory) as s:
        assert credentials.account_for_token(s, secret) is None


class _Stdin:
    def __init__(self, text: str) -> None:
        self.text = text

    def isatty(self) -> bool:
        return False

    def readline(self) -> str:
        return self.text


def test_token_use_is_recorded_at_most_hourly_and_expired_sessions_are_purged(people):
    with unit_of_work(people) as s:
        new = credentials.issue_token(s, name="amy", label=None, actor="cli:amy")
    with unit_of_work(people) as s:
        credentials.account_for_token(s, new.secret)
    with unit_of_work(people) as s:
        first = s.get(ApiToken, new.id).last_used_at
        assert first is not None
        credentials.account_for_token(s, new.secret)
    with unit_of_work(people) as s:
        assert s.get(ApiToken, new.id).last_used_at == first
        amy = accounts.get(s, "amy")
        old = credentials.open_session(s, account=amy, client="x")
        s.get(WebSession, credentials.digest(old.cookie)).expires_at = utcnow() - timedelta(1)
    with unit_of_work(people) as s:
        credentials.open_session(s, account=accounts.get(s, "amy"), client="x")
    with unit_of_work(people) as s:
        assert s.get(WebSession, credentials.digest(old.cookie)) is None
        assert len(s.execute(select(WebSession)).all()) == 1
