"""Every connection to the warehouse file goes through here, so a file held by another process is one clear line.

DuckDB admits one read-write process, or any number of read-only ones, per file; whoever comes second gets an IO
error deep in a traceback. `connect` (and `attach`, for a warehouse read from another database) turns that into
`WarehouseBusy` naming the holder: the ptmreuse command that holds the writer lock (warehouse.lock) when the
process DuckDB names is that command or its dbt child, or else that process (a notebook, a BI tool, the DuckDB CLI).

When PTMREUSE_WAREHOUSE names a DuckLake (warehouse/lake.py), both open the lake instead of the file: the same SQL
runs on it, and `db_path` only places what stays local (the lock, logs, dlt's state, the published copy).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

# DuckDB imports pandas (and numpy) lazily, the first time a query binds parameters, and swallows any error raised
# by that import, a KeyboardInterrupt included: a Ctrl-C then was lost and the command ran on. Imported here, with
# the command's own modules, a Ctrl-C during the import stops the command like any other.
import pandas  # noqa: F401

from warehouse.lake import configured_lake, load_extensions, open_lake
from warehouse.lock import WarehouseBusy, read_holder
from warehouse.secrets import redact

_HELD_BY = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


class WarehouseMissing(FileNotFoundError):
    """A read-only command found no warehouse file."""


def is_lock_conflict(error: BaseException | None) -> bool:
    """True when `error`, or anything in its cause chain (dlt wraps DuckDB's errors), is DuckDB's file-lock error."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if "Could not set lock on file" in str(error):
            return True
        seen.add(id(error))
        error = getattr(error, "exception", None) or error.__cause__ or error.__context__
    return False


def _lock_conflict_text(error: BaseException | None) -> str:
    while error is not None and "Could not set lock on file" not in str(error):
        error = getattr(error, "exception", None) or error.__cause__ or error.__context__
    return str(error or "")


def _command_of(pid: int) -> str | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    words = raw.replace(b"\0", b" ").decode(errors="replace").split()  # a `python -c` script spans lines
    return redact(" ".join(words))[:160] or None  # a command line can carry a key


def _parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])  # the fields after "(comm)": state, ppid, …


def busy_message(db_path: Path, error: BaseException | None = None) -> str:
    """Who holds `db_path`, and what to do: one line."""
    holder = read_holder(db_path)
    if holder is not None and (holder.pid == os.getpid() or not holder.alive()):
        holder = None  # our own note (we hold the writer lock; someone else holds the file), or a dead writer's
    match = _HELD_BY.search(_lock_conflict_text(error))
    pid, program = (int(match["pid"]), match["program"]) if match else (None, "")
    if holder is not None and (pid is None or holder.pid in (pid, _parent_of(pid))):
        who = f"`{holder.command}` (pid {holder.pid}, since {holder.since})"
    elif pid is not None:
        who = f"another process (pid {pid}: {_command_of(pid) or program})"
    else:
        who = "another process"
    return (
        f"{db_path} is open in {who}. Let it finish, or close it (a notebook, BI tool or DuckDB CLI holding the file "
        "blocks every writer), then run this again; to read meanwhile, use the published copy (`ptmreuse publish`)."
    )


def _busy_or_missing(db_path: Path, error: duckdb.IOException, read_only: bool) -> Exception | None:
    if is_lock_conflict(error):
        return WarehouseBusy(busy_message(db_path, error))
    if read_only and not db_path.exists():
        return WarehouseMissing(f"no warehouse at {db_path}: run `ptmreuse ingest jats PATH` first, or set PTMREUSE_DB")
    return None


def warehouse_exists(db_path: Path) -> bool:
    """Whether there is a warehouse to read: the file, or a configured lake (created on first use)."""
    return configured_lake() is not None or db_path.exists()


def _open_file(db_path: Path, *, read_only: bool, config: dict[str, Any] | None) -> duckdb.DuckDBPyConnection:
    real = db_path.resolve()
    if not read_only:
        real.parent.mkdir(parents=True, exist_ok=True)
    try:
        return duckdb.connect(str(real), read_only=read_only, config=config or {})
    except duckdb.IOException as error:
        if (clear := _busy_or_missing(db_path, error, read_only)) is not None:
            raise clear from None
        raise


@contextmanager
def connect(
    db_path: Path, *, read_only: bool = False, config: dict[str, Any] | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection to the warehouse, closed on exit; `WarehouseBusy` when another process holds the file.

    The real path is opened, as the writer lock keys it: DuckDB resolves a symlink to an existing file itself, but
    keeps the write-ahead log of a file it creates beside the link, where it never looks once the file exists.
    """
    if (lake := configured_lake()) is not None:
        con = open_lake(lake, read_only=read_only, config=config)
    else:
        con = _open_file(db_path, read_only=read_only, config=config)
    try:
        yield con
    finally:
        con.close()


def attach(con: duckdb.DuckDBPyConnection, db_path: Path, alias: str, *, read_only: bool = True) -> None:
    """ATTACH the warehouse to another database's connection (e.g. the published copy), with the same errors."""
    if (lake := configured_lake()) is not None:
        load_extensions(con)
        con.execute(lake.attach_sql(alias, read_only=read_only))
        return
    path = str(db_path.resolve()).replace("'", "''")  # ATTACH takes no bound parameters
    mode = " (read_only)" if read_only else ""
    try:
        con.execute(f"attach '{path}' as \"{alias}\"{mode}")
    except duckdb.IOException as error:
        if (clear := _busy_or_missing(db_path, error, read_only)) is not None:
            raise clear from None
        raise
