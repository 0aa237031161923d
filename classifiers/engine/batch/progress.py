"""A rich progress bar for a batch round: requests the server has finished, and the batches' statuses."""

from __future__ import annotations

from collections import Counter

from openai.types import Batch
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn


class BatchProgress:
    def __init__(self, console: Console, label: str) -> None:
        self._progress = Progress(
            TextColumn(f"[bold]classify --batch[/bold] {label}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[detail]}"),
            TimeElapsedColumn(),
            console=console,
        )
        self._task = self._progress.add_task(label, total=None, detail="")
        self.round = 0

    def __enter__(self) -> BatchProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def start_round(self, number: int, requests: int, batches: int) -> None:
        self.round = number
        self._progress.console.print(f"round {number}: {requests:,} requests in {batches} batch(es)")
        self._progress.reset(self._task, total=requests, detail="")

    def update(self, batches: list[Batch]) -> None:
        done = sum((b.request_counts.completed + b.request_counts.failed) if b.request_counts else 0 for b in batches)
        statuses = Counter(b.status for b in batches)
        detail = f"round {self.round} · " + ", ".join(f"{n} {status}" for status, n in sorted(statuses.items()))
        self._progress.update(self._task, completed=done, detail=detail)
