"""The polite client under injected faults: 429 + Retry-After, 500, slow and truncated answers, refused keys."""

from __future__ import annotations

import json
import time
from dataclasses import replace
from email.utils import formatdate

import pytest

from ingestion.openalex.api import iter_works
from ingestion.web import AccessDenied, GaveUp, IncompleteResults, PoliteClient, ServiceError
from tests.support.env import FAST
from tests.support.http_server import ReplayServer, Reply
from tests.support.recorded import RECORDED

GOOD = (RECORDED / "openalex-peneira" / "works.json").read_bytes()


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setenv("OPENALEX_API_KEY", "secret")  # configured, so every message blanks it
    with ReplayServer() as srv:
        yield srv


def client(server: ReplayServer, **changes: float) -> PoliteClient:
    return PoliteClient("OpenAlex", server.url, replace(FAST, **changes), params={"api_key": "secret"})


def works(polite: PoliteClient) -> list[dict]:
    """Every work of a `/works` query, paged as OpenAlex pages (the recorded answer is one complete page)."""
    return [work for page in iter_works(polite, {}) for work in page]


def test_429_waits_as_long_as_retry_after_says(server: ReplayServer) -> None:
    server.add("/works", [Reply(429, {"error": "slow down"}, headers={"Retry-After": "1"}), Reply(body=GOOD)])
    started = time.monotonic()
    assert len(works(client(server))) == 49
    assert time.monotonic() - started >= 0.95  # backoff alone would wait ~0.01 s
    assert len(server.requests) == 2


def test_retry_after_beyond_the_budget_gives_up_without_waiting(server: ReplayServer) -> None:
    server.add("/works", Reply(429, {}, headers={"Retry-After": "3600"}))
    started = time.monotonic()
    with pytest.raises(GaveUp, match="HTTP 429") as gave_up:
        works(client(server))
    assert time.monotonic() - started < 2
    assert len(server.requests) == 1
    assert gave_up.value.attempts == 1 and "3600s" in str(gave_up.value)


def test_server_errors_are_retried_a_bounded_number_of_times(server: ReplayServer) -> None:
    server.add("/works", [Reply(500, "oops"), Reply(503, "busy"), Reply(body=GOOD)])
    assert len(works(client(server))) == 49
    server.add("/works", Reply(502, "down"))
    with pytest.raises(GaveUp) as gave_up:
        works(client(server))
    assert gave_up.value.attempts == FAST.max_attempts
    assert len(server.requests) == 3 + FAST.max_attempts


def test_slow_answer_times_out_then_the_retry_succeeds(server: ReplayServer) -> None:
    server.add("/works", [Reply(body=GOOD, delay=1.0), Reply(body=GOOD)])
    assert len(works(client(server, timeout_seconds=0.2))) == 49
    assert len(server.requests) == 2


def test_truncated_json_is_retried_and_persistent_garbage_gives_up(server: ReplayServer) -> None:
    server.add("/works", [Reply(body=GOOD[:1000]), Reply(body=GOOD)])
    assert len(works(client(server))) == 49
    server.add("/works", Reply(body=b"<html>maintenance</html>", content_type="text/html"))
    with pytest.raises(GaveUp, match="unreadable JSON"):
        works(client(server))


def test_paging_stops_once_the_count_is_reached_without_asking_for_the_empty_page(server: ReplayServer) -> None:
    answer = json.loads(GOOD)
    answer["meta"]["next_cursor"] = "more"  # as OpenAlex does on its last full page
    server.add("/works", Reply(body=answer))
    assert len(works(client(server))) == answer["meta"]["count"]
    assert len(server.requests) == 1  # DOI batches fit one page: half the requests of paging to the empty one


def test_an_answer_that_is_json_but_not_a_page_is_not_taken_for_an_empty_result(server: ReplayServer) -> None:
    server.add("/works", Reply(body={"status": "maintenance"}))
    with pytest.raises(IncompleteResults, match="without a record count"):
        works(client(server))


@pytest.mark.parametrize("status", [401, 403])
def test_refused_access_is_not_retried(server: ReplayServer, status: int) -> None:
    server.add("/works", Reply(status, {"error": "bad key"}))
    with pytest.raises(AccessDenied) as denied:
        works(client(server))
    assert len(server.requests) == 1
    assert "secret" not in str(denied.value)  # the key never lands in a message or a log


def test_a_base_url_that_cannot_be_sent_to_says_so_without_retrying() -> None:
    with pytest.raises(ServiceError, match="check the service's base URL") as refused:
        PoliteClient("OpenAlex", "localhost:9", FAST).get("/works")  # no scheme: requests cannot send it
    assert not isinstance(refused.value, GaveUp)


def test_rate_limit_spaces_requests(server: ReplayServer) -> None:
    server.add("/works", Reply(body=GOOD))
    polite = client(server, requests_per_second=20.0)
    started = time.monotonic()
    for _ in range(6):
        works(polite)
    assert time.monotonic() - started >= 5 / 20 - 0.01


def test_retry_after_as_an_http_date_is_honoured_and_an_unreadable_one_falls_back_to_backoff(
    server: ReplayServer,
) -> None:
    in_two_seconds = formatdate(time.time() + 2, usegmt=True)  # HTTP dates have whole seconds: waits 1–2 s
    server.add("/works", [Reply(503, {}, headers={"Retry-After": in_two_seconds}), Reply(body=GOOD)])
    started = time.monotonic()
    works(client(server))
    assert time.monotonic() - started >= 0.95
    server.add("/works", [Reply(429, {}, headers={"Retry-After": "soon"}), Reply(body=GOOD)])
    polite = client(server)
    assert len(works(polite)) == 49
    assert (polite.attempts, polite.retries) == (2, 1)
