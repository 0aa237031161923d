"""Read, hash and parse articles on every core; the main process only turns results into tables for dlt.

Each worker opens the corpus itself, so file bytes never cross a process boundary: the main process sends
entries and gets back parsed rows (or a refusal, or "already loaded"). Order matters (the first file with a DOI
wins over later duplicates) and memory must not grow with the corpus, so entries go out in small tasks, with a cap
on tasks and on bytes in flight, and results come back in input order. Workers ignore Ctrl-C (the parent stops
them) and exit by themselves when the parent dies, even by kill -9, instead of waiting for work for ever.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from ingestion.jats.files import Corpus, Entry, Listing, SourceFile, UnreadableFile
from ingestion.jats.parse import ParsedArticle, RejectedArticle, parse_article
from warehouse.children import default_workers, forked_pool

# (file, what came of it): parsed article, refusal, or None when its bytes are already loaded / unreadable.
# A SourceFile in an outcome carries no bytes (they stay in the worker).
Outcome = tuple[SourceFile | UnreadableFile, ParsedArticle | RejectedArticle | None]
TASK_FILES = 8
TASK_BYTES = 4 * 1024 * 1024
TASKS_IN_FLIGHT_PER_WORKER = 4
# XML bytes whose results may wait in the parent at once: parsed rows weigh about what their XML does.
BYTES_IN_FLIGHT = 64 * 1024 * 1024

_worker: dict[str, object] = {}  # per process: the open corpus and the hashes to skip


def _init_worker(path: Path, max_file_bytes: int, skip_hashes: frozenset[str]) -> None:
    _worker["corpus"] = Corpus(path, max_file_bytes)
    _worker["skip"] = skip_hashes


def _process(entries: list[Entry]) -> list[Outcome]:
    corpus: Corpus = _worker["corpus"]
    skip: frozenset[str] = _worker["skip"]
    outcomes: list[Outcome] = []
    for entry in entries:
        item = corpus.read(entry)
        if isinstance(item, UnreadableFile):
            outcomes.append((item, None))
            continue
        light = SourceFile(item.name, b"", item.content_hash)
        if item.content_hash in skip:
            outcomes.append((light, None))
            continue
        try:
            outcomes.append((light, parse_article(item.data, item.name, item.content_hash)))
        except RejectedArticle as refused:
            outcomes.append((light, refused))
    return outcomes


def _tasks(listing: Listing) -> Iterator[list[Entry] | UnreadableFile]:
    """Consecutive candidates grouped into tasks (a few files, a few MB); refusals in between, in corpus order."""
    task: list[Entry] = []
    size = 0
    for entry in listing.entries:
        if isinstance(entry, UnreadableFile):
            if task:
                yield task
                task, size = [], 0
            yield entry
            continue
        task.append(entry)
        size += entry.size
        if len(task) >= TASK_FILES or size >= TASK_BYTES:
            yield task
            task, size = [], 0
    if task:
        yield task


class ParsePool:
    """Workers over one corpus; with one worker everything runs in-process (no fork, no pickling)."""

    def __init__(self, corpus: Corpus, skip_hashes: frozenset[str] = frozenset(), workers: int | None = None) -> None:
        self.workers = workers or default_workers()
        self._corpus = corpus
        self.listing = corpus.listing()  # raises CorpusError early, before any fork
        self._executor: ProcessPoolExecutor | None = None
        init_args = (corpus.path, corpus.max_file_bytes, skip_hashes)
        if self.workers > 1:  # forked now, before the progress bar starts its thread
            self._executor = forked_pool(self.workers, _init_worker, init_args)
        else:
            _init_worker(*init_args)

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._corpus.close()
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)

    def outcomes(self) -> Iterator[Outcome]:
        """What came of every entry of the corpus, in corpus order."""
        pending: deque[tuple[int, Future[list[Outcome]] | list[Outcome]]] = deque()
        in_flight = 0
        max_tasks = self.workers * TASKS_IN_FLIGHT_PER_WORKER
        for task in _tasks(self.listing):
            if isinstance(task, UnreadableFile):
                pending.append((0, [(task, None)]))
            else:
                size = sum(entry.size for entry in task)
                result = _process(task) if self._executor is None else self._executor.submit(_process, task)
                pending.append((size, result))
                in_flight += size
            while pending and (len(pending) >= max_tasks or in_flight > BYTES_IN_FLIGHT):
                size, result = pending.popleft()
                in_flight -= size
                yield from result if isinstance(result, list) else result.result()
        for _, result in pending:
            yield from result if isinstance(result, list) else result.result()
