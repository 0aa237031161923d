"""Workers with the openai backend on one lake: three `ptmreuse worker classify` processes label DOI ranges through
the real `openai` client against a loopback OpenAI-compatible server, drawing on one token budget in the catalog.
Every paper is asked once (no shard's calls repeated by another worker), every answer lands once, and the shared
budget books exactly the tokens the server reported, as the label rows do."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from typer.testing import CliRunner

from ptmreuse.cli import app
from tests.support.lake import lake_env, start_workers, wait_for_workers
from tests.support.llm_fault_server import FaultScript, FaultServer, answer_content, chat_completion
from tests.support.postgres import Postgres
from tests.support.warehouses import MARTS_MEMBERS, copy_members
from warehouse.connect import connect

pytestmark = pytest.mark.slow  # a PostgreSQL server and worker processes

PAPERS = MARTS_MEMBERS[:6]
WORKERS = 3
PAPERS_PER_SHARD = 2
TOKEN_CAP = 10_000_000  # far above what 6 papers cost: the job finishes, and its spend is booked against the cap


@pytest.fixture(scope="module")
def openai_lake(
    postgres: Postgres, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, dict, FaultScript]]:
    """PAPERS ingested into a fresh lake, then labelled by WORKERS openai-backend workers; root, env, server script."""
    root = tmp_path_factory.mktemp("openai-workers")
    env = lake_env(postgres, root, "openai_workers")
    runner = CliRunner()
    ingested = runner.invoke(app, ["ingest", "jats", str(copy_members(root, PAPERS))], env=env)
    assert ingested.exit_code == 0, ingested.output
    script = FaultScript(latency_s=0.02)
    with FaultServer(script) as server:
        options = ["--backend", "openai", "--model", "loopback", "--base-url", server.base_url]
        options += ["--max-tokens", str(TOKEN_CAP), "--papers-per-shard", str(PAPERS_PER_SHARD)]
        enqueued = runner.invoke(app, ["enqueue", "classify", *options], env=env)
        shards = -(-len(PAPERS) // PAPERS_PER_SHARD)
        assert f"enqueued {shards} of {shards} classify shards" in enqueued.output, enqueued.output
        workers = start_workers("classify", {**env, "OPENAI_API_KEY": "test-key"}, root, WORKERS)
        wait_for_workers(workers, root, "classify")
    yield root, env, script


def _request_key(body: dict) -> str:
    return hashlib.sha256(json.dumps(body["messages"], sort_keys=True).encode()).hexdigest()


def test_every_paper_is_asked_once_and_answered_once(openai_lake) -> None:
    root, env, script = openai_lake
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        with connect(root / "local" / "warehouse.duckdb", read_only=True) as con:
            labels = con.execute(
                "select count(*), count(distinct (doi, task)), count(distinct doi), "
                "count(distinct call_id) filter (where status <> 'skipped_prefilter') "  # those made no call
                "from raw.llm_labels"  # the openai backend's rows, and the prefilter's for papers it skipped
            ).fetchone()
            (papers,) = con.execute("select count(*) from raw.papers").fetchone()
            runs = con.execute(
                "select count(*), count(*) filter (where status = 'finished') from raw.classifier_runs"
            ).fetchone()
    requests = [_request_key(body) for body in script.chat_requests]
    assert len(requests) == len(set(requests)) > 0  # no worker repeated another's calls
    assert labels[0] == labels[1] and labels[2] == papers > 0  # each paper labelled, each task once
    assert labels[3] == len(requests)  # one stored call per request the server answered
    shards = -(-papers // PAPERS_PER_SHARD)
    assert runs == (shards, shards)


def test_the_shared_budget_books_what_the_server_reported(openai_lake) -> None:
    root, env, script = openai_lake
    reported = sum(
        chat_completion(body, answer_content(body))["usage"]["total_tokens"] for body in script.chat_requests
    )
    with psycopg.connect(env["PTMREUSE_WAREHOUSE"].removeprefix("ducklake:postgres:")) as catalog:
        budgets = catalog.execute("select spent_tokens, reserved_tokens, max_tokens from ptmreuse_budgets").fetchall()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        with connect(root / "local" / "warehouse.duckdb", read_only=True) as con:
            (stored,) = con.execute(
                "select sum(input_tokens + output_tokens) filter (where tokens_counted_in_call) from raw.llm_labels"
            ).fetchone()
    assert budgets == [(reported, 0, TOKEN_CAP)]  # one job budget, all reservations settled, three workers' spend
    assert stored == reported
