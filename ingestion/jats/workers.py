"""Read, hash and parse articles on every core; the main process only turns results into tables for dlt.

Each worker opens the corpus itself, so file bytes never cross a process boundary: the main process sends
names and gets back parsed rows (or a refusal, or "already loaded"). Order matters (the first file with a DOI
wins over later duplicates) and memory must not grow with the corpus, so names go out in small chunks with a cap
on chunks in flight, and results come back in input order.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from pathlib import Path

from ingestion.jats.files import DEFAULT_MAX_FILE_BYTES, Corpus, SourceFile, UnreadableFile
from ingestion.jats.parse import ParsedArticle, RejectedArticle, parse_article

# (file, what came of it): parsed article, refusal, or None when its bytes are already loaded / unreadable.
# A SourceFile in an outcome carries no bytes (they stay in the worker).
Outcome = tuple[SourceFile | UnreadableFile, ParsedArticle | RejectedArticle | None]
CHUNK = 8
CHUNKS_IN_FLIGHT_PER_WORKER = 4

_worker: dict[str, object] = {}  # per process: the open corpus and the hashes to skip


def default_workers() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def _init_worker(path: Path, max_file_bytes: int, skip_hashes: frozenset[str]) -> None:
    _worker["corpus"] = Corpus(path, max_file_bytes)
    _worker["skip"] = skip_hashes


def _process(names: list[str]) -> list[Outcome]:
    corpus: Corpus = _worker["corpus"]  # type: ignore[assignment]
    skip: frozenset[str] = _worker["skip"]  # type: ignore[assignment]
    outcomes: list[Outcome] = []
    for name in names:
        item = corpus.read(name)
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


class ParsePool:
    """Workers over one corpus; with one worker everything runs in-process (no fork, no pickling)."""

    def __init__(
        self,
        path: Path,
        skip_hashes: frozenset[str] = frozenset(),
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
        workers: int | None = None,
    ) -> None:
        self.workers = workers or default_workers()
        self._names = Corpus(path, max_file_bytes)  # raises CorpusError early, before any fork
        self._executor: ProcessPoolExecutor | None = None
        init_args = (Path(path), max_file_bytes, skip_hashes)
        if self.workers > 1:
            # fork now, before dlt and the progress bar start threads, and start every worker at once
            self._executor = ProcessPoolExecutor(
                self.workers,
                mp_context=multiprocessing.get_context("fork"),
                initializer=_init_worker,
                initargs=init_args,
            )
            self._executor.submit(int).result()
        else:
            _init_worker(*init_args)

    def names(self) -> list[str]:
        return self._names.names()

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc: object) -> None:
        self._names.close()
        if self._executor is not None:
            self._executor.shutdown(cancel_futures=True)

    def outcomes(self) -> Iterator[Outcome]:
        """What came of every file of the corpus, in corpus order."""
        names = self.names()
        if self._executor is None:
            for start in range(0, len(names), CHUNK):
                yield from _process(names[start : start + CHUNK])
            return
        pending: deque[Future[list[Outcome]]] = deque()
        limit = self.workers * CHUNKS_IN_FLIGHT_PER_WORKER
        for start in range(0, len(names), CHUNK):
            pending.append(self._executor.submit(_process, names[start : start + CHUNK]))
            if len(pending) >= limit:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
