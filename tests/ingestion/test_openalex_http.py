"""The polite client under injected faults: 429 + Retry-After, 500, slow and truncated answers, refused keys."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import UTC, datetime

import pytest

from ingestion.web import AccessDenied, GaveUp, PoliteClient
from ingestion.web.client import parse_retry_after, redact
from tests.support.env import FAST
from tests.support.http_server import ReplayServer, Reply
from tests.support.recorded import RECORDED

GOOD = (RECORDED / "openalex-peneira" / "works.json").read_bytes()


@pytest.fixture
def server():  # type: ignore[no-untyped-def]
    with ReplayServer() as srv:
        yield srv


def client(server: ReplayServer, **changes: float) -> PoliteClient:
    return PoliteClient("OpenAlex", server.url, replace(FAST, **changes), params={"api_key": "secret"})


def test_429_waits_as_long_as_retry_after_says(server: ReplayServer) -> None:
    server.add("/works", [Reply(429, {"error": "slow down"}, headers={"Retry-After": "1"}), Reply(body=GOOD)])
    started = time.monotonic()
    body = client(server).get_json("/works")
    assert time.monotonic() - started >= 0.95  # backoff alone would wait ~0.01 s
    assert len(body["results"]) == 49
    assert len(server.requests) == 2


def test_retry_after_beyond_the_budget_gives_up_without_waiting(server: ReplayServer) -> None:
    server.add("/works", Reply(429, {}, headers={"Retry-After": "3600"}))
    started = time.monotonic()
    with pytest.raises(GaveUp, match="HTTP 429"):
        client(server).get_json("/works")
    assert time.monotonic() - started < 2
    assert len(server.requests) == 1


def test_server_errors_are_retried_a_bounded_number_of_times(server: ReplayServer) -> None:
    server.add("/works", [Reply(500, "oops"), Reply(503, "busy"), Reply(body=GOOD)])
    assert client(server).get_json("/works")["meta"]["count"] == 49
    server.add("/works", Reply(502, "down"))
    with pytest.raises(GaveUp) as gave_up:
        client(server).get_json("/works")
    assert gave_up.value.attempts == FAST.max_attempts
    assert len(server.requests) == 3 + FAST.max_attempts


def test_slow_answer_times_out_then_the_retry_succeeds(server: ReplayServer) -> None:
    server.add("/works", [Reply(body=GOOD, delay=1.0), Reply(body=GOOD)])
    assert client(server, timeout_seconds=0.2).get_json("/works")["meta"]["count"] == 49
    assert len(server.requests) == 2


def test_truncated_json_is_retried_and_persistent_garbage_gives_up(server: ReplayServer) -> None:
    server.add("/works", [Reply(body=GOOD[:1000]), Reply(body=GOOD)])
    assert len(client(server).get_json("/works")["results"]) == 49
    server.add("/works", Reply(body=b"<html>maintenance</html>", content_type="text/html"))
    with pytest.raises(GaveUp, match="unreadable JSON"):
        client(server).get_json("/works")


@pytest.mark.parametrize("status", [401, 403])
def test_refused_access_is_not_retried(server: ReplayServer, status: int) -> None:
    server.add("/works", Reply(status, {"error": "bad key"}))
    with pytest.raises(AccessDenied) as denied:
        client(server).get_json("/works")
    assert len(server.requests) == 1
    assert "secret" not in str(denied.value)  # the key never lands in a message or a log


def test_rate_limit_spaces_requests(server: ReplayServer) -> None:
    server.add("/works", Reply(body=b"{}"))
    polite = client(server, requests_per_second=20.0)
    started = time.monotonic()
    for _ in range(6):
        polite.get_json("/works")
    assert time.monotonic() - started >= 5 / 20 - 0.01


def test_retry_after_accepts_seconds_and_http_dates() -> None:
    now = datetime(2026, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after("Sun, 01 Mar 2026 12:00:30 GMT", now=now) == 30.0
    assert parse_retry_after("soon") is None
    assert "secret" not in redact("https://api.openalex.org/works?api_key=secret&filter=doi:x")
