"""Score one configuration's predictions against one gold set: per task, metric rows with a 95% bootstrap CI and n.

Papers scored are the gold papers the configuration has analysed (both questions answered; see
int_paper_labels). Every task is scored on the same papers: a paper the cascade stopped early (uses_dl = false)
is negative for uses_ptms and lists no PTM, as in the marts. The coverage rows say how many papers that is.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from classifiers.taxonomy import Task
from evaluation.category_confusion import category_metrics
from evaluation.entries import Entry, match_paper
from evaluation.gold import GoldSet
from evaluation.metrics import BINARY_METRICS, RESAMPLES, SEED, binary_scores, ratio_of_sums
from evaluation.predictions import Configuration, GoldName, Predictions

NAN = float("nan")


@dataclass(frozen=True, slots=True)
class MetricRow:
    configuration: Configuration
    gold_set: str  # reference-tuning | reference-frozen | aius | aius-untuned | '-' (usage)
    gold_is_human: bool | None
    task: str  # coverage | uses_dl | uses_ptms | ptms | usage
    metric: str
    value: float
    ci_low: float
    ci_high: float
    n: int
    description: str


# Entry-level PTM metrics: (metric, numerator, denominator, description); ratios of sums over the scored papers.
_PTM_METRICS = (
    ("entry_precision", "matched_entries", "predicted_entries", "share of predicted PTM entries matching a gold entry"),
    ("entry_recall", "matched_entries", "gold_entries", "share of gold PTM entries matched by a predicted entry"),
    ("entry_f1", "entry_f1_numerator", "entry_f1_denominator", "F1 of PTM entries, 2·matched/(gold+predicted)"),
    ("pattern_accuracy", "pattern_agree", "matched_entries", "reuse pattern right on matched entries"),
    ("stage_accuracy", "stage_agree", "matched_entries", "stage right on matched entries"),
    (
        "canonical_name_precision",
        "matched_names",
        "predicted_names",
        "second view: share of predicted distinct canonical names (dbt's, per paper) that the gold has",
    ),
    (
        "canonical_name_recall",
        "matched_names",
        "gold_names",
        "second view: share of gold distinct canonical names (dbt's, per paper) predicted",
    ),
)
_MATCHING = "entries matched one-to-one per paper after name normalisation (evaluation/entries.py)"


def _gold_entries(gold: GoldSet, doi: str, names: dict[str, GoldName]) -> list[Entry]:
    return [
        Entry(p.name, p.reuse_pattern, p.stage, names[p.name].canonical if p.name in names else None)
        for p in gold.papers[doi].ptms
    ]


def catalogue_share(gold: GoldSet, names: dict[str, GoldName]) -> tuple[float, int]:
    """Share of the set's distinct gold PTM names (canonical ids) that the catalogue knows, and how many there are."""
    known = {names[p.name] for paper in gold.papers.values() for p in paper.ptms if p.name in names}
    return (sum(n.is_catalogued for n in known) / len(known) if known else NAN), len(known)


def evaluate(
    predictions: Predictions,
    gold: GoldSet,
    names: dict[str, GoldName],
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> list[MetricRow]:
    def row(task: str, metric: str, value: float, low: float, high: float, n: int, text: str) -> MetricRow:
        described = f"{text}; gold set {gold.name}: {gold.description}"
        return MetricRow(
            predictions.configuration, gold.name, gold.is_human, task, metric, value, low, high, n, described
        )

    present = [doi for doi in gold.papers if doi in predictions.in_warehouse]
    scored = [doi for doi in present if doi in predictions.analysed]
    rows = [
        row("coverage", "gold_papers", len(gold.papers), NAN, NAN, len(gold.papers), "papers in the gold set"),
        row(
            "coverage",
            "gold_papers_in_warehouse",
            len(present),
            NAN,
            NAN,
            len(gold.papers),
            "with text in the warehouse",
        ),
        row("coverage", "papers_scored", len(scored), NAN, NAN, len(present), "analysed by this configuration"),
    ]
    if not scored:
        return rows
    descriptions = {spec.name: spec.description for spec in BINARY_METRICS}
    for task in (Task.USES_DL, Task.USES_PTMS):
        y_true = np.array([getattr(gold.papers[doi], task.value) for doi in scored], bool)
        y_pred = np.array([getattr(predictions.analysed[doi], task.value) for doi in scored], bool)
        n = len(scored)
        rows.append(row(task.value, "gold_positives", int(y_true.sum()), NAN, NAN, n, "gold positives"))
        confusion = {"tp": y_true & y_pred, "fp": ~y_true & y_pred, "fn": y_true & ~y_pred, "tn": ~y_true & ~y_pred}
        for cell, mask in confusion.items():
            rows.append(row(task.value, cell, int(mask.sum()), NAN, NAN, n, f"confusion matrix: {cell}"))
        for metric, (value, low, high) in binary_scores(y_true, y_pred, resamples, seed).items():
            rows.append(row(task.value, metric, value, low, high, n, f"{descriptions[metric]}; 95% bootstrap CI"))

    matches = [
        match_paper(_gold_entries(gold, doi, names), predictions.analysed[doi].entries, gold.has_stage)
        for doi in scored
    ]
    for metric, numerator, denominator, text in _PTM_METRICS:
        if metric == "stage_accuracy" and not gold.has_stage:
            continue
        num = np.array([getattr(m, numerator) for m in matches], float)
        den = np.array([getattr(m, denominator) for m in matches], float)
        value, low, high = ratio_of_sums(num, den, resamples, seed)
        basis = "" if metric.startswith("canonical") else f"; {_MATCHING}"
        text = f"{text}{basis}; n = {denominator.replace('_', ' ')}; 95% bootstrap CI over papers"
        rows.append(row(Task.PTMS.value, metric, value, low, high, int(den.sum()), text))
    for kind, attribute in (("reuse_pattern", "pattern_pairs"), ("stage", "stage_pairs")):
        if kind == "stage" and not gold.has_stage:
            continue
        pairs = [pair for m in matches for pair in getattr(m, attribute)]
        for task, metric, value, n, text in category_metrics(kind, pairs):
            rows.append(row(task, metric, value, NAN, NAN, n, text))
    share, distinct = catalogue_share(gold, names)
    rows.append(
        row(
            Task.PTMS.value,
            "gold_names_in_catalogue",
            share,
            NAN,
            NAN,
            distinct,
            "share of the set's distinct gold PTM names the catalogue (seeds ptm_aliases) already knows",
        )
    )
    return rows


def usage_rows(configuration: Configuration, totals: dict[str, float]) -> list[MetricRow]:
    """Token and cost totals of the configuration: the price of the quality reported beside it."""
    text = "every run of this configuration (not only gold papers)"
    return [
        MetricRow(configuration, "-", None, "usage", key, value, NAN, NAN, int(totals["papers_labelled"]), text)
        for key, value in totals.items()
    ]
