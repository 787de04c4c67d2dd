"""Alembic environment: the engine comes from the caller (medsec.db.migrate) or the URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from medsec.config import get_settings
from medsec.db.engine import make_engine
from medsec.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    """Run the migrations on the engine handed over by medsec, or one made from settings."""
    engine: Engine | None = config.attributes.get("engine")
    if engine is None:
        engine = make_engine(get_settings().database_url)
    with engine.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


run_migrations_online()
