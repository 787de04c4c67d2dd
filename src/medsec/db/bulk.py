"""Fast multi-row inserts through the driver's executemany (used for SBOM-sized batches)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.orm import Session


def insert_rows(
    session: Session, table: Table, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """Insert tuples (values in ``columns`` order; JSON already serialised) in one executemany."""
    if not rows:
        return
    conn = session.connection()
    mark = "?" if conn.dialect.paramstyle == "qmark" else "%s"
    preparer = conn.dialect.identifier_preparer
    cols = ", ".join(preparer.quote(c) for c in columns)
    marks = ", ".join([mark] * len(columns))
    sql = f"INSERT INTO {preparer.format_table(table)} ({cols}) VALUES ({marks})"  # noqa: S608
    conn.exec_driver_sql(sql, list(rows))
