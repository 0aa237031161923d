"""The gold label sets, read from seeds/, each with what it is worth, so every metric can say what it was computed on.

- `reference`: the project's 112 bundled papers, LLM-assisted labels (not human), all tasks including stage.
- `aius`: the original study's author-agreement labels, human, 110 PLOS papers; uses_dl, uses_ptms and PTM–reuse
  pairs, no stage. Full texts are not bundled (one is): `ptmreuse fetch-gold-texts` fetches them.
- `reference-heldout`: the half of `reference` the rules baseline was not developed on (the fair test for rules).
- `aius-untuned`: `aius` without the 20 papers the study tuned its prompts on (an unbiased check of `aius` prompts).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from warehouse.paths import PROJECT_DIR

SEEDS_DIR = PROJECT_DIR / "seeds"
GOLD_CHOICES = ("reference", "aius", "all")
# bench/rules_baseline.py's fixed split: papers sorted by sha256(salt + doi); the rules were developed on the first
# half only, so the second half is the reference subset that can judge them fairly.
RULES_SPLIT_SALT = "ptmreuse-rules-split-v1:"


@dataclass(frozen=True, slots=True)
class GoldPtm:
    name: str
    reuse_pattern: str
    stage: str | None  # None where the gold set has no stage labels


@dataclass(frozen=True, slots=True)
class GoldPaper:
    doi: str
    uses_dl: bool
    uses_ptms: bool
    ptms: tuple[GoldPtm, ...] = ()


@dataclass(frozen=True, slots=True)
class GoldSet:
    name: str
    description: str
    papers: dict[str, GoldPaper] = field(default_factory=dict)
    has_stage: bool = False


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _flag(value: str) -> bool:
    return value.strip().lower() == "true"


def _papers(paper_rows: list[dict[str, str]], ptm_rows: list[dict[str, str]]) -> dict[str, GoldPaper]:
    ptms: dict[str, list[GoldPtm]] = {}
    for row in ptm_rows:
        ptms.setdefault(row["doi"].lower(), []).append(
            GoldPtm(row["ptm_name"], row["reuse_pattern"].strip().lower(), row.get("stage") or None)
        )
    return {
        row["doi"].lower(): GoldPaper(
            row["doi"].lower(), _flag(row["uses_dl"]), _flag(row["uses_ptms"]), tuple(ptms.get(row["doi"].lower(), ()))
        )
        for row in paper_rows
    }


def reference_set(seeds_dir: Path = SEEDS_DIR) -> GoldSet:
    papers = _papers(_read(seeds_dir / "gold_reference_papers.csv"), _read(seeds_dir / "gold_reference_ptms.csv"))
    return GoldSet(
        "reference",
        "project reference labels: 112 bundled papers, LLM-assisted (not human), codebook v1.1",
        papers,
        has_stage=True,
    )


def rules_heldout(dois: list[str]) -> set[str]:
    ordered = sorted(dois, key=lambda doi: hashlib.sha256((RULES_SPLIT_SALT + doi).encode()).hexdigest())
    return set(ordered[len(ordered) // 2 :])


def reference_sets(seeds_dir: Path = SEEDS_DIR) -> list[GoldSet]:
    full = reference_set(seeds_dir)
    held_out = rules_heldout(list(full.papers))
    return [
        full,
        GoldSet(
            "reference-heldout",
            f"the {len(held_out)} reference papers the rules baseline was not developed on (LLM-assisted labels)",
            {doi: paper for doi, paper in full.papers.items() if doi in held_out},
            has_stage=True,
        ),
    ]


def aius_sets(seeds_dir: Path = SEEDS_DIR) -> list[GoldSet]:
    rows = _read(seeds_dir / "gold_aius_papers.csv")
    papers = _papers(rows, _read(seeds_dir / "gold_aius_ptm_pairs.csv"))
    tuned = {row["doi"].lower() for row in rows if _flag(row["in_prompt_tuning_subset"])}
    return [
        GoldSet("aius", "original study's human author-agreement labels: 110 PLOS papers, no stage", papers),
        GoldSet(
            "aius-untuned",
            f"aius without the {len(tuned)} papers the study tuned its prompts on (human labels, no stage)",
            {doi: paper for doi, paper in papers.items() if doi not in tuned},
        ),
    ]


def load_gold_sets(which: str = "reference", seeds_dir: Path = SEEDS_DIR) -> list[GoldSet]:
    if which not in GOLD_CHOICES:
        raise ValueError(f"unknown gold set {which!r}: use {', '.join(GOLD_CHOICES)}")
    sets = []
    if which in ("reference", "all"):
        sets.extend(reference_sets(seeds_dir))
    if which in ("aius", "all"):
        sets.extend(aius_sets(seeds_dir))
    return sets
