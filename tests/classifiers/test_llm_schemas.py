"""Wire schemas come from the pydantic answer models; the pydantic models stay the contract."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from classifiers.llm.schemas import response_format, wire_schema
from classifiers.options import StructuredOutput
from classifiers.protocols import GateAnswer
from classifiers.taxonomy import TASK_MODELS, BinaryDecision, PtmList


def _objects(node: object) -> list[dict]:
    found = []
    if isinstance(node, dict):
        if node.get("type") == "object":
            found.append(node)
        for value in node.values():
            found += _objects(value)
    elif isinstance(node, list):
        for item in node:
            found += _objects(item)
    return found


@pytest.mark.parametrize("model", [*TASK_MODELS.values(), GateAnswer])
def test_wire_schema_is_strict_mode_compatible(model: type[BaseModel]) -> None:
    schema = wire_schema(model)
    assert schema["type"] == "object"  # object root: JSON-object modes can return it
    for node in _objects(schema):
        assert node["additionalProperties"] is False
        assert set(node["required"]) == set(node["properties"])  # strict mode: every property required
    text = str(schema)
    for keyword in ("'default'", "'maxLength'", "'minLength'", "'maxItems'"):  # llama.cpp grammar blow-up
        assert keyword not in text


def test_enums_of_the_taxonomy_reach_the_wire() -> None:
    defs = wire_schema(PtmList)["$defs"]
    assert defs["ReusePattern"]["enum"] == ["conceptual", "adaptation", "deployment"]
    assert "analysis" in defs["Stage"]["enum"]


def test_property_names_that_look_like_keywords_survive() -> None:
    class Titled(BaseModel):
        title: str
        format: str

    assert set(wire_schema(Titled)["properties"]) == {"title", "format"}


def test_response_format_per_mode() -> None:
    strict = response_format(BinaryDecision, StructuredOutput.JSON_SCHEMA)
    assert strict["type"] == "json_schema" and strict["json_schema"]["strict"] is True
    llama = response_format(BinaryDecision, StructuredOutput.JSON_OBJECT_SCHEMA)
    assert llama["type"] == "json_object" and llama["schema"]["properties"]["answer"] == {
        "description": "True when the study itself does what the question asks.",
        "type": "boolean",
    }
    assert response_format(PtmList, StructuredOutput.JSON_OBJECT) == {"type": "json_object"}
