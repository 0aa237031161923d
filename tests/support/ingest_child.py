"""`ptmreuse ingest jats` in a child process that is interrupted at a chosen point: the crash tests' subject.

    python -m tests.support.ingest_child CORPUS [--at MODULE:ATTR:before|after:N:kill|reader] [--chunk-papers N]
        [--workers N] [--pids FILE]

`--at` wraps a function (e.g. `dlt.destinations.impl.duckdb.duck:DuckDbCopyJob.run`) so that its N-th call,
before or after it runs, either kills this process with SIGKILL (after writing the pids of its parse workers to
`--pids`), or opens the warehouse read-only from another process (a "notebook") and goes on, so that the load
meets a foreign reader. The database is `PTMREUSE_DB`; the reader's pid is printed as `reader <pid>`.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import multiprocessing
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

READER = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); print('open', flush=True); "
    "time.sleep(600)"
)


def _interrupt(action: str, pids: Path | None) -> None:
    if action == "kill":
        if pids is not None:
            pids.write_text("\n".join(str(child.pid) for child in multiprocessing.active_children()))
        os.kill(os.getpid(), signal.SIGKILL)
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, os.environ["PTMREUSE_DB"]],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert reader.stdout is not None and reader.stdout.readline().strip() == "open"
    print(f"reader {reader.pid}", flush=True)


def _wrap(spec: str, pids: Path | None) -> None:
    target, when, nth, action = spec.rsplit(":", 3)
    module_name, attribute = target.split(":")
    owner: Any = importlib.import_module(module_name)
    *path, name = attribute.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    calls = 0

    @functools.wraps(original)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal calls
        calls += 1
        mine = calls  # load jobs run in threads: another call may count meanwhile
        if mine == int(nth) and when == "before":
            _interrupt(action, pids)
        result = original(*args, **kwargs)
        if mine == int(nth) and when == "after":
            _interrupt(action, pids)
        return result

    setattr(owner, name, wrapper)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("corpus")
    parser.add_argument("--at")
    parser.add_argument("--chunk-papers", type=int)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--pids", type=Path)
    args = parser.parse_args()

    import ingestion.jats.pipeline
    import ingestion.jats.workers
    from ptmreuse.cli import app

    if args.chunk_papers:
        ingestion.jats.pipeline.CHUNK_PAPERS = args.chunk_papers
    ingestion.jats.workers.default_workers = lambda: args.workers
    if args.at:
        _wrap(args.at, args.pids)
    app(["ingest", "jats", args.corpus])


if __name__ == "__main__":
    main()
