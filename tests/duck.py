"""Read a DuckDB file in tests without keeping it open (DuckDB allows one writer per file)."""

from __future__ import annotations

from pathlib import Path

import duckdb


def query(db: Path, sql: str, params: list | None = None) -> list[tuple]:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params or []).fetchall()
