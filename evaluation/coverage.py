"""Evidence coverage: does the text a protocol sends contain the sentences the gold labels rest on?

A gold evidence sentence is *contained* in a text when at least `MIN_OVERLAP` (80 %) of its `SHINGLE`-character
pieces (every run of 10 consecutive characters) occur in the text, both normalised the same way: Unicode folded,
lower case, and everything but letters and digits dropped. Dropping spaces and punctuation makes the measure blind
to how the JATS parser and the annotators wrote citations, superscripts and dashes ("U 2 -Net" vs "U2-Net",
"2020 )" vs "2020)"); the 80 % share lets a sentence through when a citation number differs, but not when a long
sentence was cut across two passages of which only the smaller part was chosen. Evidence shorter than one piece
must occur whole.

A PTM evidence sentence that is not shown may still have its model named elsewhere in the text: `named_misses`
counts those (the entry's gold name, normalised the same way, found anywhere in the text shown — a lower bound, as a
name the paper writes differently from the label is not found).

This is the one owner of the measure: `bench/passages.py` prints it and `tests/classifiers/test_passages.py`
holds a floor on it.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from classifiers.document import PaperDocument
from classifiers.tokens import count_tokens
from evaluation.gold import GoldPaper

MIN_OVERLAP = 0.8
SHINGLE = 10
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def normalise(text: str) -> str:
    """Letters and digits only, lower case, accents and look-alike characters folded to ASCII."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower())


def _shingles(letters: str) -> set[str]:
    return {letters[i : i + SHINGLE] for i in range(len(letters) - SHINGLE + 1)}


class ShownText:
    """A text as the measure reads it (normalised, cut in pieces), built once and asked about many sentences."""

    def __init__(self, text: str) -> None:
        self._letters = normalise(text)
        self._shingles = _shingles(self._letters)

    def contains(self, evidence: str) -> bool:
        letters = normalise(evidence)
        if not letters:
            return False
        if len(letters) < SHINGLE:
            return letters in self._letters
        wanted = _shingles(letters)
        return len(wanted & self._shingles) >= MIN_OVERLAP * len(wanted)

    def names(self, name: str) -> bool:
        """Whether the name occurs anywhere in the text (letters and digits only, as everything here)."""
        letters = normalise(name)
        return bool(letters) and letters in self._letters


def whole_paper(doc: PaperDocument) -> str:
    """Everything a protocol could show: title, abstract and body (the ceiling of any selection)."""
    return "\n".join([doc.title or "", doc.abstract or "", doc.body_text])


@dataclass(frozen=True, slots=True)
class Evidence:
    doi: str
    kind: str  # uses_dl | ptm
    text: str
    name: str | None = None  # the PTM entry's gold name


def gold_evidence(papers: Iterable[GoldPaper]) -> list[Evidence]:
    """The uses_dl evidence of every positive paper and the evidence of every PTM entry that has one."""
    found: list[Evidence] = []
    for paper in papers:
        if paper.uses_dl and paper.dl_evidence:
            found.append(Evidence(paper.doi, "uses_dl", paper.dl_evidence))
        found.extend(Evidence(paper.doi, "ptm", ptm.evidence, ptm.name) for ptm in paper.ptms if ptm.evidence)
    return found


def wilson(successes: int, total: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a proportion (95 % by default); (nan, nan) for an empty sample. dbt's macro
    wilson_columns owns the rule for the marts; this copy serves the passage bench, which has no warehouse, and is
    parity-tested against the macro (tests/test_intervals.py)."""
    if total == 0:
        return math.nan, math.nan
    share = successes / total
    denominator = 1 + z * z / total
    centre = (share + z * z / (2 * total)) / denominator
    half = z * math.sqrt(share * (1 - share) / total + z * z / (4 * total * total)) / denominator
    return max(0.0, centre - half), min(1.0, centre + half)


@dataclass(frozen=True, slots=True)
class Coverage:
    """What one way of choosing the text shows of the gold evidence, on one set of papers."""

    kept: dict[str, int]  # per evidence kind: sentences contained in the text shown
    total: dict[str, int]  # per evidence kind: sentences in the gold labels
    ceiling: dict[str, int]  # per evidence kind: sentences found anywhere in the paper (title, abstract, body)
    papers_with_evidence: int
    papers_fully_shown: int  # papers all of whose evidence was shown
    named_misses: int  # PTM evidence sentences not shown whose model's name is in the text shown all the same
    shown_tokens: int
    body_tokens: int
    papers: int

    def share(self, kind: str) -> float:
        return self.kept[kind] / self.total[kind] if self.total[kind] else math.nan


KINDS = ("uses_dl", "ptm")


def measure(pairs: Iterable[tuple[GoldPaper, PaperDocument]], shown: Callable[[PaperDocument], str]) -> Coverage:
    """Coverage of the gold evidence by `shown(doc)` (the text a protocol sends), with its size in tokens."""
    kept = dict.fromkeys(KINDS, 0)
    total = dict.fromkeys(KINDS, 0)
    ceiling = dict.fromkeys(KINDS, 0)
    with_evidence = fully = named = shown_tokens = body_tokens = papers = 0
    for paper, doc in pairs:
        text = shown(doc)
        papers += 1
        shown_tokens += count_tokens(text)
        body_tokens += count_tokens(doc.body_text)
        evidence = gold_evidence([paper])
        if not evidence:
            continue
        selected, everything = ShownText(text), ShownText(whole_paper(doc))
        inside = 0
        for item in evidence:
            total[item.kind] += 1
            ceiling[item.kind] += everything.contains(item.text)
            if selected.contains(item.text):
                kept[item.kind] += 1
                inside += 1
            elif item.name:
                named += selected.names(item.name)
        with_evidence += 1
        fully += inside == len(evidence)
    return Coverage(kept, total, ceiling, with_evidence, fully, named, shown_tokens, body_tokens, papers)
