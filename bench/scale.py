"""Benchmark: the pipeline on a DuckLake (catalog in PostgreSQL, data files in a folder) vs the single DuckDB file.

    python bench/scale.py [PATH]     # default: the bundled corpus/sample-jats.zip; e.g. pmc-biotools-3k.zip

Runs `ptmreuse ingest jats PATH`, `classify --backend rules` and `build` as a user would, once on a fresh file and
once on a fresh lake (a throwaway PostgreSQL, tests/support/postgres.py), one after the other on the same files,
and prints papers/s per step and the lake/file ratio of each (the machine is shared: compare ratios, not seconds).
One process per step for now; the figures for 2 and 4 workers wait for the workers (issue 16, next step).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.postgres import running_postgres  # noqa: E402
from warehouse.paths import SAMPLE_CORPUS  # noqa: E402

PTMREUSE = str(Path(sys.executable).parent / "ptmreuse")
STEPS = (("ingest", ["ingest", "jats"]), ("classify", ["classify", "--backend", "rules"]), ("build", ["build"]))


def run_steps(corpus: Path, env: dict[str, str]) -> dict[str, float]:
    """Seconds per step."""
    seconds: dict[str, float] = {}
    for name, command in STEPS:
        args = [PTMREUSE, *command, *([str(corpus)] if name == "ingest" else [])]
        start = time.perf_counter()
        done = subprocess.run(args, env={**os.environ, **env}, capture_output=True, text=True)
        seconds[name] = time.perf_counter() - start
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed ({done.returncode}): {(done.stdout + done.stderr)[-2000:]}")
    return seconds


def papers_in(env: dict[str, str]) -> int:
    code = "from warehouse.connect import connect; from warehouse.paths import database_path\n"
    code += "with connect(database_path(), read_only=True) as con:\n"
    code += "    print(con.execute('select count(*) from raw.papers').fetchone()[0])"
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True)
    return int(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=SAMPLE_CORPUS)
    corpus = parser.parse_args().path.resolve()
    with tempfile.TemporaryDirectory(prefix="ptmreuse-scale-") as tmp, running_postgres() as postgres:
        root = Path(tmp)
        quiet = {"RUNTIME__DLTHUB_TELEMETRY": "false", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
        file_env = {
            **quiet,
            "PTMREUSE_WAREHOUSE": "",  # the single file, even when the shell names a lake
            "PTMREUSE_DB": str(root / "file" / "warehouse.duckdb"),
            "DBT_TARGET_PATH": str(root / "t1"),
        }
        lake_env = {
            **quiet,
            "PTMREUSE_DB": str(root / "lake-local" / "warehouse.duckdb"),
            "PTMREUSE_WAREHOUSE": "ducklake:postgres:" + postgres.create_database("scale"),
            "PTMREUSE_LAKE_DATA": str(root / "lake-data"),
            "DBT_TARGET_PATH": str(root / "t2"),
        }
        file_seconds = run_steps(corpus, file_env)
        lake_seconds = run_steps(corpus, lake_env)
        papers = papers_in(file_env)
        assert papers_in(lake_env) == papers, "the lake and the file hold different papers"
    print(f"{corpus.name}: {papers} papers, 1 process per step")
    print(f"{'step':<10}{'file s':>9}{'lake s':>9}{'file p/s':>10}{'lake p/s':>10}{'lake/file':>11}")
    for name, _ in STEPS:
        f, lk = file_seconds[name], lake_seconds[name]
        print(f"{name:<10}{f:>9.1f}{lk:>9.1f}{papers / f:>10.1f}{papers / lk:>10.1f}{f / lk:>11.2f}")
    print("lake/file is the lake's speed relative to the file's (papers/s ratio; build: time ratio inverted).")


if __name__ == "__main__":
    main()
