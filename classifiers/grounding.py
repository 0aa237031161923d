"""Is an evidence quote really in the paper? A normalised, tolerant match of a quote against the paper text.

LLMs re-space, swap quote marks, drop citations and join clauses when they "quote". Both sides are reduced to words
(Unicode-normalised, case-folded, punctuation dropped); a quote is grounded when its word sequence occurs in the
paper, or when an alignment against the best-matching stretch of the paper covers nearly all of its words. The
score is kept so that a stricter threshold can be applied later without re-running the classifier.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cached_property, lru_cache

ALIGNED_SHARE = 0.85  # share of the quote's words that must align, in order, with one stretch of the paper
_CANDIDATES = 5  # stretches of the paper tried per quote (the ones sharing most word pairs with it)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class Grounding:
    grounded: bool
    score: float  # 1.0 for an exact (normalised) match; else the share of words aligned


def normalised_words(text: str) -> list[str]:
    """Words only: NFKC, case-folded, punctuation and whitespace dropped (quotes, dashes, spacing never matter)."""
    return _WORD.findall(unicodedata.normalize("NFKC", text).casefold())


class PaperText:
    """The paper, prepared once so that many quotes can be checked cheaply. A quote found character for character
    (the rules' quotes, cut from the paper) needs nothing more; the paper's words and its index of word pairs are
    built only when a quote is not."""

    def __init__(self, text: str) -> None:
        self.text = text

    def verbatim(self, quote: str) -> bool:
        """Is the quote a run of whole words of the text, character for character?"""
        at = self.text.find(quote)
        while at >= 0:
            end = at + len(quote)
            if not (at and self.text[at - 1].isalnum()) and not (end < len(self.text) and self.text[end].isalnum()):
                return True
            at = self.text.find(quote, at + 1)
        return False

    @cached_property
    def words(self) -> list[str]:
        return normalised_words(self.text)

    @cached_property
    def joined(self) -> str:
        return " " + " ".join(self.words) + " "

    @cached_property
    def pairs(self) -> dict[tuple[str, str], list[int]]:
        pairs: dict[tuple[str, str], list[int]] = defaultdict(list)
        for index in range(len(self.words) - 1):
            pairs[(self.words[index], self.words[index + 1])].append(index)
        return pairs

    def ground(self, quote: str | None) -> Grounding | None:
        """None when there is no quote to check."""
        if quote is None or not quote.strip():
            return None
        words = normalised_words(quote)
        if not words:
            return Grounding(False, 0.0)
        if self.verbatim(quote.strip()) or " " + " ".join(words) + " " in self.joined:
            return Grounding(True, 1.0)
        # Vote for where the quote would start, from each of its word pairs found in the paper.
        starts: Counter[int] = Counter()
        for offset in range(len(words) - 1):
            for position in self.pairs.get((words[offset], words[offset + 1]), ())[:50]:
                starts[position - offset] += 1
        best = 0.0
        slack = max(5, len(words) // 5)
        for start, _ in starts.most_common(_CANDIDATES):
            window = self.words[max(0, start - slack) : start + len(words) + slack]
            matched = sum(
                block.size for block in SequenceMatcher(None, words, window, autojunk=False).get_matching_blocks()
            )
            best = max(best, matched / len(words))
        return Grounding(best >= ALIGNED_SHARE, round(best, 3))


@lru_cache(maxsize=64)
def paper_text(text: str) -> PaperText:
    # Several calls of one paper check quotes against the same text; prepare it once.
    return PaperText(text)


def ground(quote: str | None, text: str) -> Grounding | None:
    return paper_text(text).ground(quote)
