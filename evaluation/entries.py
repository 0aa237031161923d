"""PTM scoring entry by entry: one-to-one matching of a paper's predicted entries with its gold entries.

Names are compared after the evaluation's own normalisation, which only decides whether two spellings written for
the same paper name one model; it maps nothing to a catalogue name (dbt owns canonical names):

- `entry_key`: accents stripped, lower case, parenthesised or bracketed qualifiers dropped ("ResNet50
  (ImageNet-pretrained)" → "resnet50", "DCNN … [20]" → "dcnn …"; a name that is all parentheses keeps its inside),
  "+" spelled "plus" (U-Net++ is not U-Net), zero minor versions dropped ("SignalP 5.0" = "SignalP 5"), then
  everything but letters and digits removed ("ResNet-50" = "resnet 50" = "ResNet50", "EfficientNet‐B3" =
  "EfficientNet-B3").
- `version_free_key`: `entry_key` after dropping a trailing version: "v2", "v.3", "version 2" or a dotted number
  ("SignalP 5.0", "Cellpose 2.1.0", "TasselNetV2", "idtracker.ai v.3" → "signalp", "cellpose", "tasselnet",
  "idtrackerai"). A bare trailing number stays: it is often the model's size ("ResNet-50"), not its version.
- `alternative_keys`: the `entry_key` of the name and of each name in its parentheses, which often hold the short
  name ("AlphaFold 3 (AF3)" ↔ "AF3", "U-Net (MP-Net)" ↔ "MP-Net").
- `head_key`: the `entry_key` of the name without the plain lower-case words that end it, which describe the model
  rather than name it ("fastText skipgram", "DeepLabCut model (…)", "GCN graph autoencoder" → "fasttext",
  "deeplabcut", "gcn"); a word with a capital or a digit names something ("AlphaFold Multimer", "BERT 6mA" keep no
  head), and so does a name's first word.

Per paper, pairs are taken greedily: same `entry_key` first, then same `version_free_key`, then a shared alternative
key, then one name equal to the other's head; at each level, pairs that agree on reuse pattern, then on stage, go
first (a paper may list one model twice, e.g. adapted and re-implemented). Each predicted entry matches at most one
gold entry and the other way round; pattern and stage accuracy are computed on the matched pairs.

Beside it, the canonical-name view (a second, labelled metric): distinct canonical names per paper as dbt
canonicalises them, catalogue names where the catalogue knows the model and the name key otherwise.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_QUALIFIER = re.compile(r"\s*[\(\[][^\)\]]*[\)\]]")
_NOT_ALNUM = re.compile(r"[^0-9a-z]")
_LETTER = re.compile(r"[a-z]")
_ZERO_MINOR = re.compile(r"(?<=\d)(?:\.0+)+(?![\w.])")  # "SignalP 5.0" is "SignalP 5", "2.0.1" stays
_PLAIN_WORD = re.compile(r"[a-z]+(?:-[a-z]+)*,?")  # a describing word: lower-case letters only
_VERSION = re.compile(r"(?:[\s._-]*(?:v|ver|version)\.?\s*\d+(?:\.\d+)*[a-z]?|[\s_-]+\d+(?:\.\d+)+)$")


@dataclass(frozen=True, slots=True)
class Entry:
    """A PTM entry of one paper, gold or predicted; `canonical` is dbt's canonical name id (None when unknown)."""

    name: str
    reuse_pattern: str
    stage: str | None
    canonical: str | None = None


@dataclass(frozen=True, slots=True)
class PaperMatch:
    gold_entries: int
    predicted_entries: int
    matched_entries: int
    pattern_agree: int  # matched pairs with the same reuse pattern
    stage_agree: int  # matched pairs with the same stage (0 where the gold has no stage)
    gold_names: int  # distinct canonical names (the second view)
    predicted_names: int
    matched_names: int
    # (gold, predicted) category of each matched pair: the confusion matrices of evaluation/category_confusion.py
    pattern_pairs: tuple[tuple[str, str], ...] = ()
    stage_pairs: tuple[tuple[str, str], ...] = ()  # empty where the gold has no stage

    @property
    def entry_f1_numerator(self) -> int:
        return 2 * self.matched_entries

    @property
    def entry_f1_denominator(self) -> int:
        return self.gold_entries + self.predicted_entries


def _folded(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().strip()


def _without_qualifiers(folded: str) -> str:
    bare = _QUALIFIER.sub("", folded).strip()
    return bare if _NOT_ALNUM.sub("", bare) else folded


def entry_key(name: str) -> str:
    bare = _ZERO_MINOR.sub("", _without_qualifiers(_folded(name)))
    return _NOT_ALNUM.sub("", bare.replace("+", "plus"))


def version_free_key(name: str) -> str:
    bare = _without_qualifiers(_folded(name))
    return _NOT_ALNUM.sub("", _VERSION.sub("", bare).replace("+", "plus")) or entry_key(name)


def alternative_keys(name: str) -> set[str]:
    """The name's key and the keys of what its parentheses hold, leaving out citations such as "[20]"."""
    inside = {entry_key(part.strip(" ()[]")) for part in _QUALIFIER.findall(_folded(name))}
    return {entry_key(name)} | {key for key in inside if _LETTER.search(key)}


def head_key(name: str) -> str | None:
    """The key of the name without its trailing plain lower-case words, or None when it ends with none."""
    words = _QUALIFIER.sub("", name).split()
    head = len(words)
    while head > 1 and _PLAIN_WORD.fullmatch(words[head - 1]):
        head -= 1
    return entry_key(" ".join(words[:head])) if head < len(words) else None


def _level(gold: str, predicted: str) -> int | None:
    """How closely two names agree: 0 same key, 1 same key without version, 2 a shared alternative, 3 one name is
    the other's head, None not at all."""
    if entry_key(gold) == entry_key(predicted):
        return 0
    if version_free_key(gold) == version_free_key(predicted):
        return 1
    if alternative_keys(gold) & alternative_keys(predicted):
        return 2
    return 3 if head_key(gold) == entry_key(predicted) or head_key(predicted) == entry_key(gold) else None


def _pairs(gold: Sequence[Entry], predicted: Sequence[Entry]) -> list[tuple[int, int]]:
    candidates = []
    for p_index, p in enumerate(predicted):
        for g_index, g in enumerate(gold):
            level = _level(g.name, p.name)
            if level is not None:
                disagreements = (p.reuse_pattern != g.reuse_pattern, p.stage != g.stage)
                candidates.append(((level, *disagreements), g_index, p_index))
    candidates.sort()
    used_gold: set[int] = set()
    used_pred: set[int] = set()
    pairs = []
    for _, g_index, p_index in candidates:
        if g_index not in used_gold and p_index not in used_pred:
            used_gold.add(g_index)
            used_pred.add(p_index)
            pairs.append((g_index, p_index))
    return pairs


def match_paper(gold: Sequence[Entry], predicted: Sequence[Entry], has_stage: bool = True) -> PaperMatch:
    pairs = _pairs(gold, predicted)
    gold_names = {e.canonical for e in gold if e.canonical is not None}
    predicted_names = {e.canonical for e in predicted if e.canonical is not None}
    return PaperMatch(
        gold_entries=len(gold),
        predicted_entries=len(predicted),
        matched_entries=len(pairs),
        pattern_agree=sum(gold[g].reuse_pattern == predicted[p].reuse_pattern for g, p in pairs),
        stage_agree=sum(has_stage and gold[g].stage == predicted[p].stage for g, p in pairs),
        gold_names=len(gold_names),
        predicted_names=len(predicted_names),
        matched_names=len(gold_names & predicted_names),
        pattern_pairs=tuple((gold[g].reuse_pattern, predicted[p].reuse_pattern) for g, p in pairs),
        stage_pairs=tuple(
            (gold[g].stage, predicted[p].stage)
            for g, p in pairs
            if has_stage and gold[g].stage is not None and predicted[p].stage is not None
        ),
    )
