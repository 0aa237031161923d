"""One HTTP client for every REST source: a request rate, bounded retries that honour Retry-After, clear errors.

Polite by construction: every attempt waits for the rate limiter; 429 and 5xx answers, timeouts, dropped
connections and unparseable bodies are retried with exponential backoff (or the server's Retry-After) until
`max_attempts` or the `max_total_seconds` budget runs out. 401/403 are never retried: a bad key stays bad, and
hammering a service that refuses us is how an IP gets blocked.
"""

from __future__ import annotations

import email.utils
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
from tenacity import (
    RetryCallState,
    Retrying,
    retry_if_exception_type,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)

T = TypeVar("T")
USER_AGENT = "ptmreuse/0.1 (research on pre-trained model reuse; https://github.com/ptmreuse)"
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
_SECRET_PARAMS = ("api_key", "apikey", "mailto")


@dataclass(frozen=True, slots=True)
class Politeness:
    """How hard we may push one service. Defaults suit the public APIs; tests shrink every number."""

    requests_per_second: float = 5.0
    max_attempts: int = 6  # per request, first try included
    max_total_seconds: float = 600.0  # per request, waits included; a Retry-After beyond it gives up at once
    backoff_initial: float = 1.0
    backoff_max: float = 60.0
    timeout_seconds: float = 60.0


class ServiceError(Exception):
    """A web service failed in a way retrying will not fix; the message says what to do next."""

    def __init__(self, service: str, problem: str, hint: str = "") -> None:
        self.service, self.problem, self.hint = service, problem, hint
        super().__init__(f"{service}: {problem}" + (f" — {hint}" if hint else ""))


class AccessDenied(ServiceError):
    """401/403: the key (or the client) is refused."""


class GaveUp(ServiceError):
    """Retries are exhausted (or the server asked us to wait longer than the budget allows)."""

    def __init__(self, service: str, problem: str, hint: str, attempts: int) -> None:
        super().__init__(service, problem, hint)
        self.attempts = attempts


class IncompleteResults(Exception):
    """Paging stopped before the service's own count was reached (an empty page, a cursor loop)."""


class _Retryable(Exception):
    def __init__(self, description: str, retry_after: float | None = None) -> None:
        super().__init__(description)
        self.retry_after = retry_after


def redact(url: str | httpx.URL) -> str:
    """The URL without secrets (API key, e-mail), for messages and logs."""
    parsed = httpx.URL(str(url))
    params = [(k, "***" if k.lower() in _SECRET_PARAMS else v) for k, v in parsed.params.multi_items()]
    return str(parsed.copy_with(params=params)) if params else str(parsed)


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RateLimiter:
    """At most `rate` requests per second, shared by every thread using the client."""

    def __init__(self, rate: float, sleep: Callable[[float], None] = time.sleep) -> None:
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self._sleep = sleep

    def wait(self) -> None:
        with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self._interval
        if delay > 0:
            self._sleep(delay)


class PoliteClient:
    """GET requests to one service (`base_url`), with `params` (e.g. the API key) added to every call."""

    def __init__(
        self,
        service: str,
        base_url: str,
        politeness: Politeness | None = None,
        params: dict[str, str] | None = None,
        access_hint: str = "check that the service is reachable and that you are allowed to use it",
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.service = service
        self.politeness = politeness or Politeness()
        self.access_hint = access_hint
        self.attempts = 0  # every HTTP attempt made, retries included
        self.retries = 0
        self._params = {k: v for k, v in (params or {}).items() if v}
        self._base_url = base_url  # path "" means exactly this URL (httpx would append a slash)
        self._sleep = sleep
        self._limiter = RateLimiter(self.politeness.requests_per_second, sleep)
        # jitter spreads clients that failed together; scaled to the backoff so tests stay fast
        first = self.politeness.backoff_initial
        self._backoff = wait_exponential_jitter(multiplier=first, max=self.politeness.backoff_max, jitter=first)
        self._http = httpx.Client(
            base_url=base_url,
            timeout=self.politeness.timeout_seconds,
            headers={"User-Agent": USER_AGENT},
            follow_redirects=True,
        )

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def url_for(self, path: str, params: dict[str, Any] | None = None) -> str:
        """The URL a request would go to, without secrets (for provenance columns)."""
        return redact(
            self._http.build_request("GET", path or self._base_url, params={**(params or {}), **self._params}).url
        )

    def get(self, path: str, params: dict[str, Any] | None = None, accept: tuple[int, ...] = (200,)) -> httpx.Response:
        """The response, once its status is in `accept` (other statuses raise or are retried)."""
        return self._with_retries(path, params, accept, lambda response: response)

    def get_json(self, path: str, params: dict[str, Any] | None = None) -> Any:
        """The parsed JSON body of a 200 answer; a truncated or malformed body counts as a failed attempt."""
        return self._with_retries(path, params, (200,), _parse_json)

    def _with_retries(
        self, path: str, params: dict[str, Any] | None, accept: tuple[int, ...], read: Callable[[httpx.Response], T]
    ) -> T:
        retrying = Retrying(
            retry=retry_if_exception_type(_Retryable),
            stop=stop_after_attempt(self.politeness.max_attempts)
            | stop_before_delay(self.politeness.max_total_seconds),
            wait=self._wait,
            sleep=self._sleep,
            before_sleep=self._count_retry,
            reraise=True,
        )
        try:
            return retrying(self._attempt, path, {**(params or {}), **self._params}, accept, read)
        except _Retryable as error:
            attempts = retrying.statistics.get("attempt_number", 1)
            raise GaveUp(
                self.service,
                f"gave up after {attempts} attempt(s): {error}",
                "the service is down or rate-limiting us; wait a while and re-run (finished work is kept)",
                attempts,
            ) from error

    def _attempt(
        self, path: str, params: dict[str, Any], accept: tuple[int, ...], read: Callable[[httpx.Response], T]
    ) -> T:
        self._limiter.wait()
        self.attempts += 1
        try:
            response = self._http.get(path or self._base_url, params=params)
            response.read()
        except httpx.TimeoutException as error:
            raise _Retryable(
                f"no answer within {self.politeness.timeout_seconds:g}s ({type(error).__name__})"
            ) from error
        except httpx.TransportError as error:
            raise _Retryable(f"connection failed ({type(error).__name__}: {error})") from error
        status = response.status_code
        if status in accept:
            return read(response)
        where = redact(response.url)
        if status in (401, 403):
            raise AccessDenied(self.service, f"HTTP {status} for {where}", self.access_hint)
        if status in RETRY_STATUSES:
            raise _Retryable(f"HTTP {status} for {where}", parse_retry_after(response.headers.get("Retry-After")))
        raise ServiceError(
            self.service, f"HTTP {status} for {where}: {response.text[:300]}", "check the request options"
        )

    def _wait(self, state: RetryCallState) -> float:
        error = state.outcome.exception() if state.outcome else None
        if isinstance(error, _Retryable) and error.retry_after is not None:
            return error.retry_after
        return self._backoff(state)

    def _count_retry(self, _: RetryCallState) -> None:
        self.retries += 1


def _parse_json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError as error:
        raise _Retryable(f"unreadable JSON from {redact(response.url)} ({error})") from error
