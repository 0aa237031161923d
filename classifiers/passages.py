"""Pick the sentences that carry model/method evidence, so an LLM can read a few of them instead of the paper.

The unit is the sentence: a paragraph chosen whole spends most of its tokens on filler around one evidence
sentence. Each sentence gets two values, the chances that it is the sentence the labels rest on — the uses_dl
evidence of the paper, or the evidence of one of its pre-trained models — from two logistic regressions over the
sentence's features and words (`classifiers.sentence_features`), fitted on the development sets' gold evidence by
bench/passage_weights.py, which writes the weights into classifiers/passage_weights.py.

Sentences are taken by value per token until the budget is spent; each time a name is shown, the model-evidence
value of its further mentions fades (REPEAT_DECAY), so the budget buys other models rather than the same one again
(the uses_dl value does not fade). A sentence without a deep-learning word, a name or a model cue is never taken; a
paper with none gets its abstract. Chosen sentences that follow each other in a paragraph make one passage; passages
come back in document order.
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from classifiers import passage_weights
from classifiers.document import PaperDocument
from classifiers.rules.text import ABSTRACT_ORDINAL
from classifiers.sentence_features import FEATURES, SentenceTable, sentence_table


@dataclass(frozen=True, slots=True)
class Passage:
    section_ordinal: int  # -1 for the abstract
    heading: str | None
    section_type: str  # the section's type, or "abstract"
    text: str
    score: float


@dataclass(frozen=True, slots=True)
class Model:
    """One logistic regression: weights for the raw FEATURES, an intercept, and weights of words (absent: 0)."""

    weights: np.ndarray
    bias: float
    words: Mapping[str, float]


@dataclass(frozen=True, slots=True)
class _Sentence:
    block: int
    section_ordinal: int
    heading: str | None
    section_type: str
    text: str
    tokens: int
    value: float  # the chance that it is the paper's uses_dl evidence: does not fade
    fading: float  # the chance that it is a model's evidence: fades as its names are shown
    keys: tuple[str, ...]


def predict(table: SentenceTable, model: Model) -> np.ndarray:
    """The logistic regression's probabilities for each sentence of the table."""
    words = np.array([sum(model.words.get(word, 0.0) for word in sentence) for sentence in table.words])
    return 1.0 / (1.0 + np.exp(-(table.features @ model.weights + model.bias + words)))


def _model(weights: dict[str, float], bias: float, words: dict[str, float]) -> Model:
    return Model(np.array([weights[feature] for feature in FEATURES]), bias, words)


DL_MODEL = _model(passage_weights.DL_WEIGHTS, passage_weights.DL_BIAS, passage_weights.DL_WORDS)
PTM_MODEL = _model(passage_weights.PTM_WEIGHTS, passage_weights.PTM_BIAS, passage_weights.PTM_WORDS)


def valued(table: SentenceTable, dl: np.ndarray, ptm: np.ndarray) -> tuple[_Sentence, ...]:
    """The sentences with their two values (zero where the sentence has no signal)."""
    dl, ptm = dl * table.eligible, ptm * table.eligible
    return tuple(
        _Sentence(p.block, p.section_ordinal, p.heading, p.section_type, p.text, p.tokens, float(v), float(f), k)
        for p, k, v, f in zip(table.places, table.keys, dl, ptm, strict=True)
    )


@lru_cache(maxsize=32)  # callers often ask for one paper at several budgets
def _sentences(doc: PaperDocument) -> tuple[_Sentence, ...]:
    table = sentence_table(doc)
    return valued(table, predict(table, DL_MODEL), predict(table, PTM_MODEL))


@dataclass(frozen=True, slots=True)
class Selection:
    """How valued sentences are taken (chosen with the weights by cross-validation, bench/passage_weights.py)."""

    exponent: float = passage_weights.COST_EXPONENT  # value per token^exponent
    decay: float = passage_weights.REPEAT_DECAY  # model-evidence value × this per shown sentence with the same name


def select_passages(doc: PaperDocument, token_budget: int) -> list[Passage]:
    """The sentences that carry the most evidence per token, within `token_budget`, as passages in document order.

    Consecutive chosen sentences of one paragraph make one passage. Sentences without any evidence are never
    chosen; a paper with none at all gets its abstract (if it fits), so a caller always has something to show.
    """
    return select(_sentences(doc), token_budget)


def select(sentences: tuple[_Sentence, ...], token_budget: int, selection: Selection = Selection()) -> list[Passage]:
    return joined(sentences, chosen_indices(sentences, token_budget, selection))


def chosen_indices(sentences: tuple[_Sentence, ...], token_budget: int, selection: Selection) -> list[int]:
    """The sentences taken, in document order; a paper with none gets its abstract (if it fits)."""
    chosen = _greedy(sentences, token_budget, selection)
    if not chosen:
        used = 0
        for index, sentence in enumerate(sentences):
            if sentence.section_ordinal == ABSTRACT_ORDINAL and used + sentence.tokens <= token_budget:
                chosen.append(index)
                used += sentence.tokens
    return chosen


def _greedy(sentences: tuple[_Sentence, ...], token_budget: int, selection: Selection) -> list[int]:
    seen: Counter[str] = Counter()

    def priority(sentence: _Sentence) -> float:
        # A name already shown counts less each time: the budget buys other names instead of the same one again.
        fade = selection.decay ** min((seen[key] for key in sentence.keys), default=0)
        return (sentence.value + sentence.fading * fade) / sentence.tokens**selection.exponent

    # Lazy greedy: a sentence's priority only falls as names get shown, so a stale priority is an upper bound.
    heap = [(-priority(s), i) for i, s in enumerate(sentences) if s.value or s.fading]
    heapq.heapify(heap)
    chosen: list[int] = []
    used = 0
    while heap:
        _, index = heapq.heappop(heap)
        sentence = sentences[index]
        current = -priority(sentence)
        if heap and current > heap[0][0] + 1e-12:
            heapq.heappush(heap, (current, index))
            continue
        if used + sentence.tokens > token_budget:
            continue
        chosen.append(index)
        used += sentence.tokens
        seen.update(sentence.keys)
    return sorted(chosen)


def joined(sentences: tuple[_Sentence, ...], chosen: list[int]) -> list[Passage]:
    """The chosen sentences (indices in document order) as passages: runs of consecutive sentences of one paragraph
    as one passage each."""
    passages: list[Passage] = []
    run: list[int] = []
    for index in chosen:
        if run and (index != run[-1] + 1 or sentences[index].block != sentences[run[-1]].block):
            passages.append(_passage(sentences, run))
            run = []
        run.append(index)
    if run:
        passages.append(_passage(sentences, run))
    return passages


def _passage(sentences: tuple[_Sentence, ...], run: list[int]) -> Passage:
    first = sentences[run[0]]
    text = " ".join(sentences[index].text for index in run)
    score = sum(sentences[index].value + sentences[index].fading for index in run)
    return Passage(first.section_ordinal, first.heading, first.section_type, text, round(score, 6))
