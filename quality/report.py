"""The gate as a person sees it: run it, then one line per suite and the worst failures with example values."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.table import Table

from quality.config import GateConfig
from quality.gate import ExpectationOutcome, GateResult, run_checks

_STYLE = {"passed": "green", "failed": "red", "skipped": "dim"}
WORST_SHOWN = 10


def _describe(outcome: ExpectationOutcome) -> str:
    column = f"{outcome.column}: " if outcome.column else ""
    return f"{column}{outcome.description or outcome.expectation}"


def print_gate_summary(result: GateResult, console: Console) -> None:
    table = Table(title="Data-quality gate (Great Expectations)", title_justify="left")
    for name, justify in (
        ("suite", "left"),
        ("status", "left"),
        ("rows", "right"),
        ("chunks", "right"),
        ("passed", "right"),
        ("failed", "right"),
        ("note", "left"),
    ):
        table.add_column(name, justify=justify)
    for suite in result.suites:
        style = _STYLE[suite.status]
        table.add_row(
            suite.name,
            f"[{style}]{suite.status}[/{style}]",
            f"{suite.rows:,}",
            str(suite.chunks),
            str(suite.passed),
            str(suite.failed),
            suite.note,
        )
    console.print(table)

    failures = [(suite.name, e) for suite in result.suites for e in suite.expectations if not e.success]
    failures.sort(key=lambda item: (-item[1].unexpected_share, -item[1].unexpected))
    if failures:
        worst = Table(title="Worst failures", title_justify="left")
        for name in ("suite", "check", "unexpected", "examples / observed"):
            worst.add_column(name)
        for suite_name, outcome in failures[:WORST_SHOWN]:
            share = f"{outcome.unexpected:,} of {outcome.checked:,}" if outcome.checked else "—"
            shown = outcome.error or (
                ", ".join(repr(v) for v in outcome.examples) if outcome.examples else repr(outcome.observed)
            )
            worst.add_row(suite_name, _describe(outcome), share, shown)
        console.print(worst)
        if len(failures) > WORST_SHOWN:
            console.print(f"… and {len(failures) - WORST_SHOWN} more failed checks (see Data Docs)")
    verdict = "[green]passed[/green]" if result.success else "[red]FAILED[/red]"
    console.print(f"Gate {verdict}.", end=" ")
    console.print(f"Data Docs: {result.docs_index}" if result.docs_index else "No Data Docs were written.")


def run_gate(db_path: Path, console: Console, config: GateConfig | None = None, docs_dir: Path | None = None) -> bool:
    """Run the gate and print its summary; True when every suite passed (skipped suites do not fail it)."""
    try:
        result = run_checks(db_path, config, docs_dir)
    except FileNotFoundError as error:
        console.print(f"[red]{error}[/red]")
        return False
    print_gate_summary(result, console)
    return result.success
