"""Pick the sentences that carry model/method evidence, so an LLM can read a few of them instead of the paper.

The unit is the sentence: a paragraph chosen whole spends most of its tokens on filler around one evidence
sentence. A sentence's value does not depend on the catalogue of known models, so a model nobody here has heard of
ranks as high as a famous one. It adds up:
- deep-learning words (the rules' vocabulary: "convolutional", "transformer", "fine-tuned", "epochs" …);
- *names* — CamelCase, letters mixed with digits, or capitals ("SealNet", "ProtT5", "ESM-1b", "PROSPECT"), or a
  capitalised word followed by a citation ("Racon [48]") — worth more next to a model cue ("model", "network",
  "tool", "trained", "predicted with", "compared" …) or followed by a citation or a version, and twice as much when
  the paper puts that name next to deep-learning words anywhere (a name the paper calls a network is a model);
- model cues on their own (training, prediction, implementation steps), which count less;
- the authors' own work ("we trained", "here we present"), which is what the labels are about;
weighted by where the sentence sits (abstract and methods most, introduction and discussion least). Sentences are
taken by value per √tokens until the budget is spent; each time a name is shown, its further mentions count less
(REPEAT_DECAY), so the budget buys other models rather than the same one again. Chosen sentences that follow each
other in a paragraph make one passage; passages come back in document order.
"""

from __future__ import annotations

import heapq
import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, lru_cache

from classifiers.document import PaperDocument
from classifiers.rules.phrases import PhraseIndex, longest, lower_same_length
from classifiers.rules.text import ABSTRACT_ORDINAL, fold, paragraphs, split_sentences
from classifiers.rules.vocabulary import PHRASES, Term

NAMED_MODEL_SCORE = 1.0  # a name next to a model cue, in one sentence
BARE_NAME_SCORE = 0.5  # a name without a cue (lists of compared tools often have none)
CITED_NAME_SCORE = 1.0  # … and that name carries a citation or a version
DEEP_NAME_FACTOR = 2.0  # the paper puts the name next to deep-learning words somewhere: it is a model
REPEAT_DECAY = 0.8  # a name's value × this for each sentence with that name already chosen
TERM_NOVELTY = 2.0  # a bonus for a deep-learning word's first sentences (the uses_dl evidence) …
TERM_DECAY = 0.3  # … which fades fast: × this per sentence with that word already chosen
TERM_KEY = "~"  # a deep-learning word's key among the names ("~" cannot start a name)
MODEL_CUE_SCORE = 0.3  # a model cue without a name
NAMES_PER_SENTENCE = 6  # a list of models counts, but not without limit
OWN_WORK_FACTOR = 2.0  # the sentence says the authors did it: what the labels are about
SECTION_WEIGHT = {
    "abstract": 1.5,  # the abstract says what the study did, in few tokens
    "methods": 1.0,
    "results": 0.9,
    "other": 0.8,
    "introduction": 0.6,  # method papers say "here we present X, built on Y" at the end of the introduction
    "conclusion": 0.5,
    "discussion": 0.5,
}
CAPTION_FACTOR = 0.9

# A name: CamelCase (SealNet, AlphaFold), letters with digits (ProtT5, U2-Net, v3), three or more capitals
# (PROSPECT, BERT), or a capitalised word with a numbered part (Cellpose-2, Omnipose-v1); hyphenated parts may follow
# (GPA-GCN, ESM-1b, DeePSiM-fc6).
_NAME = re.compile(
    r"(?<![\w-])(?:[A-Z][a-z]*[A-Z]\w*|[A-Za-z]+\d\w*|\d+[A-Za-z]\w*|[A-Z]{3,}s?|[A-Z][a-z]+(?=-v?\d))(?:-\w+)*(?![\w-])"
)
# Words that look like names but are not models: units, molecules, places and the study's own abbreviations.
_NOT_NAMES = frozenset(
    [
        "DNA",
        "RNA",
        "mRNA",
        "cDNA",
        "PCR",
        "qPCR",
        "RT-qPCR",
        "USA",
        "ATP",
        "NaCl",
        "CO2",
        "H2O",
        "IQR",
        "SD",
        "SEM",
        "ANOVA",
        "PBS",
        "DMSO",
        "BSA",
        "GFP",
        "HIV",
        "SARS-CoV-2",
        "COVID-19",
        "AUC",
        "ROC",
        "RMSE",
        "MAE",
        "NMR",
        "MRI",
        "FDR",
        "PDB",
        "GPU",
        "GPUs",
        "CPU",
        "CPUs",
    ]
)
_CAPITALISED = re.compile(r"(?<=[\w,;:)] )[A-Z][a-z]{2,}(?![\w-])")
_NOT_A_NAME = re.compile(r"[SsVv]\d+")  # supplementary figures and tables (S1), version numbers (v2)
_MODEL_CUE = re.compile(
    r"\b(?:models?|networks?|net|tools?|software|packages?|pipelines?|algorithms?|classifiers?|predictors?|"
    r"architectures?|frameworks?|backbones?|encoders?|decoders?|detectors?|segment(?:ed|ation)?|embeddings?|"
    r"weights|checkpoints?|servers?|versions?|implement(?:ed|ation)|(?:re|pre-?)?train(?:ed|ing)?|fine-?tun\w*|"
    r"predict(?:ed|ions?|ing)?|infer(?:red|ence)|basecall\w*|base-call\w*|annotated (?:with|using|by)|"
    r"(?:run|ran|applied|used|using|employed) (?:with|to|on)|PyTorch|TensorFlow|Keras|GitHub|epochs?|"
    r"methods?|compar(?:ed|ing|ison)|benchmark\w*|baselines?|state-of-the-art|modell?ed|polish\w*)\b",
    re.IGNORECASE,
)
# A citation or version right after a name: "X [12]", "X (Chen et al., 2020)", "X12" (a superscript), "X v2.1".
_CITED = re.compile(r"\s?(?:\[\s?\d|\(\s?(?:[A-Z][\w-]+ (?:et al|and|&)|\d)|\d{1,3}\b|v?\d+\.\d|version)")
_OWN_WORK = re.compile(
    r"\b(?:we|our)\b[^.]{0,60}?\b(?:used?|using|appl\w+|ran|run|train\w*|fine-?tun\w*|pre-?train\w*|"
    r"implement\w*|develop\w*|propose\w*|present\w*|introduce\w*|buil[td]\w*|combin\w*|adopt\w*|employ\w*|"
    r"predict\w*|segment\w*|compar\w*|benchmark\w*|modif\w*|extend\w*|design\w*|utili[sz]\w*)\b|\bhere,? we\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Passage:
    section_ordinal: int  # -1 for the abstract
    heading: str | None
    section_type: str  # the section's type, or "abstract"
    text: str
    score: float


@dataclass(frozen=True, slots=True)
class _Sentence:
    block: int  # index of its paragraph (abstract paragraphs first) in the paper
    section_ordinal: int
    heading: str | None
    section_type: str
    text: str
    tokens: int
    score: float  # the evidence that does not fade: vocabulary weights and bare cues, section-weighted
    names: tuple[tuple[str, float], ...]  # (key, section-weighted value) of each name and deep-learning word


def count_tokens(text: str) -> int:
    """An approximation (characters / 4, rounded up) used by everyone, so budgets mean one thing; not a tokenizer."""
    return math.ceil(len(text) / 4)


@cache
def _vocabulary() -> PhraseIndex[Term]:
    return PhraseIndex(PHRASES)


def _names(sentence: str) -> list[re.Match[str]]:
    found = [
        m for m in _NAME.finditer(sentence) if m.group() not in _NOT_NAMES and not _NOT_A_NAME.fullmatch(m.group())
    ]
    # A plain capitalised word inside the sentence is a name when a citation or version follows it ("Racon [48]").
    found += [m for m in _CAPITALISED.finditer(sentence) if _CITED.match(sentence, m.end())]
    return found


def _sentence_evidence(sentence: str) -> tuple[float, dict[str, float], bool]:
    """Model evidence in one sentence (folded text): (vocabulary and bare cues, value per name and deep-learning
    word, whether the sentence has deep-learning words)."""
    terms = longest(_vocabulary().find(sentence, lower_same_length(sentence)))
    # Each deep-learning term counts once per occurrence, up to three, so one long list of terms cannot win alone.
    occurrences = Counter(hit.phrase.payload for hit in terms)
    score = sum(term.weight * min(3, count) for term, count in occurrences.items())
    deep = score > 0
    cues = len(_MODEL_CUE.findall(sentence))
    names: dict[str, float] = {}
    for match in _names(sentence)[:NAMES_PER_SENTENCE]:
        value = NAMED_MODEL_SCORE if cues else BARE_NAME_SCORE
        value += CITED_NAME_SCORE if _CITED.match(sentence, match.end()) else 0.0
        names[match.group().lower()] = max(names.get(match.group().lower(), 0.0), value)
    if cues and not names:
        score += MODEL_CUE_SCORE * min(3, cues)
    # The first sentences that use a deep-learning word are what says the study uses deep learning at all: each
    # word is worth a bonus that fades quickly with repeats (TERM_DECAY), unlike the word's own weight above.
    for term in occurrences:
        names[TERM_KEY + term.name] = max(names.get(TERM_KEY + term.name, 0.0), TERM_NOVELTY * term.weight)
    if _OWN_WORK.search(sentence):
        score *= OWN_WORK_FACTOR
        names = {name: value * OWN_WORK_FACTOR for name, value in names.items()}
    return score, {name: value for name, value in names.items() if value}, deep


def _paragraphs(doc: PaperDocument) -> Iterator[tuple[int, str | None, str, float, str]]:
    """(section ordinal, heading, section type, weight, paragraph) of the abstract, then sections and captions."""
    for paragraph in paragraphs(doc.abstract or ""):
        yield ABSTRACT_ORDINAL, "Abstract", "abstract", SECTION_WEIGHT["abstract"], paragraph
    for section in doc.sections:
        weight = SECTION_WEIGHT.get(section.section_type, 0.8) * (CAPTION_FACTOR if section.kind != "section" else 1.0)
        for paragraph in paragraphs(section.text or ""):
            yield section.ordinal, section.heading, section.section_type, weight, paragraph


@lru_cache(maxsize=32)  # callers often ask for one paper at several budgets
def _sentences(doc: PaperDocument) -> tuple[_Sentence, ...]:
    found: list[tuple[int, int, str | None, str, float, str, float, dict[str, float]]] = []
    deep_names: set[str] = set()
    for block, (ordinal, heading, section_type, weight, paragraph) in enumerate(_paragraphs(doc)):
        for text in split_sentences(paragraph):
            score, names, deep = _sentence_evidence(fold(text))
            if deep:
                deep_names.update(name for name in names if not name.startswith(TERM_KEY))
            found.append((block, ordinal, heading, section_type, weight, text, score, names))
    # A name the paper puts next to deep-learning words once is a model everywhere in the paper.
    return tuple(
        _Sentence(
            block,
            ordinal,
            heading,
            section_type,
            text,
            count_tokens(text) + 1,
            weight * score,
            tuple(
                (name, weight * value * (DEEP_NAME_FACTOR if name in deep_names else 1.0))
                for name, value in names.items()
            ),
        )
        for block, ordinal, heading, section_type, weight, text, score, names in found
    )


def _value(sentence: _Sentence, seen: Counter[str]) -> float:
    # A name already shown counts less each time: the budget buys other names instead of the same one again.
    return sentence.score + sum(
        value * (TERM_DECAY if name.startswith(TERM_KEY) else REPEAT_DECAY) ** seen[name]
        for name, value in sentence.names
    )


def _priority(sentence: _Sentence, seen: Counter[str]) -> float:
    # Evidence per square root of length: short sentences leave room for more, long ones are not shut out.
    return _value(sentence, seen) / math.sqrt(sentence.tokens)


def select_passages(doc: PaperDocument, token_budget: int) -> list[Passage]:
    """The sentences that carry the most evidence per token, within `token_budget`, as passages in document order.

    Consecutive chosen sentences of one paragraph make one passage. Sentences without any evidence are never
    chosen; a paper with none at all gets its abstract (if it fits), so a caller always has something to show.
    """
    sentences = _sentences(doc)
    seen: Counter[str] = Counter()
    # Lazy greedy: a sentence's value only falls as names get shown, so a stale value is an upper bound.
    heap = [
        (-_priority(sentence, seen), index)
        for index, sentence in enumerate(sentences)
        if sentence.score or sentence.names
    ]
    heapq.heapify(heap)
    chosen: set[int] = set()
    used = 0
    while heap:
        _, index = heapq.heappop(heap)
        sentence = sentences[index]
        current = -_priority(sentence, seen)
        if heap and current > heap[0][0] + 1e-12:
            heapq.heappush(heap, (current, index))
            continue
        if _value(sentence, seen) <= 0 or used + sentence.tokens > token_budget:
            continue
        chosen.add(index)
        used += sentence.tokens
        seen.update(name for name, _ in sentence.names)
    if not chosen:
        for index, sentence in enumerate(sentences):
            if sentence.section_ordinal == ABSTRACT_ORDINAL and used + sentence.tokens <= token_budget:
                chosen.add(index)
                used += sentence.tokens
    return _joined(sentences, sorted(chosen))


def _joined(sentences: tuple[_Sentence, ...], chosen: list[int]) -> list[Passage]:
    """Runs of consecutive sentences of one paragraph as one passage each."""
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
    score = sum(sentences[index].score + sum(v for _, v in sentences[index].names) for index in run)
    return Passage(first.section_ordinal, first.heading, first.section_type, text, round(score, 3))
