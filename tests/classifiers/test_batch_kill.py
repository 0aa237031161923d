"""`kill -9` of `ptmreuse classify --batch` at each step (upload, batch creation, polling, download; in the first
and in the second round, and in a round of re-asks of invalid answers), then a re-run: the same batches are
continued, nothing is uploaded, created or answered twice, each invalid answer is re-asked once, and the labels are
complete without duplicates. The loopback server holds the step until the kill."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.duck import query
from tests.support.llm_batch_server import BatchScript, BatchServer
from tests.support.llm_fault_server import answer_shape
from tests.support.llm_warehouse import POSITIVE_MEMBERS, fresh_warehouse

PTMREUSE = Path(sys.executable).parent / "ptmreuse"
COMMAND = [str(PTMREUSE), "classify", "--backend", "openai", "--model", "loopback", "--max-output-tokens", "256",
           "--batch", "--poll-interval", "0.05"]  # fmt: skip
ROUNDS = 2  # compact: the gates' batch, then the extractions' batch


@pytest.mark.slow
@pytest.mark.parametrize(
    ("step", "occurrence"),
    [
        ("upload", 1),  # shard written, upload in flight: not stored
        ("uploaded", 1),  # the server stored the file, the client never learnt its id
        ("created", 1),  # the server created the batch, the client never learnt its id
        ("poll", 2),  # waiting for the batch
        ("content", 1),  # downloading the output file
        ("created", 2),  # the second round's batch (the extractions)
    ],
)
def test_kill_9_at_each_step_then_rerun_continues_without_paying_twice(
    tmp_path: Path, step: str, occurrence: int
) -> None:
    db = fresh_warehouse(tmp_path)
    with BatchServer(BatchScript(hold={step: occurrence})) as server:
        env = {**os.environ, "PTMREUSE_DB": str(db), "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "k"}
        process = subprocess.Popen(COMMAND, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        held = server.script.held.wait(60)
        assert held and process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        server.script.release.set()

        rerun = subprocess.run(COMMAND, env=env, capture_output=True, text=True, timeout=120)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        script = server.script
        assert (script.uploads, script.creations) == (ROUNDS, ROUNDS)  # nothing uploaded or created twice
        assert script.answered == len(script.custom_ids) == len(set(script.custom_ids)) == 2 * len(POSITIVE_MEMBERS)
    per_task = query(db, "select cache_key, task, count(*) from raw.llm_labels where status = 'ok' group by all")
    assert len(per_task) == 3 * len(POSITIVE_MEMBERS) and all(count == 1 for *_, count in per_task)
    assert not query(db, "select * from raw.llm_labels where status <> 'ok' and decided_by = 'llm'")
    assert query(db, "select status from raw.classifier_runs order by started_at") == [("interrupted",), ("finished",)]


def gates_invalid_when_first_asked(body: dict[str, Any]) -> str | None:
    first_ask = not any(message["role"] == "assistant" for message in body["messages"])
    return "schema_violation" if first_ask and answer_shape(body) == "gate" else None


@pytest.mark.slow
@pytest.mark.parametrize(
    ("step", "occurrence"),
    [
        ("uploaded", 2),  # the re-asks' shard stored by the server, its id never learnt
        ("poll", 3),  # waiting for the re-asks' batch
        ("content", 2),  # downloading the re-asks' answers
    ],
)
def test_kill_9_in_the_reask_round_then_rerun_reasks_each_invalid_answer_once(
    tmp_path: Path, step: str, occurrence: int
) -> None:
    db = fresh_warehouse(tmp_path)
    script = BatchScript(hold={step: occurrence}, fault_for=gates_invalid_when_first_asked)
    with BatchServer(script) as server:
        env = {**os.environ, "PTMREUSE_DB": str(db), "OPENAI_BASE_URL": server.base_url, "OPENAI_API_KEY": "k"}
        process = subprocess.Popen(COMMAND, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        held = script.held.wait(60)
        assert held and process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
        script.release.set()

        rerun = subprocess.run(COMMAND, env=env, capture_output=True, text=True, timeout=120)
        assert rerun.returncode == 0, rerun.stdout + rerun.stderr
        assert (script.uploads, script.creations) == (3, 3)  # the gates, their re-asks, the extractions
        papers = len(POSITIVE_MEMBERS)
        assert script.answered == len(script.custom_ids) == len(set(script.custom_ids)) == 3 * papers  # none twice
        assert sum(custom.endswith("-2") for custom in script.custom_ids) == papers
    rows = query(db, "select attempt, status, count(*) from raw.llm_labels where decided_by = 'llm' "
                     "group by all order by all")  # fmt: skip
    assert rows == [(1, "ok", papers), (1, "parse_error", 2 * papers), (2, "ok", 2 * papers)]
    assert query(db, "select status from raw.classifier_runs order by started_at") == [("interrupted",), ("finished",)]
