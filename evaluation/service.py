"""`ptmreuse eval` end to end: pick runs, score them on each gold set, write the mart, print the tables."""

from __future__ import annotations

from pathlib import Path

import duckdb
from rich.console import Console

from evaluation.evaluate import MetricRow, evaluate, usage_rows
from evaluation.gold import load_gold_sets
from evaluation.mart import TABLE, write_agreement
from evaluation.matching import catalogue_canonical
from evaluation.metrics import RESAMPLES, SEED
from evaluation.predictions import run_labels, select_runs, usage_totals
from evaluation.report import print_agreement
from warehouse import tables_in


class EvaluationError(RuntimeError):
    """Nothing to evaluate (no database, no runs, unknown run or gold set), said in one line."""


def evaluate_database(
    db_path: Path, run: str = "latest", gold: str = "reference", resamples: int = RESAMPLES, seed: int = SEED
) -> tuple[list[MetricRow], list]:
    """Score the chosen runs on the chosen gold sets and write marts.classifier_agreement; returns (rows, gold sets)."""
    if not db_path.exists():
        raise EvaluationError(f"no database at {db_path}: ingest and classify first")
    try:
        gold_sets = load_gold_sets(gold)
    except ValueError as error:
        raise EvaluationError(str(error)) from error
    canonical = catalogue_canonical()
    rows: list[MetricRow] = []
    with duckdb.connect(str(db_path)) as con:
        if not {"llm_labels", "classifier_runs", "papers"} <= tables_in(con):
            raise EvaluationError("no classifier labels yet: run `ptmreuse classify` first")
        try:
            runs = select_runs(con, run)
        except ValueError as error:
            raise EvaluationError(str(error)) from error
        if not runs:
            raise EvaluationError("raw.classifier_runs is empty: run `ptmreuse classify` first")
        papers_with_text = {doi for (doi,) in con.execute("select doi from raw.papers").fetchall()}
        for info in runs:
            labels = run_labels(con, info)
            for gold_set in gold_sets:
                rows.extend(evaluate(labels, gold_set, papers_with_text, canonical, resamples, seed))
            rows.extend(usage_rows(labels, usage_totals(con, info)))
        write_agreement(con, rows)
    return rows, gold_sets


def evaluate_and_report(
    db_path: Path, console: Console, run: str = "latest", gold: str = "reference", resamples: int = RESAMPLES
) -> list[MetricRow]:
    """Evaluate, write the mart and print the tables; prints one red line and returns [] when there is nothing."""
    try:
        rows, gold_sets = evaluate_database(db_path, run, gold, resamples)
    except EvaluationError as error:
        console.print(f"[red]eval:[/red] {error}")
        return []
    print_agreement(rows, gold_sets, console)
    console.print(
        f"{len(rows)} rows written to {TABLE}. Intervals: 95% percentile bootstrap over papers "
        f"({resamples} resamples, seed {SEED})."
    )
    return rows
