"""Publish the marts as a separate read-only DuckDB file (plus Parquet) for BI tools and notebooks.

BI tools must never hold the build's file: DuckDB allows one read-write process or many readers, not both.
The copy is written under a temporary name and renamed into place, so a reader sees the old file or the new
one, never half of one; a reader that has the old file open keeps reading it (POSIX rename semantics).
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

PUBLISHED_NAME = "ptmreuse.duckdb"
# marts are what users query; reference holds the seeds (fields, taxonomy, PTM catalogue) that explain them.
PUBLISHED_SCHEMAS = ("marts", "reference")


class NothingToPublish(Exception):
    pass


@dataclass(slots=True)
class PublishResult:
    database: Path
    parquet_dir: Path
    tables: dict[str, int] = field(default_factory=dict)  # schema.table -> rows


def _quote(identifier: str) -> str:
    return '"' + identifier.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"  # COMMENT ON takes no bound parameters


def _copy_tables(con: duckdb.DuckDBPyConnection, parquet_dir: Path) -> dict[str, int]:
    tables = con.execute(
        "select schema_name, table_name, comment from duckdb_tables() where database_name = 'warehouse' "
        "and schema_name in (select unnest(?::varchar[])) order by 1, 2",
        [list(PUBLISHED_SCHEMAS)],
    ).fetchall()
    if not any(schema == "marts" for schema, _, _ in tables):
        raise NothingToPublish("the warehouse has no marts yet: run `ptmreuse build` first")
    counts: dict[str, int] = {}
    for schema, table, comment in tables:
        name = f"{_quote(schema)}.{_quote(table)}"
        con.execute(f"create schema if not exists {_quote(schema)}")
        con.execute(f"create table {name} as select * from warehouse.{name}")
        if comment:
            con.execute(f"comment on table {name} is {_literal(comment)}")  # descriptions travel with the data
        for column, column_comment in con.execute(
            "select column_name, comment from duckdb_columns() where database_name = 'warehouse' "
            "and schema_name = ? and table_name = ? and comment is not null",
            [schema, table],
        ).fetchall():
            con.execute(f"comment on column {name}.{_quote(column)} is {_literal(column_comment)}")
        con.execute(f"copy {name} to ? (format parquet)", [str(parquet_dir / f"{schema}.{table}.parquet")])
        counts[f"{schema}.{table}"] = con.execute(f"select count(*) from {name}").fetchone()[0]
    return counts


def published_dir(db_path: Path) -> Path:
    """`published/` beside the warehouse: data/published/ for the default data/warehouse.duckdb."""
    return db_path.parent / "published"


def publish(db_path: Path, target_dir: Path | None = None) -> PublishResult:
    """Copy the marts (and reference seeds) of `db_path` into `published/ptmreuse.duckdb` and Parquet files."""
    target_dir = target_dir or published_dir(db_path)
    if not db_path.exists():
        raise NothingToPublish(f"{db_path} does not exist: run `ptmreuse demo` or `ptmreuse build` first")
    target_dir.mkdir(parents=True, exist_ok=True)
    staging_db = target_dir / f".{PUBLISHED_NAME}.{os.getpid()}.tmp"
    staging_parquet = target_dir / f".parquet.{os.getpid()}.tmp"
    staging_db.unlink(missing_ok=True)
    shutil.rmtree(staging_parquet, ignore_errors=True)
    staging_parquet.mkdir()
    try:
        with duckdb.connect(str(staging_db)) as con:
            con.execute(f"attach {_literal(str(db_path))} as warehouse (read_only)")  # ATTACH takes no parameters
            tables = _copy_tables(con, staging_parquet)
            con.execute("detach warehouse")
        manifest = {
            "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "source": str(db_path),
            "tables": tables,
        }
        (staging_parquet / "manifest.json").write_text(json.dumps(manifest, indent=2))
        final_db, final_parquet = target_dir / PUBLISHED_NAME, target_dir / "parquet"
        os.replace(staging_db, final_db)  # atomic: readers see the old file or the new one
        retired = target_dir / f".parquet.{os.getpid()}.old"
        if final_parquet.exists():
            final_parquet.rename(retired)
        staging_parquet.rename(final_parquet)
        shutil.rmtree(retired, ignore_errors=True)
    finally:
        staging_db.unlink(missing_ok=True)
        shutil.rmtree(staging_parquet, ignore_errors=True)
    return PublishResult(final_db, final_parquet, tables)
