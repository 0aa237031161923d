"""Pick the passages that carry model/method evidence, so an LLM can read a few passages instead of the paper.

A passage is a paragraph (section text holds one per line), or a window of sentences when a paragraph is long.
Its score does not depend on the catalogue of known models, so a model nobody here has heard of ranks as high as
a famous one. It adds up, per sentence:
- deep-learning words (the rules' vocabulary: "convolutional", "transformer", "fine-tuned", "epochs" …);
- *names* — CamelCase, letters mixed with digits, or capitals ("SealNet", "ProtT5", "ESM-1b", "PROSPECT") — that
  stand next to a model cue ("model", "network", "tool", "software", "trained", "predicted with", "weights" …), or
  are followed by a citation or a version;
- model cues on their own (training, prediction, implementation steps), which count less;
- the authors' own work ("we trained", "here we present"), which is what the labels are about.
The sum is weighted by where the passage sits (methods most, introduction least). The best passages that fit the
token budget are returned in document order.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cache, lru_cache

from classifiers.document import PaperDocument
from classifiers.rules.phrases import PhraseIndex, longest, lower_same_length
from classifiers.rules.text import ABSTRACT_ORDINAL, fold, paragraphs, split_sentences
from classifiers.rules.vocabulary import PHRASES, Term

MAX_PASSAGE_TOKENS = 80  # longer paragraphs are cut into sentence windows of about this size
NAMED_MODEL_SCORE = 1.0  # a name next to a model cue, in one sentence
CITED_NAME_SCORE = 1.0  # … and that name carries a citation or a version
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
_NOT_A_NAME = re.compile(r"[SsVv]\d+")  # supplementary figures and tables (S1), version numbers (v2)
_MODEL_CUE = re.compile(
    r"\b(?:models?|networks?|net|tools?|software|packages?|pipelines?|algorithms?|classifiers?|predictors?|"
    r"architectures?|frameworks?|backbones?|encoders?|decoders?|detectors?|segment(?:ed|ation)?|embeddings?|"
    r"weights|checkpoints?|servers?|versions?|implement(?:ed|ation)|(?:re|pre-?)?train(?:ed|ing)?|fine-?tun\w*|"
    r"predict(?:ed|ions?|ing)?|infer(?:red|ence)|basecall\w*|base-call\w*|annotated (?:with|using|by)|"
    r"(?:run|ran|applied|used|using|employed) (?:with|to|on)|PyTorch|TensorFlow|Keras|GitHub|epochs?)\b",
    re.IGNORECASE,
)
# A citation or version right after a name: "X [12]", "X (Chen et al., 2020)", "X12" (a superscript), "X v2.1".
_CITED = re.compile(r"\s?(?:\[\s?\d|\(\s?(?:[A-Z][\w-]+ (?:et al|and|&)|\d)|\d{1,3}\b|v?\d+\.\d|version)")
_OWN_WORK = re.compile(
    r"\b(?:we|our)\b[^.]{0,60}?\b(?:used?|using|appl\w+|ran|run|train\w*|fine-?tun\w*|pre-?train\w*|"
    r"implement\w*|develop\w*|propose\w*|present\w*|introduce\w*|buil[td]\w*|combin\w*|adopt\w*|employ\w*|"
    r"predict\w*|segment\w*|compar\w*|benchmark\w*|modif\w*|extend\w*|design\w*)\b|\bhere,? we\b",
    re.IGNORECASE,
)


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


@cache
def _vocabulary() -> PhraseIndex[Term]:
    return PhraseIndex(PHRASES)


def _names(sentence: str) -> list[re.Match[str]]:
    return [m for m in _NAME.finditer(sentence) if m.group() not in _NOT_NAMES and not _NOT_A_NAME.fullmatch(m.group())]


def _sentence_score(sentence: str) -> float:
    """Model evidence in one sentence (folded text): vocabulary, names next to model cues, bare cues."""
    terms = longest(_vocabulary().find(sentence, lower_same_length(sentence)))
    # Each deep-learning term counts once per occurrence, up to three, so one long list of terms cannot win alone.
    occurrences = Counter(hit.phrase.payload for hit in terms)
    score = sum(term.weight * min(3, count) for term, count in occurrences.items())
    cues = len(_MODEL_CUE.findall(sentence))
    if cues:
        names = _names(sentence)
        score += NAMED_MODEL_SCORE * min(NAMES_PER_SENTENCE, len(names)) if names else MODEL_CUE_SCORE * min(3, cues)
        score += CITED_NAME_SCORE * min(NAMES_PER_SENTENCE, sum(bool(_CITED.match(sentence, m.end())) for m in names))
    if score and _OWN_WORK.search(sentence):
        score *= OWN_WORK_FACTOR
    return score


def _passage(ordinal: int, heading: str | None, section_type: str, text: str, is_caption: bool) -> Passage:
    evidence = sum(_sentence_score(sentence) for sentence in split_sentences(fold(text)))
    weight = SECTION_WEIGHT.get(section_type, 0.8) * (CAPTION_FACTOR if is_caption else 1.0)
    return Passage(ordinal, heading, section_type, text, round(weight * evidence, 3))


@lru_cache(maxsize=32)  # callers often ask for one paper at several budgets
def candidate_passages(doc: PaperDocument) -> tuple[Passage, ...]:
    """Every passage of the paper with its score, in document order (the abstract first)."""
    found: list[Passage] = []
    if doc.abstract:
        for paragraph in paragraphs(doc.abstract):
            for text in _windows(paragraph):
                found.append(_passage(ABSTRACT_ORDINAL, "Abstract", "abstract", text, False))
    for section in doc.sections:
        caption = section.kind != "section"
        for paragraph in paragraphs(section.text or ""):
            for text in _windows(paragraph):
                found.append(_passage(section.ordinal, section.heading, section.section_type, text, caption))
    return tuple(found)


def _priority(passage: Passage) -> float:
    # Score per square root of length: a short passage with the same evidence leaves room for more evidence, but
    # long passages are not punished so hard that their context is always cut away.
    return passage.score / math.sqrt(count_tokens(passage.text))


def select_passages(doc: PaperDocument, token_budget: int) -> list[Passage]:
    """The best passages (`_priority`) that fit in `token_budget` (count_tokens), returned in document order.

    Passages without any evidence are never chosen; a paper with none at all gets its abstract (if it fits), so a
    caller always has something to show.
    """
    candidates = candidate_passages(doc)
    ranked = sorted(
        (index for index, passage in enumerate(candidates) if passage.score > 0),
        key=lambda index: (-_priority(candidates[index]), index),
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
