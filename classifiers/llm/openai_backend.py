"""The `openai` backend: AsyncOpenAI against any OpenAI-compatible server (OpenAI, llama.cpp, vLLM, Ollama …)."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from typing import Any

import openai
from openai import AsyncOpenAI
from openai.types.chat import ChatCompletion
from tenacity import AsyncRetrying, retry_if_exception, stop_after_attempt

from classifiers.llm.backend import ChatRequest, ChatResult, TransportFailure
from classifiers.llm.retry import RetryPolicy
from classifiers.llm.schemas import StructuredOutput, response_format

DEFAULT_BASE_URL = "http://127.0.0.1:8080/v1"


@dataclass(frozen=True, slots=True)
class OpenAISettings:
    model: str
    base_url: str = field(default_factory=lambda: os.environ.get("OPENAI_BASE_URL", DEFAULT_BASE_URL))
    structured_output: StructuredOutput = StructuredOutput.JSON_SCHEMA
    temperature: float = 0.0
    seed: int | None = 42
    max_tokens: int = 1024
    retry: RetryPolicy = field(default_factory=RetryPolicy)


def api_key() -> str:
    # Local servers ignore the key, but the client insists on one; the key is never stored or logged.
    return os.environ.get("OPENAI_API_KEY") or "not-needed-for-local-servers"


class OpenAIBackend:
    name = "openai"

    def __init__(self, settings: OpenAISettings) -> None:
        self.settings = settings
        self.model = settings.model
        self._client = AsyncOpenAI(
            api_key=api_key(),
            base_url=settings.base_url,
            max_retries=0,  # our RetryPolicy is the only retry layer
            timeout=settings.retry.timeout_s,
        )

    def parameters(self) -> dict[str, Any]:
        s = self.settings
        return {
            "base_url": s.base_url,
            "structured_output": s.structured_output.value,
            "temperature": s.temperature,
            "seed": s.seed,
            "max_tokens": s.max_tokens,
        }

    async def _create(self, request: ChatRequest) -> ChatCompletion:
        s = self.settings
        body: dict[str, Any] = {
            "model": s.model,
            "messages": request.messages,
            "temperature": s.temperature,
            "max_tokens": s.max_tokens,
            # The llama.cpp form ({"type": "json_object", "schema": …}) is not in the SDK's types anyway.
            "response_format": response_format(request.answer_model, s.structured_output),
        }
        if s.seed is not None:
            body["seed"] = s.seed
        # The SDK's documented raw `post` sends the body as it is: `chat.completions.create` first runs a recursive
        # type transform over messages and schema that costs ~2-4 ms of CPU per call, which caps throughput at high
        # concurrency. Same endpoint, same errors, same parsed ChatCompletion.
        return await self._client.post("/chat/completions", body=body, cast_to=ChatCompletion)

    async def complete(self, request: ChatRequest) -> ChatResult:
        policy = self.settings.retry
        retries = 0
        started = time.perf_counter()

        def before_sleep(state: Any) -> None:
            nonlocal retries
            retries += 1

        retrying = AsyncRetrying(
            stop=stop_after_attempt(policy.max_attempts),
            retry=retry_if_exception(policy.is_retryable),
            wait=lambda state: policy.wait_s(state.attempt_number, state.outcome.exception()),
            before_sleep=before_sleep,
            reraise=True,
        )
        try:
            response = await retrying(self._create, request)
        except openai.APIStatusError as exc:
            raise TransportFailure(
                type(exc).__name__, _short(exc), retries, time.perf_counter() - started, exc.status_code
            ) from exc
        except (openai.APIError, ValueError) as exc:  # timeouts, connection errors, undecodable bodies
            raise TransportFailure(type(exc).__name__, _short(exc), retries, time.perf_counter() - started) from exc
        latency = time.perf_counter() - started
        if not response.choices:
            raise TransportFailure("EmptyResponse", "the server returned no choices", retries, latency)
        choice = response.choices[0]
        usage = response.usage
        return ChatResult(
            text=choice.message.content or "",
            finish_reason=choice.finish_reason,
            refusal=getattr(choice.message, "refusal", None),
            input_tokens=usage.prompt_tokens if usage else 0,
            output_tokens=usage.completion_tokens if usage else 0,
            latency_s=latency,
            transport_retries=retries,
            response_model=response.model,
        )

    async def aclose(self) -> None:
        await self._client.close()


def _short(exc: BaseException, limit: int = 500) -> str:
    return str(exc)[:limit]
