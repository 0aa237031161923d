"""`rules`: the offline baseline as a protocol — `classifiers.rules.classify_paper` decides, nothing is asked.

It runs through the same engine as the LLM protocols (same store, cache, run record and rows), with
decided_by = rules, zero tokens and zero cost. Its cache key carries the fingerprint of the rules' code and seeds,
so editing the rules relabels every paper on the next run and leaves the old labels in place.

The rules are CPU work: inside `on_workers(n)` each paper is labelled in one of n forked worker processes (the
engine's run loop stays the one loop; it only awaits each paper's labels from the pool), else in a thread of this
process. The labels do not depend on where they were computed, so the worker count is no part of the cache key.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Iterator
from concurrent.futures import Executor
from typing import Any

from pydantic import BaseModel

from classifiers.document import PaperDocument
from classifiers.protocols.base import Asker
from classifiers.protocols.prompts import Prompt
from classifiers.rules import classify_paper
from classifiers.rules.lexicon import lexicon
from classifiers.taxonomy import Task
from warehouse.children import forked_pool


class RulesProtocol:
    name = "rules"

    def __init__(self) -> None:
        self._pool: Executor | None = None  # None: the event loop's default thread pool

    def prompts(self) -> list[Prompt]:
        return []

    def settings(self) -> dict[str, Any]:
        return {}

    @contextlib.contextmanager
    def on_workers(self, workers: int) -> Iterator[None]:
        """Label on `workers` processes inside the block (1: in a thread of this process). Enter it before any
        thread starts (the workers are forked on entry)."""
        if workers > 1:
            lexicon()  # the automaton of every name, built once here and inherited by each worker
            self._pool = forked_pool(workers)
        try:
            yield
        finally:
            pool, self._pool = self._pool, None
            if pool is not None:
                pool.shutdown(cancel_futures=True)

    async def label(self, doc: PaperDocument, asker: Asker) -> None:
        # CPU work: off the event loop, so the periodic flush and Ctrl-C are served meanwhile.
        labels = await asyncio.get_running_loop().run_in_executor(self._pool, classify_paper, doc)
        answers: dict[Task, BaseModel] = {Task.USES_DL: labels.uses_dl, Task.USES_PTMS: labels.uses_ptms}
        if labels.uses_ptms.answer:
            answers[Task.PTMS] = labels.ptms
        await asker.decide(doc, answers)
