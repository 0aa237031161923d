"""The gold label sets, read from the gold seeds, each saying what it is worth, so every metric can say it too.

- `reference-tuning` / `reference-frozen`: the project's 112 bundled papers split once (evaluation/split.py);
  LLM-assisted labels, not human; every task including stage. Judge a classifier on the frozen set.
- `aius` / `aius-untuned`: the original study's human author-agreement labels, 110 PLOS papers (uses_dl, uses_ptms,
  PTM–reuse pairs, no stage); `aius-untuned` leaves out the 20 papers the study tuned its prompts on. Full texts are
  not bundled (one is): `ptmreuse fetch-gold-texts` fetches them.

- `project-dev` / `project-check`: the project's own labels of 204 papers of `pmc-biotools-3k.zip` (not bundled),
  LLM-assisted, a single pass; four batches, each split once (evaluation/split.py): 136 to develop on, 68 only ever
  scored. Not part of `ptmreuse eval` (the texts are not in the warehouse); `bench/rules_project.py` scores them.

This is the one gold loader: `ptmreuse eval`, the benchmark and the leak tests all read the seeds through it. Gold
PTM names are canonicalised by dbt (model int_gold_ptm_names), not here.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from evaluation.split import FROZEN, TUNING, split_project, split_reference
from warehouse.paths import PROJECT_DIR

SEEDS_DIR = PROJECT_DIR / "seeds"
GOLD_CHOICES = ("reference", "aius", "all")
REFERENCE_CAVEAT = "reference labels are LLM-assisted, not human"


@dataclass(frozen=True, slots=True)
class GoldPtm:
    name: str
    reuse_pattern: str
    stage: str | None  # None where the gold set has no stage labels
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class GoldPaper:
    doi: str
    uses_dl: bool
    uses_ptms: bool
    ptms: tuple[GoldPtm, ...] = ()
    corpus_file: str | None = None  # member of corpus/sample-jats.zip (reference set only)
    dl_evidence: str | None = None


@dataclass(frozen=True, slots=True)
class GoldSet:
    name: str  # reference-tuning | reference-frozen | aius | aius-untuned | project-dev | project-check
    family: str  # reference | aius | project: the sets shown side by side
    subset: str  # tuning | frozen | all | untuned
    description: str
    is_human: bool
    has_stage: bool
    papers: dict[str, GoldPaper] = field(default_factory=dict)


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _flag(value: str) -> bool:
    return value.strip().lower() == "true"


def _papers(paper_rows: list[dict[str, str]], ptm_rows: list[dict[str, str]]) -> dict[str, GoldPaper]:
    ptms: dict[str, list[GoldPtm]] = {}
    for row in ptm_rows:
        ptms.setdefault(row["doi"].lower(), []).append(
            GoldPtm(
                row["ptm_name"], row["reuse_pattern"].strip().lower(), row.get("stage") or None, row.get("evidence")
            )
        )
    papers = {}
    for row in paper_rows:
        doi = row["doi"].lower()
        papers[doi] = GoldPaper(
            doi,
            _flag(row["uses_dl"]),
            _flag(row["uses_ptms"]),
            tuple(ptms.get(doi, ())),
            row.get("corpus_file") or None,
            row.get("dl_evidence") or None,
        )
    return papers


def reference_sets(seeds_dir: Path = SEEDS_DIR) -> list[GoldSet]:
    """The reference set as its two halves: tuning first, frozen second."""
    papers = _papers(_read(seeds_dir / "gold_reference_papers.csv"), _read(seeds_dir / "gold_reference_ptms.csv"))
    halves = split_reference(papers)
    about = {
        TUNING: "the project may look at these (the rules were developed on them)",
        FROZEN: "nothing may be derived from these; the fair test",
    }
    sets = []
    for half in (TUNING, FROZEN):
        subset = {doi: paper for doi, paper in papers.items() if halves[doi] == half}
        sets.append(
            GoldSet(
                f"reference-{half}",
                "reference",
                half,
                f"{half} set of the reference labels, {len(subset)} of 112 bundled papers, {about[half]}; "
                f"{REFERENCE_CAVEAT}",
                is_human=False,
                has_stage=True,
                papers=subset,
            )
        )
    return sets


def aius_sets(seeds_dir: Path = SEEDS_DIR) -> list[GoldSet]:
    rows = _read(seeds_dir / "gold_aius_papers.csv")
    papers = _papers(rows, _read(seeds_dir / "gold_aius_ptm_pairs.csv"))
    tuned = {row["doi"].lower() for row in rows if _flag(row["in_prompt_tuning_subset"])}
    return [
        GoldSet(
            "aius",
            "aius",
            "all",
            "original study's human author-agreement labels: 110 PLOS papers, no stage",
            is_human=True,
            has_stage=False,
            papers=papers,
        ),
        GoldSet(
            "aius-untuned",
            "aius",
            "untuned",
            f"aius without the {len(tuned)} papers the study tuned its prompts on (human labels, no stage)",
            is_human=True,
            has_stage=False,
            papers={doi: paper for doi, paper in papers.items() if doi not in tuned},
        ),
    ]


def project_sets(seeds_dir: Path = SEEDS_DIR) -> list[GoldSet]:
    """The project's own labelled papers as their two halves: dev first, check second."""
    papers = project_papers(seeds_dir)
    halves = split_project(project_batches(seeds_dir))
    about = {"dev": "the rules are developed looking at these", "check": "only their scores are ever read"}
    return [
        GoldSet(
            f"project-{half}",
            "project",
            half,
            f"{half} set of the project's labels, {sum(h == half for h in halves.values())} of {len(papers)} papers of "
            f"pmc-biotools-3k.zip, {about[half]}; LLM-assisted, a single pass, not human",
            is_human=False,
            has_stage=True,
            papers={doi: paper for doi, paper in papers.items() if halves[doi] == half},
        )
        for half in ("dev", "check")
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


def project_batches(seeds_dir: Path = SEEDS_DIR) -> dict[str, int]:
    """doi → the labelling batch of each of the project's own labelled papers."""
    return {row["doi"].lower(): int(row["batch"]) for row in _read(seeds_dir / "gold_project_papers.csv")}


def project_papers(seeds_dir: Path = SEEDS_DIR) -> dict[str, GoldPaper]:
    """The project's own labels (seeds/gold_project_*): 204 papers of pmc-biotools-3k.zip, texts not bundled.

    Not a gold set of `ptmreuse eval` (the warehouse does not hold those papers); benchmarks read them with a zip.
    """
    return _papers(_read(seeds_dir / "gold_project_papers.csv"), _read(seeds_dir / "gold_project_ptms.csv"))
