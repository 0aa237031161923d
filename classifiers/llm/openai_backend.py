"""The `openai` backend: AsyncOpenAI against any OpenAI-compatible server (OpenAI, llama.cpp, vLLM, Ollama …).

Retries are the SDK's own (`max_retries`): 408, 409, 429 and 5xx answers, timeouts and connection errors, with
exponential backoff or the server's `Retry-After`; other 4xx fail at once (a bad request or a refused key will not
get better by asking again).
"""

from __future__ import annotations

import os
import time
from typing import Any

import httpx2
import openai
from openai import AsyncOpenAI

from classifiers.llm.backend import ChatRequest, ChatResult, TransportFailure
from classifiers.llm.schemas import response_format
from classifiers.options import ClassifyRequest

_RETRY_COUNT_HEADER = "x-stainless-retry-count"  # the SDK stamps each attempt with the retries before it


def api_key() -> str:
    # Local servers ignore the key, but the client insists on one; the store redacts it (warehouse.secrets).
    return os.environ.get("OPENAI_API_KEY") or "not-needed-for-local-servers"


def _retries(request: httpx2.Request | None) -> int:
    try:
        return int(request.headers.get(_RETRY_COUNT_HEADER, 0)) if request is not None else 0
    except ValueError:
        return 0


class OpenAIBackend:
    name = "openai"

    def __init__(self, options: ClassifyRequest) -> None:
        if not options.model:
            raise ValueError("the openai backend needs a model name")
        self.options = options
        self.model: str | None = options.model
        self._client = AsyncOpenAI(
            api_key=api_key(), base_url=options.base_url, max_retries=options.max_retries, timeout=options.timeout_s
        )

    def parameters(self) -> dict[str, Any]:
        o = self.options
        return {
            "base_url": o.base_url,
            "structured_output": o.structured_output.value,
            "temperature": o.temperature,
            "seed": o.seed,
            "max_tokens": o.max_output_tokens,
        }

    def body(self, request: ChatRequest) -> dict[str, Any]:
        """The chat-completions request body (also the `body` of a Batch API request line)."""
        o = self.options
        body: dict[str, Any] = {
            "model": o.model,
            "messages": request.messages,
            "temperature": o.temperature,
            "max_tokens": o.max_output_tokens,
            # The llama.cpp form ({"type": "json_object", "schema": …}) is not in the SDK's types anyway.
            "response_format": response_format(request.answer_model, o.structured_output),
        }
        if o.seed is not None:
            body["seed"] = o.seed
        return body

    async def complete(self, request: ChatRequest) -> ChatResult:
        started = time.perf_counter()
        try:
            # The SDK's documented raw `post` (cast to the HTTP response) sends the body as it is and keeps the
            # request, whose headers count the retries: `chat.completions.create` would first run a recursive type
            # transform over messages and schema (~2-4 ms of CPU per call, which caps throughput at high
            # concurrency). Same endpoint, same retries and errors.
            response = await self._client.post("/chat/completions", body=self.body(request), cast_to=httpx2.Response)
        except openai.APIStatusError as exc:
            raise TransportFailure(
                type(exc).__name__, _short(exc), _retries(exc.request), time.perf_counter() - started, exc.status_code
            ) from exc
        except openai.APIError as exc:  # timeouts and connection errors, after the SDK's retries
            raise TransportFailure(
                type(exc).__name__, _short(exc), _retries(exc.request), time.perf_counter() - started
            ) from exc
        latency = time.perf_counter() - started
        retries = _retries(response.request)
        try:
            return chat_result(response.json(), latency, retries)
        except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:  # not a chat completion
            raise TransportFailure("UnexpectedResponse", _short(exc) or response.text[:200], retries, latency) from exc

    async def aclose(self) -> None:
        await self._client.close()


def chat_result(completion: dict[str, Any], latency_s: float = 0.0, retries: int = 0) -> ChatResult:
    """A chat completion's JSON as a ChatResult (KeyError, IndexError, TypeError … when it is not one); also reads
    the `body` of a Batch API output line."""
    choice = completion["choices"][0]
    message = choice["message"]
    usage = completion.get("usage") or {}
    return ChatResult(
        text=message.get("content") or "",
        finish_reason=choice.get("finish_reason"),
        refusal=message.get("refusal"),
        input_tokens=int(usage.get("prompt_tokens") or 0),
        output_tokens=int(usage.get("completion_tokens") or 0),
        latency_s=latency_s,
        transport_retries=retries,
    )


def _short(exc: BaseException, limit: int = 500) -> str:
    return str(exc)[:limit]
