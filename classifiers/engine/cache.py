"""Content-addressed keys: the same paper, question, prompt, model and parameters always give the same key.

A call whose key already has a final row in raw.llm_labels is answered from the store, so re-running a finished
configuration makes no calls and adding papers labels only the new ones. Any change to the paper's file or to the
text read from it (a new parser), the prompt text or schema (via its hash), the model, an answer-changing parameter
or the code that shapes the text sent (classifiers.engine.fingerprint) gives a new key.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

# Parameters that say where or how a request travelled, not what was asked: provenance, not cache identity.
TRANSPORT_ONLY = frozenset({"base_url"})


def _digest(payload: Any) -> str:
    return hashlib.sha256(json.dumps(payload, sort_keys=True, default=str).encode()).hexdigest()


def cache_key(
    *,
    content_hash: str,
    text_hash: str,
    doi: str,
    call: str,
    protocol: str,
    prompt_hash: str,
    model: str | None,
    parameters: dict[str, Any],
    code_fingerprint: str | None = None,
) -> str:
    identity = {key: value for key, value in parameters.items() if key not in TRANSPORT_ONLY}
    return _digest(
        {
            "content_hash": content_hash,
            "text": text_hash,  # what the classifiers read of the file: re-parsed text is asked again
            "doi": doi,  # two DOIs never share labels, even for identical files
            "call": call,
            "protocol": protocol,
            "prompt_hash": prompt_hash,
            "model": model,
            "parameters": identity,
            "code": code_fingerprint,  # the code that shapes the text sent or decides (engine.fingerprint)
        }
    )


def input_hash(messages: list[dict[str, str]]) -> str:
    """Hash of the exact messages sent (so identical inputs can be found without storing the text)."""
    return _digest(messages)
