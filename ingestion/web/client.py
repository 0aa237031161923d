"""One HTTP client for every REST source, on dlt's REST helpers: a request rate, bounded retries, clear errors.

Retries are dlt's (`dlt.sources.helpers.requests.Client`): 429 and 5xx answers, timeouts, dropped connections and
unreadable JSON are retried with exponential backoff, or after the server's `Retry-After`, up to `max_attempts`.
Two things dlt does not do are added here: a per-host request rate (dlt has no throttle, and OpenAlex allows
10/s while PLOS search allows 10 per minute), and giving up at once when `Retry-After` asks for a longer wait than
we allow (dlt would cap the wait and ask again early). 401/403 are never retried: a bad key stays bad, and
hammering a service that refuses us is how an IP gets blocked. Nor is a host name that does not resolve (no
network, or a mistyped base URL): each of a run's hundreds of requests would spend half a minute of retries on it in
silence, so the run stops at once and says so. Every message, URL and JSON body this client hands
out has the configured secrets blanked (`warehouse.secrets`).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from dlt.sources.helpers.requests import Client, HTTPError, Request, RequestException, Response, Timeout
from dlt.sources.helpers.requests.retry import DEFAULT_RETRY_EXCEPTIONS, DEFAULT_RETRY_STATUS
from dlt.sources.helpers.rest_client import RESTClient
from dlt.sources.helpers.rest_client.paginators import BasePaginator
from dlt.sources.helpers.rest_client.utils import join_url
from requests import ConnectionError as RequestsConnectionError
from requests.adapters import HTTPAdapter
from urllib3.exceptions import InvalidHeader, NameResolutionError
from urllib3.util import Retry

from warehouse.secrets import redact

USER_AGENT = "ptmreuse/0.1 (research on pre-trained model reuse; https://github.com/ptmreuse)"
RETRY_HINT = "the service is down or rate-limiting us; wait a while and re-run (finished work is kept)"


@dataclass(frozen=True, slots=True)
class Politeness:
    """How hard we may push one service. Defaults suit the public APIs; tests shrink every number."""

    requests_per_second: float = 5.0
    max_attempts: int = 6  # per request, first try included
    backoff_seconds: float = 1.0  # first wait between tries; doubles each time
    max_wait_seconds: float = 60.0  # longest wait between tries; a longer Retry-After gives up at once
    timeout_seconds: float = 60.0


class ServiceError(Exception):
    """A web service failed in a way retrying will not fix; the message says what to do next, without secrets."""

    def __init__(self, service: str, problem: str, hint: str = "") -> None:
        self.service, self.problem, self.hint = service, redact(problem) or "", redact(hint) or ""
        super().__init__(f"{service}: {self.problem}" + (f" — {self.hint}" if self.hint else ""))


class ServiceUnusable(ServiceError):
    """A failure every further request of the run would meet too: the run stops at once (finished work is kept)."""


class AccessDenied(ServiceUnusable):
    """401/403: the key (or the client) is refused."""


class Unreachable(ServiceUnusable):
    """The service's host name does not resolve: no network, a DNS failure or a mistyped base URL."""


class GaveUp(ServiceError):
    """Retries are exhausted (or the server asked us to wait longer than we allow)."""

    def __init__(self, service: str, problem: str, attempts: int) -> None:
        super().__init__(service, problem, RETRY_HINT)
        self.attempts = attempts


class IncompleteResults(ServiceError):
    """Paging stopped before the service's own count was reached (an empty page, a cursor loop)."""


class UnreadableBody(HTTPError):
    """A 200 whose JSON does not parse (truncated, an HTML maintenance page): retried like a 5xx."""


class _HostUnknown(RequestException):
    """A DNS failure, raised as a type dlt does not retry (its retries take ConnectionError)."""


class _WaitTooLong(Exception):
    """The server's Retry-After is beyond `max_wait_seconds`: asking again sooner would be rude, so stop."""


@dataclass(frozen=True, slots=True)
class WebPage:
    """One page of a paged query: the URL asked (without secrets), the whole answer, and the items on it."""

    url: str
    body: Any
    items: list[Any]


class _RateLimitedAdapter(HTTPAdapter):
    """Every attempt, retries included, waits its turn (at most `rate` per second) and is counted."""

    def __init__(self, rate: float) -> None:
        super().__init__()
        self._interval = 1.0 / rate if rate > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()
        self.attempts = 0

    def send(self, request: Any, *args: Any, **kwargs: Any) -> Response:
        with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self._interval
            self.attempts += 1
        if delay > 0:
            time.sleep(delay)
        try:
            return super().send(request, *args, **kwargs)
        except RequestsConnectionError as error:
            if isinstance(getattr(error.args[0] if error.args else None, "reason", None), NameResolutionError):
                raise _HostUnknown(str(error), request=request) from error
            raise


def _retry_after_seconds(response: Response) -> float | None:
    """The server's `Retry-After` (seconds or an HTTP date) in seconds; None when absent or unreadable."""
    value = response.headers.get("Retry-After")
    try:
        return Retry().parse_retry_after(value) if value else None
    except InvalidHeader:
        return None


class PoliteClient:
    """GET requests to one service (`base_url`), with `params` (e.g. the API key) added to every call."""

    def __init__(
        self,
        service: str,
        base_url: str,
        politeness: Politeness | None = None,
        params: dict[str, str] | None = None,
        access_hint: str = "check that the service is reachable and that you are allowed to use it",
    ) -> None:
        self.service = service
        self.politeness = polite = politeness or Politeness()
        self.access_hint = access_hint
        self.requests = 0  # logical requests; `attempts` counts every HTTP exchange, retries and redirects too
        self._redirects = 0
        self._params = {k: v for k, v in (params or {}).items() if v}
        self._adapter = _RateLimitedAdapter(polite.requests_per_second)
        retrying = Client(
            request_timeout=polite.timeout_seconds,
            raise_for_status=False,  # the response hook below judges every answer
            exceptions=(*DEFAULT_RETRY_EXCEPTIONS, UnreadableBody),
            request_max_attempts=polite.max_attempts,
            request_backoff_factor=polite.backoff_seconds,
            request_max_retry_delay=polite.max_wait_seconds,
            respect_retry_after_header=True,
        )
        session = retrying.session
        session.mount("http://", self._adapter)
        session.mount("https://", self._adapter)
        session.headers["User-Agent"] = USER_AGENT
        self._rest = RESTClient(base_url, session=session)

    @property
    def attempts(self) -> int:
        return self._adapter.attempts

    @property
    def retries(self) -> int:
        return self.attempts - self.requests - self._redirects

    def close(self) -> None:
        self._rest.session.close()

    def url_for(self, path: str, params: dict[str, Any] | None = None) -> str:
        """The URL a request would go to, without secrets (for provenance columns)."""
        request = Request("GET", join_url(self._rest.base_url, path), params={**(params or {}), **self._params})
        return redact(request.prepare().url) or ""

    def get(self, path: str, params: dict[str, Any] | None = None, accept: tuple[int, ...] = (200,)) -> Response:
        """The response, once its status is in `accept` (other statuses raise or are retried)."""
        hooks = {"response": [self._judge(accept, expect_json=False)]}
        return self._once(lambda: self._rest.get(path, params={**(params or {}), **self._params}, hooks=hooks))

    def pages(self, path: str, params: dict[str, Any], paginator: BasePaginator, items_at: str) -> Iterator[WebPage]:
        """Every page of a JSON query, as `paginator` (dlt's) walks it, secrets blanked; items are at `items_at`."""
        pages = self._rest.paginate(
            path,
            params={**params, **self._params},
            paginator=paginator,
            data_selector=items_at,
            hooks={"response": [self._judge((200,), expect_json=True)]},
        )
        while True:
            try:
                page = self._once(lambda: next(pages))
            except StopIteration:
                return
            yield WebPage(redact(page.response.url) or "", page.response.json(), list(page))

    def _once(self, send: Callable[[], Any]) -> Any:
        """One logical request (dlt retries inside `send`); a failure left after the retries becomes GaveUp."""
        before = self.attempts
        try:
            return send()
        except _HostUnknown as error:
            host = urlsplit(error.request.url).hostname if error.request is not None else "the host"
            raise Unreachable(
                self.service,
                f"cannot resolve {host}",
                "check the network connection (or the service's base URL), then re-run; finished work is kept",
            ) from None
        except (RequestException, _WaitTooLong) as error:
            attempts = self.attempts - before
            if not attempts:  # refused before sending: a malformed base URL, say
                raise ServiceError(self.service, f"cannot send ({error})", "check the service's base URL") from None
            raise GaveUp(
                self.service, f"gave up after {attempts} attempt(s): {self._describe(error)}", attempts
            ) from None
        finally:
            self.requests += self.attempts > before  # the end of a paged query sends nothing

    def _describe(self, error: Exception) -> str:
        if isinstance(error, Timeout):
            return f"no answer within {self.politeness.timeout_seconds:g}s ({type(error).__name__})"
        if isinstance(error, (HTTPError, _WaitTooLong)):
            return str(error)
        return f"connection failed ({type(error).__name__}: {error})"

    def _judge(self, accept: tuple[int, ...], expect_json: bool) -> Callable[..., None]:
        """A response hook run on every attempt: pass, raise to retry (HTTPError), or raise to stop."""

        def judge(response: Response, *_: Any, **__: Any) -> None:
            status, where = response.status_code, redact(response.url)
            if response.is_redirect:  # requests follows it and judges where it leads
                self._redirects += 1
                return
            if status in accept:
                if expect_json:
                    try:  # JSON is UTF-8 (RFC 8259); secrets are blanked before anything reads the answer
                        parsed = json.loads(redact(response.content.decode()) or "")
                    except ValueError as error:
                        raise UnreadableBody(f"unreadable JSON from {where} ({error})", response=response) from None
                    response.json = lambda **_: parsed  # parsed once: dlt's client and paginator read this
                return
            if status in (401, 403):
                raise AccessDenied(self.service, f"HTTP {status} for {where}", self.access_hint)
            if status in DEFAULT_RETRY_STATUS:
                wait = _retry_after_seconds(response)
                if wait is not None and wait > self.politeness.max_wait_seconds:
                    limit = self.politeness.max_wait_seconds
                    raise _WaitTooLong(
                        f"HTTP {status} for {where} asks us to wait {wait:.0f}s (we wait {limit:g}s at most)"
                    )
                raise HTTPError(f"HTTP {status} for {where}", response=response)
            problem = f"HTTP {status} for {where}: {response.text[:300]}"
            raise ServiceError(self.service, problem, "check the request options")

        return judge
