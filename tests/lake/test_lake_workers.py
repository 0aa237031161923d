"""Many workers on one lake, with real parts: a throwaway PostgreSQL (catalog, queue, budget), three `ptmreuse
worker` processes ingesting shards of the corpus at once, one of them kill -9'd in the middle of a shard, then three
classifying DOI ranges (rules), then `ptmreuse build` on the lake. The marts must equal the single-file run of the
same papers (row counts and row fingerprints, tests/support/lake.py), with no paper or
label twice, and the killed worker's shard done again by another worker."""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from ptmreuse.cli import app
from tests.support.lake import lake_env, published_beside_file, start_workers, wait_for_workers
from tests.support.postgres import Postgres
from tests.support.warehouses import MARTS_MEMBERS, copy_members, rules_warehouse
from warehouse.connect import connect

pytestmark = pytest.mark.slow  # a PostgreSQL server, worker processes, a dbt build

WORKERS = 3
LEASE_S = "4"  # a killed worker's shard is taken again after this long without its heartbeat
INGEST_SHARDS = -(-len(MARTS_MEMBERS) // 5)  # files, 5 per shard, rounded up: one shard per worker
CLASSIFY_SHARDS = -(-len(MARTS_MEMBERS) // 5)  # papers, 5 per shard


def _catalog(env: dict[str, str]) -> psycopg.Connection:
    return psycopg.connect(env["PTMREUSE_WAREHOUSE"].removeprefix("ducklake:postgres:"), autocommit=True)


def _kill_one_mid_shard(env: dict[str, str], workers: list[subprocess.Popen[bytes]]) -> tuple[str, int]:
    """kill -9 the first worker seen holding a started, unfinished shard; that shard's name and the worker's pid."""
    pids = {worker.pid for worker in workers}
    deadline = time.monotonic() + 120
    with _catalog(env) as con:
        while time.monotonic() < deadline:
            for shard, worker in con.execute(
                "select shard, worker from ptmreuse_shards where kind = 'ingest' and started_at is not null "
                "and finished_at is null and error is null"
            ).fetchall():
                pid = int(worker.rsplit(":", 1)[1])
                if pid in pids:
                    os.kill(pid, signal.SIGKILL)
                    return shard, pid
            time.sleep(0.02)
    raise AssertionError("no worker started a shard within 120 s")


@pytest.fixture(scope="module")
def workers_lake(postgres: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict, str]]:
    """The marts papers through queued shards and worker processes, one killed; root, env and the killed shard."""
    root = tmp_path_factory.mktemp("workers")
    env = {**lake_env(postgres, root, "workers"), "PTMREUSE_WORKER_LEASE_S": LEASE_S}
    corpus = copy_members(root, MARTS_MEMBERS)
    runner = CliRunner()
    enqueued = runner.invoke(app, ["enqueue", "ingest", str(corpus), "--papers-per-shard", "5"], env=env)
    assert enqueued.exit_code == 0, enqueued.output
    assert f"enqueued {INGEST_SHARDS} of {INGEST_SHARDS} ingest shards" in enqueued.output
    ingesting = start_workers("ingest", env, root, WORKERS)
    killed, pid = _kill_one_mid_shard(env, ingesting)
    wait_for_workers(ingesting, root, "ingest", killed=pid)
    enqueued = runner.invoke(app, ["enqueue", "classify", "--papers-per-shard", "5"], env=env)
    assert f"enqueued {CLASSIFY_SHARDS} of {CLASSIFY_SHARDS} classify shards" in enqueued.output, enqueued.output
    wait_for_workers(start_workers("classify", env, root, WORKERS), root, "classify")
    for command in (["build"], ["publish"]):
        result = runner.invoke(app, command, env=env)
        assert result.exit_code == 0, f"{command}: {result.output[-3000:]}"
    yield root, env, killed


def test_the_killed_workers_shard_was_done_again_and_every_shard_once(workers_lake) -> None:
    _, env, killed = workers_lake
    with _catalog(env) as con:
        shards = con.execute("select kind, shard, attempts, finished_at is not null from ptmreuse_shards").fetchall()
        queued = con.execute("select count(*) from pgqueuer").fetchone()
    assert len(shards) == INGEST_SHARDS + CLASSIFY_SHARDS and all(finished for *_, finished in shards)
    attempts = {(kind, shard): tries for kind, shard, tries, _ in shards}
    assert attempts.pop(("ingest", killed)) == 2  # taken again once the killed worker's lease ran out
    assert set(attempts.values()) == {1}
    assert queued == (0,)  # nothing left in the queue
    status = CliRunner().invoke(app, ["queue", "status"], env=env)
    ingest, classify = f"{INGEST_SHARDS}/{INGEST_SHARDS}", f"{CLASSIFY_SHARDS}/{CLASSIFY_SHARDS}"
    assert f"ingest: {ingest} shards done, 0 running, 0 waiting, 0 failed, 1 retried" in status.output
    assert f"classify: {classify} shards done, 0 running, 0 waiting, 0 failed, 0 retried" in status.output


def test_no_paper_or_label_twice_and_no_landing_left(workers_lake) -> None:
    root, env, _ = workers_lake
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        with connect(root / "local" / "warehouse.duckdb", read_only=True) as con:
            papers = con.execute("select count(*), count(distinct doi) from raw.papers").fetchone()
            labels = con.execute("select count(*), count(distinct (doi, task)) from raw.llm_labels").fetchone()
            runs = "select count(*), count(*) filter (where status = 'finished') from raw.classifier_runs"
            finished_runs = con.execute(runs).fetchone()
            schemas = {name for (name,) in con.execute("select schema_name from duckdb_schemas()").fetchall()}
    assert papers == (len(MARTS_MEMBERS), len(MARTS_MEMBERS))
    assert labels[0] == labels[1] > 0
    assert finished_runs == (CLASSIFY_SHARDS, CLASSIFY_SHARDS)  # one run per classify shard
    assert not any(name.startswith("jats_landing") for name in schemas)  # each finished shard dropped its own


def test_workers_marts_equal_the_single_file_run(workers_lake, tmp_path_factory: pytest.TempPathFactory) -> None:
    root, _, _ = workers_lake
    single_file = rules_warehouse(tmp_path_factory)
    expected, actual = published_beside_file(root / "local" / "published" / "ptmreuse.duckdb", single_file)
    assert any(name.startswith("marts.") for name in expected)
    assert actual == expected


def test_workers_need_a_lake(tmp_path: Path) -> None:
    env = {"PTMREUSE_WAREHOUSE": "", "PTMREUSE_DB": str(tmp_path / "w.duckdb")}
    for command in (["worker", "ingest"], ["enqueue", "ingest", str(tmp_path)], ["queue", "status"]):
        result = CliRunner().invoke(app, command, env=env)
        assert result.exit_code == 2 and "workers need a lake" in result.output, result.output
