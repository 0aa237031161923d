"""Parse articles on every core while the main process feeds dlt, keeping file order and bounded memory.

Order matters (the first file with a DOI wins over later duplicates) and memory must not grow with the corpus,
so work is submitted in small chunks with a cap on chunks in flight, and results come back in input order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from typing import TypeVar

from ingestion.jats.files import SourceFile
from ingestion.jats.parse import ParsedArticle, RejectedArticle, parse_article

T = TypeVar("T")
Parsed = ParsedArticle | RejectedArticle
CHUNK = 8
CHUNKS_IN_FLIGHT_PER_WORKER = 4


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def parse_file(item: SourceFile) -> Parsed:
    try:
        return parse_article(item.data, item.name, item.content_hash)
    except RejectedArticle as refused:
        return refused


def _parse_chunk(items: list[SourceFile]) -> list[Parsed]:
    return [parse_file(item) for item in items]


class ParsePool:
    """A process pool for `parse_file`; with one worker it parses in-process (no fork, no pickling)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        self._executor: ProcessPoolExecutor | None = None
        if self.workers > 1:
            # fork now, before dlt and the progress bar start threads, and start every worker at once
            context = multiprocessing.get_context("fork")
            self._executor = ProcessPoolExecutor(self.workers, mp_context=context)
            self._executor.submit(int).result()

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)

    def map_ordered(self, items: Iterable[T], needs_parse: Callable[[T], bool]) -> Iterator[tuple[T, Parsed | None]]:
        """(item, parsed) in input order; items that need no parsing come back with None."""
        if self._executor is None:
            for item in items:
                yield item, (parse_file(item) if needs_parse(item) else None)  # type: ignore[arg-type]
            return
        pending: deque[tuple[list[T], Future[list[Parsed]] | None]] = deque()
        limit = self.workers * CHUNKS_IN_FLIGHT_PER_WORKER
        chunk: list[T] = []

        def submit() -> None:
            to_parse = [item for item in chunk if needs_parse(item)]
            future = self._executor.submit(_parse_chunk, to_parse) if to_parse else None  # type: ignore[union-attr]
            pending.append((list(chunk), future))
            chunk.clear()

        def drain_one() -> Iterator[tuple[T, Parsed | None]]:
            batch, future = pending.popleft()
            results = iter(future.result() if future is not None else [])
            for item in batch:
                yield item, (next(results) if needs_parse(item) else None)

        for item in items:
            chunk.append(item)
            if len(chunk) >= CHUNK:
                submit()
                if len(pending) >= limit:
                    yield from drain_one()
        if chunk:
            submit()
        while pending:
            yield from drain_one()
