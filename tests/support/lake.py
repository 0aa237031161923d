"""Helpers of the lake tests: the settings that point every command at a throwaway lake, worker processes started
and awaited, and table fingerprints that say whether the lake's published marts equal a single-file run's."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from tests.support.postgres import Postgres
from tests.support.warehouses import dbt_env

# Columns that differ between any two runs, file or lake: when a row was made, and the ids of runs.
VOLATILE = (
    "labelled_at",
    "built_at",
    "run_id",
    "started_at",
    "finished_at",
    "published_at",
    "loaded_at",
    "evaluated_at",
)


def lake_env(postgres: Postgres, root: Path, database: str) -> dict[str, str]:
    return {
        "PTMREUSE_WAREHOUSE": "ducklake:postgres:" + postgres.create_database(database),
        "PTMREUSE_LAKE_DATA": str(root / "lake-data"),
        "PTMREUSE_DB": str(root / "local" / "warehouse.duckdb"),  # where local state goes: lock, logs, dlt, copy
        **dbt_env(root),
    }


PTMREUSE = str(Path(sys.executable).parent / "ptmreuse")


def start_workers(kind: str, env: dict[str, str], root: Path, count: int) -> list[subprocess.Popen[bytes]]:
    """`count` `ptmreuse worker <kind>` processes, each logging to root/<kind>-<n>.log. PYTHONFAULTHANDLER: one
    still running at the deadline of `wait_for_workers` is sent SIGABRT and logs every thread's stack."""
    return [
        subprocess.Popen(
            [PTMREUSE, "worker", kind],
            env={**os.environ, **env, "PYTHONFAULTHANDLER": "1"},
            stdout=(root / f"{kind}-{n}.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        for n in range(count)
    ]


def wait_for_workers(
    workers: list[subprocess.Popen[bytes]], root: Path, kind: str, killed: int | None = None, timeout_s: float = 300
) -> None:
    """Every worker ended with 0 (the one we kill -9'd, pid `killed`, with SIGKILL); a worker still running at the
    deadline leaves its stacks in its log and is stopped, so a hang fails the test and leaves no process behind."""
    deadline = time.monotonic() + timeout_s
    for worker in workers:
        try:
            worker.wait(timeout=max(deadline - time.monotonic(), 1))
        except subprocess.TimeoutExpired:
            for running in workers:
                if running.poll() is None:
                    running.send_signal(signal.SIGABRT)
                    try:
                        running.wait(timeout=30)
                    except subprocess.TimeoutExpired:
                        running.kill()
                        running.wait()
    for n, worker in enumerate(workers):
        expected = -signal.SIGKILL if worker.pid == killed else 0
        log = (root / f"{kind}-{n}.log").read_text(errors="replace")[-6000:]
        assert worker.returncode == expected, f"{kind}-{n}.log ({worker.returncode}):\n{log}"


def fingerprints(con: duckdb.DuckDBPyConnection, database: str, schemas: tuple[str, ...]) -> dict[str, tuple]:
    """schema.table -> (rows, md5 of the sorted md5s of every row without its volatile columns)."""
    tables = con.execute(
        "select schema_name, table_name from duckdb_tables() where database_name = ? "
        "and schema_name in (select unnest(?::varchar[])) order by all",
        [database, list(schemas)],
    ).fetchall()
    result = {}
    for schema, table in tables:
        name = f'"{database}"."{schema}"."{table}"'
        columns = {c for (c,) in con.execute(f"select column_name from (describe {name})").fetchall()}
        dropped = sorted(columns & set(VOLATILE))
        exclude = f" exclude ({', '.join(dropped)})" if dropped else ""
        result[f"{schema}.{table}"] = con.execute(
            f"select count(*), md5(coalesce(string_agg(h, ',' order by h), '')) "
            f"from (select md5(cast(r as varchar)) as h from (select *{exclude} from {name}) as r)"
        ).fetchone()
    return result


def published_beside_file(published: Path, single_file: Path) -> tuple[dict[str, tuple], dict[str, tuple]]:
    """Fingerprints of the marts and reference tables: (the single-file run's, the lake's published copy's)."""
    with duckdb.connect(":memory:") as con:
        con.execute(f"attach '{single_file}' as file_run (read_only)")
        con.execute(f"attach '{published}' as lake_run (read_only)")
        return fingerprints(con, "file_run", ("marts", "reference")), fingerprints(
            con, "lake_run", ("marts", "reference")
        )
