"""The run loop under load: no DuckDB connection shared between threads, and a failing background task stops the
run at once (issue 17.1). Real engine, real DuckDB file, the loopback server, real openai client."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from classifiers.engine.service import RunFailed, classify
from classifiers.options import ClassifyRequest
from classifiers.store import LabelStore
from tests.duck import query
from tests.support.llm_fault_server import FaultScript, FaultServer
from tests.support.llm_warehouse import NEGATIVE_MEMBERS, fresh_warehouse, many_papers


def request(server: FaultServer, **options: object) -> ClassifyRequest:
    defaults: dict[str, object] = {
        "backend": "openai",
        "protocol": "aius",  # one call per paper with a negative model, the whole body sent
        "model": "loopback",
        "base_url": server.base_url,
        "concurrency": 32,
        "max_output_tokens": 64,
        "timeout_s": 10.0,
    }
    return ClassifyRequest(**{**defaults, **options})


@pytest.fixture
def big_warehouse(tmp_path: Path) -> Path:
    db = fresh_warehouse(tmp_path, NEGATIVE_MEMBERS)
    assert many_papers(db, copies=500, section_copies=5) == 1002  # SYNTHETIC: ~45 KB of real text per paper
    return db


@pytest.mark.slow
def test_reading_papers_while_rows_are_flushed_loses_nothing(big_warehouse: Path) -> None:
    # 200 reads of long papers while rows are appended almost continuously, in bursts of answers (20 ms latency,
    # 32 in flight). When reads and appends shared one connection, the reader got the append's result instead of
    # its own ("not enough values to unpack": the run failed after 64-416 calls) in each of 4 runs of this scenario.
    with FaultServer(FaultScript(positive=False, latency_s=0.02)) as server:
        options = request(server, papers_per_read=5, flush_interval_s=0.001)
        outcome = classify(big_warehouse, options, Console(quiet=True))
        assert server.script.calls == 1002
    assert outcome.status == "finished" and outcome.stats.papers_done == 1002
    per_paper = query(
        big_warehouse, "select doi, count(*) from raw.llm_labels where status = 'ok' and task = 'uses_dl' group by doi"
    )
    assert len(per_paper) == 1002 and all(count == 1 for _, count in per_paper)


def test_a_failing_flush_stops_the_run_and_says_what_was_saved(
    big_warehouse: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The flusher dies on its third append (a full disk, a broken file …): no more calls may be paid for.
    append = LabelStore.append
    appends = 0

    def failing_append(self: LabelStore, rows: list) -> int:
        nonlocal appends
        appends += 1
        if appends == 3:
            raise OSError("No space left on device")
        return append(self, rows)

    monkeypatch.setattr(LabelStore, "append", failing_append)
    with FaultServer(FaultScript(positive=False, latency_s=0.02)) as server:
        with pytest.raises(RunFailed, match="No space left on device") as failed:
            classify(big_warehouse, request(server, concurrency=8, flush_interval_s=0.05), Console(quiet=True))
        calls_at_failure = server.script.calls
    assert calls_at_failure < 200  # stopped within moments, not after the 1,002 papers
    outcome = failed.value.outcome
    status, error, rows_written = query(big_warehouse, "select status, error, rows_written from raw.classifier_runs")[0]
    assert status == "failed" and "OSError: No space left on device" in error
    stored = query(big_warehouse, "select count(*) from raw.llm_labels")[0][0]
    assert stored == rows_written == outcome.stats.rows_written > 0
    assert stored == outcome.stats.answered  # one row per answered call: the failed append's rows were saved last


def test_a_run_whose_calls_keep_failing_stops_early(tmp_path: Path) -> None:
    db = fresh_warehouse(tmp_path)
    assert many_papers(db, copies=30) == 186  # SYNTHETIC copies
    with FaultServer(FaultScript(reject_json_schema=True)) as server:
        with pytest.raises(RunFailed, match=r"stopped early: .* calls failed.*json_object_schema"):
            classify(db, request(server, concurrency=4, max_retries=0), Console(quiet=True))
        assert server.script.calls < 20 + 4  # the verdict after 20 calls, plus those in flight
    assert query(db, "select status from raw.classifier_runs") == [("failed",)]
