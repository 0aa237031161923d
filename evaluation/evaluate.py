"""Score one run's labels against one gold set: per task, metric rows with a bootstrap 95% interval and n.

Only gold papers that have text in raw.papers and an answer from the run are scored; the coverage rows say how
many that is, so a κ on 1 of 110 papers is never mistaken for a κ on 110.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from classifiers.taxonomy import Task
from evaluation.gold import GoldSet
from evaluation.matching import PaperMatch, PredictedPtm, match_paper
from evaluation.metrics import (
    BINARY_METRICS,
    RESAMPLES,
    SEED,
    binary_scores,
    percentile_interval,
    resample_indices,
)
from evaluation.predictions import RunLabels

NAN = float("nan")


@dataclass(frozen=True, slots=True)
class MetricRow:
    run_id: str
    protocol: str
    backend: str
    model: str | None
    gold_set: str
    task: str
    metric: str
    value: float
    ci_low: float
    ci_high: float
    n: int
    description: str


def _predicted_ptms(answers: dict[str, object]) -> list[PredictedPtm] | None:
    """The run's PTM list for a paper: its `ptms` answer, or none when it answered uses_ptms = False."""
    ptms = answers.get(Task.PTMS.value)
    if isinstance(ptms, dict):
        return [PredictedPtm(p["name"], p["reuse_pattern"], p.get("stage")) for p in ptms.get("ptms", [])]
    uses_ptms = answers.get(Task.USES_PTMS.value)
    if isinstance(uses_ptms, dict) and uses_ptms.get("answer") is False:
        return []
    return None


# PTM metrics: (name, numerator field, denominator field, description).
_PTM_METRICS = (
    ("name_precision", "matched_names", "predicted_names", "share of predicted PTM names (canonical) that are gold"),
    ("name_recall", "matched_names", "gold_names", "share of gold PTM names (canonical) that were predicted"),
    ("pair_precision", "matched_pairs", "predicted_pairs", "share of predicted (PTM, reuse pattern) pairs in gold"),
    ("pair_recall", "matched_pairs", "gold_pairs", "share of gold (PTM, reuse pattern) pairs predicted"),
    ("pattern_accuracy", "pattern_correct", "matched_names", "reuse pattern right on matched PTM names"),
    ("stage_accuracy", "stage_correct", "matched_names", "stage right on matched PTM names"),
)


def _ptm_rows(matches: list[PaperMatch], resamples: int, seed: int, has_stage: bool) -> list[tuple]:
    fields = {name: np.array([getattr(m, name) for m in matches], float) for name in PaperMatch.__dataclass_fields__}
    index = resample_indices(len(matches), resamples, seed) if matches else None
    rows = []
    for metric, numerator, denominator, description in _PTM_METRICS:
        if metric == "stage_accuracy" and not has_stage:
            continue
        num, den = fields[numerator], fields[denominator]
        value = num.sum() / den.sum() if den.sum() else NAN
        low, high = (NAN, NAN)
        if index is not None:
            boot_num, boot_den = num[index].sum(axis=1), den[index].sum(axis=1)
            with np.errstate(divide="ignore", invalid="ignore"):
                low, high = percentile_interval(np.where(boot_den > 0, boot_num / boot_den, np.nan))
        rows.append((metric, float(value), low, high, int(den.sum()), f"{description} (n = {denominator})"))
    gold, pred, hit = (fields[k].sum() for k in ("gold_names", "predicted_names", "matched_names"))
    f1 = 2 * hit / (gold + pred) if gold + pred else NAN
    rows.append(("name_f1", float(f1), NAN, NAN, len(matches), "F1 of PTM names (no interval: see precision/recall)"))
    return rows


def evaluate(
    labels: RunLabels,
    gold: GoldSet,
    papers_with_text: set[str],
    canonical: Callable[[str], str],
    resamples: int = RESAMPLES,
    seed: int = SEED,
) -> list[MetricRow]:
    run = labels.run

    def row(task: str, metric: str, value: float, low: float, high: float, n: int, text: str) -> MetricRow:
        described = f"{text}; gold set {gold.name}: {gold.description}"
        return MetricRow(
            run.run_id, run.protocol, run.backend, run.model, gold.name, task, metric, value, low, high, n, described
        )

    with_text = [doi for doi in gold.papers if doi in papers_with_text]
    rows = [
        row("coverage", "gold_papers", len(gold.papers), NAN, NAN, len(gold.papers), "papers in the gold set"),
        row(
            "coverage",
            "gold_papers_with_text",
            len(with_text),
            NAN,
            NAN,
            len(gold.papers),
            "gold papers whose full text is in raw.papers",
        ),
    ]
    for task in (Task.USES_DL, Task.USES_PTMS):
        pairs = [
            (getattr(gold.papers[doi], task.value), labels.answers[doi][task.value]["answer"])
            for doi in with_text
            if task.value in labels.answers.get(doi, {})
        ]
        rows.append(
            row(
                task.value,
                "papers_scored",
                len(pairs),
                NAN,
                NAN,
                len(with_text),
                "gold papers with text that the run answered",
            )
        )
        if not pairs:
            continue
        y_true, y_pred = np.array(pairs, bool).T
        rows.append(row(task.value, "gold_positives", int(y_true.sum()), NAN, NAN, len(pairs), "gold positives"))
        confusion = {"tp": y_true & y_pred, "fp": ~y_true & y_pred, "fn": y_true & ~y_pred, "tn": ~y_true & ~y_pred}
        for cell, mask in confusion.items():
            rows.append(row(task.value, cell, int(mask.sum()), NAN, NAN, len(pairs), f"confusion matrix: {cell}"))
        descriptions = {spec.name: spec.description for spec in BINARY_METRICS}
        for metric, (value, low, high) in binary_scores(y_true, y_pred, resamples, seed).items():
            text = f"{descriptions[metric]}; 95% bootstrap CI over papers"
            rows.append(row(task.value, metric, value, low, high, len(pairs), text))

    matches = []
    for doi in with_text:
        predicted = _predicted_ptms(labels.answers.get(doi, {}))
        if predicted is not None:
            matches.append(match_paper(gold.papers[doi].ptms, predicted, canonical))
    rows.append(
        row(
            Task.PTMS.value,
            "papers_scored",
            len(matches),
            NAN,
            NAN,
            len(with_text),
            "gold papers with text whose PTM list the run gave",
        )
    )
    if matches:
        for metric, value, low, high, n, text in _ptm_rows(matches, resamples, seed, gold.has_stage):
            rows.append(row(Task.PTMS.value, metric, value, low, high, n, text))
    return rows


def usage_rows(labels: RunLabels, totals: dict[str, float]) -> list[MetricRow]:
    """Token and cost totals of the run's configuration: the price of the quality reported beside it."""
    run = labels.run
    text = "all label rows of this run configuration up to the run's end (not only gold papers); tokens counted once"
    return [
        MetricRow(
            run.run_id,
            run.protocol,
            run.backend,
            run.model,
            "-",
            "usage",
            key,
            value,
            NAN,
            NAN,
            int(totals["papers_labelled"]),
            text,
        )
        for key, value in totals.items()
    ]
