"""A rich progress bar for a classifier run: papers done, calls, tokens, cost so far, errors."""

from __future__ import annotations

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from classifiers.engine.stats import RunStats


class RunProgress:
    def __init__(self, console: Console, label: str, total: int) -> None:
        self._progress = Progress(
            TextColumn(f"[bold]classify[/bold] {label}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
        )
        self._task = self._progress.add_task(label, total=total, detail="")

    def __enter__(self) -> RunProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def update(self, stats: RunStats) -> None:
        detail = (
            f"calls {stats.calls} · cached {stats.cache_hits} · prefiltered {stats.prefiltered} · "
            f"tokens {stats.input_tokens + stats.output_tokens:,} · ${stats.cost_usd:.4f} · "
            f"errors {stats.errors}"
        )
        self._progress.update(self._task, completed=stats.papers_done, detail=detail)
