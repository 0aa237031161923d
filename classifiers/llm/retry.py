"""The transport retry policy, explicit and bounded: which errors are retried, how long we wait, when we give up.

Retried: 429 (honouring `Retry-After`), 5xx, timeouts and connection errors. Not retried: other 4xx (a bad request,
a context overflow or a 401/403 will not get better by asking again — and retrying 403s can hide a block).
The openai client's own retries are switched off so that this is the only policy.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass

import openai

RETRYABLE = (openai.RateLimitError, openai.InternalServerError, openai.APITimeoutError, openai.APIConnectionError)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    max_attempts: int = 5  # per request, the first try included
    base_wait_s: float = 1.0  # exponential backoff: base * 2**(n-1), with jitter
    max_wait_s: float = 60.0  # cap on any single wait, Retry-After included
    timeout_s: float = 120.0  # per attempt

    def is_retryable(self, exc: BaseException) -> bool:
        if isinstance(exc, openai.APIStatusError):
            return exc.status_code == 429 or exc.status_code >= 500
        return isinstance(exc, RETRYABLE)

    def wait_s(self, attempt: int, exc: BaseException) -> float:
        """Seconds to wait before attempt `attempt + 1`; the server's Retry-After wins when it gives one."""
        hinted = retry_after_s(exc)
        if hinted is not None:
            return min(hinted, self.max_wait_s)
        backoff = self.base_wait_s * 2 ** (attempt - 1)
        return min(backoff * (0.5 + random.random() / 2), self.max_wait_s)


def retry_after_s(exc: BaseException) -> float | None:
    """`Retry-After` (seconds or an HTTP date) or `retry-after-ms` of an HTTP error, if any."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    if (ms := headers.get("retry-after-ms")) is not None:
        try:
            return max(float(ms) / 1000, 0.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(float(value), 0.0)
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value else None
        return max(parsed.timestamp() - time.time(), 0.0) if parsed else None
