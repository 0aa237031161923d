"""The lake's catalog database (PostgreSQL) as a meeting point for every process on every machine.

DuckLake keeps its catalog there; the project also keeps what its processes must agree on there: advisory locks
(one publisher into `raw` at a time, one dbt build at a time), the shard queue (warehouse/queue.py) and the
classifier's shared budget. All of it is reached with psycopg through the same URL as the lake (warehouse/lake.py).

DuckLake commits optimistically: two writers that touch the same table at once may get a conflict on commit. Work
that can meet another writer runs under `retry_conflicts`, which runs it again on a fresh snapshot.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

import psycopg

from warehouse.lake import Lake, configured_lake

T = TypeVar("T")
CONFLICT_RETRIES = 8


def catalog_connection(lake: Lake) -> psycopg.Connection:
    """An autocommit connection to the catalog database."""
    return psycopg.connect(lake.catalog, autocommit=True)


def _lock_id(name: str) -> int:
    """A stable 63-bit advisory lock key for `name` (pg_advisory_lock takes a bigint)."""
    return int.from_bytes(hashlib.sha1(name.encode()).digest()[:8], "big") >> 1


@contextmanager
def lake_lock(name: str) -> Iterator[None]:
    """Hold the catalog's advisory lock `name` (waiting for it) while the block runs; nothing on the single file,
    where the per-machine writer lock already admits one writer. The lock dies with its session, so a killed
    holder never leaves it behind."""
    lake = configured_lake()
    if lake is None:
        yield
        return
    with catalog_connection(lake) as con:
        con.execute("select pg_advisory_lock(%s)", [_lock_id(name)])
        try:
            yield
        finally:
            con.execute("select pg_advisory_unlock(%s)", [_lock_id(name)])


def try_lake_lock(lake: Lake, name: str) -> psycopg.Connection | None:
    """Take the advisory lock `name` without waiting: the session holding it (close it to release), or None."""
    con = catalog_connection(lake)
    if con.execute("select pg_try_advisory_lock(%s)", [_lock_id(name)]).fetchone() == (True,):
        return con
    con.close()
    return None


def is_conflict(error: BaseException | None) -> bool:
    """True when `error`, or anything it wraps, is a DuckLake commit conflict (another writer committed first)."""
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        text = str(error)
        if "conflict" in text.lower() and ("ducklake" in text.lower() or "Transaction" in text):
            return True
        seen.add(id(error))
        error = getattr(error, "exception", None) or error.__cause__ or error.__context__
    return False


def retry_conflicts(work: Callable[[], T], retries: int = CONFLICT_RETRIES) -> T:
    """Run `work`; on a DuckLake commit conflict, run it again (it must be safe to repeat), backing off a little."""
    for attempt in range(retries):
        try:
            return work()
        except Exception as error:
            if attempt == retries - 1 or not is_conflict(error):
                raise
            time.sleep(0.05 * 2**attempt)
    raise AssertionError("unreachable")
