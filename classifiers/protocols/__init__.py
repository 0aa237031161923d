"""Labelling protocols: `aius` (the study's cascade, for replication) and `compact` (our default)."""

from __future__ import annotations

from classifiers.protocols.aius import AiusProtocol
from classifiers.protocols.base import Asker, Call, GateAnswer, LabelProtocol
from classifiers.protocols.compact import DEFAULT_TOKEN_BUDGET, CompactProtocol

PROTOCOLS = ("compact", "aius")


def make_protocol(name: str, token_budget: int = DEFAULT_TOKEN_BUDGET) -> LabelProtocol:
    if name == "compact":
        return CompactProtocol(token_budget)
    if name == "aius":
        return AiusProtocol()
    raise ValueError(f"unknown protocol {name!r}; choose one of {', '.join(PROTOCOLS)}")


__all__ = [
    "PROTOCOLS",
    "AiusProtocol",
    "Asker",
    "Call",
    "CompactProtocol",
    "GateAnswer",
    "LabelProtocol",
    "make_protocol",
]
