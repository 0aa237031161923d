"""The rules baseline's targets (issue 13 §2), judged on the frozen reference set, and how far a value is from them."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Target:
    task: str
    metric: str
    threshold: float
    label: str


TARGETS = (
    Target("uses_dl", "f1", 0.93, "uses_dl F1"),
    Target("uses_ptms", "f1", 0.90, "uses_ptms F1"),
    Target("ptms", "entry_recall", 0.60, "PTM entry recall"),
    Target("ptms", "entry_precision", 0.70, "PTM entry precision"),
    Target("ptms", "stage_accuracy", 0.60, "stage accuracy (matched entries)"),
    Target("ptms", "pattern_accuracy", 0.75, "pattern accuracy (matched entries)"),
)
TARGET_SET = "reference-frozen"
_BY_METRIC = {(t.task, t.metric): t for t in TARGETS}


def target_for(task: str, metric: str) -> Target | None:
    return _BY_METRIC.get((task, metric))


def verdict(target: Target, value: float) -> str:
    """`met`, or `missed by 0.07`; `—` when the value is undefined."""
    if math.isnan(value):
        return "—"
    return "met" if value >= target.threshold else f"missed by {target.threshold - value:.2f}"
