"""What each sentence of a paper says of models: the features the passage selector values sentences by.

The paper is cut into sentences (`sentence_table`), and each gets the columns of `FEATURES` — the hand-made signals
the selector once added up with hand-set weights, and a few more:
- deep-learning words (the rules' vocabulary: "convolutional", "transformer", "fine-tuned" …), and whether a word
  appears here for the first time in the paper;
- *names* — CamelCase, letters mixed with digits, or capitals ("SealNet", "ProtT5", "ESM-1b", "PROSPECT"), or a
  capitalised word followed by a citation ("Racon [48]") — counted by shape, with a citation or version after
  them, followed by a word saying what they are ("X model", "X [12] tool"), and by what the paper says of the same
  name elsewhere (next to deep-learning words, to words of reuse, to the authors' own work; how often; whether this
  is its most telling mention);
- model cues ("model", "trained", "predicted with", "compared" …), words of reuse ("pre-trained", "weights",
  "off-the-shelf"), the authors' own work ("we trained", "here we present"), citations, numbers;
- where the sentence sits (section type, caption, first of its paragraph), its length, and whether the sentences
  beside it in its paragraph have deep-learning words or names;
- and its words (`sentence_words`): plain lower-case words, every name masked first, so that no weight fitted on
  them can belong to a model's name.
No feature reads the catalogue of known models, so a model nobody here has heard of ranks as high as a famous one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache

import numpy as np

from classifiers.document import PaperDocument
from classifiers.rules.phrases import PhraseIndex, longest, lower_same_length
from classifiers.rules.text import ABSTRACT_ORDINAL, fold, paragraphs, split_sentences
from classifiers.rules.vocabulary import PHRASES, Term
from classifiers.tokens import count_tokens

NAMES_PER_SENTENCE = 6  # a list of models counts, but not without limit
SECTION_TYPES = ("abstract", "introduction", "methods", "results", "discussion", "other")  # conclusion: discussion

# A name: CamelCase (SealNet, AlphaFold), letters with digits (ProtT5, U2-Net, v3), three or more capitals
# (PROSPECT, BERT), or a capitalised word with a hyphenated part holding a capital or digit (Cellpose-2, Omnipose-v1,
# Bio-BERT-base, Graph-pKa); hyphenated parts may follow (GPA-GCN, ESM-1b, DeePSiM-fc6).
_NAME = re.compile(
    r"(?<![\w-])(?:[A-Z][a-z]*[A-Z]\w*|[A-Za-z]+\d\w*|\d+[A-Za-z]\w*|[A-Z]{3,}s?|[A-Z][a-z]+(?=-\w*[A-Z\d]))(?:-\w+)*(?![\w-])"
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
    r"(?:run|ran|applied|used|using|employed) (?:with|to|on)|pytorch|tensorflow|keras|github|epochs?|"
    r"methods?|compar(?:ed|ing|ison)|benchmark\w*|baselines?|state-of-the-art|modell?ed|polish\w*)\b"
)  # read in lower case, as are the other word lists (IGNORECASE would make them three times slower)
# A citation or version right after a name: "X [12]", "X (Chen et al., 2020)", "X12" (a superscript), "X v2.1".
_CITED = re.compile(r"\s?(?:\[\s?\d|\(\s?(?:[A-Z][\w-]+ (?:et al|and|&)|\d)|\d{1,3}\b|v?\d+\.\d|version)")
# A word saying what the name before it is: "X model", "X [12] tool", "X (Chen et al., 2020) network".
_KIND_AFTER = re.compile(
    r"\s?(?:\[[^\]]{0,12}\]\s?|\([^)]{0,40}\)\s?)?(?:models?|networks?|net|architectures?|algorithms?|tools?|"
    r"software|packages?|methods?|frameworks?|pipelines?|predictors?|classifiers?|servers?|suite|program)\b",
    re.IGNORECASE,
)
_OWN_WORK = re.compile(
    r"\b(?:we|our)\b[^.]{0,60}?\b(?:used?|using|appl\w+|ran|run|train\w*|fine-?tun\w*|pre-?train\w*|"
    r"implement\w*|develop\w*|propose\w*|present\w*|introduce\w*|buil[td]\w*|combin\w*|adopt\w*|employ\w*|"
    r"predict\w*|segment\w*|compar\w*|benchmark\w*|modif\w*|extend\w*|design\w*|utili[sz]\w*)\b|\bhere,? we\b"
)
_WE = re.compile(r"\b(?:we|our)\b")
# Words of reuse: a published model taken as it is or adapted (the strongest single feature).
_REUSE = re.compile(
    r"\b(?:pre-?trained|fine-?tun\w*|transfer learning|weights|checkpoints?|off-the-shelf|out-of-the-box|"
    r"publicly available|released|default (?:parameters|settings)|trained on|zero-shot)\b"
)
_CITATION = re.compile(r"\[\s?\d|et al\b|\(\s?\d{4}\s?\)")
_NUMBER = re.compile(r"\d(?:\.\d|\d*\s?%)")  # decimals and percentages: results sentences are full of them


@dataclass(frozen=True, slots=True)
class Place:
    """A sentence and where it sits in the paper."""

    block: int  # index of its paragraph (abstract paragraphs first) in the paper
    first_in_block: bool
    section_ordinal: int
    heading: str | None
    section_type: str
    caption: bool
    text: str
    tokens: int


@dataclass(frozen=True, slots=True)
class _Signals:
    """What one sentence (folded text) says: the raw material of its features."""

    dl: float  # deep-learning vocabulary weights, each term counted up to three times
    terms: tuple[str, ...]  # the deep-learning terms
    strong: bool  # a term that names a deep method outright
    names: tuple[tuple[str, bool], ...]  # (lower-cased name, followed by a citation or version)
    shapes: tuple[int, int, int, int]  # names in CamelCase, with digits, in capitals, capitalised words
    kinds: tuple[str, ...]  # names followed by a word of what they are
    cues: int
    own_work: bool
    we: bool
    reuse: bool
    citations: int
    numbers: int

    @property
    def has_signal(self) -> bool:
        """Whether the sentence says anything of models at all (a sentence that does not is never taken)."""
        return bool(self.dl or self.names or self.cues)

    @property
    def strength(self) -> int:
        """How strongly it speaks of a model: a name's most telling mention is the one worth showing."""
        return min(3, self.cues) + 2 * bool(self.dl) + 2 * self.reuse + self.own_work


@dataclass(frozen=True, slots=True)
class SentenceTable:
    """A paper's sentences with what selection needs of each: the weights are fitted on this."""

    places: list[Place]
    keys: list[tuple[str, ...]]  # each sentence's names: their model-evidence value fades once shown
    eligible: np.ndarray  # 1.0 where the sentence has any signal, else 0.0
    features: np.ndarray  # one row per sentence, columns as FEATURES
    words: list[frozenset[str]]  # each sentence's words, names masked (sentence_words)


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


# Words for the word weights, found by regular expressions over the whole sentence (a loop over its words in Python
# cost about twice as much): plain lower-case words ("basecalled", "pre-trained"), a capitalised plain
# word opening the sentence ("We", or a name: "Cellpose"), any capital or letter next to a digit after the opening
# (a name), and a number.
_PLAIN = re.compile(r"(?<![\w'-])[a-z]+(?:[-'][a-z]+)*(?![\w'-])")
_OPENING = re.compile(r"[^\w]*([A-Z][a-z]+(?:[-'][a-z]+)*)(?![\w'-])")
_NAMED = re.compile(r"[A-Z]|[A-Za-z]\d|\d[A-Za-z]")
_NUMBER_TOKEN = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?!\w)")
NAME_WORD = "<name>"
NUMBER_WORD = "<num>"


def sentence_words(sentence: str, opening: bool = True) -> frozenset[str]:
    """The sentence's distinct plain words, lower-cased, with NAME_WORD if it holds a name and NUMBER_WORD a number.

    A name is any word with a capital or with letters and digits, except a capitalised plain word opening the
    sentence: what the word weights learn is how evidence is written ("basecalled", "weights"), never which model.
    That opening word is ambiguous ("We" or "Cellpose"): with `opening=False` it counts as a name — the fitting
    counts a word into its vocabulary only from such readings, so no name enters it from the opening.
    """
    words = set(_PLAIN.findall(sentence))
    rest = sentence
    first = _OPENING.match(sentence)
    if first:
        words.add(first.group(1).lower() if opening else NAME_WORD)
        rest = sentence[first.end() :]
    if _NAMED.search(rest):
        words.add(NAME_WORD)
    if _NUMBER_TOKEN.search(sentence):
        words.add(NUMBER_WORD)
    return frozenset(words)


def _shape(name: str) -> int:
    """0 CamelCase, 1 with digits, 2 capitals, 3 a capitalised word (cited)."""
    if any(c.isdigit() for c in name):
        return 1
    if name.isupper() or name[:-1].isupper():
        return 2
    return 0 if any(c.isupper() for c in name[1:]) else 3


def _signals(sentence: str) -> _Signals:
    lowered = lower_same_length(sentence)
    terms = longest(_vocabulary().find(sentence, lowered))
    # Each deep-learning term counts once per occurrence, up to three, so one long list of terms cannot win alone.
    occurrences = Counter(hit.phrase.payload for hit in terms)
    names: dict[str, bool] = {}
    shapes = [0, 0, 0, 0]
    kinds: list[str] = []
    for match in _names(sentence)[:NAMES_PER_SENTENCE]:
        key = match.group().lower()
        names[key] = names.get(key, False) or bool(_CITED.match(sentence, match.end()))
        shapes[_shape(match.group())] += 1
        if _KIND_AFTER.match(sentence, match.end()):
            kinds.append(key)
    return _Signals(
        dl=sum(term.weight * min(3, count) for term, count in occurrences.items()),
        terms=tuple(term.name for term in occurrences if term.weight > 0),
        strong=any(term.weight >= 0.8 for term in occurrences),
        names=tuple(names.items()),
        shapes=(shapes[0], shapes[1], shapes[2], shapes[3]),
        kinds=tuple(kinds),
        cues=len(_MODEL_CUE.findall(lowered)),
        own_work=bool(_OWN_WORK.search(lowered)),
        we=bool(_WE.search(lowered)),
        reuse=bool(_REUSE.search(lowered)),
        citations=len(_CITATION.findall(sentence)),
        numbers=len(_NUMBER.findall(sentence)),
    )


def _paragraphs(doc: PaperDocument) -> Iterator[tuple[int, str | None, str, bool, str]]:
    """(section ordinal, heading, section type, is a caption, paragraph) of the abstract, then sections."""
    for paragraph in paragraphs(doc.abstract or ""):
        yield ABSTRACT_ORDINAL, "Abstract", "abstract", False, paragraph
    for section in doc.sections:
        for paragraph in paragraphs(section.text or ""):
            yield section.ordinal, section.heading, section.section_type, section.kind != "section", paragraph


def _read(doc: PaperDocument) -> tuple[list[Place], list[_Signals]]:
    places: list[Place] = []
    signals: list[_Signals] = []
    for block, (ordinal, heading, section_type, caption, paragraph) in enumerate(_paragraphs(doc)):
        for position, text in enumerate(split_sentences(paragraph)):
            tokens = count_tokens(text) + 1  # + the space or line break that joins it to the next
            places.append(Place(block, position == 0, ordinal, heading, section_type, caption, text, tokens))
            signals.append(_signals(fold(text)))
    return places, signals


FEATURES = (
    "dl",  # log(1 + vocabulary weights)
    "terms",  # distinct deep-learning terms, up to 3
    "strong",
    "new_terms",  # terms not seen earlier in the paper
    "names",  # log(1 + names)
    "cited_names",
    "deep_names",  # names the paper puts next to deep-learning words somewhere
    "name_frequency",  # log of the most mentioned name's mentions in the paper
    "camel_names",
    "digit_names",
    "caps_names",
    "word_names",
    "kind_names",  # names followed by "model", "tool" … here
    "kinded_names",  # … somewhere in the paper
    "reused_names",  # names next to words of reuse somewhere
    "own_names",  # names in a sentence on the authors' own work somewhere
    "best_mentions",  # names whose most telling mention (strength) this is
    "numbers",
    "cues",
    "cue_and_name",
    "own_work",
    "we",
    "reuse",
    "citations",
    "log_tokens",
    *(f"section_{name}" for name in SECTION_TYPES),
    "caption",
    "first_in_paragraph",
    "neighbour_dl",  # a sentence beside it in its paragraph has deep-learning words
    "neighbour_names",  # … or names
)


@dataclass(slots=True)
class _NameContext:
    """What the whole paper says of each name, and where each deep-learning term first appears."""

    counts: Counter[str]
    deep: set[str]
    kinded: set[str]
    reused: set[str]
    owned: set[str]
    best: dict[str, int]  # the highest strength of a sentence naming it
    first_term: dict[str, int]  # term → index of the first sentence using it


def _context(signals: list[_Signals]) -> _NameContext:
    context = _NameContext(Counter(), set(), set(), set(), set(), {}, {})
    for index, signal in enumerate(signals):
        context.kinded.update(signal.kinds)
        for name, _ in signal.names:
            context.counts[name] += 1
            if signal.dl:
                context.deep.add(name)
            if signal.reuse:
                context.reused.add(name)
            if signal.own_work:
                context.owned.add(name)
            context.best[name] = max(context.best.get(name, 0), signal.strength)
        for term in signal.terms:
            context.first_term.setdefault(term, index)
    return context


def _row(index: int, place: Place, s: _Signals, neighbours: list[_Signals], context: _NameContext) -> list[float]:
    """The features of one sentence, in the order of FEATURES."""
    names = [name for name, _ in s.names]
    section = "discussion" if place.section_type == "conclusion" else place.section_type
    section = section if section in SECTION_TYPES else "other"
    return [
        math.log1p(s.dl),
        min(3, len(s.terms)),
        float(s.strong),
        sum(1 for term in s.terms if context.first_term[term] == index),
        math.log1p(len(names)),
        sum(1 for _, cited in s.names if cited),
        sum(1 for name in names if name in context.deep),
        max((math.log(context.counts[name]) for name in names), default=0.0),
        *s.shapes,
        len(s.kinds),
        sum(1 for name in names if name in context.kinded),
        sum(1 for name in names if name in context.reused),
        sum(1 for name in names if name in context.owned),
        sum(1 for name in names if context.best[name] == s.strength),
        math.log1p(min(10, s.numbers)),
        math.log1p(min(3, s.cues)),
        float(bool(s.cues and names)),
        float(s.own_work),
        float(s.we),
        float(s.reuse),
        min(3, s.citations),
        math.log(place.tokens),
        *(float(section == name) for name in SECTION_TYPES),
        float(place.caption),
        float(place.first_in_block),
        float(any(n.dl for n in neighbours)),
        float(any(n.names for n in neighbours)),
    ]


def sentence_table(doc: PaperDocument) -> SentenceTable:
    places, signals = _read(doc)
    context = _context(signals)
    rows = []
    for index, (place, signal) in enumerate(zip(places, signals, strict=True)):
        beside = [signals[j] for j in (index - 1, index + 1) if 0 <= j < len(places) and places[j].block == place.block]
        rows.append(_row(index, place, signal, beside, context))
    return SentenceTable(
        places,
        [tuple(name for name, _ in signal.names) for signal in signals],
        np.array([float(signal.has_signal) for signal in signals]),
        np.array(rows, dtype=float).reshape(len(rows), len(FEATURES)),
        [sentence_words(place.text) for place in places],
    )
