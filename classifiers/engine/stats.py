"""Counters of one run: what the progress bar shows and what raw.classifier_runs keeps."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(slots=True)
class RunStats:
    papers_total: int = 0
    papers_done: int = 0
    calls: int = 0  # HTTP requests that returned a completion (re-asks included, transport retries not)
    cache_hits: int = 0
    prefiltered: int = 0
    rows_written: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    transport_errors: int = 0  # failed HTTP attempts (each retry counts), whether or not a later retry succeeded
    api_errors: int = 0  # calls that gave up after the retry policy
    validation_errors: int = 0  # answers that failed the schema (each attempt counts)
    refusals: int = 0
    budget_stopped: bool = False

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def errors(self) -> int:
        return self.api_errors + self.validation_errors + self.refusals
