"""The model-name catalogue: `seeds/ptm_catalogue.csv` and `seeds/ptm_aliases.csv`, read at run time.

dbt loads the same CSVs as seeds, so the rules and the marts share one list of names. An alias matches with
flexible separators ("ResNet-50", "ResNet 50", "resnet50" are one pattern); ambiguous aliases (SAM, ESM, CLIP)
are either case-sensitive or only count in a passage that already speaks of deep learning.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from warehouse.paths import PROJECT_DIR

from .text import fold

SEEDS_DIR = PROJECT_DIR / "seeds"
_SEPARATOR = r"[\s\-_]{0,2}"
_TOKEN = re.compile(r"[^\W\d_]+|\d+|[^\w\s-]")


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    canonical_name: str
    family: str
    modality: str
    kind: str  # architecture | released_model | tool
    is_deep: bool
    default_pattern: str


@dataclass(frozen=True, slots=True)
class ModelHit:
    entry: CatalogueEntry
    surface: str  # the name as the paper writes it
    start: int
    end: int
    needs_dl_context: bool


@dataclass(frozen=True, slots=True)
class Catalogue:
    entries: dict[str, CatalogueEntry]
    alias_to_canonical: dict[str, str]  # folded, lower-cased alias -> canonical name
    context_aliases: frozenset[str]  # folded, lower-cased aliases that need deep-learning context
    insensitive: re.Pattern[str] | None
    sensitive: re.Pattern[str] | None
    sensitive_names: dict[str, str]  # exact alias -> canonical name

    def find(self, folded: str) -> list[ModelHit]:
        """Catalogue names in a folded sentence; overlapping hits keep the longest."""
        hits: list[ModelHit] = []
        for pattern in (self.insensitive, self.sensitive):
            if pattern is None:
                continue
            for match in pattern.finditer(folded):
                canonical = self._canonical_for(match.group(0), pattern is self.sensitive)
                if canonical is None:
                    continue
                key = _key(match.group(0))
                hits.append(
                    ModelHit(
                        self.entries[canonical],
                        match.group(0),
                        match.start(),
                        match.end(),
                        key in self.context_aliases,
                    )
                )
        hits.sort(key=lambda hit: (hit.start, -(hit.end - hit.start)))
        kept: list[ModelHit] = []
        for hit in hits:
            if kept and hit.start < kept[-1].end:
                if hit.end - hit.start > kept[-1].end - kept[-1].start:
                    kept[-1] = hit
                continue
            kept.append(hit)
        return kept

    def _canonical_for(self, surface: str, sensitive: bool) -> str | None:
        if sensitive:
            return self.sensitive_names.get(_squash(surface))
        return self.alias_to_canonical.get(_key(surface))

    def canonicalise(self, name: str) -> str:
        """A model name as a paper or an annotator writes it -> the catalogue's canonical name.

        "ResNet50 (ImageNet-pretrained)" -> "ResNet-50". Names the catalogue does not know come back folded and
        lower-cased, so two spellings of an unknown model still compare equal.
        """
        hits = self.find(fold(name))
        if hits:
            return hits[0].entry.canonical_name
        return " ".join(_key(name).split())


def _squash(text: str) -> str:
    """Drop separators so 'ResNet-50', 'ResNet 50' and 'ResNet50' compare equal."""
    return re.sub(r"[\s\-_]", "", fold(text))


def _key(text: str) -> str:
    return _squash(text).lower()


_SEP = object()  # a separator slot between two tokens of an alias


def _units(alias: str, lower: bool) -> list[object]:
    units: list[object] = []
    for index, token in enumerate(_TOKEN.findall(fold(alias))):
        if index:
            units.append(_SEP)
        units.extend(token.lower() if lower else token)
    return units


def _trie_regex(node: dict[object, dict], lower: bool) -> str:
    """A regex from a character trie: shared prefixes are matched once, which keeps 500 aliases fast."""
    terminal = None in node
    branches = []
    for unit, child in node.items():
        if unit is None:
            continue
        head = _SEPARATOR if unit is _SEP else re.escape(str(unit))
        branches.append(head + _trie_regex(child, lower))
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    return f"(?:{body})?" if terminal else body


def _compile(aliases: list[str], flags: int) -> re.Pattern[str] | None:
    if not aliases:
        return None
    lower = bool(flags & re.IGNORECASE)
    trie: dict[object, dict] = {}
    for alias in aliases:
        node = trie
        for unit in _units(alias, lower):
            node = node.setdefault(unit, {})
        node[None] = {}
    # Greedy optional groups make the longest alias win ("ResNet-50" over "ResNet" at the same position).
    return re.compile(rf"(?<![\w.])(?:{_trie_regex(trie, lower)})(?![\w]|\+)", flags)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@cache
def load_catalogue(seeds_dir: Path = SEEDS_DIR) -> Catalogue:
    entries = {
        row["canonical_name"]: CatalogueEntry(
            row["canonical_name"],
            row["family"],
            row["modality"],
            row["kind"],
            row["is_deep"].strip().lower() == "true",
            row["default_pattern"],
        )
        for row in _read(seeds_dir / "ptm_catalogue.csv")
    }
    insensitive: list[str] = []
    sensitive: list[str] = []
    alias_to_canonical: dict[str, str] = {}
    sensitive_names: dict[str, str] = {}
    context_aliases: set[str] = set()
    for row in _read(seeds_dir / "ptm_aliases.csv"):
        alias, canonical = row["alias"].strip(), row["canonical_name"].strip()
        if canonical not in entries:
            raise ValueError(f"alias {alias!r} points at {canonical!r}, which is not in ptm_catalogue.csv")
        if row.get("needs_dl_context", "").strip().lower() == "true":
            context_aliases.add(_key(alias))
        if row.get("case_sensitive", "").strip().lower() == "true":
            sensitive.append(alias)
            sensitive_names[_squash(alias)] = canonical
        else:
            insensitive.append(alias)
            alias_to_canonical[_key(alias)] = canonical
    return Catalogue(
        entries,
        alias_to_canonical,
        frozenset(context_aliases),
        _compile(insensitive, re.IGNORECASE),
        _compile(sensitive, 0),
        sensitive_names,
    )
