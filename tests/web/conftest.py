"""A web/API test world: the demo workspace (real services), a hostile SBOM, accounts with
tokens and passwords, and the app on the test database."""

from __future__ import annotations

import pytest
from _browser import browser, live_server, page  # noqa: F401  (fixtures for the browser tests)
from _web import (
    ADMIN,
    HOSTILE_RELEASE,
    KEV_CVE,
    OTHER,
    PRODUCT,
    WebWorld,
    hostile_sbom,
    kev_catalog,
)

from medsec.accounts import credentials
from medsec.accounts import service as accounts
from medsec.config import Settings
from medsec.db.uow import unit_of_work
from medsec.demo import service as demo_service
from medsec.findings import listing
from medsec.products import service as products
from medsec.products.schemas import ProductCreate
from medsec.sbom import service as sboms
from medsec.vulns import service as vulns


@pytest.fixture
def web_world(engine, session_factory, db_url, tmp_path) -> WebWorld:
    """The demo plus accounts vic (viewer, all), val (viewer, OTHER only), ana (analyst)."""
    folder = tmp_path / "demo"
    folder.mkdir()
    world = WebWorld(
        settings=Settings(
            home=tmp_path / "home", database_url=db_url, actor="test", secret_key="k" * 48
        )
    )
    actor = f"cli:{ADMIN}"
    with unit_of_work(session_factory) as session:
        demo_service.build(session, folder)
        kev = tmp_path / "known_exploited_vulnerabilities.json"
        kev.write_bytes(kev_catalog(KEV_CVE))
        vulns.import_feed(session, path=kev, actor=actor)
        products.create_product(
            session, data=ProductCreate(name=OTHER, manufacturer="Other Inc."), actor=actor
        )
        sboms.import_sbom(
            session,
            data=hostile_sbom(),
            source_name="hostile.cdx.json",
            product=PRODUCT,
            version=HOSTILE_RELEASE,
            actor=actor,
        )
        accounts.add(session, name="vic", roles=["viewer"], products=[], actor=actor)
        accounts.add(session, name="val", roles=["viewer"], products=[OTHER], actor=actor)
        accounts.add(session, name="ana", roles=["analyst"], products=[PRODUCT], actor=actor)
        for name in (ADMIN, "vic", "val", "ana", "reviewer"):
            new = credentials.issue_token(session, name=name, label="tests", actor=actor)
            world.tokens[name], world.token_ids[name] = new.secret, new.id
            world.passwords[name] = f"pw-{name}-correct-horse"
            credentials.set_password(
                session, name=name, password=world.passwords[name], actor=actor
            )
        for f in listing.list_findings(session, product=PRODUCT, version="2.0.0"):
            world.finding_ids[f["vulnerability"]["id"]] = f["id"]
    return world


@pytest.fixture
def app(web_world):
    """The app on the test database."""
    from medsec.app.api import create_app

    return create_app(web_world.settings)


@pytest.fixture
def client(app):
    """A TestClient (lifespan run) that does not follow redirects."""
    from fastapi.testclient import TestClient

    with TestClient(app, follow_redirects=False) as c:
        yield c


@pytest.fixture
def intake_app(engine, db_url, tmp_path):
    """The app on an empty migrated database (the public report intake needs no demo); a
    large report burst so that only the rate-limit tests meet the limiter."""
    from medsec.app.api import create_app

    settings = Settings(
        home=tmp_path / "home",
        database_url=db_url,
        actor="test",
        secret_key="k" * 48,
        report_burst=1000,
    )
    return create_app(settings)


@pytest.fixture
def intake_client(intake_app):
    """A TestClient on ``intake_app`` that does not follow redirects."""
    from fastapi.testclient import TestClient

    with TestClient(intake_app, follow_redirects=False) as c:
        yield c
