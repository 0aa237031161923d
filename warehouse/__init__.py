"""The floor every other package stands on: where the warehouse is, who may write it, what it holds.

Nothing here imports from the rest of the project; `ingestion`, `classifiers`, `evaluation`, `quality`, `report`
and the `ptmreuse` command all import from here.
"""

from __future__ import annotations

import duckdb


def tables_in(con: duckdb.DuckDBPyConnection, schema: str = "raw") -> set[str]:
    """Names of the tables a schema holds now (a fresh warehouse may not have them all yet)."""
    sql = "select table_name from information_schema.tables where table_schema = ?"
    return {name for (name,) in con.execute(sql, [schema]).fetchall()}
