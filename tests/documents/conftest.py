"""Fixtures of the document tests: the ventilator world, the app with API tokens and logins."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from docs_world import make_world

from medsec.config import Settings


@dataclass
class DocsWeb:
    """Settings of the app and each account's password and API token."""

    settings: Settings
    passwords: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def world(engine, session_factory):
    """The ventilator world on the test database; returns the session factory."""
    make_world(session_factory)
    return session_factory


@pytest.fixture
def docs_web(world, db_url, tmp_path) -> DocsWeb:
    """The world with passwords and API tokens for ana, vic and val."""
    from medsec.accounts import credentials
    from medsec.db.uow import unit_of_work

    web = DocsWeb(
        Settings(home=tmp_path / "home", database_url=db_url, actor="test", secret_key="k" * 48)
    )
    with unit_of_work(world) as s:
        for name in ("ana", "vic", "val"):
            web.passwords[name] = f"pw-{name}-correct-horse"
            credentials.set_password(s, name=name, password=web.passwords[name], actor="t")
            web.tokens[name] = credentials.issue_token(s, name=name, label="t", actor="t").secret
    return web


@pytest.fixture
def client(docs_web):
    """A TestClient (lifespan run) that does not follow redirects."""
    from fastapi.testclient import TestClient

    from medsec.app.api import create_app

    with TestClient(create_app(docs_web.settings), follow_redirects=False) as c:
        yield c
