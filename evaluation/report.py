"""The `ptmreuse eval` tables: one per gold family, its subsets side by side for every configuration (the reference
tuning and frozen sets next to each other, with the issue-13 targets), then tokens and cost per configuration."""

from __future__ import annotations

import math
from collections import defaultdict

from rich.console import Console
from rich.table import Table

from evaluation.category_confusion import CATEGORIES, MATRIX_TASKS
from evaluation.evaluate import MetricRow
from evaluation.gold import REFERENCE_CAVEAT, GoldSet
from evaluation.predictions import Configuration
from evaluation.targets import TARGET_SET, target_for

COUNTS = {"gold_papers", "gold_papers_in_warehouse", "papers_scored", "gold_positives", "tp", "fp", "fn", "tn"}
CONFUSION = ("tp", "fp", "fn", "tn")


def cell(value: float, low: float, high: float, n: int, metric: str) -> str:
    """How every agreement table shows a value: a count, or `0.93 [0.85, 0.99] n=40`, or — when undefined."""
    if math.isnan(value):
        return "—"
    if metric in COUNTS:
        return f"{value:.0f}"
    interval = "" if math.isnan(low) else f" [{low:.2f}, {high:.2f}]"
    return f"{value:.2f}{interval} n={n}"


def _family_table(family: list[GoldSet], rows: list[MetricRow], console: Console) -> None:
    everything = [r for r in rows if r.gold_set in {g.name for g in family}]
    mine = [r for r in everything if r.task not in MATRIX_TASKS]
    configurations = list(dict.fromkeys(r.configuration for r in mine))
    columns = [(c, g) for c in configurations for g in family]
    by_key = {(r.configuration, r.gold_set, r.task, r.metric): r for r in mine}
    caveat = "" if family[0].is_human else f" — {REFERENCE_CAVEAT}"
    table = Table(title=f"Agreement with gold set '{family[0].family}'{caveat}", title_justify="left")
    table.add_column("task")
    table.add_column("metric")
    has_targets = any(g.name == TARGET_SET for g in family)
    if has_targets:
        table.add_column(f"target\n({TARGET_SET})", justify="right")
    for configuration, gold in columns:
        table.add_column(f"{configuration.label}\n{gold.subset} ({len(gold.papers)} papers)", justify="right")
    keys = list(dict.fromkeys((r.task, r.metric) for r in mine if r.metric not in CONFUSION))
    for task, metric in keys:
        cells = []
        for configuration, gold in columns:
            r = by_key.get((configuration, gold.name, task, metric))
            cells.append(cell(r.value, r.ci_low, r.ci_high, r.n, r.metric) if r else "")
        target = target_for(task, metric)
        goal = [f"≥ {target.threshold:.2f}" if target else ""] if has_targets else []
        table.add_row(task, metric, *goal, *cells)
    for task in dict.fromkeys(r.task for r in mine if r.metric in CONFUSION):  # one line per task: tp/fp/fn/tn
        cells = []
        for configuration, gold in columns:
            parts = [by_key.get((configuration, gold.name, task, m)) for m in CONFUSION]
            cells.append("/".join(f"{p.value:.0f}" for p in parts if p) if all(parts) else "")
        table.add_row(task, "tp/fp/fn/tn", *([""] if has_targets else []), *cells)
    matrices = {(r.configuration, r.gold_set, r.task, r.metric): r for r in everything if r.task in MATRIX_TASKS}
    for kind in CATEGORIES:  # can the marts' shares be corrected with this gold set's confusion matrix?
        cells = []
        for configuration, gold in columns:
            refused = matrices.get((configuration, gold.name, f"{kind}_correction", "not_corrected"))
            corrected = any(k[:3] == (configuration, gold.name, f"{kind}_correction") for k in matrices)
            reason = refused.description.split("; gold set ")[0] if refused else ""
            cells.append(f"no: {reason}" if refused else "yes" if corrected else "")
        if any(cells):
            table.add_row(f"{kind} shares", "correctable", *([""] if has_targets else []), *cells)
    console.print(table)


def print_agreement(rows: list[MetricRow], gold_sets: list[GoldSet], console: Console) -> None:
    families: dict[str, list[GoldSet]] = defaultdict(list)
    for gold in gold_sets:
        families[gold.family].append(gold)
    for family in families.values():
        _family_table(family, rows, console)
    usage: dict[Configuration, dict[str, float]] = defaultdict(dict)
    for r in rows:
        if r.task == "usage":
            usage[r.configuration][r.metric] = r.value
    if usage:
        table = Table(title="Tokens and cost per run configuration (all its runs)", title_justify="left")
        for name in ("configuration", "papers", "LLM calls", "input tokens", "output tokens", "cost (USD)"):
            table.add_column(name, justify="left" if name == "configuration" else "right")
        for configuration, u in usage.items():
            table.add_row(
                configuration.label,
                f"{u['papers_labelled']:.0f}",
                f"{u['llm_calls']:.0f}",
                f"{u['input_tokens']:,.0f}",
                f"{u['output_tokens']:,.0f}",
                f"{u['cost_usd']:.4f}",
            )
        console.print(table)
