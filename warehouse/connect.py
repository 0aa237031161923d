"""Every connection to the warehouse file goes through here, so a file held by another process is one clear line.

DuckDB admits one read-write process, or any number of read-only ones, per file; whoever comes second gets an IO
error deep in a traceback. `connect` turns that into `WarehouseBusy` naming the holder: the ptmreuse command that
holds the writer lock (warehouse.lock), or else the process DuckDB names (a notebook, a BI tool, the DuckDB CLI).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from warehouse.lock import WarehouseBusy, read_holder

_HELD_BY = re.compile(r"Conflicting lock is held in (?P<program>\S+) \(PID (?P<pid>\d+)\)")


def is_lock_conflict(error: BaseException | None) -> bool:
    """True when `error`, or anything in its cause chain (dlt wraps DuckDB's errors), is DuckDB's file-lock error."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if "Could not set lock on file" in str(error):
            return True
        seen.add(id(error))
        error = getattr(error, "exception", None) or error.__cause__ or error.__context__
    return False


def _command_of(pid: str) -> str | None:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None
    return " ".join(part.decode(errors="replace") for part in raw.split(b"\0") if part) or None


def busy_message(db_path: Path, error: BaseException | None = None) -> str:
    """Who holds `db_path`, and what to do: one line."""
    holder = read_holder(db_path)
    # the writer lock's holder is to blame, unless it is this very process (then DuckDB names the other one)
    if holder is not None and holder.pid != os.getpid() and holder.alive():
        who = f"`{holder.command}` (pid {holder.pid}, since {holder.since})"
    else:
        match = _HELD_BY.search(str(error or ""))
        command = _command_of(match["pid"]) if match else None
        who = f"another process (pid {match['pid']}: {command or match['program']})" if match else "another process"
    return (
        f"{db_path} is open in {who}. Let it finish, or close it (a notebook, BI tool or DuckDB CLI holding the file "
        "blocks every writer), then run this again; to read meanwhile, use the published copy (`ptmreuse publish`)."
    )


@contextmanager
def connect(
    db_path: Path, *, read_only: bool = False, config: dict[str, Any] | None = None
) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection to the warehouse, closed on exit; `WarehouseBusy` when another process holds the file."""
    if not read_only:
        db_path.parent.mkdir(parents=True, exist_ok=True)
    try:
        con = duckdb.connect(str(db_path), read_only=read_only, config=config or {})
    except duckdb.IOException as error:
        if is_lock_conflict(error):
            raise WarehouseBusy(busy_message(db_path, error)) from None
        raise
    try:
        yield con
    finally:
        con.close()
