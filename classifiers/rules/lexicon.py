"""The deep-learning vocabulary and the catalogue's model names in one automaton: a paper is read in one pass."""

from __future__ import annotations

from functools import cache

from .catalogue import Alias, load_catalogue
from .phrases import PhraseHit, PhraseIndex, longest, lower_same_length
from .vocabulary import PHRASES, Term


@cache
def lexicon() -> PhraseIndex[Term | Alias]:
    return PhraseIndex([*PHRASES, *load_catalogue().phrases])


def scan(folded: str, lowered: str | None = None) -> tuple[list[PhraseHit[Term]], list[PhraseHit[Alias]]]:
    """Vocabulary hits and catalogue-name hits in a folded text, each kind without overlaps (longest wins)."""
    hits = lexicon().find(folded, lowered if lowered is not None else lower_same_length(folded))
    terms = [hit for hit in hits if isinstance(hit.phrase.payload, Term)]
    models = [hit for hit in hits if isinstance(hit.phrase.payload, Alias)]
    return longest(terms), longest(models)


def mentions_dl(folded: str) -> bool:
    """Any deep-learning word (even a weak one) or an unambiguous deep model name: the prefilter's question."""
    terms, models = scan(folded)
    return any(hit.phrase.payload.weight > 0 for hit in terms) or any(
        hit.phrase.payload.entry.is_deep and not hit.phrase.payload.needs_context for hit in models
    )
