"""The label store: `raw.llm_labels` (append-only, one row per paper × task × attempt) and `raw.classifier_runs`.

Rows carry full provenance (run, protocol, backend, model, prompt version and hash, parameters, input hash, tokens,
cost, latency) so any number can be traced to the configuration that produced it. Paper text is never copied here
(papers are keyed by DOI and content hash), and neither are secrets: every text a model or server sent back (answer,
parsed answer, error) passes through `warehouse.secrets.redact` on its way in. The store owns its connection: a lock
lets one thread use it at a time (the periodic flush runs in a worker thread), and readers take their own cursor.
Each append commits, so a killed run keeps what it wrote. On a lake, other workers write the same tables at once:
a write that meets another's commit is retried.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from warehouse.catalog import retry_conflicts
from warehouse.lake import configured_lake
from warehouse.raw_schema import create_raw_tables, raw_table
from warehouse.secrets import redact, redact_json

OK = "ok"
PARSE_ERROR = "parse_error"
REFUSED = "refused"
API_ERROR = "api_error"
SKIPPED_PREFILTER = "skipped_prefilter"
BUDGET_STOPPED = "budget_stopped"
STATUSES = (OK, PARSE_ERROR, REFUSED, API_ERROR, SKIPPED_PREFILTER, BUDGET_STOPPED)
# A call that ended in one of these is done for its configuration: a rerun reuses it instead of paying again.
# api_error and budget_stopped are not final, so a rerun retries them.
FINAL_STATUSES = (OK, PARSE_ERROR, REFUSED, SKIPPED_PREFILTER)


@dataclass(slots=True)
class LabelRow:
    run_id: str
    call_id: str
    cache_key: str
    doi: str
    content_hash: str | None
    task: str
    attempt: int
    protocol: str
    backend: str
    model: str | None
    status: str
    decided_by: str
    label_id: str = ""
    prompt_name: str | None = None
    prompt_version: str | None = None
    prompt_hash: str | None = None
    codebook_version: str | None = None
    parameters: dict[str, Any] | None = None
    input_hash: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    tokens_counted_in_call: bool = True
    cost_usd: float | None = 0.0
    latency_s: float | None = None
    transport_retries: int = 0
    finish_reason: str | None = None
    response_text: str | None = None
    parsed: dict[str, Any] | None = None
    grounded: list[bool] | None = None
    grounding_scores: list[float] | None = None
    error: str | None = None
    started_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    finished_at: datetime = field(default_factory=lambda: datetime.now(UTC))


LABEL_TABLES = ("llm_labels", "classifier_runs")  # declared in models/staging/__sources.yml


def create_label_tables(con: duckdb.DuckDBPyConnection) -> None:
    create_raw_tables(con, LABEL_TABLES)


def _json(value: Any) -> str | None:
    return None if value is None else json.dumps(value, sort_keys=True, ensure_ascii=False)


class LabelStore:
    """Appends label rows and run records through one DuckDB connection, one thread at a time."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._lock = threading.Lock()  # DuckDB refuses (or mixes up results of) concurrent calls on one connection
        create_label_tables(con)
        self.rows_written = 0

    def reader(self) -> duckdb.DuckDBPyConnection:
        """A connection of its own to the same database, for a thread that reads while this store writes."""
        return self.con.cursor()

    def append(self, rows: Iterable[LabelRow]) -> int:
        records = []
        for row in rows:
            record = asdict(row)
            record["parameters"] = _json(row.parameters)
            record["parsed"] = _json(redact_json(row.parsed))  # an answer may quote anything, a key included
            record["response_text"] = redact(row.response_text)
            record["error"] = redact(row.error)
            records.append(record)
        if not records:
            return 0
        batch = raw_table("llm_labels").to_arrow(records)

        def insert() -> None:
            self.con.register("label_batch", batch)
            try:
                self.con.execute("insert into raw.llm_labels by name select * from label_batch")
            finally:
                self.con.unregister("label_batch")

        with self._lock:
            retry_conflicts(insert)
            self.rows_written += len(records)
        return len(records)

    def final_answers(self) -> dict[str, tuple[str, dict[str, Any]]]:
        """cache_key → (status, {task: parsed answer}) of every call that reached a final status.

        The latest final attempt wins, so a re-ask that succeeded shadows the parse error before it.
        """
        with self._lock:
            rows = self.con.execute(
                """
                select cache_key, status, task, parsed
                from raw.llm_labels
                where status in (select unnest(?::varchar[]))
                qualify rank() over (partition by cache_key order by finished_at desc, attempt desc) = 1
                """,
                [list(FINAL_STATUSES)],
            ).fetchall()
        answers: dict[str, tuple[str, dict[str, Any]]] = {}
        for key, status, task, parsed in rows:
            entry = answers.setdefault(key, (status, {}))
            entry[1][task] = json.loads(parsed) if parsed is not None else None
        return answers

    def call_ids_from(self, sources: list[str]) -> set[str]:
        """Stored call ids `<source>:<cache key>` of the given sources (batch ids or imported files)."""
        if not sources:
            return set()
        with self._lock:
            rows = self.con.execute(
                "select distinct call_id from raw.llm_labels"
                " where split_part(call_id, ':', 1) in (select unnest(?::varchar[]))",
                [sources],
            ).fetchall()
        return {call_id for (call_id,) in rows}

    def start_run(self, run_id: str, backend: str, protocol: str, model: str | None, configuration: dict) -> None:
        with self._lock:
            # DuckDB admits one writer per file, so a run still marked running here was killed: say so. On a lake,
            # other workers' runs may be running right now, so their records are left as they are.
            if configured_lake() is None:
                self.con.execute("update raw.classifier_runs set status = 'interrupted' where status = 'running'")
            row = [run_id, backend, protocol, model, redact(_json(configuration)), datetime.now(UTC)]
            retry_conflicts(
                lambda: self.con.execute(
                    "insert into raw.classifier_runs (run_id, backend, protocol, model, configuration, started_at, "
                    "status) values (?, ?, ?, ?, ?, ?, 'running')",
                    row,
                )
            )

    def finish_run(self, run_id: str, status: str, counts: dict[str, Any], error: str | None = None) -> None:
        columns = (
            "papers_total",
            "papers_done",
            "calls",
            "cache_hits",
            "rows_written",
            "input_tokens",
            "output_tokens",
            "cost_usd",
            "transport_errors",
            "validation_errors",
        )
        assignments = ", ".join(f"{column} = ?" for column in columns)
        values = [datetime.now(UTC), status, redact(error), *(counts.get(column) for column in columns), run_id]
        sql = f"update raw.classifier_runs set finished_at = ?, status = ?, error = ?, {assignments} where run_id = ?"
        with self._lock:
            retry_conflicts(lambda: self.con.execute(sql, values))
