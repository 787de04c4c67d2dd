"""A web/API test world: the demo workspace (real services), a hostile SBOM, accounts with
tokens and passwords, and the app on the test database."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing

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


@pytest.fixture(scope="session")
def _web_world_snapshot(tmp_path_factory) -> dict:
    """Per test process: the SQLite file and world data of the first web world built."""
    return {"dir": tmp_path_factory.mktemp("web-world")}


@pytest.fixture
def web_world(engine, session_factory, db_url, tmp_path, _web_world_snapshot) -> WebWorld:
    """The demo plus accounts vic (viewer, all), val (viewer, OTHER only), ana (analyst).

    The world is built once per test process and each test gets a copy of it, so a test starts
    from exactly the same state in a fraction of the time: on SQLite through SQLite's backup API,
    on PostgreSQL from a snapshot schema (every table copied back, sequences set past the ids).
    """
    snap = _web_world_snapshot
    world = WebWorld(
        settings=Settings(
            home=tmp_path / "home", database_url=db_url, actor="test", secret_key="k" * 48
        )
    )
    sqlite_file = db_url.removeprefix("sqlite:///") if db_url.startswith("sqlite:///") else None
    if sqlite_file and "file" in snap:
        engine.dispose()
        with (
            closing(sqlite3.connect(snap["file"])) as src,
            closing(sqlite3.connect(sqlite_file)) as dst,
        ):
            src.backup(dst)
        shutil.copytree(snap["folder"], tmp_path / "demo")
        for name in ("tokens", "token_ids", "passwords", "finding_ids"):
            setattr(world, name, dict(snap[name]))
        return world
    if not sqlite_file and "pg" in snap:
        _pg_restore(engine)
        shutil.copytree(snap["folder"], tmp_path / "demo")
        for name in ("tokens", "token_ids", "passwords", "finding_ids"):
            setattr(world, name, dict(snap[name]))
        return world
    _build_world(world, session_factory, tmp_path)
    if not sqlite_file:
        _pg_snapshot(engine)
        snap["pg"] = True
        snap["folder"] = snap["dir"] / "demo"
        shutil.copytree(tmp_path / "demo", snap["folder"])
        for name in ("tokens", "token_ids", "passwords", "finding_ids"):
            snap[name] = dict(getattr(world, name))
    if sqlite_file:
        engine.dispose()
        snap["file"] = str(snap["dir"] / "world.db")
        with (
            closing(sqlite3.connect(sqlite_file)) as src,
            closing(sqlite3.connect(snap["file"])) as dst,
        ):
            src.backup(dst)
        snap["folder"] = snap["dir"] / "demo"
        shutil.copytree(tmp_path / "demo", snap["folder"])
        for name in ("tokens", "token_ids", "passwords", "finding_ids"):
            snap[name] = dict(getattr(world, name))
    return world


SNAP_SCHEMA = "web_world_snap"


def _pg_snapshot(engine) -> None:
    """Copy every table of the built world into the snapshot schema."""
    from sqlalchemy import text

    from medsec.models import Base

    with engine.begin() as conn:
        conn.execute(text(f"DROP SCHEMA IF EXISTS {SNAP_SCHEMA} CASCADE"))
        conn.execute(text(f"CREATE SCHEMA {SNAP_SCHEMA}"))
        for t in Base.metadata.sorted_tables:
            conn.execute(text(f'CREATE TABLE {SNAP_SCHEMA}."{t.name}" AS TABLE public."{t.name}"'))


def _pg_restore(engine) -> None:
    """Put the snapshot back into the (emptied) public tables and move the sequences on."""
    from sqlalchemy import text

    from medsec.models import Base

    tables = Base.metadata.sorted_tables
    with engine.begin() as conn:
        names = ", ".join(f'public."{t.name}"' for t in tables)
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        for t in tables:
            conn.execute(
                text(f'INSERT INTO public."{t.name}" SELECT * FROM {SNAP_SCHEMA}."{t.name}"')
            )
        for t in tables:
            for col in t.primary_key.columns:
                seq = conn.execute(
                    text("SELECT pg_get_serial_sequence(:t, :c)"),
                    {"t": f'public."{t.name}"', "c": col.name},
                ).scalar()
                if seq:
                    conn.execute(
                        text(
                            f'SELECT setval(:s, COALESCE((SELECT MAX("{col.name}") '
                            f'FROM public."{t.name}"), 0) + 1, false)'
                        ),
                        {"s": seq},
                    )


def _build_world(world: WebWorld, session_factory, tmp_path) -> None:
    """Build the demo world into the test database (see ``web_world``)."""
    folder = tmp_path / "demo"
    folder.mkdir()
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
            world.finding_ids[f.vulnerability.id] = f.id


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
