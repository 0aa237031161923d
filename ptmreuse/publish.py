"""Publish the marts as a separate read-only DuckDB file (plus Parquet) for BI tools and notebooks.

BI tools must never hold the build's file: DuckDB allows one read-write process or many readers, not both.

Every publish writes a complete new version in `versions/<id>/` and then swaps one symlink, `current`, to it with
a rename, which is atomic: readers of the stable paths `ptmreuse.duckdb` and `parquet/` (symlinks through
`current`) see the whole old copy or the whole new one, never a mix and never nothing, and a kill at any point
leaves the previous copy readable. A reader holding old files open keeps reading them (POSIX). The version just
replaced is kept until the next publish, which sweeps it with every leftover of a killed publish.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb

from warehouse.connect import attach, warehouse_exists
from warehouse.paths import DEFAULT_DB

PUBLISHED_NAME = "ptmreuse.duckdb"
DEFAULT_STEM = Path(DEFAULT_DB).stem  # the default warehouse publishes to plain `published/`
PARQUET_DIR = "parquet"
CURRENT = "current"  # symlink to the version readers see
VERSIONS = "versions"
# marts are what users query; reference holds the seeds (fields, taxonomy, PTM catalogue) that explain them.
PUBLISHED_SCHEMAS = ("marts", "reference")


class NothingToPublish(Exception):
    pass


@dataclass(slots=True)
class PublishResult:
    database: Path  # the stable paths readers use
    parquet_dir: Path
    version: Path  # the folder they point at now
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
    """`published/` beside the warehouse (data/published/ for the default data/warehouse.duckdb); for a file of
    another name, `published-<name>/`: two warehouses in one folder (rules and LLM labels, say) must not publish
    over each other's copy, which BI tools would then show under the wrong name."""
    return db_path.parent / ("published" if db_path.stem == DEFAULT_STEM else f"published-{db_path.stem}")


def published_database(db_path: Path) -> Path:
    """The stable path of the published DuckDB file, the one to give BI tools."""
    return published_dir(db_path) / PUBLISHED_NAME


def _write_version(db_path: Path, version: Path) -> dict[str, int]:
    """A complete copy in `version/`: the DuckDB file, a Parquet file per table and the manifest."""
    parquet = version / PARQUET_DIR
    parquet.mkdir(parents=True)
    with duckdb.connect(str(version / PUBLISHED_NAME)) as con:
        attach(con, db_path, "warehouse")
        tables = _copy_tables(con, parquet)
        con.execute("detach warehouse")
    manifest = {
        "published_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "source": str(db_path),
        "version": version.name,
        "tables": tables,
    }
    (parquet / "manifest.json").write_text(json.dumps(manifest, indent=2))
    return tables


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _point(link: Path, target: str) -> None:
    """Make `link` a symlink to `target` with one atomic rename (a reader never finds it missing)."""
    if link.is_symlink() and os.readlink(link) == target:
        return
    staged = link.with_name(f".{link.name}.{os.getpid()}.tmp")
    staged.unlink(missing_ok=True)
    staged.symlink_to(target)
    retired = link.with_name(f".{link.name}.{os.getpid()}.retired")
    if link.is_dir() and not link.is_symlink():
        # a folder left by a ptmreuse older than versioned publishing: a rename cannot replace a folder, so move it
        # aside first (the only moment readers can miss it, once per installation)
        link.rename(retired)
    os.replace(staged, link)
    _remove(retired)


def _sweep(target_dir: Path) -> None:
    """Remove every version but the current one, and what killed publishes left (staged links, retired folders;
    `.old` and `.tmp` copies of the unversioned layout too)."""
    current = os.readlink(target_dir / CURRENT) if (target_dir / CURRENT).is_symlink() else None
    for leftover in target_dir.glob(".*"):
        if leftover.suffix in (".tmp", ".retired", ".old"):
            _remove(leftover)
    for version in (target_dir / VERSIONS).glob("*"):
        if f"{VERSIONS}/{version.name}" != current:
            _remove(version)


def publish(db_path: Path, target_dir: Path | None = None) -> PublishResult:
    """Copy the marts (and reference seeds) of `db_path` into a new published version and point readers at it.

    Callers hold the writer lock (every `ptmreuse` command but check and report does), so publishes never overlap.
    """
    target_dir = target_dir or published_dir(db_path)
    if not warehouse_exists(db_path):
        raise NothingToPublish(f"{db_path} does not exist: run `ptmreuse demo` or `ptmreuse build` first")
    target_dir.mkdir(parents=True, exist_ok=True)
    _sweep(target_dir)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    version = target_dir / VERSIONS / f"{stamp}-{os.getpid()}"
    try:
        tables = _write_version(db_path, version)
    except BaseException:
        _remove(version)
        raise
    _point(target_dir / CURRENT, f"{VERSIONS}/{version.name}")  # the switch: readers see the new copy from here
    _point(target_dir / PUBLISHED_NAME, f"{CURRENT}/{PUBLISHED_NAME}")  # stable paths, set once
    _point(target_dir / PARQUET_DIR, f"{CURRENT}/{PARQUET_DIR}")
    return PublishResult(target_dir / PUBLISHED_NAME, target_dir / PARQUET_DIR, version, tables)
