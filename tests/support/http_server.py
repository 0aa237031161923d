"""A real HTTP server on 127.0.0.1 that replays recorded responses and injects faults.

Routes match a path and, optionally, a subset of query parameters. A route serves a list of replies in order
(the last one repeats), or calls a function of the request, so one server can answer like OpenAlex for any
DOI batch. Every request is recorded, so tests assert what the client actually sent and how often.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True, slots=True)
class Request:
    path: str
    params: dict[str, list[str]]
    headers: dict[str, str]

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None


@dataclass(slots=True)
class Reply:
    status: int = 200
    body: bytes | str | dict | list = b""
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json"
    delay: float = 0.0  # seconds to wait before answering (a slow server)

    def payload(self) -> bytes:
        if isinstance(self.body, bytes):
            return self.body
        if isinstance(self.body, str):
            return self.body.encode()
        return json.dumps(self.body).encode()


Responder = Callable[[Request], Reply]


@dataclass(slots=True)
class _Route:
    path: str
    params: dict[str, str]
    replies: list[Reply] | None = None
    responder: Responder | None = None
    served: int = 0

    def matches(self, request: Request) -> bool:
        return request.path == self.path and all(request.param(k) == v for k, v in self.params.items())

    def answer(self, request: Request) -> Reply:
        if self.responder is not None:
            return self.responder(request)
        assert self.replies
        reply = self.replies[min(self.served, len(self.replies) - 1)]
        self.served += 1
        return reply


class QuietHandler(BaseHTTPRequestHandler):
    """A request handler that logs nothing and whose `send` shrugs off a client that went away (it gave up, or a
    test killed it)."""

    def log_message(self, *_: Any) -> None:
        pass

    def send(
        self, status: int, data: bytes, content_type: str = "application/json", headers: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default backlog of 5 resets connections when 32 clients connect at once


class LoopbackServer:
    """Serves `handler` on 127.0.0.1 (port 0: a free one) from a daemon thread while used as a context manager;
    `url` is the base URL to hand to the client under test."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], port: int = 0) -> None:
        self._server = _Server(("127.0.0.1", port), handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> Self:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._server.shutdown()
        self._server.server_close()


class ReplayServer(LoopbackServer):
    """Use as a context manager; `url` is the base URL to hand to the client under test."""

    def __init__(self) -> None:
        self.routes: list[_Route] = []
        self.requests: list[Request] = []
        self._lock = threading.Lock()
        super().__init__(self._handler_class())

    def add(self, path: str, replies: Reply | list[Reply] | Responder, params: dict[str, str] | None = None) -> None:
        """Later routes win over earlier ones, so a test can override a default route."""
        if callable(replies):
            route = _Route(path, params or {}, responder=replies)
        else:
            route = _Route(path, params or {}, replies=replies if isinstance(replies, list) else [replies])
        with self._lock:
            self.routes.insert(0, route)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def _dispatch(self, request: Request) -> Reply:
        with self._lock:
            self.requests.append(request)
            route = next((r for r in self.routes if r.matches(request)), None)
            if route is None:
                return Reply(404, {"error": f"no recorded response for {request.path} {request.params}"})
            return route.answer(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(QuietHandler):
            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                request = Request(parts.path, parse_qs(parts.query, keep_blank_values=True), dict(self.headers))
                reply = server._dispatch(request)
                if reply.delay:
                    time.sleep(reply.delay)  # a client that times out goes away: that is the point of a slow reply
                self.send(reply.status, reply.payload(), reply.content_type, reply.headers)

        return Handler
