"""Counters of one run: what the progress bar shows and what raw.classifier_runs keeps."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from classifiers.engine.diagnosis import Failures


@dataclass(slots=True)
class RunStats:
    papers_total: int = 0
    papers_done: int = 0
    calls: int = 0  # HTTP requests that returned a completion (re-asks included, transport retries not)
    answered: int = 0  # questions the model answered within the taxonomy
    cache_hits: int = 0
    prefiltered: int = 0  # papers the prefilter decided without a call
    rows_written: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: float = 0.0
    transport_errors: int = 0  # failed HTTP attempts (each retry counts), whether or not a later retry succeeded
    api_errors: int = 0  # calls that gave up after the SDK's retries
    validation_errors: int = 0  # answers that failed the schema (each attempt counts)
    refusals: int = 0
    budget_stopped: bool = False
    failures: Failures = field(default_factory=Failures)  # questions left without an answer, by kind

    def as_dict(self) -> dict[str, object]:
        return asdict(self)

    @property
    def errors(self) -> int:
        return self.api_errors + self.validation_errors + self.refusals

    @property
    def asked(self) -> int:
        """Questions put to the model in this run that ended (answered or failed; budget stops excluded)."""
        return self.answered + self.failures.count
