"""The model-name catalogue: `seeds/ptm_catalogue.csv` and `seeds/ptm_aliases.csv`, read at run time.

dbt loads the same CSVs as seeds, so the rules and the marts share one list of names. The catalogue is a precision
aid, not a whitelist: it says which names are deep (and which well-known tools are not), how a model is usually
reused, and how its spellings map to one name; the rules also find models it does not know (`names.py`).
An alias matches with flexible separators ("ResNet-50", "ResNet 50", "resnet50" are one phrase); ambiguous aliases
(SAM, ESM, Guppy) are case-sensitive, or only count in a paragraph that speaks of deep learning (or, for
basecallers, of basecalling).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from warehouse.paths import PROJECT_DIR

from .phrases import Phrase, PhraseIndex, longest, lower_same_length, squash
from .text import fold

SEEDS_DIR = PROJECT_DIR / "seeds"


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    canonical_name: str
    family: str
    modality: str
    kind: str  # architecture | released_model | tool
    is_deep: bool
    default_pattern: str


@dataclass(frozen=True, slots=True)
class Alias:
    entry: CatalogueEntry
    needs_context: bool  # only counts where the paragraph speaks of deep learning (or of its family's work)


@dataclass(frozen=True, slots=True)
class ModelHit:
    entry: CatalogueEntry
    surface: str  # the name as the paper writes it
    start: int
    end: int
    needs_dl_context: bool


class Catalogue:
    def __init__(self, entries: dict[str, CatalogueEntry], phrases: list[Phrase[Alias]]) -> None:
        self.entries = entries
        self.phrases = tuple(phrases)
        self.index = PhraseIndex(self.phrases)

    def find(self, folded: str) -> list[ModelHit]:
        """Catalogue names in a folded text; overlapping hits keep the longest."""
        hits = longest(self.index.find(folded, lower_same_length(folded)))
        return [model_hit(hit.phrase.payload, folded, hit.start, hit.end) for hit in hits]

    def canonicalise(self, name: str) -> str:
        """A model name as a paper or an annotator writes it -> the catalogue's canonical name.

        "ResNet50 (ImageNet-pretrained)" -> "ResNet-50". Names the catalogue does not know come back folded and
        lower-cased, so two spellings of an unknown model still compare equal.
        """
        hits = self.find(fold(name))
        if hits:
            return hits[0].entry.canonical_name
        return " ".join(squash(fold(name)).lower().split())


def model_hit(alias: Alias, folded: str, start: int, end: int) -> ModelHit:
    return ModelHit(alias.entry, folded[start:end], start, end, alias.needs_context)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _flag(value: str | None) -> bool:
    return (value or "").strip().lower() == "true"


@cache
def load_catalogue(seeds_dir: Path = SEEDS_DIR) -> Catalogue:
    entries = {
        row["canonical_name"]: CatalogueEntry(
            row["canonical_name"],
            row["family"],
            row["modality"],
            row["kind"],
            _flag(row["is_deep"]),
            row["default_pattern"],
        )
        for row in _read(seeds_dir / "ptm_catalogue.csv")
    }
    phrases = []
    for row in _read(seeds_dir / "ptm_aliases.csv"):
        alias, canonical = row["alias"].strip(), row["canonical_name"].strip()
        if canonical not in entries:
            raise ValueError(f"alias {alias!r} points at {canonical!r}, which is not in ptm_catalogue.csv")
        payload = Alias(entries[canonical], _flag(row.get("needs_dl_context")))
        sensitive = _flag(row.get("case_sensitive"))
        phrases.append(Phrase(alias, payload, case_sensitive=sensitive, plural=not sensitive and alias[-1:].isalpha()))
    return Catalogue(entries, phrases)
