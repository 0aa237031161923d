"""The rules baseline on the project's own labels (seeds/gold_project_*): 60 papers of pmc-biotools-3k.zip.

The gold sets, their split (`dev` 40: the rules are developed looking at these; `check` 20: only their scores are
ever read) and every metric come from the evaluation (`evaluation.gold.project_sets`, `evaluation.evaluate`: PTM
entries matched one-to-one per paper by `evaluation.entries`, 95 % bootstrap intervals over papers), exactly as
`ptmreuse eval` scores the reference sets. Only the labels differ in where they come from: the papers are not in
the warehouse, so they are parsed from the zip and labelled by the rules in process. The canonical-name view uses
the rules' catalogue to canonicalise names (dbt does it for `ptmreuse eval`).

`--errors` lists disagreements on `dev` only, on purpose. The rules' speed is measured by bench/classify.py.

Usage: .venv/bin/python bench/rules_project.py ../shared/corpora/pmc-biotools-3k.zip [--by-batch] [--errors]
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from dataclasses import replace
from pathlib import Path, PurePosixPath

import numpy as np

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from classifiers.rules import classify_paper  # noqa: E402
from classifiers.rules.catalogue import load_catalogue  # noqa: E402
from classifiers.taxonomy import PaperLabels  # noqa: E402
from evaluation.documents import document_from_jats  # noqa: E402
from evaluation.entries import Entry, match_paper  # noqa: E402
from evaluation.evaluate import MetricRow, evaluate  # noqa: E402
from evaluation.gold import GoldSet, project_batches, project_sets  # noqa: E402
from evaluation.predictions import Configuration, GoldName, PaperPrediction, Predictions  # noqa: E402

CONFIGURATION = Configuration("rules (in process)", "-", "rules", "-", None)
ROWS = (
    ("uses_dl", "precision", "uses_dl precision"),
    ("uses_dl", "recall", "uses_dl recall"),
    ("uses_dl", "f1", "uses_dl F1"),
    ("uses_ptms", "precision", "uses_ptms precision"),
    ("uses_ptms", "recall", "uses_ptms recall"),
    ("uses_ptms", "f1", "uses_ptms F1"),
    ("ptms", "entry_precision", "PTM entry precision"),
    ("ptms", "entry_recall", "PTM entry recall"),
    ("ptms", "entry_f1", "PTM entry F1"),
    ("ptms", "pattern_accuracy", "pattern accuracy (matched entries)"),
    ("ptms", "stage_accuracy", "stage accuracy (matched entries)"),
    ("ptms", "canonical_name_precision", "canonical-name precision (2nd view)"),
    ("ptms", "canonical_name_recall", "canonical-name recall (2nd view)"),
)


def _canonical(name: str) -> GoldName:
    catalogue = load_catalogue()
    canonical = catalogue.canonicalise(name)
    return GoldName(canonical, canonical in catalogue.entries)


def entries_of(labels: PaperLabels) -> tuple[Entry, ...]:
    return tuple(
        Entry(p.name, p.reuse_pattern.value, p.stage.value, _canonical(p.name).canonical) for p in labels.ptms.ptms
    )


def predictions_of(labels: dict[str, PaperLabels]) -> Predictions:
    """In-process labels in the shape `evaluation.evaluate` scores (the cascade is the classifier's own here)."""
    return Predictions(
        CONFIGURATION,
        set(labels),
        {
            doi: PaperPrediction(paper.uses_dl.answer, paper.uses_ptms.answer, entries_of(paper))
            for doi, paper in labels.items()
        },
    )


def _value(row: MetricRow | None) -> str:
    if row is None or np.isnan(row.value):
        return "—"
    interval = "" if np.isnan(row.ci_low) else f" [{row.ci_low:.2f}, {row.ci_high:.2f}]"
    return f"{row.value:.2f}{interval}"


def report(sets: list[GoldSet], labels: dict[str, PaperLabels]) -> None:
    report_columns([(gold, predictions_of(labels)) for gold in sets])


def report_columns(columns: list[tuple[GoldSet, Predictions]]) -> None:
    """One column per (gold set, predictions) pair, every metric from `evaluation.evaluate`."""
    names = {
        ptm.name: _canonical(ptm.name) for gold, _ in columns for paper in gold.papers.values() for ptm in paper.ptms
    }
    rows = {
        (index, r.task, r.metric): r
        for index, (gold, predictions) in enumerate(columns)
        for r in evaluate(predictions, gold, names)
    }
    print("value [95% bootstrap CI over papers]; PTM entries matched one-to-one per paper (evaluation/entries.py)")
    print(f"{'metric':38} " + "  ".join(f"{g.subset + f' ({len(g.papers)})':>20}" for g, _ in columns))
    for task, metric, label in ROWS:
        print(f"{label:38} " + "  ".join(f"{_value(rows.get((i, task, metric))):>20}" for i in range(len(columns))))
    counts = [rows.get((i, "ptms", "entry_recall")) for i in range(len(columns))]
    print(f"{'gold PTM entries':38} " + "  ".join(f"{r.n if r else 0:>20}" for r in counts))


def show_errors(dev: GoldSet, labels: dict[str, PaperLabels]) -> None:
    print(f"\n## disagreements on {dev.subset} (the check papers are never listed)")
    for doi, gold in sorted(dev.papers.items()):
        paper = labels[doi]
        gold_entries = [Entry(p.name, p.reuse_pattern, p.stage) for p in gold.ptms]
        predicted = entries_of(paper)
        match = match_paper(gold_entries, predicted)
        same = (gold.uses_dl, gold.uses_ptms) == (paper.uses_dl.answer, paper.uses_ptms.answer)
        agree = match.matched_entries == match.pattern_agree == match.stage_agree
        if same and match.matched_entries == len(gold_entries) == len(predicted) and agree:
            continue
        print(
            f"- {doi} ({gold.corpus_file}) gold dl={gold.uses_dl} ptms={gold.uses_ptms} "
            f"rules dl={paper.uses_dl.answer} ptms={paper.uses_ptms.answer}"
        )
        print(f"    gold:  {sorted((e.name, e.reuse_pattern, e.stage) for e in gold_entries)}")
        print(f"    rules: {sorted((e.name, e.reuse_pattern, e.stage) for e in predicted)}")
        for mention in paper.ptms.ptms:
            print(f"      {mention.name}: {mention.evidence[:220]}")


def by_batch(sets: list[GoldSet]) -> list[GoldSet]:
    """Each set cut by labelling batch (batch 1 before batch 2 …), as sets of their own."""
    batch_of = project_batches()
    return [
        replace(
            gold,
            name=f"{gold.name}-{batch}",
            subset=f"{gold.subset} b{batch}",
            papers={doi: paper for doi, paper in gold.papers.items() if batch_of[doi] == batch},
        )
        for batch in sorted(set(batch_of.values()))
        for gold in sets
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path, help="pmc-biotools-3k.zip (not bundled)")
    parser.add_argument("--errors", action="store_true", help="list the dev papers the rules get wrong")
    parser.add_argument("--by-batch", action="store_true", help="also score each labelling batch's dev and check")
    args = parser.parse_args(argv)
    sets = project_sets()
    with zipfile.ZipFile(args.corpus) as archive:
        members = {PurePosixPath(name).name: name for name in archive.namelist()}
        labels = {}
        for gold in sets:
            for doi, paper in gold.papers.items():
                member = members[paper.corpus_file or ""]
                labels[doi] = classify_paper(document_from_jats(archive.read(member), member))
        print("project gold: " + ", ".join(f"{g.subset} {len(g.papers)}" for g in sets) + "\n")
        report(sets, labels)
        if args.by_batch:
            print()
            report(by_batch(sets), labels)
        if args.errors:
            show_errors(sets[0], labels)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
