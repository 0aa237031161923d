"""The `ptmreuse eval` tables: one per gold set with runs side by side, then tokens and cost per run."""

from __future__ import annotations

import math
from collections import defaultdict

from rich.console import Console
from rich.table import Table

from evaluation.evaluate import MetricRow
from evaluation.gold import GoldSet

_COUNTS = {"papers_scored", "gold_positives", "gold_papers", "gold_papers_with_text", "tp", "fp", "fn", "tn"}
_CONFUSION = ("tp", "fp", "fn", "tn")


def _cell(row: MetricRow) -> str:
    if math.isnan(row.value):
        return "—"
    if row.metric in _COUNTS:
        return f"{row.value:.0f}"
    interval = "" if math.isnan(row.ci_low) else f" [{row.ci_low:.2f}, {row.ci_high:.2f}]"
    return f"{row.value:.2f}{interval} n={row.n}"


def _run_label(row: MetricRow) -> str:
    model = f"/{row.model}" if row.model else ""
    return f"{row.protocol}:{row.backend}{model}\n{row.run_id[:8]}"


def print_agreement(rows: list[MetricRow], gold_sets: list[GoldSet], console: Console) -> None:
    runs = list(dict.fromkeys((r.run_id, _run_label(r)) for r in rows))
    by_key: dict[tuple[str, str, str, str], MetricRow] = {(r.gold_set, r.task, r.metric, r.run_id): r for r in rows}
    for gold in gold_sets:
        table = Table(title=f"Agreement with gold set '{gold.name}' — {gold.description}", title_justify="left")
        table.add_column("task")
        table.add_column("metric")
        for _, label in runs:
            table.add_column(label, justify="right")
        keys = list(dict.fromkeys((r.task, r.metric) for r in rows if r.gold_set == gold.name))
        confusion_tasks = list(dict.fromkeys(task for task, metric in keys if metric in _CONFUSION))
        for task, metric in keys:
            if metric in _CONFUSION:
                continue
            cells = [by_key.get((gold.name, task, metric, run_id)) for run_id, _ in runs]
            table.add_row(task, metric, *(_cell(c) if c else "" for c in cells))
        for task in confusion_tasks:  # one compact line per task: tp/fp/fn/tn
            cells = []
            for run_id, _ in runs:
                parts = [by_key.get((gold.name, task, cell, run_id)) for cell in _CONFUSION]
                cells.append("/".join(f"{p.value:.0f}" for p in parts) if all(parts) else "")  # type: ignore[union-attr]
            table.add_row(task, "tp/fp/fn/tn", *cells)
        console.print(table)
    usage: dict[str, dict[str, float]] = defaultdict(dict)
    for r in rows:
        if r.task == "usage":
            usage[r.run_id][r.metric] = r.value
    if usage:
        table = Table(title="Tokens and cost per run configuration (all its labels)", title_justify="left")
        for name in ("run", "papers", "LLM calls", "input tokens", "output tokens", "cost (USD)"):
            table.add_column(name, justify="left" if name == "run" else "right")
        for run_id, label in runs:
            u = usage.get(run_id)
            if u:
                table.add_row(
                    label.replace("\n", " "),
                    f"{u['papers_labelled']:.0f}",
                    f"{u['llm_calls']:.0f}",
                    f"{u['input_tokens']:,.0f}",
                    f"{u['output_tokens']:,.0f}",
                    f"{u['cost_usd']:.4f}",
                )
        console.print(table)
