"""Fixtures of the design tests: the app on a database holding the pump world, with passwords
and API tokens, and the browser fixtures."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from design_world import make_world

from medsec.config import Settings


@dataclass
class DesignWeb:
    """Settings of the app and each account's password and API token."""

    settings: Settings
    passwords: dict[str, str] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def design_web(engine, session_factory, db_url, tmp_path) -> DesignWeb:
    """The pump world (generated threats, one control) with logins for ana, vic and other."""
    from medsec.accounts import credentials
    from medsec.controls import service as controls
    from medsec.controls.schemas import ControlCreate
    from medsec.db.uow import unit_of_work
    from medsec.threats import service as threats

    make_world(session_factory)
    world = DesignWeb(
        Settings(home=tmp_path / "home", database_url=db_url, actor="test", secret_key="k" * 48)
    )
    with unit_of_work(session_factory) as s:
        threats.generate(s, product="Pump", release="1.0", actor="ana")
        controls.add_control(
            s,
            product="Pump",
            actor="ana",
            data=ControlCreate(
                key="C-TLS",
                name="Mutual TLS <script>x</script>",
                principles=["secure-communication"],
                selectors=["junit:tests.test_tls::*"],
            ),
        )
        controls.link(
            s, product="Pump", key="C-TLS", release="1.0", actor="ana", threat_keys=["FLOW-T@dose"]
        )
        for name in ("ana", "vic", "other", "rev"):
            world.passwords[name] = f"pw-{name}-correct-horse"
            credentials.set_password(s, name=name, password=world.passwords[name], actor="t")
            world.tokens[name] = credentials.issue_token(
                s, name=name, label="tests", actor="t"
            ).secret
    return world


@pytest.fixture
def app(design_web):
    """The app on the test database."""
    from medsec.app.api import create_app

    return create_app(design_web.settings)


@pytest.fixture
def client(app):
    """A TestClient (lifespan run) that does not follow redirects."""
    from fastapi.testclient import TestClient

    with TestClient(app, follow_redirects=False) as c:
        yield c
