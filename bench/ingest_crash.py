"""Crash and foreign-reader scenarios on a large corpus: does the re-run give exactly what a clean ingest gives?

    .venv/bin/python bench/ingest_crash.py /path/pmc-biotools-3k.zip [--workers 2] [--chunk-papers N]

The same scenarios as tests/ingestion/test_jats_crash.py, at production chunk sizes: `ptmreuse ingest jats` runs in
a child process that is killed with SIGKILL at one point (or meets a read-only connection from another process),
then runs again; `raw` is compared with a clean ingest: rows, distinct keys and a hash of every row's content (all
columns but `ingested_at`) per table. Prints one line per scenario; exits 1 if any differs.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.ingest_runs import fingerprint, run_child  # noqa: E402

SCENARIOS = {
    "kill while parsing (chunk 2)": "ingestion.jats.reader:CorpusReader._take:after:1500:kill",
    "kill while dlt normalizes chunk 2": (
        "dlt.common.storages.load_storage:LoadStorage.commit_new_load_package:before:2:kill"
    ),
    "kill after a committed load job, before dlt marks it": (
        "dlt.destinations.impl.duckdb.duck:DuckDbCopyJob.run:after:3:kill"
    ),
    "kill while publishing chunk 2": "ingestion.jats.landing:_empty_landing:before:4:kill",
    "kill between chunks 1 and 2": "ingestion.jats.pipeline:publish:after:2:kill",
    "foreign read-only reader before chunk 2 loads": "dlt.pipeline.pipeline:Pipeline.load:before:2:reader",
}


def _show(prints: dict[str, tuple[int, int, str]]) -> str:
    return "; ".join(f"{table} {rows} rows/{keys} keys {digest[:10]}" for table, (rows, keys, digest) in prints.items())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk-papers", type=int, help="papers per chunk (default: the production bound)")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        clean_db = Path(tmp) / "clean" / "w.duckdb"
        clean = run_child(args.corpus, clean_db, chunk_papers=args.chunk_papers, workers=args.workers)
        if clean.returncode != 0:
            sys.exit(f"clean ingest failed:\n{clean.stdout}\n{clean.stderr}")
        reference = fingerprint(clean_db)
        print(f"clean ingest ({time.perf_counter() - start:.0f} s): {_show(reference)}", flush=True)
        differ = 0
        for index, (label, at) in enumerate(SCENARIOS.items()):
            db = Path(tmp) / f"s{index}" / "w.duckdb"
            first = run_child(args.corpus, db, at=at, chunk_papers=args.chunk_papers, workers=args.workers)
            for line in first.stdout.splitlines():
                if line.startswith("reader "):
                    os.kill(int(line.split()[1]), signal.SIGKILL)
            busy = (
                " ".join(first.stdout[first.stdout.find("warehouse busy") :].split())[:90]
                if first.returncode == 3
                else ""
            )
            rerun = run_child(args.corpus, db, chunk_papers=args.chunk_papers, workers=args.workers)
            repaired = [" ".join(line.split()) for line in rerun.stdout.splitlines() if line.startswith("repaired")]
            got = fingerprint(db)
            verdict = "EQUAL" if got == reference else "DIFFERS"
            differ += got != reference
            print(f"{label}: first run exit {first.returncode} {busy}", flush=True)
            print(f"  re-run exit {rerun.returncode}; {' | '.join(repaired) or 'nothing to repair'}", flush=True)
            print(f"  {verdict}: {_show(got)}", flush=True)
    sys.exit(1 if differ else 0)


if __name__ == "__main__":
    main()
