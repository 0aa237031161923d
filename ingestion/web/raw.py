"""Read what the raw schema already holds (to skip finished work), without keeping the file open."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from warehouse import tables_in

RAW = "raw"


def raw_tables(db_path: Path) -> set[str]:
    if not db_path.exists():
        return set()
    with duckdb.connect(str(db_path), read_only=True) as con:
        return tables_in(con, RAW)


def read_rows(db_path: Path, table: str, sql: str, params: list[Any] | None = None) -> list[tuple]:
    """Rows of `sql` when raw.`table` exists, else none (a fresh warehouse has done nothing yet)."""
    if table not in raw_tables(db_path):
        return []
    with duckdb.connect(str(db_path), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
