"""Account administration on both databases: roles and product access changed and audited,
disabled accounts refused everywhere (password, token, session, actions), the last admin can be
neither demoted nor disabled, and one's own password needs the current one."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from medsec.accounts import admin, credentials
from medsec.accounts import service as accounts
from medsec.db.uow import unit_of_work
from medsec.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from medsec.models import AuditEvent

pytestmark = pytest.mark.db
BOSS = "cli:boss"
PW = "correct-horse-battery"


@pytest.fixture
def sf(session_factory):
    """boss (first, admin), ana (analyst of one product), vic (viewer), each with a password."""
    with unit_of_work(session_factory) as s:
        accounts.add(s, name="boss", roles=[], products=[], actor=BOSS)
        accounts.add(s, name="ana", roles=["analyst"], products=["Pump"], actor=BOSS)
        accounts.add(s, name="vic", roles=["viewer"], products=[], actor=BOSS)
        for name in ("boss", "ana", "vic"):
            credentials.set_password(s, name=name, password=PW, actor=BOSS)
    return session_factory


def _audit(sf, action: str) -> list[dict]:
    with unit_of_work(sf) as s:
        stmt = select(AuditEvent.details).where(AuditEvent.action == action)
        return list(s.execute(stmt).scalars())


def test_roles_and_products_change_and_are_audited(sf):
    with unit_of_work(sf) as s:
        acc = admin.set_access(
            s, name="ana", actor=BOSS, roles=["reviewer", "analyst"], products=["Pump", "Gate"]
        )
        assert acc.roles == ["analyst", "reviewer"] and acc.products == ["Gate", "Pump"]
        admin.set_access(s, name="ana", actor=BOSS, roles=["analyst", "reviewer"])  # no change
    [event] = _audit(sf, "account.access")
    assert event["before"] == {"roles": ["analyst"], "products": ["Pump"]}
    assert event["after"] == {"roles": ["analyst", "reviewer"], "products": ["Gate", "Pump"]}


def test_only_an_admin_changes_access_and_bad_roles_are_refused(sf):
    with unit_of_work(sf) as s:
        with pytest.raises(PermissionDenied):
            admin.set_access(s, name="vic", actor="cli:ana", roles=["admin"])
        with pytest.raises(InvalidInput, match="unknown role"):
            admin.set_access(s, name="vic", actor=BOSS, roles=["root"])
        with pytest.raises(InvalidInput, match="at least one role"):
            admin.set_access(s, name="vic", actor=BOSS, roles=[])
        with pytest.raises(NotFound):
            admin.set_access(s, name="nobody", actor=BOSS, roles=["viewer"])
    with unit_of_work(sf) as s:
        assert accounts.roles_of(s, "cli:vic") == {"viewer"}


def test_the_last_admin_can_be_neither_demoted_nor_disabled(sf):
    with unit_of_work(sf) as s:
        with pytest.raises(Conflict, match="last admin"):
            admin.set_access(s, name="boss", actor=BOSS, roles=["analyst"])
        with pytest.raises(Conflict, match="last admin"):
            admin.set_disabled(s, name="boss", disabled=True, actor=BOSS)
    with unit_of_work(sf) as s:
        admin.set_access(s, name="vic", actor=BOSS, roles=["admin"])
        admin.set_access(s, name="boss", actor=BOSS, roles=["analyst"])  # vic is admin now
        assert admin.admins(s) == ["vic"]
        with pytest.raises(Conflict, match="last admin"):
            admin.set_disabled(s, name="vic", disabled=True, actor="cli:vic")
    with unit_of_work(sf) as s:  # a disabled admin does not count as one
        admin.set_access(s, name="ana", actor="cli:vic", roles=["admin"])
        admin.set_disabled(s, name="ana", disabled=True, actor="cli:vic")
        with pytest.raises(Conflict, match="last admin"):
            admin.set_access(s, name="vic", actor="cli:vic", roles=["viewer"])


def test_a_disabled_account_cannot_sign_in_use_tokens_sessions_or_act(sf):
    with unit_of_work(sf) as s:
        token = credentials.issue_token(s, name="ana", label="ci", actor=BOSS).secret
        acc = accounts.get(s, "ana")
        assert acc is not None
        web = credentials.open_session(s, account=acc, client="test")
    with unit_of_work(sf) as s:
        admin.set_disabled(s, name="ana", disabled=True, actor=BOSS)
    with unit_of_work(sf) as s:
        assert credentials.check_password(s, name="ana", password=PW) is None
        assert credentials.account_for_token(s, token) is None
        assert credentials.find_session(s, web.cookie) is None
        with pytest.raises(PermissionDenied, match="disabled"):
            accounts.require(s, "cli:ana", "analyst", rule="triage")
        with pytest.raises(PermissionDenied, match="disabled"):
            credentials.issue_token(s, name="ana", label="x", actor="cli:ana")
        assert accounts.roles_of(s, "cli:ana") == set()
    with unit_of_work(sf) as s:
        admin.set_disabled(s, name="ana", disabled=False, actor=BOSS)
    with unit_of_work(sf) as s:
        assert credentials.check_password(s, name="ana", password=PW) is not None
        assert credentials.account_for_token(s, token) is not None
    assert [e["name"] for e in _audit(sf, "account.disable")] == ["ana"]
    assert [e["name"] for e in _audit(sf, "account.enable")] == ["ana"]


def test_own_password_needs_the_current_one(sf):
    with unit_of_work(sf) as s:
        with pytest.raises(PermissionDenied, match="current password"):
            admin.change_own_password(
                s, actor="web:vic", current="wrong-guess-1", password="x" * 12
            )
    with unit_of_work(sf) as s:
        admin.change_own_password(s, actor="web:vic", current=PW, password="new-secret-123")
    with unit_of_work(sf) as s:
        assert credentials.check_password(s, name="vic", password="new-secret-123") is not None
        assert credentials.check_password(s, name="vic", password=PW) is None


def test_tokens_listed_and_revoked_by_their_account_or_an_admin(sf):
    with unit_of_work(sf) as s:
        mine = credentials.issue_token(s, name="vic", label="laptop", actor="cli:vic")
        other = credentials.issue_token(s, name="ana", label="ci", actor=BOSS)
    with unit_of_work(sf) as s:
        assert [t.id for t in admin.tokens_of(s, name="vic", actor="cli:vic")] == [mine.id]
        with pytest.raises(PermissionDenied):
            admin.tokens_of(s, name="ana", actor="cli:vic")
        with pytest.raises(NotFound):  # another account's token is not one of vic's
            admin.revoke(s, name="vic", token_id=other.id, actor="cli:vic")
        assert admin.revoke(s, name="vic", token_id=mine.id, actor="cli:vic").revoked_at
        assert admin.token_count(s, "vic") == 0 and admin.token_count(s, "ana") == 1


@pytest.mark.parametrize("name", ["", "a b", "web:alice", "tab\tname", "x" * 201])
def test_account_names_that_would_break_actor_strings_are_refused(sf, name):
    with unit_of_work(sf) as s, pytest.raises(InvalidInput, match="account name"):
        accounts.add(s, name=name, roles=["viewer"], products=[], actor=BOSS)
