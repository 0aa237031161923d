"""The shard queue of a lake: pgqueuer (PostgreSQL-backed, leases by heartbeat) in the lake's catalog database.

`ptmreuse enqueue` splits a job into shards and puts one queue entry per shard; `ptmreuse worker KIND` processes,
on any machine, take entries one at a time. A worker sends a heartbeat while it holds a shard; a shard whose
heartbeat stops (its worker was killed, its machine lost) is taken again by another worker after a lease
(PTMREUSE_WORKER_LEASE_S, 30 s), and a finished shard leaves the queue, so none is done twice. Every shard is also
a row of `ptmreuse_shards`, the job's record (what was asked, how often started, when finished, what it did): the
status that any machine can print.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg
from pgqueuer import PgQueuer, Queries
from pgqueuer.db import PsycopgDriver
from pgqueuer.models import Job
from pgqueuer.types import QueueExecutionMode

from warehouse.catalog import catalog_connection
from warehouse.lake import Lake

KINDS = ("ingest", "classify")
LEASE_SETTING = "PTMREUSE_WORKER_LEASE_S"  # seconds without a heartbeat before a shard is taken again (30)
POLL = timedelta(seconds=1)  # how often a worker waiting on other workers' shards looks again

SHARDS_TABLE = """
create table if not exists ptmreuse_shards (
    kind text not null,
    shard text not null,        -- e.g. corpus.zip[0:500], or a DOI range
    payload jsonb not null,     -- what the worker is told to do
    enqueued_at timestamptz not null default now(),
    attempts int not null default 0,
    worker text,                -- host:pid of the last worker that started it
    started_at timestamptz,
    finished_at timestamptz,
    result jsonb,               -- what the worker reported (papers loaded, labels written, ...)
    error text,
    primary key (kind, shard)
)
"""


@dataclass(frozen=True, slots=True)
class Shard:
    kind: str
    name: str
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class KindStatus:
    kind: str
    shards: int
    finished: int
    running: int  # taken by a worker (or by a killed one, until its heartbeat times out)
    waiting: int
    failed: int
    retried: int  # shards started more than once (their first worker died or failed)


async def _queries(lake: Lake) -> tuple[psycopg.AsyncConnection, Queries]:
    con = await psycopg.AsyncConnection.connect(lake.catalog, autocommit=True)
    return con, Queries(PsycopgDriver(con))


async def _install(lake: Lake) -> None:
    con, queries = await _queries(lake)
    try:
        if not await queries.has_table(queries.qbe.settings.queue_table):
            await queries.install()
    finally:
        await con.close()


def install(lake: Lake) -> None:
    """Create the queue's tables in the catalog database, once (safe to repeat)."""
    asyncio.run(_install(lake))
    with catalog_connection(lake) as con:
        con.execute(SHARDS_TABLE)


async def _enqueue(lake: Lake, shards: list[Shard]) -> int:
    con, queries = await _queries(lake)
    try:
        ids = await queries.enqueue(
            [shard.kind for shard in shards],
            [json.dumps(shard.payload).encode() for shard in shards],
            [0] * len(shards),
            dedupe_key=[f"{shard.kind}:{shard.name}" for shard in shards],
            on_conflict="skip",  # already waiting or running: enqueueing again adds nothing
        )
    finally:
        await con.close()
    return sum(1 for job_id in ids if job_id is not None)


def enqueue(lake: Lake, shards: list[Shard]) -> int:
    """Record and queue `shards`; a shard already finished is queued again only if it was (re)recorded as new.
    Returns how many entries were added to the queue."""
    install(lake)
    fresh = []
    with catalog_connection(lake) as con:
        for shard in shards:
            row = con.execute(
                "insert into ptmreuse_shards (kind, shard, payload) values (%s, %s, %s) "
                "on conflict (kind, shard) do update set payload = excluded.payload "
                "where ptmreuse_shards.finished_at is null returning 1",
                [shard.kind, shard.name, json.dumps(shard.payload)],
            ).fetchone()
            if row is not None:
                fresh.append(shard)
    return asyncio.run(_enqueue(lake, fresh)) if fresh else 0


def lease() -> timedelta:
    """How long a shard stays with a worker that sends no heartbeat (heartbeats go at half that interval)."""
    return timedelta(seconds=float(os.environ.get(LEASE_SETTING, "30")))


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _mark(lake: Lake, sql: str, parameters: list[Any]) -> None:
    with catalog_connection(lake) as con:
        con.execute(sql, parameters)


def _started(lake: Lake, kind: str, name: str) -> None:
    _mark(
        lake,
        "update ptmreuse_shards set attempts = attempts + 1, worker = %s, started_at = now(), error = null "
        "where kind = %s and shard = %s",
        [_worker_name(), kind, name],
    )


def _finished(lake: Lake, kind: str, name: str, result: dict[str, Any] | None, error: str | None) -> None:
    _mark(
        lake,
        "update ptmreuse_shards set finished_at = case when %s::text is null then now() end, result = %s, error = %s "
        "where kind = %s and shard = %s",
        [error, json.dumps(result) if result is not None else None, error, kind, name],
    )


async def _open_work(lake: Lake, kind: str) -> int:
    """Entries of `kind` still queued or held (a held one may be a killed worker's, taken again once stale)."""
    held = await _held(lake)
    return held.get((kind, "queued"), 0) + held.get((kind, "picked"), 0)


async def _work(lake: Lake, kind: str, handle: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
    done = 0
    one_at_a_time = asyncio.Lock()  # pgqueuer holds up to two entries per worker; it works on one

    while await _open_work(lake, kind):
        con = await psycopg.AsyncConnection.connect(lake.catalog, autocommit=True)
        queuer = PgQueuer(PsycopgDriver(con))

        @queuer.entrypoint(kind, on_failure="hold")  # a failed shard stays, status 'failed', for a look
        async def process(job: Job) -> None:
            nonlocal done
            payload = json.loads(job.payload or b"{}")
            name = payload["shard"]
            async with one_at_a_time:
                await asyncio.to_thread(_started, lake, kind, name)
                try:
                    result = await asyncio.to_thread(handle, payload)
                except Exception as error:
                    await asyncio.to_thread(_finished, lake, kind, name, None, f"{type(error).__name__}: {error}")
                    raise
                await asyncio.to_thread(_finished, lake, kind, name, result, None)
                done += 1

        try:
            await queuer.run(
                dequeue_timeout=POLL,
                batch_size=1,
                max_concurrent_tasks=2,
                mode=QueueExecutionMode.drain,
                heartbeat_timeout=lease(),
                log_aggregation_interval=timedelta(0),
            )
        finally:
            await con.close()
        await asyncio.sleep(POLL.total_seconds())  # others' shards still held: wait for them, or for their lease
    return done


def work(lake: Lake, kind: str, handle: Callable[[dict[str, Any]], dict[str, Any]]) -> int:
    """Take shards of `kind` and `handle` their payloads until the queue holds none of that kind, waiting or held;
    how many this worker finished. A shard whose handler raised stays in the queue as failed."""
    install(lake)
    return asyncio.run(_work(lake, kind, handle))


def status(lake: Lake) -> list[KindStatus]:
    """Progress of every kind of shard, from the job record and the queue."""
    install(lake)
    held = asyncio.run(_held(lake))
    with catalog_connection(lake) as con:
        rows = con.execute(
            "select kind, count(*), count(finished_at), count(*) filter (where error is not null), "
            "count(*) filter (where attempts > 1) from ptmreuse_shards group by kind order by kind"
        ).fetchall()
    result = []
    for kind, shards, finished, failed, retried in rows:
        running = held.get((kind, "picked"), 0)
        waiting = held.get((kind, "queued"), 0)
        result.append(KindStatus(kind, shards, finished, running, waiting, failed, retried))
    return result


async def _held(lake: Lake) -> dict[tuple[str, str], int]:
    con, queries = await _queries(lake)
    try:
        sizes = await queries.queue_size()
    finally:
        await con.close()
    counts: dict[tuple[str, str], int] = {}
    for size in sizes:
        counts[(size.entrypoint, size.status)] = counts.get((size.entrypoint, size.status), 0) + size.count
    return counts
