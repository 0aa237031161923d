"""Unit tests of the engine's parts: cache keys, budget, rate limits, strict validation, failure diagnosis, prices."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from classifiers.engine.asker import validate
from classifiers.engine.budget import Budget, BudgetExhausted
from classifiers.engine.cache import cache_key
from classifiers.engine.diagnosis import Failures, failure_kind, run_failed
from classifiers.engine.limiter import RateLimiter
from classifiers.llm.backend import ChatResult
from classifiers.llm.prices import Price, price_for
from classifiers.options import ClassifyRequest, StructuredOutput
from classifiers.protocols import GateAnswer
from classifiers.protocols.aius import PTMS, USES_DL
from classifiers.protocols.base import Call
from classifiers.protocols.compact import GATE
from classifiers.store import OK, PARSE_ERROR, REFUSED
from classifiers.taxonomy import Task

KEY = {
    "content_hash": "c1",
    "text_hash": "t1",
    "doi": "10.1/x",
    "call": "aius.uses_dl",
    "protocol": "aius",
    "prompt_hash": USES_DL.hash,
    "model": "m",
    "parameters": {"temperature": 0.0, "seed": 42, "base_url": "http://a/v1"},
}


def test_cache_key_is_stable_and_ignores_where_the_server_lives() -> None:
    assert cache_key(**KEY) == cache_key(**KEY)
    moved = {**KEY, "parameters": {**KEY["parameters"], "base_url": "http://b/v1"}}
    assert cache_key(**moved) == cache_key(**KEY)


@pytest.mark.parametrize(
    "change",
    [
        {"content_hash": "c2"},
        {"text_hash": "t2"},  # the same file read by a new parser
        {"doi": "10.1/y"},
        {"call": "aius.uses_ptms"},
        {"protocol": "compact"},
        {"prompt_hash": PTMS.hash},
        {"model": "m2"},
        {"parameters": {"temperature": 0.7, "seed": 42}},
        {"code_fingerprint": "other-rules"},
    ],
)
def test_cache_key_changes_with_anything_that_changes_the_answer(change: dict) -> None:
    assert cache_key(**{**KEY, **change}) != cache_key(**KEY)


def test_prompt_hashes_are_distinct_and_cover_the_schema() -> None:
    hashes = {USES_DL.hash, PTMS.hash, GATE.hash}
    assert len(hashes) == 3 and all(len(h) == 16 for h in hashes)


def test_budget_reserves_worst_case_and_stops_before_overshooting() -> None:
    budget = Budget(max_tokens=1_000)
    first = budget.reserve(400, 200)
    with pytest.raises(BudgetExhausted):
        budget.reserve(400, 200)  # 600 reserved + 600 > 1000, although nothing is spent yet
    assert budget.exhausted
    budget.settle(first, 350, 50)
    assert budget.spent_tokens == 400


def test_budget_in_dollars_uses_the_price_table() -> None:
    budget = Budget(max_cost_usd=0.001, price=Price("m", 1.0, 2.0))  # $1 / $2 per million tokens
    reservation = budget.reserve(300, 100)  # $0.0005 worst case
    assert budget.settle(reservation, 300, 100) == pytest.approx(0.0005)
    with pytest.raises(BudgetExhausted):
        budget.reserve(300, 200)  # 0.0005 + 0.0007 > 0.001


def test_rate_limiter_spaces_requests_beyond_the_per_minute_allowance() -> None:
    async def three_requests() -> float:
        limiter = RateLimiter(requests_per_minute=120)  # 2 per second, the bucket starts full
        limiter._requests.level = 1  # only one left: the next ones must wait ~0.5 s each
        started = time.monotonic()
        for _ in range(3):
            await limiter.acquire(10)
        return time.monotonic() - started

    assert 0.9 <= asyncio.run(three_requests()) < 2.0


def test_token_limiter_lets_a_single_oversized_request_through() -> None:
    async def one() -> None:
        await RateLimiter(tokens_per_minute=100).acquire(10_000)

    asyncio.run(asyncio.wait_for(one(), 1))


def _result(text: str, finish: str = "stop", refusal: str | None = None) -> ChatResult:
    return ChatResult(text, finish, refusal, 10, 5, 0.1)


GATE_CALL = Call(GATE, (Task.USES_DL, Task.USES_PTMS), "text")
PTMS_CALL = Call(PTMS, (Task.PTMS,), "text")


@pytest.mark.parametrize(
    "text",
    [
        '{"uses_dl": {"answer": "true", "evidence": null}, "uses_ptms": {"answer": false, "evidence": null}}',
        '{"uses_dl": {"answer": 1, "evidence": null}, "uses_ptms": {"answer": false, "evidence": null}}',
        '{"uses_dl": {"answer": false, "evidence": null}, "uses_ptms": {"answer": true, "evidence": "x"}}',
        '{"uses_dl": {"answer": true, "evidence": null}}',
        '{"uses_dl": {"answer": true}, "uses_ptms": {"answer": true}, "verdict": "ignore the codebook"}',
        '[{"answer": true}]',
        "not json",
    ],
)
def test_values_outside_the_taxonomy_are_rejected_not_coerced(text: str) -> None:
    answer, status, error, may_reask = validate(GATE_CALL, _result(text))
    assert answer is None and status == PARSE_ERROR and error and may_reask


def test_unknown_reuse_pattern_or_stage_is_a_parse_error() -> None:
    mention = '{"name": "BERT", "reuse_pattern": "%s", "stage": "%s", "form": "", "evidence": "We used BERT."}'
    assert validate(PTMS_CALL, _result('{"ptms": [%s]}' % (mention % ("stolen", "test"))))[1] == PARSE_ERROR
    assert validate(PTMS_CALL, _result('{"ptms": [%s]}' % (mention % ("deployment", "testing"))))[1] == PARSE_ERROR
    answer, status, _, _ = validate(PTMS_CALL, _result('{"ptms": [%s]}' % (mention % ("deployment", "test"))))
    assert status == OK and answer.ptms[0].name == "BERT"


def test_truncation_fails_fast_and_refusals_are_their_own_status() -> None:
    ok_text = '{"uses_dl": {"answer": true, "evidence": "a"}, "uses_ptms": {"answer": true, "evidence": "b"}}'
    assert isinstance(validate(GATE_CALL, _result(ok_text))[0], GateAnswer)
    _, status, error, may_reask = validate(GATE_CALL, _result(ok_text[:30], finish="length"))
    assert status == PARSE_ERROR and "truncated" in error and not may_reask
    assert validate(GATE_CALL, _result("", refusal="no"))[1] == REFUSED


def test_prices_come_from_the_csv_table(tmp_path: Path) -> None:
    table = tmp_path / "prices.csv"
    table.write_text("model,input_usd_per_mtok,output_usd_per_mtok,note\nlocal,0,0,\nacme-1,2,8,\n")
    assert price_for("acme-1-2026-01-01", path=table).input_usd_per_mtok == 2  # dated snapshot → prefix
    assert price_for("unknown", "https://api.example.com/v1", path=table) is None
    assert price_for("anything", "http://127.0.0.1:8080/v1", path=table).output_usd_per_mtok == 0
    assert price_for("gpt-4o-mini").input_usd_per_mtok > 0  # the shipped table


LLAMA_CPP_REJECTS_JSON_SCHEMA = (  # what llama-cpp-python's server answered to a json_schema request (HTTP 500)
    "Error code: 500 - {'error': {'message': \"1 validation error: {'type': 'literal_error', 'loc': ('body', "
    "'response_format', 'type'), 'msg': \\\"Input should be 'text' or 'json_object'\\\", 'input': 'json_schema'}\"}}"
)


@pytest.mark.parametrize(
    ("error_class", "status", "message", "structured_output", "fix"),
    [
        ("InternalServerError", 500, LLAMA_CPP_REJECTS_JSON_SCHEMA, "json_schema", "json_object_schema"),
        ("BadRequestError", 400, "This model's maximum context length is 8192 tokens", "json_schema", "--token-budget"),
        ("AuthenticationError", 401, "Incorrect API key provided", "json_schema", "OPENAI_API_KEY"),
        ("NotFoundError", 404, "The model `gpt-5-nano` does not exist", "json_schema", "--model"),
        ("RateLimitError", 429, "Rate limit reached", "json_schema", "--rpm"),
        ("APITimeoutError", None, "Request timed out.", "json_schema", "--timeout"),
        ("APIConnectionError", None, "Connection error.", "json_object", "--base-url"),
        ("InternalServerError", 502, "Bad gateway", "json_object", "its log"),
    ],
)
def test_each_kind_of_failed_call_gets_its_fix(
    error_class: str, status: int | None, message: str, structured_output: str, fix: str
) -> None:
    options = ClassifyRequest(backend="openai", model="m", structured_output=StructuredOutput(structured_output))
    failures = Failures()
    failures.add(failure_kind(error_class, status, message), f"{error_class}: {message}")
    failures.add("refused", "refusal: no")
    summary = failures.summary(asked=3, options=options)
    assert summary.startswith("2 of 3 calls failed; most common (1×)") and fix in summary


def test_a_run_fails_when_more_than_half_of_its_calls_failed() -> None:
    assert run_failed(asked=10, failed=6) and run_failed(asked=1, failed=1)
    assert not run_failed(asked=10, failed=5) and not run_failed(asked=0, failed=0)


def test_a_failure_message_that_echoes_the_key_is_summarised_without_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-SECRET-0123456789")
    failures = Failures()
    failures.add("http 500", "InternalServerError: bad gateway for Bearer sk-test-SECRET-0123456789")
    summary = failures.summary(asked=1, options=ClassifyRequest(backend="openai", model="m"))
    assert "sk-test-SECRET" not in summary and "Bearer [redacted]" in summary
