"""Why the calls of a run failed, in one line with the fix, and when a run counts as failed.

A run in which more than FAILED_SHARE of the model calls failed (after the SDK's retries and the one re-ask) is
recorded as `failed`, not `finished`: `latest` never picks it, and `ptmreuse classify` exits 1 naming the most
common error and what to do about it. A run stops early once EARLY_VERDICT_CALLS calls have ended and the share is
already over FAILED_SHARE (a wrong URL or response format fails every call: no need to wait for thousands).
Each failed call is filed under one kind, with the first message seen.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from classifiers.options import ClassifyRequest, StructuredOutput
from warehouse.secrets import redact

FAILED_SHARE = 0.5
EARLY_VERDICT_CALLS = 20

_CONTEXT = re.compile(r"context|too long|too many tokens|maximum.*tokens|exceeds", re.I)
_FORMAT = re.compile(r"response_format|json_schema|schema|grammar", re.I)


def failure_kind(error_class: str, status_code: int | None, message: str) -> str:
    """A short kind for a failed request: 'http 400 format', 'http 429', 'timeout', 'connection' …"""
    if status_code is None:
        if "Timeout" in error_class:
            return "timeout"
        if "Connection" in error_class:
            return "connection"
        return error_class
    if status_code in (400, 422, 500) and _FORMAT.search(message):
        return f"http {status_code} format"
    if status_code in (400, 413, 422) and _CONTEXT.search(message):
        return "http context"
    return f"http {status_code}"


def advice(kind: str, options: ClassifyRequest) -> str:
    """The next step for a kind of failure, in one line."""
    if kind.endswith("format") and options.structured_output is StructuredOutput.JSON_SCHEMA:
        return "the server rejected json_schema: use --structured-output json_object_schema (llama.cpp) or json_object"
    if kind.endswith("format"):
        return "the server rejected the response format: try another --structured-output (json_schema, json_object)"
    fixes = {
        "http context": "the prompt is longer than the model's context: lower --token-budget or use --protocol compact",
        "http 401": "the server refused the API key: set OPENAI_API_KEY",
        "http 403": "the server refused the API key: set OPENAI_API_KEY",
        "http 404": f"no such model or endpoint at {options.base_url}: check --model and --base-url",
        "http 429": "rate limited: lower --concurrency or set --rpm / --tpm",
        "timeout": "requests timed out: raise --timeout or lower --concurrency",
        "connection": f"no server answers at {options.base_url}: check --base-url (or OPENAI_BASE_URL)",
        "truncated": "answers were cut off: raise --max-output-tokens",
        "invalid answer": "answers did not fit the schema: use a --structured-output the server enforces"
        " (json_schema, or json_object_schema for llama.cpp), or a stronger model",
        "refused": "the model refused to answer: try another model",
        "batch_expired": "the batch expired before these requests ran: run the same command again to resend them",
        "MissingFromBatch": "the batch ended without these answers (see its error): run the same command again to "
        "resend them",
    }
    if kind in fixes:
        return fixes[kind]
    if kind.startswith("http 5"):
        return "the server failed: see its log (a smaller --concurrency may help)"
    return "see the error rows: select error from raw.llm_labels where run_id = '<run id>'"


@dataclass(slots=True)
class Failures:
    """Failed calls of a run by kind, with the first message of each kind."""

    kinds: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)

    def add(self, kind: str, message: str) -> None:
        self.kinds[kind] += 1
        self.examples.setdefault(kind, (redact(message) or "")[:300])  # printed and stored: no secret in it

    @property
    def count(self) -> int:
        return sum(self.kinds.values())

    def summary(self, asked: int, options: ClassifyRequest) -> str:
        """'N of M calls failed; most common: … (k×): message. Fix: …' (empty when nothing failed)."""
        if not self.kinds:
            return ""
        kind, times = self.kinds.most_common(1)[0]
        return (
            f"{self.count} of {asked} calls failed; most common ({times}×): {self.examples[kind]}. "
            f"Fix: {advice(kind, options)}"
        )


def run_failed(asked: int, failed: int) -> bool:
    return asked > 0 and failed > FAILED_SHARE * asked


def hopeless(asked: int, failed: int) -> bool:
    """Enough calls have ended, and too many of them failed, to stop the run now."""
    return asked >= EARLY_VERDICT_CALLS and run_failed(asked, failed)


class RunStopped(Exception):
    """Raised by a worker to stop a run whose calls are failing (the message is the failure summary)."""
