"""`ptmreuse eval` end to end: pick configurations, score them on each gold set, write the raw rows, print tables.

Predictions are read from the dbt models (evaluation/predictions.py), so the warehouse must be built first; the
rows go to raw.agreement_metrics, and `ptmreuse eval` then builds marts.classifier_agreement from them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rich.console import Console

from evaluation.agreement import write_agreement
from evaluation.evaluate import MetricRow, evaluate, usage_rows
from evaluation.gold import GoldSet, load_gold_sets
from evaluation.metrics import RESAMPLES, SEED
from evaluation.predictions import (
    NotBuilt,
    check_built,
    check_fresh,
    gold_names,
    is_built,
    read_predictions,
    select_configurations,
    usage_totals,
)
from evaluation.report import print_agreement
from warehouse.connect import connect, warehouse_exists


class EvaluationError(RuntimeError):
    """Nothing to evaluate (no database, not built, no runs, unknown run or gold set), said in one line."""


@dataclass(slots=True)
class Evaluation:
    rows: list[MetricRow]
    gold_sets: list[GoldSet]
    notes: list[str] = field(default_factory=list)  # configurations left out, and why


def evaluate_database(
    db_path: Path, run: str = "latest", gold: str = "reference", resamples: int = RESAMPLES, seed: int = SEED
) -> Evaluation:
    """Score the chosen configurations on the chosen gold sets and write raw.agreement_metrics."""
    if not warehouse_exists(db_path):
        raise EvaluationError(f"no database at {db_path}: ingest, classify and build first")
    try:
        gold_sets = load_gold_sets(gold)
    except ValueError as error:
        raise EvaluationError(str(error)) from error
    result = Evaluation([], gold_sets)
    with connect(db_path) as con:
        try:
            check_built(con)
            configurations = select_configurations(con, run)
        except (NotBuilt, ValueError) as error:
            raise EvaluationError(str(error)) from error
        if not configurations:
            raise EvaluationError("no classifier run yet: run `ptmreuse classify`, then `ptmreuse build`")
        names = gold_names(con)
        unknown = {p.name for g in gold_sets for paper in g.papers.values() for p in paper.ptms} - set(names)
        if unknown:
            raise EvaluationError(
                f"{len(unknown)} gold PTM names (e.g. {min(unknown)!r}) are not in intermediate.int_gold_ptm_names: "
                "the gold seeds changed since the last build; run `ptmreuse build`, then eval"
            )
        for configuration in configurations:
            if not is_built(con, configuration):
                result.notes.append(
                    f"{configuration.label} is not in intermediate.int_paper_labels (classified after the last "
                    "build): run `ptmreuse build`, then eval"
                )
                continue
            try:
                check_fresh(con, configuration)
            except NotBuilt as error:
                raise EvaluationError(str(error)) from error
            predictions = read_predictions(con, configuration)
            for gold_set in gold_sets:
                result.rows.extend(evaluate(predictions, gold_set, names, resamples, seed))
            result.rows.extend(usage_rows(configuration, usage_totals(con, configuration)))
        if not result.rows:
            raise EvaluationError(" ".join(result.notes))
        result.notes.extend(_absent_gold_sets(result.rows, gold_sets))
        write_agreement(con, result.rows, resamples)
    return result


# Where a gold family's paper texts come from, for a warehouse that holds none of them.
_GOLD_TEXTS = {
    "reference": "its papers are in corpus/sample-jats.zip: ingest it too, then classify and build",
    "aius": "`ptmreuse fetch-gold-texts` fetches and loads them",
}


def _absent_gold_sets(rows: list[MetricRow], gold_sets: list[GoldSet]) -> list[str]:
    """A note for each gold set none of whose papers the warehouse holds: its rows say 0 and score nothing."""
    present = {row.gold_set for row in rows if row.metric == "gold_papers_in_warehouse" and row.value > 0}
    return [
        f"gold set {gold.name}: none of its {len(gold.papers)} papers is in this warehouse, so nothing was scored on "
        f"it ({_GOLD_TEXTS.get(gold.family, 'ingest the corpus that holds them')})"
        for gold in gold_sets
        if gold.name not in present
    ]


def evaluate_and_report(
    db_path: Path, console: Console, run: str = "latest", gold: str = "reference", resamples: int = RESAMPLES
) -> list[MetricRow]:
    """Evaluate, write the raw rows and print the tables; prints one red line and returns [] when there is nothing."""
    try:
        result = evaluate_database(db_path, run, gold, resamples)
    except EvaluationError as error:
        console.print(f"[red]eval:[/red] {error}")
        return []
    print_agreement(result.rows, result.gold_sets, console)
    for note in result.notes:
        console.print(f"[yellow]note[/yellow]: {note}")
    console.print(
        f"{len(result.rows)} rows written to raw.agreement_metrics. Intervals: 95% percentile bootstrap over papers "
        f"({resamples} resamples, seed {SEED})."
    )
    return result.rows
