"""What a classifier run configuration answered, read from raw.llm_labels and raw.classifier_runs.

Runs share a cache: a rerun of the same configuration writes rows only for papers it had not labelled, so the
labels of run R are, per paper and task, the latest final answer of R's configuration (protocol, backend, model and
prompt hashes) written up to R's end. Prefilter decisions count as answers (they are the configuration's answer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb

from classifiers.store import FINAL_STATUSES, OK, SKIPPED_PREFILTER

ANSWERED = (OK, SKIPPED_PREFILTER)


@dataclass(frozen=True, slots=True)
class RunInfo:
    run_id: str
    protocol: str
    backend: str
    model: str | None
    status: str | None
    finished_at: datetime | None
    prompt_hashes: tuple[str, ...]  # empty when the configuration does not record them

    @property
    def label(self) -> str:
        model = f"/{self.model}" if self.model else ""
        return f"{self.protocol}:{self.backend}{model} ({self.run_id[:8]})"


@dataclass(slots=True)
class RunLabels:
    run: RunInfo
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)  # doi → task → parsed answer
    unanswered: dict[str, set[str]] = field(default_factory=dict)  # doi → tasks that ended in parse_error/refused


def _prompt_hashes(configuration: str | None) -> tuple[str, ...]:
    config = json.loads(configuration) if configuration else {}
    hashes = [p.get("hash") for p in (config.get("prompts") or {}).values() if isinstance(p, dict)]
    if config.get("rules_fingerprint"):
        hashes.append(config["rules_fingerprint"])
    return tuple(sorted(h for h in hashes if h))


_RUNS_SQL = """
select run_id, protocol, backend, model, status, finished_at, configuration::varchar
from raw.classifier_runs
{where}
order by started_at desc
"""


def select_runs(con: duckdb.DuckDBPyConnection, run: str = "latest") -> list[RunInfo]:
    """`latest`: the newest run of each (protocol, backend, model), so protocols appear side by side; else one id."""
    where, params = ("", []) if run == "latest" else ("where run_id = ?", [run])
    rows = con.execute(_RUNS_SQL.format(where=where), params).fetchall()
    if run != "latest" and not rows:
        raise ValueError(f"no classifier run {run!r} in raw.classifier_runs")
    seen: set[tuple[str, str, str | None]] = set()
    runs = []
    for run_id, protocol, backend, model, status, finished_at, configuration in rows:
        if (protocol, backend, model) in seen:
            continue
        seen.add((protocol, backend, model))
        runs.append(RunInfo(run_id, protocol, backend, model, status, finished_at, _prompt_hashes(configuration)))
    return sorted(runs, key=lambda r: (r.protocol, r.backend, r.model or ""))


_LABELS_SQL = """
select doi, task, status, parsed::varchar
from raw.llm_labels
where protocol = ? and backend = ? and model is not distinct from ?
  and status in (select unnest(?::varchar[]))
  and finished_at <= ?
  and (decided_by = 'prefilter' or len(?::varchar[]) = 0 or prompt_hash in (select unnest(?::varchar[])))
qualify row_number() over (partition by doi, task order by finished_at desc, attempt desc) = 1
"""


def run_labels(con: duckdb.DuckDBPyConnection, run: RunInfo) -> RunLabels:
    until = run.finished_at or datetime.now(UTC)
    hashes = list(run.prompt_hashes)
    rows = con.execute(
        _LABELS_SQL, [run.protocol, run.backend, run.model, list(FINAL_STATUSES), until, hashes, hashes]
    ).fetchall()
    labels = RunLabels(run)
    for doi, task, status, parsed in rows:
        if status in ANSWERED and parsed is not None:
            labels.answers.setdefault(doi, {})[task] = json.loads(parsed)
        else:
            labels.unanswered.setdefault(doi, set()).add(task)
    return labels


def usage_totals(con: duckdb.DuckDBPyConnection, run: RunInfo) -> dict[str, float]:
    """Tokens, cost and calls of the configuration's label rows up to the run's end (each call's tokens once)."""
    until = run.finished_at or datetime.now(UTC)
    hashes = list(run.prompt_hashes)
    row = con.execute(
        """
        select
            coalesce(sum(input_tokens) filter (where tokens_counted_in_call), 0),
            coalesce(sum(output_tokens) filter (where tokens_counted_in_call), 0),
            coalesce(sum(cost_usd) filter (where tokens_counted_in_call), 0),
            count(distinct call_id) filter (where decided_by = 'llm'),
            count(distinct doi)
        from raw.llm_labels
        where protocol = ? and backend = ? and model is not distinct from ? and finished_at <= ?
          and (decided_by = 'prefilter' or len(?::varchar[]) = 0 or prompt_hash in (select unnest(?::varchar[])))
        """,
        [run.protocol, run.backend, run.model, until, hashes, hashes],
    ).fetchone()
    assert row is not None
    keys = ("input_tokens", "output_tokens", "cost_usd", "llm_calls", "papers_labelled")
    return {key: float(value) for key, value in zip(keys, row, strict=True)}
