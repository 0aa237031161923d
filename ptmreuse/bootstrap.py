"""What `ptmreuse build` reads of the per-paper change log around a dbt build."""

from __future__ import annotations

from pathlib import Path

import duckdb

from warehouse import tables_in
from warehouse.connect import connect

# The incremental per-paper models (macros/paper_changes.sql) and the column their incremental builds rely on.
PER_PAPER_TABLES = (
    "intermediate.int_paper_fields",
    "intermediate.int_paper_labels",
    "intermediate.int_paper_ptm_mentions",
    "marts.papers",
)
REFRESH_STAMP = "refreshed_at"


def outdated_per_paper_tables(db_path: Path) -> list[str]:
    """Per-paper tables built by a ptmreuse older than their incremental version (no refreshed_at column).

    An incremental build cannot update them; they must be rebuilt once from scratch (`dbt build --full-refresh`).
    """
    if not db_path.exists():
        return []
    sql = """
        select table_schema || '.' || table_name
        from information_schema.tables as t
        where table_schema || '.' || table_name in ?
          and not exists (
              select 1 from information_schema.columns as c
              where c.table_schema = t.table_schema and c.table_name = t.table_name and c.column_name = ?
          )
        order by 1
    """
    with connect(db_path, read_only=True) as con:
        return [name for (name,) in con.execute(sql, [list(PER_PAPER_TABLES), REFRESH_STAMP]).fetchall()]


CHANGE_LOG = "intermediate.int_paper_changes"  # the per-paper change log (models/intermediate)


def _has_change_log(con: duckdb.DuckDBPyConnection) -> bool:
    schema, table = CHANGE_LOG.split(".")
    return table in tables_in(con, schema)


def latest_change_stamp(db_path: Path) -> object | None:
    """The newest changed_at of the per-paper change log (None before the first build)."""
    if not db_path.exists():
        return None
    with connect(db_path, read_only=True) as con:
        if not _has_change_log(con):
            return None
        return con.execute(f"select max(changed_at) from {CHANGE_LOG}").fetchone()[0]


def papers_changed_since(db_path: Path, stamp: object | None) -> tuple[int, int]:
    """(DOIs whose inputs changed after `stamp`, every one when None; DOIs the per-paper models cover now)."""
    with connect(db_path, read_only=True) as con:
        if not _has_change_log(con):
            return 0, 0
        sql = f"""
            select count(*) filter (where ? is null or changed_at > ?), count(*) filter (where not is_removed)
            from {CHANGE_LOG}
        """
        return con.execute(sql, [stamp, stamp]).fetchone()
