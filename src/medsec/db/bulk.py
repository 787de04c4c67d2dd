"""Fast multi-row inserts and upserts (used for SBOM- and feed-sized batches)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

COPY_FROM = 500  # rows: PostgreSQL's COPY beats an executemany from about here


def insert_rows(
    session: Session, table: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert tuples (values in ``columns`` order; JSON already serialised) in one executemany,
    or on PostgreSQL, from ``COPY_FROM`` rows on, one ``COPY … FROM STDIN``."""
    if not rows:
        return
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    preparer = conn.dialect.identifier_preparer
    cols = ", ".join(preparer.quote(c) for c in columns)
    if conn.dialect.name == "postgresql" and len(rows) >= COPY_FROM:
        copy_sql = f"COPY {preparer.format_table(table)} ({cols}) FROM STDIN"
        driver: Any = conn.connection.driver_connection  # psycopg: same transaction
        with driver.cursor() as cur, cur.copy(copy_sql) as copy:
            for row in rows:
                copy.write_row(row)
        return
    marks = ", ".join([mark] * len(columns))
    sql = f"INSERT INTO {preparer.format_table(table)} ({cols}) VALUES ({marks})"  # noqa: S608
    conn.exec_driver_sql(sql, list(rows))


def upsert_rows(
    session: Session, table: Any, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> None:
    """Insert rows, replacing the non-key columns of rows whose ``keys`` already exist."""
    if not rows:
        return
    dialect = session.connection().dialect.name
    stmt: Any = postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)
    update = {c: stmt.excluded[c] for c in rows[0] if c not in keys}
    session.execute(stmt.on_conflict_do_update(index_elements=list(keys), set_=update), list(rows))


def bind_processors(session: Session, table: Any, columns: Sequence[str]) -> list[Any]:
    """Each column's bind processor for this connection's dialect (None: value passes as is).

    Lets callers of ``insert_rows``/``update_rows`` store values exactly as SQLAlchemy would
    (JSON serialised, datetimes formatted for SQLite), once per value instead of per row.
    """
    dialect = session.connection().dialect
    return [table.c[c].type.dialect_impl(dialect).bind_processor(dialect) for c in columns]


def reserve_ids(session: Session, table: Any, count: int) -> list[int]:
    """``count`` fresh primary-key values of ``table`` (its ``id`` column) for explicit inserts.

    PostgreSQL: taken from the column's sequence (safe with concurrent writers). SQLite: above
    the current maximum, as SQLite itself would assign them; SQLite lets one writer at a time
    commit, so a concurrent insert makes this transaction fail rather than collide.
    """
    if count <= 0:
        return []
    conn = session.connection()
    name = table.name
    if conn.dialect.name == "postgresql":
        sql = "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)"
        return [int(r[0]) for r in conn.exec_driver_sql(sql, (name, count))]
    quoted = conn.dialect.identifier_preparer.format_table(table)
    top = conn.exec_driver_sql(f"SELECT max(id) FROM {quoted}").scalar() or 0  # noqa: S608
    return list(range(top + 1, top + 1 + count))


def update_rows(
    session: Session, table: Any, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Set ``columns`` of rows by id: tuples of the values in ``columns`` order, then the id."""
    if not rows:
        return
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    preparer = conn.dialect.identifier_preparer
    sets = ", ".join(f"{preparer.quote(c)} = {mark}" for c in columns)
    sql = f"UPDATE {preparer.format_table(table)} SET {sets} WHERE id = {mark}"  # noqa: S608
    conn.exec_driver_sql(sql, list(rows))
