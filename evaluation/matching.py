"""PTM-level agreement: names compared after canonicalisation through the project's alias catalogue.

Per paper, gold and predicted entries are grouped by canonical name ("ResNet50 (ImageNet)" and "ResNet-50" are one
model). A predicted name matches when the gold has it; on a matched name the pattern (or stage) is right when any
gold entry for that name has it (the codebook allows one model two entries, e.g. adapted and re-implemented).
Counts stay per paper, so the bootstrap can resample papers.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from evaluation.gold import GoldPtm


@dataclass(frozen=True, slots=True)
class PredictedPtm:
    name: str
    reuse_pattern: str
    stage: str | None


@dataclass(frozen=True, slots=True)
class PaperMatch:
    gold_names: int
    predicted_names: int
    matched_names: int
    gold_pairs: int  # distinct (name, pattern) pairs: the study's "PTM–reuse pairs"
    predicted_pairs: int
    matched_pairs: int
    pattern_correct: int  # matched names whose predicted pattern is a gold pattern for that name
    stage_correct: int


def _by_name(entries: Iterable[GoldPtm | PredictedPtm], canonical: Callable[[str], str]) -> dict[str, list]:
    grouped: dict[str, list] = {}
    for entry in entries:
        grouped.setdefault(canonical(entry.name), []).append(entry)
    return grouped


def match_paper(
    gold: Iterable[GoldPtm], predicted: Iterable[PredictedPtm], canonical: Callable[[str], str]
) -> PaperMatch:
    gold_by, pred_by = _by_name(gold, canonical), _by_name(predicted, canonical)
    gold_pairs = {(name, e.reuse_pattern) for name, entries in gold_by.items() for e in entries}
    pred_pairs = {(name, e.reuse_pattern) for name, entries in pred_by.items() for e in entries}
    matched = set(gold_by) & set(pred_by)
    pattern_ok = stage_ok = 0
    for name in matched:
        gold_patterns = {e.reuse_pattern for e in gold_by[name]}
        gold_stages = {e.stage for e in gold_by[name] if e.stage}
        pattern_ok += any(e.reuse_pattern in gold_patterns for e in pred_by[name])
        stage_ok += any(e.stage in gold_stages for e in pred_by[name])
    return PaperMatch(
        len(gold_by),
        len(pred_by),
        len(matched),
        len(gold_pairs),
        len(pred_pairs),
        len(gold_pairs & pred_pairs),
        pattern_ok,
        stage_ok,
    )


def catalogue_canonical() -> Callable[[str], str]:
    """Canonical names from seeds/ptm_catalogue.csv and ptm_aliases.csv (the same lists the rules and marts use)."""
    from classifiers.rules.catalogue import load_catalogue

    return load_catalogue().canonicalise
