"""Read VCR cassettes (rplos / ropensci fulltext, YAML) into replies for the replay server."""

from __future__ import annotations

import base64
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import yaml

from tests.support.http_server import Reply


@dataclass(frozen=True, slots=True)
class Interaction:
    path: str
    params: dict[str, list[str]]
    reply: Reply

    def param(self, name: str) -> str | None:
        values = self.params.get(name)
        return values[0] if values else None


def load_cassette(path: Path) -> list[Interaction]:
    """Every recorded request/response pair, in order, with the body exactly as recorded."""
    recorded = yaml.safe_load(path.read_text(encoding="utf-8"))
    interactions = []
    for item in recorded["http_interactions"]:
        parts = urlsplit(item["request"]["uri"])
        response = item["response"]
        body = response["body"]
        payload = base64.b64decode(body["base64_string"]) if "base64_string" in body else body["string"].encode()
        headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        reply = Reply(
            status=int(response["status"]["status_code"]),
            body=payload,
            content_type=str(headers.get("content-type", "application/json")),
        )
        interactions.append(Interaction(parts.path, parse_qs(parts.query), reply))
    return interactions
