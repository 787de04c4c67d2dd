"""Run Alembic migrations programmatically (the same scripts on SQLite and PostgreSQL)."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config(engine: Engine) -> Config:
    """An Alembic config that runs our migration scripts on ``engine``."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision(engine: Engine) -> str | None:
    """The newest migration revision shipped with this version of medsec."""
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    _quiet()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to ``revision`` (Alembic's INFO chatter kept quiet)."""
    _quiet()
    command.upgrade(alembic_config(engine), revision)


def ensure_current(engine: Engine) -> bool:
    """Upgrade when the schema is behind; returns True when a migration ran."""
    if current_revision(engine) == head_revision(engine):
        return False
    upgrade(engine)
    return True


def _quiet() -> None:
    logging.getLogger("alembic").setLevel(logging.WARNING)
