"""The warehouse on DuckLake: a catalog in PostgreSQL, data as Parquet files on shared storage, many writers.

One setting chooses it, read here and nowhere else: `PTMREUSE_WAREHOUSE=ducklake:postgres:postgresql://…` (DuckDB's
own ATTACH path for a DuckLake whose catalog is that PostgreSQL database), with `PTMREUSE_LAKE_DATA` the folder (or
`s3://…` prefix) of its data files, the same for every machine that writes it. Unset, the warehouse is the single
DuckDB file (`PTMREUSE_DB`), as always. Local things stay beside `PTMREUSE_DB` in both cases: the writer lock,
logs, dlt's state and the published copy.

DuckDB's extensions come from PyPI wheels (`duckdb-extension-ducklake`, `…-postgres-scanner`), installed into
DuckDB's extension folder the first time they are missing: DuckDB's own `INSTALL` needs its server.
"""

from __future__ import annotations

import hashlib
import itertools
import os
from dataclasses import dataclass
from functools import cache
from typing import Any

import duckdb
from duckdb_extensions import import_extension

SETTING = "PTMREUSE_WAREHOUSE"
DATA_SETTING = "PTMREUSE_LAKE_DATA"
PREFIX = "ducklake:postgres:"
ALIAS = "lake"  # the name the lake is attached as (dbt's `lake` target uses the same)
EXTENSIONS = ("ducklake", "postgres_scanner")
# Every DuckDB instance that opens the lake: extensions come from the wheels (install_extensions), never from DuckDB's
# server. With auto-install on, each new instance spent ~0.5 s on it (an open took 0.7 s instead of 0.2 s).
LAKE_CONFIG = {"autoinstall_known_extensions": False}


class LakeMisconfigured(ValueError):
    """PTMREUSE_WAREHOUSE is set but does not name a DuckLake the project can use."""


@dataclass(frozen=True, slots=True)
class Lake:
    catalog: str  # a PostgreSQL URL: postgresql://user[:password]@host[:port]/database[?host=/socket/dir]
    data_path: str  # where its data files are

    @property
    def path(self) -> str:
        """DuckDB's path for the lake: `duckdb.connect(path)` opens it as the main database."""
        return PREFIX + self.catalog

    @property
    def key(self) -> str:
        """A short, secret-free name for this lake (local state of different lakes never mixes)."""
        return hashlib.sha1(self.catalog.encode()).hexdigest()[:10]

    def attach_sql(self, alias: str = ALIAS, *, read_only: bool = False) -> str:
        """ATTACH the lake to another connection (ATTACH takes no bound parameters)."""
        options = [f"data_path {_literal(self.data_path)}"]
        if read_only:
            options.append("read_only")
        return f'attach if not exists {_literal(self.path)} as "{alias}" ({", ".join(options)})'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def configured_lake() -> Lake | None:
    """The lake PTMREUSE_WAREHOUSE names, or None (the single-file warehouse). Read at call time."""
    value = os.environ.get(SETTING, "").strip()
    if not value:
        return None
    catalog = value.removeprefix(PREFIX)
    if catalog == value or not catalog.startswith(("postgresql://", "postgres://")):
        raise LakeMisconfigured(
            f"{SETTING} must be `{PREFIX}postgresql://USER@HOST[:PORT]/DATABASE` (a DuckLake with its catalog in "
            f"PostgreSQL); unset it to use the single DuckDB file"
        )
    data_path = os.environ.get(DATA_SETTING, "").strip()
    if not data_path:
        raise LakeMisconfigured(
            f"{SETTING} names a lake: set {DATA_SETTING} to the folder (or s3:// prefix) of its data files, the "
            "same for every machine that writes it"
        )
    return Lake(catalog, data_path)


@cache
def install_extensions() -> None:
    """Install the extensions from their wheels when DuckDB's extension folder lacks them (once per process)."""
    with duckdb.connect(":memory:") as con:
        for name in EXTENSIONS:
            try:
                con.load_extension(name)
            except duckdb.Error:
                import_extension(name, con=con)  # copies the wheel's file into the folder: seconds, so only once
                con.load_extension(name)


def load_extensions(con: duckdb.DuckDBPyConnection) -> None:
    """Load DuckLake and the PostgreSQL client into `con` (installed from the wheels if needed)."""
    install_extensions()
    for name in EXTENSIONS:
        con.load_extension(name)


@cache
def _created(lake: Lake) -> None:
    """Create the lake if its catalog is empty, once per process: DuckDB opens an existing lake directly
    (`duckdb.connect(lake.path)`), but creates one only through ATTACH with its DATA_PATH."""
    with duckdb.connect(":memory:") as con:
        load_extensions(con)
        con.execute(lake.attach_sql("bootstrap"))
        con.execute("detach bootstrap")


def open_lake(
    lake: Lake, *, read_only: bool = False, config: dict[str, Any] | None = None
) -> duckdb.DuckDBPyConnection:
    """A connection whose main database is the lake, so the project's SQL (`raw.papers`, …) runs on it unchanged,
    on every cursor too."""
    _created(lake)
    return duckdb.connect(_unshared_path(lake), read_only=read_only, config={**LAKE_CONFIG, **(config or {})})


_opened = itertools.count()


def _unshared_path(lake: Lake) -> str:
    """The lake's path made unique to this open (a libpq application_name, which also names the process in
    pg_stat_activity). DuckDB caches database instances by path, and a second open of a path whose previous instance
    is still being torn down busy-waits for it while holding the GIL (duckdb/duckdb#25965): a worker on its second
    shard hung for good that way. Each open gets a fresh instance; the lake itself is shared through its catalog.

    DuckDB names the main database after the path's last `/` segment (up to a dot), and re-reads views with a lambda
    (dbt's `[x for x in …]`) through that name unquoted: a name with `&` or `=` in it makes them a syntax error. So
    the application name ends with `/` and the name the plain path gives, which the main database keeps."""
    name = lake.path.rsplit("/", 1)[-1].split(".", 1)[0]
    separator = "&" if "?" in lake.catalog else "?"
    return f"{lake.path}{separator}application_name=ptmreuse-{os.getpid()}-{next(_opened)}/{name}"
