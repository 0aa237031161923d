"""Read what the raw schema already holds (to skip finished work), through the one read-only way in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from warehouse import tables_in
from warehouse.connect import connect, warehouse_exists


def read_rows(db_path: Path, table: str, sql: str, params: list[Any] | None = None) -> list[tuple]:
    """Rows of `sql` when raw.`table` exists, else none (a fresh warehouse has done nothing yet)."""
    if not warehouse_exists(db_path):
        return []
    with connect(db_path, read_only=True) as con:
        if table not in tables_in(con, "raw"):
            return []
        return con.execute(sql, params or []).fetchall()
