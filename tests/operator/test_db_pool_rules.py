"""The server's connection pool is sized by settings; running out of it is "busy", not a crash."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import TimeoutError as PoolTimeout

from medsec.config import get_settings
from medsec.db.engine import is_busy, make_engine

PG = "postgresql+psycopg://nobody@127.0.0.1:1/none"  # never connected to


def test_pool_size_and_overflow_come_from_the_environment():
    cfg = get_settings({"MEDSEC_DB_POOL_SIZE": "40", "MEDSEC_DB_MAX_OVERFLOW": "0"})
    assert (cfg.db_pool_size, cfg.db_max_overflow) == (40, 0)
    engine = make_engine(PG, pool_size=cfg.db_pool_size, max_overflow=cfg.db_max_overflow)
    assert engine.pool.size() == 40 and engine.pool._max_overflow == 0  # type: ignore[attr-defined]
    default = get_settings({})
    assert (default.db_pool_size, default.db_max_overflow) == (5, 10)
    assert make_engine(PG).pool.size() == 5


@pytest.mark.parametrize("value", ["0", "-3", "many", "2.5"])
def test_a_bad_pool_size_is_refused_naming_the_variable(value):
    with pytest.raises(ValueError, match="MEDSEC_DB_POOL_SIZE"):
        get_settings({"MEDSEC_DB_POOL_SIZE": value})


def test_waiting_too_long_for_a_pooled_connection_counts_as_busy():
    assert is_busy(PoolTimeout("QueuePool limit of size 5 overflow 10 reached"))
    assert not is_busy(ValueError("x"))
