"""Many fixed phrases found in one pass over a paper: an Aho–Corasick automaton (pyahocorasick) on the lower-cased text.

The rules look for ~3,000 spellings (deep-learning vocabulary, catalogue aliases with their separator variants). A
regex alternation tries every phrase at every character (≈100 ms for a 35 kB paper); the automaton reads the text
once (≈1.5 ms). Word boundaries, letter case and plurals are checked afterwards on the few hits.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import pairwise, product
from typing import Generic, TypeVar

import ahocorasick

Payload = TypeVar("Payload")

# A phrase is split into letter runs, digit runs and single symbols; between two of them the text may write a space,
# a hyphen or nothing ("ResNet-50", "ResNet 50", "resnet50" are one phrase).
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s-]")
_MAX_VARIANTS = 216


@dataclass(frozen=True, slots=True)
class Phrase(Generic[Payload]):
    text: str
    payload: Payload
    case_sensitive: bool = False  # only the phrase's own letter case counts ("BERT", not "Bert")
    plural: bool = False  # a trailing "s" may follow ("autoencoders")
    prefix: bool = False  # any word may continue it ("fine-tun" → fine-tuned, fine-tuning)
    left_bound: bool = True  # must start a word ("CNN" with left_bound=False also finds "DCNN", "R-CNN")


@dataclass(frozen=True, slots=True)
class PhraseHit(Generic[Payload]):
    start: int
    end: int
    phrase: Phrase[Payload]


def squash(text: str) -> str:
    """Drop separators so 'ResNet-50', 'ResNet 50' and 'ResNet50' compare equal."""
    return re.sub(r"[\s\-_]", "", text)


def variants(text: str) -> set[str]:
    """Lower-case spellings of a phrase with a space, a hyphen or nothing between its tokens."""
    tokens = _TOKEN.findall(text.lower())
    gaps = []
    for left, right in pairwise(tokens):
        if left.isalpha() and right.isalpha():
            gaps.append((" ", "-"))  # two words: never glued ("segment anything" ≠ "segmentanything")
        else:
            gaps.append(("", " ", "-", "_", " -", "- "))  # "U 2 -Net" is how some texts render U²-Net
    spellings = set()
    choices = product(*gaps) if _count(gaps) <= _MAX_VARIANTS else [tuple(g[0] for g in gaps), tuple("-" for _ in gaps)]
    for choice in choices:
        spellings.add(tokens[0] + "".join(gap + token for gap, token in zip(choice, tokens[1:], strict=True)))
    spellings.add(text.lower())
    return spellings


def _count(gaps: list[tuple[str, ...]]) -> int:
    total = 1
    for gap in gaps:
        total *= len(gap)
    return total


class PhraseIndex(Generic[Payload]):
    """Finds every phrase of a fixed list in a text, longest first where two overlap."""

    def __init__(self, phrases: Iterable[Phrase[Payload]], *, flexible: bool = True) -> None:
        """`flexible`: also find each phrase with other separators (off for names taken from the paper itself,
        which are looked for as the paper writes them)."""
        self._automaton = ahocorasick.Automaton()
        by_key: dict[str, list[Phrase[Payload]]] = {}
        for phrase in phrases:
            for spelling in variants(phrase.text) if flexible else (phrase.text.lower(),):
                by_key.setdefault(spelling, []).append(phrase)
        for key, entries in by_key.items():
            self._automaton.add_word(key, (len(key), tuple(entries)))
        self._empty = not by_key
        if not self._empty:
            self._automaton.make_automaton()

    def find(self, folded: str, lowered: str) -> list[PhraseHit[Payload]]:
        """Every accepted hit in `folded`, searched through `lowered` (its lower-cased copy of the same length).
        Hits may overlap: callers keep the longest of each kind (`longest`)."""
        if self._empty:
            return []
        hits: list[PhraseHit[Payload]] = []
        for last, (length, entries) in self._automaton.iter(lowered):
            start, end = last + 1 - length, last + 1
            for phrase in entries:
                stop = _accepts(phrase, folded, start, end)
                if stop:
                    hits.append(PhraseHit(start, stop, phrase))
        return hits


def _accepts(phrase: Phrase, text: str, start: int, end: int) -> int:
    """The end of an accepted hit (after an optional plural "s"), or 0 when boundaries or case do not fit."""
    if phrase.left_bound and start > 0 and (text[start - 1].isalnum() or text[start - 1] == "."):
        return 0
    if phrase.case_sensitive and squash(text[start:end]) != squash(phrase.text):
        return 0
    if phrase.prefix:
        return end
    if phrase.plural and text[end : end + 1] == "s":
        end += 1
    following = text[end : end + 1]
    if following and (following.isalnum() or following == "+"):
        return 0
    return end


def longest(hits: list[PhraseHit[Payload]]) -> list[PhraseHit[Payload]]:
    """Non-overlapping hits, the longer one winning where two overlap."""
    hits.sort(key=lambda hit: (hit.start, -(hit.end - hit.start)))
    kept: list[PhraseHit[Payload]] = []
    for hit in hits:
        if kept and hit.start < kept[-1].end:
            if hit.end - hit.start > kept[-1].end - kept[-1].start:
                kept[-1] = hit
            continue
        kept.append(hit)
    return kept


def lower_same_length(text: str) -> str:
    """`text.lower()`, one character for one (a few letters, such as 'İ', lower-case to two)."""
    lowered = text.lower()
    if len(lowered) == len(text):
        return lowered
    return "".join(char if len(char.lower()) != 1 else char.lower() for char in text)
