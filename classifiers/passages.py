"""Pick the paragraphs that carry model/method evidence, so an LLM can read a few passages instead of the paper.

A passage is a paragraph (section text holds one per line), or a window of sentences when a paragraph is long.
It scores by the deep-learning words, catalogue model names and reuse cues it holds, weighted by where it sits
(methods most). The best passages that fit the token budget are returned in document order.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache

from classifiers.document import PaperDocument
from classifiers.rules.classify import SECTION_WEIGHT
from classifiers.rules.lexicon import scan
from classifiers.rules.patterns import ADAPTATION, DEPLOYMENT, PRETRAINED
from classifiers.rules.text import ABSTRACT_ORDINAL, fold, paragraphs, split_sentences

MAX_PASSAGE_TOKENS = 150  # longer paragraphs are cut into sentence windows of about this size
MODEL_NAME_SCORE = 1.5
REUSE_CUE_SCORE = 0.5


@dataclass(frozen=True, slots=True)
class Passage:
    section_ordinal: int  # -1 for the abstract
    heading: str | None
    section_type: str  # the section's type, or "abstract"
    text: str
    score: float


def count_tokens(text: str) -> int:
    """An approximation (characters / 4, rounded up) used by everyone, so budgets mean one thing; not a tokenizer."""
    return math.ceil(len(text) / 4)


def _windows(paragraph: str) -> list[str]:
    """The paragraph itself, or consecutive sentence windows of at most MAX_PASSAGE_TOKENS when it is long."""
    if count_tokens(paragraph) <= MAX_PASSAGE_TOKENS:
        return [paragraph]
    windows: list[str] = []
    current: list[str] = []
    for sentence in split_sentences(paragraph):
        if current and count_tokens(" ".join([*current, sentence])) > MAX_PASSAGE_TOKENS:
            windows.append(" ".join(current))
            current = []
        current.append(sentence)
    if current:
        windows.append(" ".join(current))
    return windows


def _score(text: str, section_type: str, is_caption: bool) -> float:
    folded = fold(text)
    terms, models = scan(folded)
    # Each deep-learning term counts once per occurrence, up to three, so one long list of terms cannot win alone.
    occurrences = Counter(hit.phrase.payload for hit in terms)
    evidence = sum(term.weight * min(3, count) for term, count in occurrences.items())
    evidence += MODEL_NAME_SCORE * sum(
        1 for hit in models if hit.phrase.payload.entry.is_deep and not hit.phrase.payload.needs_context
    )
    if evidence == 0:  # reuse cues alone ("predicted with", "database") are not model evidence
        return 0.0
    evidence += REUSE_CUE_SCORE * sum(bool(p.search(folded)) for p in (ADAPTATION, DEPLOYMENT, PRETRAINED))
    weight = SECTION_WEIGHT.get(section_type, 0.7) * (0.9 if is_caption else 1.0)
    return round(weight * evidence, 3)


@lru_cache(maxsize=32)  # callers often ask for one paper at several budgets
def candidate_passages(doc: PaperDocument) -> tuple[Passage, ...]:
    """Every passage of the paper with its score, in document order (the abstract first)."""
    found: list[Passage] = []
    if doc.abstract:
        for paragraph in paragraphs(doc.abstract):
            for text in _windows(paragraph):
                found.append(Passage(ABSTRACT_ORDINAL, "Abstract", "abstract", text, _score(text, "abstract", False)))
    for section in doc.sections:
        caption = section.kind != "section"
        for paragraph in paragraphs(section.text or ""):
            for text in _windows(paragraph):
                score = _score(text, section.section_type, caption)
                found.append(Passage(section.ordinal, section.heading, section.section_type, text, score))
    return tuple(found)


def select_passages(doc: PaperDocument, token_budget: int) -> list[Passage]:
    """The highest-scoring passages that fit in `token_budget` (count_tokens), returned in document order.

    Passages without any evidence are never chosen; a paper with none at all gets its abstract (if it fits), so a
    caller always has something to show.
    """
    candidates = candidate_passages(doc)
    ranked = sorted(
        (index for index, passage in enumerate(candidates) if passage.score > 0),
        key=lambda index: (-candidates[index].score, count_tokens(candidates[index].text), index),
    )
    if not ranked:
        ranked = [index for index, passage in enumerate(candidates) if passage.section_ordinal == ABSTRACT_ORDINAL]
    chosen: list[int] = []
    used = 0
    for index in ranked:
        cost = count_tokens(candidates[index].text)
        if used + cost <= token_budget:
            chosen.append(index)
            used += cost
    return [candidates[index] for index in sorted(chosen)]
