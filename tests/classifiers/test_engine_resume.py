"""`kill -9` in the middle of `ptmreuse classify`, then a rerun: nothing finished is lost or paid for twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.duck import query
from tests.support.llm_fault_server import FaultScript, FaultServer
from tests.support.llm_warehouse import SMALL_MEMBERS, fresh_warehouse

PTMREUSE = Path(sys.executable).parent / "ptmreuse"
CALLS_PER_PAPER = 3  # aius with a cooperative (always positive) model: uses_dl → uses_ptms → ptms


def classify_command() -> list[str]:
    return [str(PTMREUSE), "classify", "--backend", "openai", "--model", "loopback", "--protocol", "aius",
            "--concurrency", "2", "--max-output-tokens", "256"]  # fmt: skip


@pytest.mark.slow
def test_kill_9_mid_run_then_rerun_resumes_without_duplicates(tmp_path: Path) -> None:
    db = fresh_warehouse(tmp_path)
    expected_calls = CALLS_PER_PAPER * len(SMALL_MEMBERS)
    with FaultServer(FaultScript(latency_s=0.3)) as server:
        env = {**os.environ, "PTMREUSE_DB": str(db), "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "k"}
        process = subprocess.Popen(classify_command(), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while server.script.calls < expected_calls // 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert process.poll() is None, process.stderr.read().decode()
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        calls_before_kill = server.script.calls
        assert 0 < calls_before_kill < expected_calls

        survived = query(db, "select count(*) from raw.llm_labels where status = 'ok'")[0][0]
        assert survived > 0  # rows were persisted as they arrived, not at the end
        run = query(db, "select status from raw.classifier_runs")
        assert run == [("running",)]  # the killed run never finished; its record says so

        rerun = subprocess.run(classify_command(), env=env, capture_output=True, text=True, timeout=120)
        assert rerun.returncode == 0, rerun.stderr
        calls_of_rerun = server.script.calls - calls_before_kill
    assert calls_of_rerun < expected_calls  # finished calls were not repeated …
    assert calls_of_rerun <= expected_calls - survived  # … exactly those with a stored answer were skipped
    statuses = [status for (status,) in query(db, "select status from raw.classifier_runs order by started_at")]
    assert statuses == ["interrupted", "finished"]
    per_task = query(db, "select cache_key, task, count(*) from raw.llm_labels where status = 'ok' group by all")
    assert len(per_task) == expected_calls and all(count == 1 for *_, count in per_task)  # complete, no duplicates
