"""The Batch API's JSONL: request lines (`custom_id` = the cache key), shards within the API's limits, result lines.

One request line is `{"custom_id", "method", "url", "body"}` with the body a synchronous call would send. A result
line (OpenAI's output or error file, or `vllm run-batch`'s output) is `{"custom_id", "response": {"status_code",
"body"}, "error"}`; `read_results` turns each into what the synchronous transport gives: a ChatResult or a
TransportFailure.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

from classifiers.llm.backend import ChatResult, TransportFailure
from classifiers.llm.openai_backend import chat_result

ENDPOINT = "/v1/chat/completions"
MAX_REQUESTS = 50_000  # per batch file (OpenAI's limit)
MAX_BYTES = 200 * 1000 * 1000  # per batch file: 200 MB (OpenAI's limit, read as decimal megabytes to be safe)


def request_line(custom_id: str, body: dict[str, Any]) -> bytes:
    line = {"custom_id": custom_id, "method": "POST", "url": ENDPOINT, "body": body}
    return json.dumps(line, ensure_ascii=False, separators=(",", ":")).encode() + b"\n"


def write_atomically(path: Path, data: bytes) -> None:
    """Write a file whole or not at all (a kill leaves the old file or none, never half of one)."""
    temporary = path.with_name(path.name + ".tmp")
    with temporary.open("wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)


def shards(lines: Iterable[bytes], max_requests: int = MAX_REQUESTS, max_bytes: int = MAX_BYTES) -> Iterator[bytes]:
    """The lines grouped into files of at most `max_requests` lines and `max_bytes` bytes."""
    chunk: list[bytes] = []
    size = 0
    for line in lines:
        if len(line) > max_bytes:
            raise ValueError(f"one request is {len(line):,} bytes, over the {max_bytes:,}-byte batch file limit")
        if chunk and (len(chunk) == max_requests or size + len(line) > max_bytes):
            yield b"".join(chunk)
            chunk, size = [], 0
        chunk.append(line)
        size += len(line)
    if chunk:
        yield b"".join(chunk)


def sent_messages(path: Path) -> Iterator[tuple[str, list[dict[str, str]]]]:
    """(custom_id, messages) of each request line of a shard, read one line at a time."""
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                request = json.loads(line)
                yield request["custom_id"], request["body"]["messages"]


def _failure(line: dict[str, Any]) -> TransportFailure | None:
    error = line.get("error")
    if error:
        return TransportFailure(str(error.get("code") or "BatchError"), str(error.get("message") or error)[:500])
    response = line.get("response") or {}
    status = response.get("status_code")
    if status == 200:
        return None
    body = response.get("body") or {}
    message = (body.get("error") or {}).get("message") if isinstance(body, dict) else None
    return TransportFailure("APIStatusError", str(message or body)[:500], status_code=status)


def read_results(path: Path) -> Iterator[tuple[str, ChatResult | TransportFailure]]:
    """(custom_id, answer or failure) for each line of an output or error file."""
    with path.open("rb") as handle:
        for number, raw in enumerate(handle, 1):
            if not raw.strip():
                continue
            try:
                line = json.loads(raw)
                custom_id = line["custom_id"]
            except (ValueError, KeyError, TypeError) as exc:
                raise ValueError(f"{path}: line {number} is not a batch result line ({exc})") from exc
            failure = _failure(line)
            if failure is not None:
                yield custom_id, failure
                continue
            try:
                yield custom_id, chat_result(line["response"]["body"])
            except (KeyError, IndexError, TypeError, AttributeError) as exc:
                yield custom_id, TransportFailure("UnexpectedResponse", f"not a chat completion: {exc}"[:500])
