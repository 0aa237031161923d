"""The raw tables' columns, declared once: in dbt's sources file, `models/staging/__sources.yml`.

Every column there has a `data_type` (DuckDB's spelling, `not null` where the loader guarantees a value) and a
description. Everything else is derived from it: the DDL that creates a missing table (here, for the Python
writers, and in dbt's `on-run-start` hook, `macros/create_raw_tables.sql`), the Arrow schema a loader builds its
batches with, and the dlt column hints. A new column is added in that one file.

The values a column accepts are declared there too, as dbt data tests on the source (`accepted_values`,
`in_range`): dbt runs them in every build, and the quality gate reads them here (`accepted_values`,
`value_range`), so the two cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
    accepted_values: tuple[str, ...] | None = None  # the `accepted_values` test's list, if declared
    min_value: float | None = None  # the `in_range` test's bounds, if declared
    max_value: float | None = None
    max_years_ahead: int | None = None  # in_range's upper bound relative to the current year

    def value_range(self, today: date | None = None) -> tuple[float | None, float | None]:
        """(min, max) accepted, as dbt's in_range test computes them today (either may be None: open)."""
        high = self.max_value
        if self.max_years_ahead is not None:
            ahead = (today or date.today()).year + self.max_years_ahead
            high = ahead if high is None else min(high, ahead)
        return self.min_value, high


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

    def column(self, name: str) -> RawColumn:
        (found,) = (c for c in self.columns if c.name == name)
        return found


def _test_arguments(entry: dict[str, Any], test: str) -> dict[str, Any] | None:
    """The `arguments:` of data test `test` on a column entry, or None when the column has no such test."""
    for item in entry.get("data_tests") or ():
        if isinstance(item, dict) and test in item:
            return dict((item[test] or {}).get("arguments") or {})
    return None


def _column(entry: dict[str, Any], table: str) -> RawColumn:
    declared = " ".join(str(entry.get("data_type", "")).lower().split())
    sql_type = declared.removesuffix(" not null")
    if sql_type not in _ARROW_TYPES:
        raise ValueError(f"{SOURCES_FILE.name}: raw.{table}.{entry.get('name')} has unknown data_type {declared!r}")
    accepted = _test_arguments(entry, "accepted_values")
    bounds = _test_arguments(entry, "in_range") or {}
    return RawColumn(
        entry["name"],
        sql_type,
        declared.endswith(" not null"),
        accepted_values=tuple(str(v) for v in accepted["values"]) if accepted else None,
        min_value=bounds.get("min_value"),
        max_value=bounds.get("max_value"),
        max_years_ahead=bounds.get("max_years_ahead"),
    )


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


def accepted_values(table: str, column: str) -> tuple[str, ...]:
    """The values raw.<table>.<column> accepts, as its `accepted_values` test in the sources file lists them."""
    values = raw_table(table).column(column).accepted_values
    if values is None:
        raise ValueError(f"{SOURCES_FILE.name}: raw.{table}.{column} declares no accepted_values test")
    return values


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
