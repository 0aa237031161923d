"""A loopback server implementing OpenAI's documented Files and Batches endpoints, for the real `openai` client.

Batch request lines are answered by the same function as the chat fault server's requests
(tests.support.llm_fault_server.answer), so a batch run and a synchronous run get the same answers. Endpoints:
POST /v1/files (multipart upload), GET /v1/files[?purpose=], GET /v1/files/{id}, GET /v1/files/{id}/content,
POST /v1/batches, GET /v1/batches[?limit=], GET /v1/batches/{id}, GET /v1/models.

A batch is `validating` when created and `in_progress` when first looked at; it ends at look number `looks`:
`completed`, unless `outcomes` (one entry per created batch, in order) scripts another ending:
  "expire":  `expired`; the first half of its requests answered in the output file, the others in the error file
             with code batch_expired (as OpenAI reports requests a window did not reach);
  "errors":  `completed`; every second request failed with HTTP 500 in the error file;
  "partial": `completed`, but the last request is in neither file;
  "fail":    `failed`, with `errors.data` and no files.
`fault_for` spoils single answers as the chat fault server's does (picked by the request body: the same answers as a
synchronous run against a FaultServer with the same `fault_for`).
`hold` maps steps to the occurrence (1 = the first) at which the server stops until `release` is set, so a test
can kill the client exactly there: "upload" (before the file is stored), "uploaded" (stored, not yet answered),
"created" (batch created, not yet answered), "poll" (a status look), "content" (a file download). `held` is set
when it stops.
Counters (`uploads`, `creations`, `answered`, `tokens`) show whether anything was sent or paid for twice.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import default as default_policy
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.support.http_server import LoopbackServer, QuietHandler
from tests.support.llm_fault_server import answer

EXPIRED_MESSAGE = "This request could not be executed before the completion window expired."


@dataclass
class BatchScript:
    outcomes: deque[str | None] = field(default_factory=deque)
    looks: int = 2  # status looks until a batch ends
    positive: bool = True
    fault_for: Callable[[dict[str, Any]], str | None] | None = None  # a fault chosen by the request body
    hold: dict[str, int] = field(default_factory=dict)  # step → the occurrence (1 = first) to stop at
    seen: dict[str, int] = field(default_factory=dict)  # occurrences of each step so far
    held: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    files: dict[str, dict[str, Any]] = field(default_factory=dict)  # id → file object (+ "_content")
    batches: dict[str, dict[str, Any]] = field(default_factory=dict)
    uploads: int = 0
    creations: int = 0
    answered: int = 0
    tokens: int = 0  # the usage of every answer, as the server reports (and bills) it
    custom_ids: list[str] = field(default_factory=list)  # every request line answered, in order
    ids: itertools.count = field(default_factory=itertools.count)

    def pause(self, step: str) -> bool:
        """Stop here if the test asked to (once); True if it stopped."""
        with self.lock:
            self.seen[step] = self.seen.get(step, 0) + 1
            if self.hold.get(step) != self.seen[step]:
                return False
        self.held.set()
        self.release.wait(60)
        return True


def _public(obj: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in obj.items() if not key.startswith("_")}


class _Handler(QuietHandler):
    protocol_version = "HTTP/1.1"
    script: BatchScript

    def _send(self, status: int, payload: dict[str, Any] | bytes, content_type: str = "application/json") -> None:
        self.send(status, payload if isinstance(payload, bytes) else json.dumps(payload).encode(), content_type)

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length", 0)))

    def _file(self, content: bytes, filename: str, purpose: str) -> dict[str, Any]:
        script = self.script
        file_id = f"file-{next(script.ids)}"
        script.files[file_id] = {
            "id": file_id, "object": "file", "bytes": len(content), "created_at": int(time.time()),
            "filename": filename, "purpose": purpose, "status": "processed", "_content": content,
        }  # fmt: skip
        return script.files[file_id]

    def do_GET(self) -> None:
        parts = urlsplit(self.path)
        path, query = parts.path.rstrip("/"), parse_qs(parts.query)
        script = self.script
        if path.endswith("/models"):
            self._send(200, {"object": "list", "data": [{"id": "loopback", "object": "model"}]})
        elif path.endswith("/files"):
            purpose = (query.get("purpose") or [None])[0]
            with script.lock:
                data = [_public(f) for f in script.files.values() if purpose in (None, f["purpose"])]
            self._send(200, {"object": "list", "data": data, "has_more": False})
        elif path.endswith("/content") and (file := script.files.get(path.split("/")[-2])):
            if not script.pause("content"):
                self._send(200, file["_content"], "application/octet-stream")
        elif "/files/" in path and (file := script.files.get(path.split("/")[-1])):
            self._send(200, _public(file))
        elif path.endswith("/batches"):
            with script.lock:
                data = [_public(b) for b in reversed(script.batches.values())]  # newest first, as OpenAI lists
            self._send(200, {"object": "list", "data": data, "has_more": False})
        elif "/batches/" in path and (batch := script.batches.get(path.split("/")[-1])):
            if script.pause("poll"):
                return
            with script.lock:
                self._advance(batch)
                self._send(200, _public(batch))
        else:
            self._send(404, {"error": {"message": f"not found: {self.path}"}})

    def do_POST(self) -> None:
        path = urlsplit(self.path).path.rstrip("/")
        script = self.script
        body = self._body()
        if path.endswith("/files"):
            if script.pause("upload"):
                return  # killed before the file was stored
            message = BytesParser(policy=default_policy).parsebytes(
                b"Content-Type: " + self.headers["Content-Type"].encode() + b"\r\n\r\n" + body
            )
            fields = {part.get_param("name", header="content-disposition"): part for part in message.iter_parts()}
            upload = fields["file"]
            purpose = fields["purpose"].get_payload(decode=True).decode()
            with script.lock:
                script.uploads += 1
                file = self._file(upload.get_payload(decode=True), upload.get_filename() or "upload", purpose)
            if not script.pause("uploaded"):
                self._send(200, _public(file))
        elif path.endswith("/batches"):
            request = json.loads(body)
            with script.lock:
                if request["input_file_id"] not in script.files:
                    self._send(404, {"error": {"message": "no such file"}})
                    return
                script.creations += 1
                batch_id = f"batch_{next(script.ids)}"
                outcome = script.outcomes.popleft() if script.outcomes else None
                lines = script.files[request["input_file_id"]]["_content"].splitlines()
                script.batches[batch_id] = {
                    "id": batch_id, "object": "batch", "endpoint": request["endpoint"], "errors": None,
                    "input_file_id": request["input_file_id"], "completion_window": request["completion_window"],
                    "status": "validating", "output_file_id": None, "error_file_id": None,
                    "created_at": int(time.time()), "metadata": request.get("metadata"),
                    "request_counts": {"total": len(lines), "completed": 0, "failed": 0},
                    "_outcome": outcome, "_looks": 0,
                }  # fmt: skip
                batch = script.batches[batch_id]
            if not script.pause("created"):
                self._send(200, _public(batch))
        else:
            self._send(404, {"error": {"message": f"not found: {self.path}"}})

    def _advance(self, batch: dict[str, Any]) -> None:
        """One status look: validating → in_progress → (at look `looks`) the scripted end. Holds the lock."""
        if batch["status"] not in ("validating", "in_progress"):
            return
        batch["_looks"] += 1
        if batch["_looks"] < self.script.looks:
            batch["status"] = "in_progress"
            return
        self._finish(batch)

    def _finish(self, batch: dict[str, Any]) -> None:
        script, outcome = self.script, batch["_outcome"]
        if outcome == "fail":
            batch["status"] = "failed"
            batch["errors"] = {"object": "list", "data": [{"code": "invalid_request", "message": "scripted failure",
                                                           "line": None, "param": None}]}  # fmt: skip
            return
        requests = [json.loads(line) for line in script.files[batch["input_file_id"]]["_content"].splitlines()]
        output, errors = [], []
        for index, line in enumerate(requests):
            request_id = f"req_{next(script.ids)}"
            if outcome == "partial" and index == len(requests) - 1:
                continue
            if outcome == "expire" and index >= len(requests) // 2:
                errors.append({"id": f"batch_req_{request_id}", "custom_id": line["custom_id"], "response": None,
                               "error": {"code": "batch_expired", "message": EXPIRED_MESSAGE}})  # fmt: skip
                continue
            if outcome == "errors" and index % 2 == 1:
                failure = {"error": {"message": "The server had an error processing your request.",
                                     "type": "server_error"}}  # fmt: skip
                errors.append({"id": f"batch_req_{request_id}", "custom_id": line["custom_id"],
                               "response": {"status_code": 500, "request_id": request_id, "body": failure},
                               "error": None})  # fmt: skip
                continue
            fault = script.fault_for(line["body"]) if script.fault_for else None
            completion = answer(line["body"], script.positive, fault)
            script.answered += 1
            script.tokens += completion["usage"]["total_tokens"]
            script.custom_ids.append(line["custom_id"])
            output.append({"id": f"batch_req_{request_id}", "custom_id": line["custom_id"],
                           "response": {"status_code": 200, "request_id": request_id, "body": completion},
                           "error": None})  # fmt: skip

        def jsonl(records: list[dict[str, Any]]) -> bytes:
            return b"".join(json.dumps(record).encode() + b"\n" for record in records)

        if output:
            batch["output_file_id"] = self._file(jsonl(output), "batch_output.jsonl", "batch_output")["id"]
        if errors:
            batch["error_file_id"] = self._file(jsonl(errors), "batch_errors.jsonl", "batch_output")["id"]
        batch["status"] = "expired" if outcome == "expire" else "completed"
        batch["request_counts"] = {"total": len(requests), "completed": len(output), "failed": len(errors)}


class BatchServer(LoopbackServer):
    """`with BatchServer(script) as server:` → an OpenAI-compatible base URL on 127.0.0.1 (a free port)."""

    def __init__(self, script: BatchScript | None = None) -> None:
        self.script = script or BatchScript()
        super().__init__(type("Handler", (_Handler,), {"script": self.script}))

    @property
    def base_url(self) -> str:
        return f"{self.url}/v1"

    def __exit__(self, *exc: object) -> None:
        self.script.release.set()  # a held step lets go, so the server can shut down
        super().__exit__(*exc)
