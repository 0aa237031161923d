"""The raw tables' columns, declared once: in dbt's sources file, `models/staging/__sources.yml`.

Every column there has a `data_type` (DuckDB's spelling, `not null` where the loader guarantees a value) and a
description. Everything else is derived from it: the DDL that creates a missing table (here, for the Python
writers, and in dbt's `on-run-start` hook, `macros/create_raw_tables.sql`), the Arrow schema a loader builds its
batches with, and the dlt column hints. A new column is added in that one file.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import yaml

from warehouse.paths import PROJECT_DIR

SOURCES_FILE = PROJECT_DIR / "models" / "staging" / "__sources.yml"
RAW_SCHEMA = "raw"

_UTC_MICROS = pa.timestamp("us", tz="UTC")
# DuckDB type → the Arrow type loaders build batches with. JSON travels as text (DuckDB casts it on insert).
_ARROW_TYPES: dict[str, pa.DataType] = {
    "varchar": pa.string(),
    "json": pa.string(),
    "integer": pa.int32(),
    "bigint": pa.int64(),
    "double": pa.float64(),
    "boolean": pa.bool_(),
    "date": pa.date32(),
    "timestamptz": _UTC_MICROS,
    "varchar[]": pa.list_(pa.string()),
    "boolean[]": pa.list_(pa.bool_()),
    "double[]": pa.list_(pa.float64()),
}


@dataclass(frozen=True, slots=True)
class RawColumn:
    name: str
    sql_type: str  # e.g. varchar, timestamptz, double[]
    not_null: bool


@dataclass(frozen=True, slots=True)
class RawTable:
    name: str
    columns: tuple[RawColumn, ...]

    def ddl(self) -> str:
        """`create table if not exists raw.<name> (...)`: leaves an existing table and its rows alone."""
        columns = ", ".join(f'"{c.name}" {c.sql_type}{" not null" if c.not_null else ""}' for c in self.columns)
        return f"create table if not exists {RAW_SCHEMA}.{self.name} ({columns})"

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, _ARROW_TYPES[c.sql_type], nullable=not c.not_null) for c in self.columns])

    def dlt_columns(self) -> dict[str, dict[str, Any]]:
        """dlt column hints: keys not null, JSON columns as json (dlt would otherwise store them as text)."""
        hints: dict[str, dict[str, Any]] = {}
        for column in self.columns:
            hint: dict[str, Any] = {}
            if column.not_null:
                hint["nullable"] = False
            if column.sql_type == "json":
                hint["data_type"] = "json"
            if hint:
                hints[column.name] = hint
        return hints

    def to_arrow(self, rows: list[dict[str, Any]]) -> pa.Table:
        return pa.Table.from_pylist(rows, schema=self.arrow_schema())


def _column(entry: dict[str, Any], table: str) -> RawColumn:
    declared = " ".join(str(entry.get("data_type", "")).lower().split())
    sql_type = declared.removesuffix(" not null")
    if sql_type not in _ARROW_TYPES:
        raise ValueError(f"{SOURCES_FILE.name}: raw.{table}.{entry.get('name')} has unknown data_type {declared!r}")
    return RawColumn(entry["name"], sql_type, declared.endswith(" not null"))


@cache
def raw_tables(sources_file: Path = SOURCES_FILE) -> dict[str, RawTable]:
    """Every table of the `raw` source, by name, in the order the file declares them."""
    sources = yaml.safe_load(sources_file.read_text(encoding="utf-8"))["sources"]
    (raw,) = (source for source in sources if source["name"] == RAW_SCHEMA)
    return {
        table["name"]: RawTable(table["name"], tuple(_column(c, table["name"]) for c in table["columns"]))
        for table in raw["tables"]
    }


def raw_table(name: str) -> RawTable:
    return raw_tables()[name]


def create_raw_tables(con: duckdb.DuckDBPyConnection, names: tuple[str, ...] | None = None) -> None:
    """Create the named raw tables (default: all) where missing, empty; existing tables and rows stay."""
    con.execute(f"create schema if not exists {RAW_SCHEMA}")
    for name in names or tuple(raw_tables()):
        con.execute(raw_table(name).ddl())


def ensure_raw_tables(db_path: Path) -> None:
    """`create_raw_tables` on the warehouse file (created if missing): what dbt's on-run-start hook does, in Python."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    with duckdb.connect(str(db_path)) as con:
        create_raw_tables(con)
