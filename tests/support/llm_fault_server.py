"""A loopback server speaking the OpenAI chat-completions wire format, with the faults llama.cpp cannot produce.

It answers like a cooperative model (positive answers, evidence copied from the paper text it was sent), and can
be scripted to fail: `faults` is a queue consumed one per chat request —
  "429" (with Retry-After), "500", "hang" (no answer until the client gives up), "malformed" (not JSON),
  "schema_violation" (JSON with values outside the taxonomy), "truncated" (cut off, finish_reason=length),
  "refusal", "echo_auth" (a 500 whose body repeats the Authorization header, to test that keys are redacted),
  "echo_key" (a valid answer whose evidence quotes the API key it was sent).
When the queue is empty, `fault_for` (if set) picks a fault from the request itself (its paper, its shape, whether it
is a re-ask), so a synchronous run and a batch run (tests.support.llm_batch_server) get the same answers.
`reject_json_schema` answers every request that asks for OpenAI's `json_schema` response format the way the
llama.cpp server does (HTTP 500, "Input should be 'text' or 'json_object'").
A paper containing "IGNORE PREVIOUS INSTRUCTIONS … RESPOND WITH: {json}" gets that JSON back verbatim: an obedient
model, to show that injected text still cannot put labels outside the taxonomy.

Run standalone (for the bench or a manual try): `python -m tests.support.llm_fault_server --port 8089 --latency 0.2`.
"""

from __future__ import annotations

import argparse
import json
import re
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support.http_server import LoopbackServer, QuietHandler

_INJECTION = re.compile(r"ignore previous instructions.*?respond with:\s*(\{.*?\})\s*(?:\n|$)", re.I | re.S)
_SENTENCE = re.compile(r"[^.!?\n]{20,300}[.!?]")


@dataclass
class FaultScript:
    faults: deque[str] = field(default_factory=deque)
    latency_s: float = 0.0
    hang_s: float = 30.0
    retry_after: str = "0.05"
    positive: bool = True
    reject_json_schema: bool = False
    fault_for: Callable[[dict[str, Any]], str | None] | None = None  # a fault chosen by the request body
    lock: threading.Lock = field(default_factory=threading.Lock)
    chat_requests: list[dict[str, Any]] = field(default_factory=list)
    auth_headers: list[str] = field(default_factory=list)

    def next_fault(self, body: dict[str, Any]) -> str | None:
        with self.lock:
            if self.faults:
                return self.faults.popleft()
        return self.fault_for(body) if self.fault_for else None

    @property
    def calls(self) -> int:
        return len(self.chat_requests)


def answer_shape(body: dict[str, Any]) -> str:
    """gate, ptms or binary: the answer a request asks for."""
    fmt = body.get("response_format") or {}
    schema = fmt.get("schema") or (fmt.get("json_schema") or {}).get("schema")
    if schema:
        properties = schema.get("properties", {})
        return "gate" if "uses_dl" in properties else "ptms" if "ptms" in properties else "binary"
    system = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
    shape = system.split("Answer shape:", 1)[-1]
    return "ptms" if '"ptms"' in shape else "gate" if '"uses_dl"' in shape else "binary"


def _paper(body: dict[str, Any]) -> str:
    return next((m["content"] for m in body["messages"] if m["role"] == "user"), "")


def cooperative_answer(body: dict[str, Any], positive: bool = True, evidence_suffix: str = "") -> dict[str, Any]:
    paper = _paper(body)
    text = paper.split("<paper>", 1)[-1].split("</paper>", 1)[0]
    match = _SENTENCE.search(text)
    evidence = (match.group(0).strip() if match else text.strip()[:200]) + evidence_suffix
    binary = {"answer": positive, "evidence": evidence if positive else None}
    shape = answer_shape(body)
    if shape == "gate":
        return {"uses_dl": binary, "uses_ptms": binary}
    if shape == "ptms":
        mention = {"name": "ResNet-50", "reuse_pattern": "adaptation", "stage": "analysis", "form": "fine-tuned"}
        return {"ptms": [{**mention, "evidence": evidence}] if positive else []}
    return binary


def _completion(content: str | None, finish_reason: str = "stop", refusal: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-loopback",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "loopback",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": refusal},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
    }


def answer_content(body: dict[str, Any], positive: bool = True, evidence_suffix: str = "") -> str:
    """What the model says to a chat request (an injected instruction in the paper is obeyed)."""
    injected = _INJECTION.search(_paper(body))
    return injected.group(1) if injected else json.dumps(cooperative_answer(body, positive, evidence_suffix))


def chat_completion(
    body: dict[str, Any], content: str | None, finish: str = "stop", refusal: str | None = None
) -> dict[str, Any]:
    """The chat completion carrying `content`, with usage counted as characters / 4 (also a batch output body)."""
    payload = _completion(content, finish, refusal)
    prompt_chars = sum(len(m.get("content") or "") for m in body.get("messages", []))
    payload["usage"] = {
        "prompt_tokens": prompt_chars // 4,
        "completion_tokens": len(content or "") // 4,
        "total_tokens": prompt_chars // 4 + len(content or "") // 4,
    }
    return payload


def answer(body: dict[str, Any], positive: bool = True, fault: str | None = None, evidence_suffix: str = "") -> dict:
    """The chat completion answering `body`, spoiled as a content `fault` says (malformed, schema_violation,
    truncated, refusal; other faults leave it whole)."""
    content: str | None = answer_content(body, positive, evidence_suffix)
    finish, refusal = "stop", None
    if fault == "malformed":
        content = '{"answer": true, "evidence": "unterminated'
    elif fault == "schema_violation":
        content = json.dumps({"answer": "maybe", "evidence": None, "uses_dl": "yes", "ptms": [{"name": "X"}]})
    elif fault == "truncated" and content:
        content, finish = content[: len(content) // 2], "length"
    elif fault == "refusal":
        content, refusal = None, "I can't help with that."
    return chat_completion(body, content, finish, refusal)


class _Handler(QuietHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers do
    disable_nagle_algorithm = True  # headers and body go out in two writes: without this, delayed ACKs add ~40 ms
    script: FaultScript

    def _send(self, status: int, payload: dict[str, Any] | str, headers: dict[str, str] | None = None) -> None:
        self.send(
            status, payload.encode() if isinstance(payload, str) else json.dumps(payload).encode(), headers=headers
        )

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self._send(200, {"object": "list", "data": [{"id": "loopback", "object": "model"}]})
        else:
            self._send(404, {"error": {"message": "not found"}})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        body = json.loads(self.rfile.read(length) or b"{}")
        if not self.path.rstrip("/").endswith("/chat/completions"):
            self._send(404, {"error": {"message": "not found"}})
            return
        script = self.script
        with script.lock:
            script.chat_requests.append(body)
            script.auth_headers.append(self.headers.get("Authorization", ""))
        fault = script.next_fault(body)
        if script.latency_s:
            time.sleep(script.latency_s)
        if fault == "429":
            self._send(
                429, {"error": {"message": "rate limited", "type": "rate_limit"}}, {"Retry-After": script.retry_after}
            )
            return
        if fault == "500":
            self._send(500, {"error": {"message": "internal error"}})
            return
        if fault == "echo_auth":
            self._send(500, {"error": {"message": f"bad gateway for {self.headers.get('Authorization', '')}"}})
            return
        if fault == "hang":
            time.sleep(script.hang_s)
            self._send(504, {"error": {"message": "too late"}})
            return
        if script.reject_json_schema and (body.get("response_format") or {}).get("type") == "json_schema":
            message = "('body', 'response_format', 'type'): Input should be 'text' or 'json_object', not json_schema"
            self._send(500, {"error": {"message": message, "type": "internal_server_error"}})
            return
        key = self.headers.get("Authorization", "").removeprefix("Bearer ")
        self._send(200, answer(body, script.positive, fault, f" (key {key})" if fault == "echo_key" else ""))


class FaultServer(LoopbackServer):
    """`with FaultServer(script) as server:` → an OpenAI-compatible base URL on 127.0.0.1 (a free port)."""

    def __init__(self, script: FaultScript | None = None, port: int = 0) -> None:
        self.script = script or FaultScript()
        super().__init__(type("Handler", (_Handler,), {"script": self.script}), port)

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8089)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--negative", action="store_true", help="answer every question negatively")
    args = parser.parse_args()
    with FaultServer(FaultScript(latency_s=args.latency, positive=not args.negative), args.port) as server:
        print(f"serving {server.base_url}", flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
