"""Benchmark: the pipeline on a DuckLake (catalog in PostgreSQL, data files in a folder) vs the single DuckDB file,
and 1, 2 and 4 `ptmreuse worker` processes on the lake.

    python bench/scale.py [PATH] [--workers 1 2 4] [--papers-per-shard N] [--first N]
    # default: the bundled corpus/sample-jats.zip; e.g. ../shared/corpora/pmc-biotools-3k.zip

Runs `ptmreuse ingest jats PATH`, `classify --backend rules` and `build` as a user would, once on a fresh file and
once on a fresh lake (a throwaway PostgreSQL, tests/support/postgres.py), one after the other on the same files;
then, for each worker count N, a fresh lake: `enqueue ingest`, N `worker ingest` processes at once (timed until the
last one ends), `enqueue classify`, N `worker classify`. Prints papers/s per step and the ratio to the single file
(the machine is shared: compare ratios measured in one run, not seconds).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.support.postgres import Postgres, running_postgres  # noqa: E402
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


def ptmreuse(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run([PTMREUSE, *args], env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}): {(done.stdout + done.stderr)[-2000:]}")


def workers_seconds(n: int, args: list[str], env: dict[str, str]) -> float:
    """Seconds from starting `n` worker processes to the end of the last."""
    start = time.perf_counter()
    procs = [
        subprocess.Popen([PTMREUSE, "worker", *args], env={**os.environ, **env}, stdout=subprocess.PIPE, text=True)
        for _ in range(n)
    ]
    for proc in procs:
        out, _ = proc.communicate()
        if proc.returncode != 0:
            raise SystemExit(f"worker {' '.join(args)} failed ({proc.returncode}): {out[-2000:]}")
    return time.perf_counter() - start


def run_workers(n: int, corpus: Path, per_shard: int, env: dict[str, str]) -> dict[str, float]:
    """Seconds for `n` workers to ingest, then to classify, the corpus on a fresh lake."""
    ptmreuse(["enqueue", "ingest", str(corpus), "--papers-per-shard", str(per_shard)], env)
    ingest = workers_seconds(n, ["ingest"], env)
    ptmreuse(["enqueue", "classify", "--papers-per-shard", str(per_shard)], env)
    return {"ingest": ingest, "classify": workers_seconds(n, ["classify"], env)}


def lake_env(postgres: Postgres, root: Path, name: str) -> dict[str, str]:
    return {
        **QUIET,
        "PTMREUSE_DB": str(root / name / "local" / "warehouse.duckdb"),
        "PTMREUSE_WAREHOUSE": "ducklake:postgres:" + postgres.create_database(name),
        "PTMREUSE_LAKE_DATA": str(root / name / "data"),
        "DBT_TARGET_PATH": str(root / name / "target"),
    }


def first_files(path: Path, count: int, root: Path) -> Path:
    """A zip of the first `count` JATS members of the zip at `path`, in its order."""
    sliced = root / f"{path.stem}-first{count}.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(sliced, "w") as target:
        members = [name for name in source.namelist() if name.endswith((".xml", ".nxml"))][:count]
        for name in members:
            target.writestr(name, source.read(name))
    return sliced


QUIET = {"RUNTIME__DLTHUB_TELEMETRY": "false", "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}


def papers_in(env: dict[str, str]) -> int:
    code = "from warehouse.connect import connect; from warehouse.paths import database_path\n"
    code += "with connect(database_path(), read_only=True) as con:\n"
    code += "    print(con.execute('select count(*) from raw.papers').fetchone()[0])"
    done = subprocess.run([sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True, text=True)
    return int(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("path", nargs="?", type=Path, default=SAMPLE_CORPUS)
    parser.add_argument("--workers", type=int, nargs="*", default=[1, 2, 4])
    parser.add_argument("--papers-per-shard", type=int, default=250)
    parser.add_argument("--first", type=int, help="only the corpus's first N JATS files (a zip of them is made)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ptmreuse-scale-") as tmp, running_postgres() as postgres:
        root = Path(tmp)
        corpus = options.path.resolve() if options.first is None else first_files(options.path, options.first, root)
        file_env = {
            **QUIET,
            "PTMREUSE_WAREHOUSE": "",  # the single file, even when the shell names a lake
            "PTMREUSE_DB": str(root / "file" / "warehouse.duckdb"),
            "DBT_TARGET_PATH": str(root / "t1"),
        }
        file_seconds = run_steps(corpus, file_env)
        lake = lake_env(postgres, root, "lake")
        lake_seconds = run_steps(corpus, lake)
        papers = papers_in(file_env)
        assert papers_in(lake) == papers, "the lake and the file hold different papers"
        workers = {}
        for n in options.workers:
            env = lake_env(postgres, root, f"workers{n}")
            workers[n] = run_workers(n, corpus, options.papers_per_shard, env)
            assert papers_in(env) == papers, f"{n} workers loaded different papers"
    print(f"{corpus.name}: {papers} papers; {os.cpu_count()} cores")
    print(f"{'step':<10}{'file s':>9}{'lake s':>9}{'file p/s':>10}{'lake p/s':>10}{'lake/file':>11}")
    for name, _ in STEPS:
        f, lk = file_seconds[name], lake_seconds[name]
        print(f"{name:<10}{f:>9.1f}{lk:>9.1f}{papers / f:>10.1f}{papers / lk:>10.1f}{f / lk:>11.2f}")
    print("lake/file is the lake's speed relative to the file's (papers/s ratio; build: time ratio inverted).")
    print(f"\nworkers on the lake ({options.papers_per_shard} papers per shard): papers/s, ratio to the single file")
    print(f"{'workers':<9}{'ingest p/s':>12}{'x file':>8}{'classify p/s':>14}{'x file':>8}")
    for n, seconds in workers.items():
        ingest, classify = papers / seconds["ingest"], papers / seconds["classify"]
        file_ingest, file_classify = papers / file_seconds["ingest"], papers / file_seconds["classify"]
        print(f"{n:<9}{ingest:>12.1f}{ingest / file_ingest:>8.2f}{classify:>14.1f}{classify / file_classify:>8.2f}")


if __name__ == "__main__":
    main()
