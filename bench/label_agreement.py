"""How far apart are two careful annotators? The reference labels against the project's own annotators, on papers
of the reference **tuning** set (never the frozen set), beside the rules baseline on the same papers.

The project's labels (bench/data/reference_crosscheck_*.csv) were made for 24 tuning papers with gold uses_dl = true,
drawn by sha256("ptmreuse-convention-v1:" + doi), by three annotators working alone under the same instructions as
the project's batches 2 and 3 (docs/annotation.md), without seeing the reference labels. Scored as if they were a
classifier, by `evaluation.evaluate` (one-to-one entry matching, 95 % bootstrap intervals over papers): the entry
precision and recall they reach is the ceiling label disagreement puts on any classifier scored against the
reference labels.

Usage: .venv/bin/python bench/label_agreement.py
"""

from __future__ import annotations

import csv
import sys
import zipfile
from dataclasses import replace
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rules_project import _canonical, predictions_of, report_columns  # noqa: E402

from classifiers.rules import classify_paper  # noqa: E402
from evaluation.documents import document_from_jats  # noqa: E402
from evaluation.entries import Entry  # noqa: E402
from evaluation.gold import reference_sets  # noqa: E402
from evaluation.predictions import Configuration, PaperPrediction, Predictions  # noqa: E402
from warehouse.paths import SAMPLE_CORPUS  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
ANNOTATORS = Configuration("project annotators", "-", "annotators", "-", None)


def _read(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def annotator_predictions() -> Predictions:
    entries: dict[str, list[Entry]] = {}
    for row in _read("reference_crosscheck_ptms.csv"):
        name = row["ptm_name"]
        entry = Entry(name, row["reuse_pattern"], row["stage"], _canonical(name).canonical)  # as the rules' are
        entries.setdefault(row["doi"], []).append(entry)
    papers = {
        row["doi"]: PaperPrediction(
            row["uses_dl"] == "true", row["uses_ptms"] == "true", tuple(entries.get(row["doi"], ()))
        )
        for row in _read("reference_crosscheck_papers.csv")
    }
    return Predictions(ANNOTATORS, set(papers), papers)


def main() -> int:
    annotators = annotator_predictions()
    tuning = reference_sets()[0]
    if not annotators.analysed.keys() <= tuning.papers.keys():
        raise SystemExit("the cross-check labels name a paper outside the reference tuning set: refusing to score it")
    gold = replace(
        tuning,
        name="reference-tuning-crosscheck",
        subset="annotators",
        papers={doi: paper for doi, paper in tuning.papers.items() if doi in annotators.analysed},
    )
    with zipfile.ZipFile(SAMPLE_CORPUS) as archive:
        labels = {
            doi: classify_paper(document_from_jats(archive.read(paper.corpus_file or ""), paper.corpus_file or ""))
            for doi, paper in gold.papers.items()
        }
    rules = predictions_of(labels)
    print(f"{len(gold.papers)} reference tuning papers, scored against the reference labels\n")
    report_columns(
        [(gold, annotators), (replace(gold, name="reference-tuning-crosscheck-rules", subset="rules"), rules)]
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
