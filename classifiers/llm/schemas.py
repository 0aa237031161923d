"""JSON schemas for the wire, generated from the pydantic answer models, and the `response_format` per mode.

The wire schema is a *hint* to the server; the pydantic model is the contract, checked again at write time. So the
wire schema may be looser, and must be for two servers:
- OpenAI strict mode wants every property required (optional ones as `type | null`) and rejects keywords such as
  `default` or length limits;
- llama.cpp turns `maxLength` into a repeated grammar rule that blows past its limits (the server crashes on a
  2,000-character limit). Length limits are therefore dropped from the wire and enforced by pydantic.
"""

from __future__ import annotations

import copy
from functools import lru_cache
from typing import Any

from pydantic import BaseModel

from classifiers.options import StructuredOutput

_DROPPED_KEYWORDS = {"default", "title", "maxLength", "minLength", "maxItems", "minItems", "pattern", "format"}


def _tighten(node: Any, names: bool = False) -> Any:
    # `names` marks a mapping of property or definition names, whose keys are never keywords to drop.
    if isinstance(node, dict):
        node = {
            key: _tighten(value, names=key in ("properties", "$defs") and not names)
            for key, value in node.items()
            if names or key not in _DROPPED_KEYWORDS
        }
        if node.get("type") == "object" and "properties" in node:
            node["required"] = list(node["properties"])
            node["additionalProperties"] = False
        return node
    if isinstance(node, list):
        return [_tighten(item) for item in node]
    return node


def wire_schema(model: type[BaseModel]) -> dict[str, Any]:
    """The model's JSON schema, all properties required, no defaults or length limits; root is an object."""
    schema = _tighten(copy.deepcopy(model.model_json_schema()))
    if schema.get("type") != "object":
        raise ValueError(f"{model.__name__}: the answer root must be an object for JSON-object modes")
    return schema


@lru_cache(maxsize=64)
def response_format(model: type[BaseModel], mode: StructuredOutput) -> dict[str, Any]:
    """The `response_format` argument of chat.completions.create for this answer model and mode (cached; the
    result is shared, so callers must not mutate it)."""
    if mode is StructuredOutput.JSON_SCHEMA:
        return {
            "type": "json_schema",
            "json_schema": {"name": model.__name__, "schema": wire_schema(model), "strict": True},
        }
    if mode is StructuredOutput.JSON_OBJECT_SCHEMA:
        return {"type": "json_object", "schema": wire_schema(model)}
    return {"type": "json_object"}
