"""Secrets never reach a stored row or a printed line: the one place that knows them and blanks them out.

A secret is any value configured in the environment variables below (API keys, and the OpenAlex contact e-mail,
which its servers echo back). Every writer of raw rows and every error printer passes text through `redact`.
"""

from __future__ import annotations

import json
import os
from typing import Any
from urllib.parse import quote, quote_plus

SECRET_VARIABLES = ("OPENAI_API_KEY", "OPENALEX_API_KEY", "OPENALEX_MAILTO")
PLACEHOLDER = "[redacted]"
_SHORTEST_SECRET = 6  # shorter values (e.g. "x" in a test) would blank out ordinary words


def configured_secrets() -> tuple[str, ...]:
    """The secret values set now (read at call time: tests and users can change them between calls)."""
    values = {os.environ.get(name, "").strip() for name in SECRET_VARIABLES}
    plain = {v for v in values if len(v) >= _SHORTEST_SECRET}
    # A secret sent as a query parameter comes back percent-encoded in URLs and error texts (`me%40example.org`).
    encoded = {quote_plus(v) for v in plain} | {quote(v, safe="") for v in plain}
    return tuple(sorted(plain | encoded, key=len, reverse=True))


def redact(text: str | None, secrets: tuple[str, ...] | None = None) -> str | None:
    """`text` with every configured secret replaced by [redacted]; None stays None."""
    if not text:
        return text
    for secret in configured_secrets() if secrets is None else secrets:
        text = text.replace(secret, PLACEHOLDER)
    return text


def redact_json(value: Any, secrets: tuple[str, ...] | None = None) -> Any:
    """A JSON-like value (dicts, lists, strings) with every secret blanked out in every string it holds."""
    secrets = configured_secrets() if secrets is None else secrets
    if not secrets:
        return value
    return json.loads(redact(json.dumps(value, ensure_ascii=False), secrets) or "null")
