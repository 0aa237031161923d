"""The rules baseline on the project's own labels (seeds/gold_project_*): 60 papers of pmc-biotools-3k.zip.

The 60 papers are split once, by a seeded hash of the DOI, into `dev` (40: the rules are developed looking at
these) and `check` (20: only their scores are ever looked at, to see whether a change generalises). `--errors`
lists disagreements on `dev` only, on purpose.

Prints uses_dl / uses_ptms precision, recall and F1 (95 % bootstrap intervals over papers, evaluation.metrics),
and PTM entries scored entry by entry: per paper, each predicted entry may match one gold entry (one-to-one) when
their names agree after normalisation (case, punctuation, parenthesised qualifiers and version suffixes dropped;
either the whole name or a parenthesised alternative) or the catalogue gives them one canonical name; pattern and
stage accuracy are computed on the matched pairs. `--speed` labels every paper of the zip on one core.

Usage: .venv/bin/python bench/rules_project.py ../shared/corpora/pmc-biotools-3k.zip [--errors] [--speed]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import re
import sys
import time
import zipfile
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from classifiers.document import PaperDocument  # noqa: E402
from classifiers.rules import classify_paper  # noqa: E402
from classifiers.rules.catalogue import load_catalogue  # noqa: E402
from classifiers.taxonomy import PaperLabels  # noqa: E402
from evaluation.documents import document_from_jats  # noqa: E402
from evaluation.metrics import binary_scores  # noqa: E402
from ingestion.jats.parse import RejectedArticle  # noqa: E402

SEEDS = PROJECT_DIR / "seeds"
SPLIT_SALT = "ptmreuse-project-split-v1:"
DEV_SIZE = 40


@dataclass(frozen=True)
class Entry:
    name: str
    reuse_pattern: str
    stage: str


@dataclass(frozen=True)
class Gold:
    doi: str
    corpus_file: str
    uses_dl: bool
    uses_ptms: bool
    ptms: tuple[Entry, ...]


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load_gold() -> list[Gold]:
    entries: dict[str, list[Entry]] = {}
    for row in read_csv(SEEDS / "gold_project_ptms.csv"):
        entries.setdefault(row["doi"], []).append(Entry(row["ptm_name"], row["reuse_pattern"], row["stage"]))
    return [
        Gold(
            row["doi"],
            row["corpus_file"],
            row["uses_dl"] == "true",
            row["uses_ptms"] == "true",
            tuple(entries.get(row["doi"], ())),
        )
        for row in read_csv(SEEDS / "gold_project_papers.csv")
    ]


def split_of(dois: Iterable[str]) -> dict[str, str]:
    """The fixed split: DOIs sorted by sha256(salt + doi); the first 40 are `dev`, the rest `check`."""
    ordered = sorted(dois, key=lambda doi: hashlib.sha256((SPLIT_SALT + doi).encode()).hexdigest())
    return {doi: ("dev" if index < DEV_SIZE else "check") for index, doi in enumerate(ordered)}


_PARENTHESES = re.compile(r"\(([^()]*)\)")
_VERSION = re.compile(r"(?:[\s,;:_-]*(?:version|ver\.?|v)\s*:?\s*\d[\w.]*|\s+\d+(?:\.\d+)+)\s*$", re.IGNORECASE)


def name_keys(name: str) -> set[str]:
    """The keys a name matches on: the name without parentheses, and each parenthesised alternative."""
    outside = _PARENTHESES.sub(" ", name)
    keys = {_key(outside)} | {_key(inside) for inside in _PARENTHESES.findall(name)}
    return {key for key in keys if key}


def _key(text: str) -> str:
    return re.sub(r"[^0-9a-z+]", "", _VERSION.sub("", text.strip()).lower())


def _same(gold: str, predicted: str) -> bool:
    if name_keys(gold) & name_keys(predicted):
        return True
    canonical = load_catalogue().canonicalise
    return canonical(gold) == canonical(predicted)


@dataclass
class EntryCounts:
    gold: int = 0
    predicted: int = 0
    matched: int = 0
    pattern_ok: int = 0
    stage_ok: int = 0


def match_entries(gold: Iterable[Entry], predicted: Iterable[Entry], counts: EntryCounts) -> None:
    """One-to-one: a gold entry pairs with a predicted one of the same name, preferring the same pattern."""
    gold, free = list(gold), list(predicted)
    counts.gold += len(gold)
    counts.predicted += len(free)
    pending = []
    for entry in gold:  # same name and pattern first, so two gold entries of one model pair sensibly
        twin = next((p for p in free if p.reuse_pattern == entry.reuse_pattern and _same(entry.name, p.name)), None)
        if twin is None:
            pending.append(entry)
            continue
        free.remove(twin)
        counts.matched += 1
        counts.pattern_ok += 1
        counts.stage_ok += twin.stage == entry.stage
    for entry in pending:
        twin = next((p for p in free if _same(entry.name, p.name)), None)
        if twin is not None:
            free.remove(twin)
            counts.matched += 1
            counts.stage_ok += twin.stage == entry.stage


def _ratio(numerator: int, denominator: int) -> str:
    return f"{numerator / denominator:.2f}" if denominator else "—"


def report(golds: list[Gold], predicted: dict[str, PaperLabels], halves: dict[str, str]) -> None:
    print(f"{'set':6} {'n':>3}  {'uses_dl P / R / F1 [F1 95% CI]':>34}  {'uses_ptms P / R / F1 [F1 95% CI]':>34}")
    for half in ("dev", "check"):
        subset = [g for g in golds if halves[g.doi] == half]
        cells = []
        for task in ("uses_dl", "uses_ptms"):
            truth = np.array([getattr(g, task) for g in subset])
            guess = np.array([getattr(predicted[g.doi], task).answer for g in subset])
            scores = binary_scores(truth, guess)
            p, r, (f, low, high) = scores["precision"][0], scores["recall"][0], scores["f1"]
            cells.append(f"{p:.2f} / {r:.2f} / {f:.2f} [{low:.2f}–{high:.2f}]")
        print(f"{half:6} {len(subset):>3}  {cells[0]:>34}  {cells[1]:>34}")
    print("\nPTM entries (one-to-one per paper; pattern and stage accuracy on matched pairs)")
    print(f"{'set':6} {'gold':>5} {'pred':>5} {'match':>5} {'prec':>5} {'rec':>5} {'pattern':>8} {'stage':>6}")
    for half in ("dev", "check"):
        counts = EntryCounts()
        for gold in golds:
            if halves[gold.doi] == half:
                match_entries(gold.ptms, entries_of(predicted[gold.doi]), counts)
        print(
            f"{half:6} {counts.gold:>5} {counts.predicted:>5} {counts.matched:>5} "
            f"{_ratio(counts.matched, counts.predicted):>5} {_ratio(counts.matched, counts.gold):>5} "
            f"{_ratio(counts.pattern_ok, counts.matched):>8} {_ratio(counts.stage_ok, counts.matched):>6}"
        )
    stages = Counter(e.stage for g in golds for e in entries_of(predicted[g.doi]))
    print(f"\npredicted stages (all 60): {dict(stages.most_common())}")


def entries_of(labels: PaperLabels) -> list[Entry]:
    return [Entry(p.name, p.reuse_pattern.value, p.stage.value) for p in labels.ptms.ptms]


def show_errors(golds: list[Gold], predicted: dict[str, PaperLabels], halves: dict[str, str]) -> None:
    print("\n## disagreements on dev (check papers are never shown)")
    for gold in golds:
        if halves[gold.doi] != "dev":
            continue
        labels = predicted[gold.doi]
        gold_entries = sorted((e.name, e.reuse_pattern, e.stage) for e in gold.ptms)
        pred_entries = sorted((e.name, e.reuse_pattern, e.stage) for e in entries_of(labels))
        same = (gold.uses_dl, gold.uses_ptms) == (labels.uses_dl.answer, labels.uses_ptms.answer)
        if same and gold_entries == pred_entries:
            continue
        print(
            f"- {gold.doi} ({gold.corpus_file}) gold dl={gold.uses_dl} ptms={gold.uses_ptms} "
            f"rules dl={labels.uses_dl.answer} ptms={labels.uses_ptms.answer}"
        )
        print(f"    gold:  {gold_entries}\n    rules: {pred_entries}")
        for mention in labels.ptms.ptms:
            print(f"      {mention.name}: {mention.evidence[:220]}")


def speed(archive: zipfile.ZipFile) -> None:
    documents: list[PaperDocument] = []
    started = time.perf_counter()
    for member in archive.namelist():
        try:
            documents.append(document_from_jats(archive.read(member), member))
        except RejectedArticle:
            continue
    parsed = time.perf_counter() - started
    started, cpu = time.perf_counter(), time.process_time()
    positives = sum(classify_paper(doc).uses_dl.answer for doc in documents)
    labelled, cpu = time.perf_counter() - started, time.process_time() - cpu
    # CPU seconds too: on a shared machine the wall clock also counts other people's work.
    print(
        f"\nspeed, one core: parse {len(documents) / parsed:.0f} papers/s; rules {len(documents) / labelled:.0f} "
        f"papers/s by the wall clock, {len(documents) / cpu:.0f} per CPU second ({len(documents)} papers, "
        f"{positives} uses_dl)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="pmc-biotools-3k.zip (not bundled)")
    parser.add_argument("--errors", action="store_true", help="list the dev papers the rules get wrong")
    parser.add_argument("--speed", action="store_true", help="also label every paper of the zip and time it")
    args = parser.parse_args(argv)
    golds = load_gold()
    halves = split_of(g.doi for g in golds)
    with zipfile.ZipFile(args.corpus) as archive:
        documents = {g.doi: document_from_jats(archive.read(g.corpus_file), g.corpus_file) for g in golds}
        predicted = {doi: classify_paper(doc) for doi, doc in documents.items()}
        print(f"project gold: {len(golds)} papers (dev {DEV_SIZE}, check {len(golds) - DEV_SIZE})\n")
        report(golds, predicted, halves)
        if args.errors:
            show_errors(golds, predicted, halves)
        if args.speed:
            speed(archive)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
