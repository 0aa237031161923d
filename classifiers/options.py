"""Every option of a classify run, in one object: the CLI fills it, the backend, engine and store read it.

Nothing copies these fields into other settings objects; a new option is one field here and one CLI flag.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from classifiers.protocols.compact import DEFAULT_TOKEN_BUDGET
from warehouse.children import default_workers

DEFAULT_BASE_URL = "http://127.0.0.1:8080/v1"  # llama.cpp's server on its default port


class StructuredOutput(StrEnum):
    """How the server is told the answer's shape (classifiers.llm.schemas builds each form)."""

    JSON_SCHEMA = "json_schema"  # OpenAI strict structured outputs
    JSON_OBJECT_SCHEMA = "json_object_schema"  # llama.cpp server: {"type": "json_object", "schema": …}
    JSON_OBJECT = "json_object"  # JSON mode only; the shape is described in the prompt


def default_base_url() -> str:
    return os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL


@dataclass(slots=True)
class ClassifyRequest:
    backend: str = "rules"  # rules | openai
    protocol: str = "compact"  # compact | aius (the openai backend; the rules backend has its own)
    model: str | None = None
    base_url: str = field(default_factory=default_base_url)
    structured_output: StructuredOutput = StructuredOutput.JSON_SCHEMA
    concurrency: int = 8  # papers labelled at once = requests in flight at most
    workers: int = field(default_factory=default_workers)  # rules backend: processes labelling (1: this one)
    limit: int | None = None  # only the first N papers (DOI order)
    doi_range: tuple[str, str] | None = None  # only papers with first <= DOI <= last (a worker's shard)
    dry_run: bool = False
    max_cost_usd: float | None = None
    max_tokens_budget: int | None = None
    shared_budget: str | None = None  # a worker's: the job's budget in the lake's catalog (caps set at enqueue)
    token_budget: int = DEFAULT_TOKEN_BUDGET  # compact: tokens of passages shown per paper
    temperature: float = 0.0
    seed: int | None = 42
    max_output_tokens: int = 1024  # sent as max_tokens, and reserved per call by the budget
    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    timeout_s: float = 120.0  # per request attempt
    max_retries: int = 4  # the openai SDK's retries per request (429, 408, 409, 5xx, timeouts, connection errors)
    flush_interval_s: float = 0.2  # finished rows are appended at least this often
    papers_per_read: int = 200  # papers (with their sections) read from the warehouse at a time
    batch: bool = False  # send the requests through the OpenAI Batch API (classifiers.engine.batch)
    batch_poll_s: float = 30.0  # seconds between two looks at the batches' status
    export_jsonl: Path | None = None  # write the open requests as Batch JSONL here instead (for `vllm run-batch`)
    import_results: tuple[Path, ...] = ()  # store the answers of these Batch result files

    @property
    def batch_mode(self) -> str | None:
        """openai | export | import when the requests go as batch files, else None."""
        if self.export_jsonl is not None:
            return "export"
        if self.import_results:
            return "import"
        return "openai" if self.batch else None

    @property
    def describe_shape(self) -> bool:
        """Put the answer shape in the prompt: in JSON-object mode nothing else tells the model the shape."""
        return self.structured_output is StructuredOutput.JSON_OBJECT
