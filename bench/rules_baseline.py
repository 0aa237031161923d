"""The rules baseline against the reference labels, scored by the evaluation exactly as `ptmreuse eval` scores it.

Builds a throwaway warehouse from the bundled corpus (ingest → rules labels → dbt build, as `make demo` does), or
copies a built one (`--db`), and calls the evaluation (`evaluation.evaluate_database`: the same gold loader, the
same predictions read from dbt's label models, the same metrics). Prints, for the tuning and the frozen reference
sets side by side:

- the issue-13 targets with 95% bootstrap intervals, met or missed by how much on the frozen set, and beside them
  the share of the set's gold PTM names the catalogue already knows (it was written after they had been seen);
- a naive keyword count's uses_dl / uses_ptms F1 beside the rules (same metric code);
- what the prefilter removes (the passage selector's evidence coverage is bench/passages.py).

`--split` lists which reference paper is in which set. `--errors` lists the tuning papers the rules get wrong;
there is no such listing for the frozen set, on purpose: nothing may be tuned on it.
Run: `.venv/bin/python bench/rules_baseline.py [--db data/warehouse.duckdb]`.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from rich.console import Console

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from classifiers.document import PaperDocument, paper_batches  # noqa: E402
from classifiers.engine.service import classify  # noqa: E402
from classifiers.options import ClassifyRequest  # noqa: E402
from classifiers.prefilter import has_dl_vocabulary  # noqa: E402
from evaluation import evaluate_database  # noqa: E402
from evaluation.entries import Entry, match_paper  # noqa: E402
from evaluation.evaluate import MetricRow  # noqa: E402
from evaluation.gold import GoldSet, reference_sets  # noqa: E402
from evaluation.metrics import binary_scores  # noqa: E402
from evaluation.predictions import read_predictions  # noqa: E402
from evaluation.targets import TARGET_SET, TARGETS, verdict  # noqa: E402
from ingestion.jats.pipeline import ingest_jats_corpus  # noqa: E402
from ptmreuse.dbt import run_dbt  # noqa: E402
from warehouse.connect import connect  # noqa: E402
from warehouse.paths import SAMPLE_CORPUS, quiet_telemetry  # noqa: E402

QUIET = Console(quiet=True)


def build(folder: Path) -> Path:
    """The bundled corpus ingested, labelled by the rules and built by dbt in `folder`, as `make demo` does."""
    db = folder / "warehouse.duckdb"
    quiet_telemetry()
    os.environ.setdefault("RUNTIME__LOG_LEVEL", "ERROR")  # dlt's schema-hint warnings are not the benchmark's news
    ingest_jats_corpus(SAMPLE_CORPUS, db, console=QUIET)
    classify(db, ClassifyRequest(backend="rules"), QUIET)
    env = {"DBT_TARGET_PATH": str(folder / "target"), "DBT_LOG_PATH": str(folder / "logs")}
    if run_dbt(["build", "--quiet"], db, extra_env=env) != 0:
        raise SystemExit("dbt build failed: see its output above")
    return db


def _value(row: MetricRow | None) -> str:
    if row is None or np.isnan(row.value):
        return "—"
    interval = "" if np.isnan(row.ci_low) else f" [{row.ci_low:.2f}, {row.ci_high:.2f}]"
    return f"{row.value:.2f}{interval}"


def targets_table(rows: dict[tuple[str, str, str], MetricRow], sets: list[GoldSet]) -> None:
    print(f"\n## issue-13 targets (judged on {TARGET_SET}); value [95% bootstrap CI over papers]")
    print(
        f"{'target':38} {'goal':>6}  "
        + "  ".join(f"{g.subset + f' ({len(g.papers)})':>20}" for g in sets)
        + "  verdict"
    )
    for target in TARGETS:
        cells = [_value(rows.get((g.name, target.task, target.metric))) for g in sets]
        frozen = rows.get((TARGET_SET, target.task, target.metric))
        judged = verdict(target, frozen.value) if frozen else "—"
        print(f"{target.label:38} ≥{target.threshold:>5.2f}  " + "  ".join(f"{c:>20}" for c in cells) + f"  {judged}")
    for task, metric, label in (
        ("ptms", "entry_f1", "PTM entry F1"),
        ("ptms", "canonical_name_precision", "canonical-name precision (2nd view)"),
        ("ptms", "canonical_name_recall", "canonical-name recall (2nd view)"),
        ("ptms", "gold_names_in_catalogue", "gold PTM names the catalogue knows"),
    ):
        cells = [_value(rows.get((g.name, task, metric))) for g in sets]
        print(f"{label:38} {'':>6}  " + "  ".join(f"{c:>20}" for c in cells))


# The naive baseline the study's approach is compared with: count deep-learning words, look for "pretrained" words.
_NAIVE_DL = re.compile(r"deep learning|neural network|convolutional|\bCNNs?\b|\bLSTM|transformer", re.IGNORECASE)
_NAIVE_PTM = re.compile(r"pre-?trained|fine-?tun|transfer learning", re.IGNORECASE)


def naive(doc: PaperDocument) -> tuple[bool, bool]:
    dl = len(_NAIVE_DL.findall(doc.body_text)) >= 3
    return dl, dl and bool(_NAIVE_PTM.search(doc.body_text))


def naive_table(
    rows: dict[tuple[str, str, str], MetricRow], sets: list[GoldSet], docs: dict[str, PaperDocument]
) -> None:
    print("\n## uses_dl / uses_ptms F1: rules vs a naive keyword count (same metric code)")
    print(f"{'set':8} {'rules uses_dl':>20} {'naive uses_dl':>20} {'rules uses_ptms':>20} {'naive uses_ptms':>20}")
    for gold in sets:
        dois = [doi for doi in gold.papers if doi in docs]
        cells = []
        for index, task in enumerate(("uses_dl", "uses_ptms")):
            truth = np.array([getattr(gold.papers[d], task) for d in dois])
            guess = np.array([naive(docs[d])[index] for d in dois])
            value, low, high = binary_scores(truth, guess)["f1"]
            cells += [_value(rows.get((gold.name, task, "f1"))), f"{value:.2f} [{low:.2f}, {high:.2f}]"]
        print(f"{gold.subset:8} " + " ".join(f"{c:>20}" for c in cells))


def prefilter_table(sets: list[GoldSet], docs: dict[str, PaperDocument]) -> None:
    print("\n## prefilter (has_dl_vocabulary = False → labelled negative without an LLM call)")
    papers = [p for g in sets for p in g.papers.values() if p.doi in docs]
    positives = [p for p in papers if p.uses_dl]
    kept = sum(has_dl_vocabulary(docs[p.doi]) for p in positives)
    removed = sum(not has_dl_vocabulary(docs[p.doi]) for p in papers if not p.uses_dl)
    print(f"gold uses_dl positives kept: {kept}/{len(positives)} (recall {kept / len(positives):.2f})")
    print(f"gold negatives removed:      {removed}/{len(papers) - len(positives)}")
    print(f"bundled corpus removed:      {sum(not has_dl_vocabulary(d) for d in docs.values())}/{len(docs)} papers")


def show_errors(db: Path, rows: list[MetricRow], tuning: GoldSet) -> None:
    print("\n## disagreements on the tuning set (the frozen set is never listed)")
    with connect(db, read_only=True) as con:
        predictions = read_predictions(con, rows[0].configuration)
    for doi, gold in sorted(tuning.papers.items()):
        predicted = predictions.analysed.get(doi)
        if predicted is None:
            continue
        entries = [Entry(p.name, p.reuse_pattern, p.stage) for p in gold.ptms]
        matched = match_paper(entries, predicted.entries).matched_entries
        if (gold.uses_dl, gold.uses_ptms) == (predicted.uses_dl, predicted.uses_ptms) and matched == len(
            entries
        ) == len(predicted.entries):
            continue
        print(
            f"- {doi} ({gold.corpus_file}) gold dl={gold.uses_dl} ptms={gold.uses_ptms}; "
            f"rules dl={predicted.uses_dl} ptms={predicted.uses_ptms}"
        )
        print(f"    gold PTMs:  {[p.name for p in gold.ptms]}\n    rules PTMs: {[e.name for e in predicted.entries]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="a warehouse already built (copied, not changed); default: build one")
    parser.add_argument("--split", action="store_true", help="list which reference paper is in which set, and stop")
    parser.add_argument("--errors", action="store_true", help="list the tuning papers the rules get wrong")
    args = parser.parse_args(argv)
    sets = reference_sets()
    if args.split:
        for gold in sets:
            for doi in sorted(gold.papers):
                print(gold.subset, doi)
        return 0
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ptmreuse-bench-") as tmp:
        if args.db:
            db = Path(tmp) / args.db.name  # the same file name: dbt's views name the file's catalog
            shutil.copyfile(args.db, db)
        else:
            db = build(Path(tmp))
        evaluation = evaluate_database(db, run="latest", gold="reference")
        rows = [r for r in evaluation.rows if r.configuration.backend == "rules"]
        if not rows:
            raise SystemExit("the warehouse has no rules run built: run `ptmreuse classify` and `ptmreuse build`")
        by_key = {(r.gold_set, r.task, r.metric): r for r in rows}
        with connect(db, read_only=True) as con:
            docs = {doc.doi: doc for batch in paper_batches(con) for doc in batch}
        print(f"rules configuration: {rows[0].configuration.run_configuration}")
        print(
            "reference sets: " + ", ".join(f"{g.subset} {len(g.papers)}" for g in sets) + f"; corpus {len(docs)} papers"
        )
        targets_table(by_key, sets)
        naive_table(by_key, sets, docs)
        prefilter_table(sets, docs)
        if args.errors:
            show_errors(db, rows, sets[0])
    print(f"\n({time.perf_counter() - started:.1f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
