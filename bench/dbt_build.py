"""Time `dbt build` on the bundled corpus and on synthetic 17.5k- and 1M-paper warehouses, against its targets.

    .venv/bin/python bench/dbt_build.py --corpus /work/shared/corpora/pmc-biotools-3k.zip [--sizes 17500,1000000]

SYNTHETIC DATA. The large warehouses are made at the raw-table level from the real papers of `--corpus` (ingested and
labelled once with the rules backend into a template database): each synthetic paper is a copy of a real one under a
fresh DOI `10.99999/synthetic.<n>` with corpus `SYNTHETIC:<corpus file>`, and its raw.paper_sections and
raw.llm_labels rows are copied with it. Real papers stay as they are. Above `--slim-above` papers the copies are
slim: body text cut to 1,500 characters and only the first three sections (cut to 300 characters) are kept, so 1M
papers fit in memory and on disk. No OpenAlex rows are made: fields come from the papers' publisher subjects. The
rules baseline's error measured by `ptmreuse eval` on the bundled corpus is copied in, so the classifier-corrected
rates and shares (and their Monte Carlo intervals) are computed as after a user's eval.

Every build recomputes every model. Each build's time is split into models, data tests, seeds and what dbt spends
around them, and compared with its target: models + data tests under 20 s at 17.5k papers, under 3 min at 1M. A
one-view build gives the floor no dbt invocation goes under. Every timed build follows an untimed `dbt parse` (a new
database path makes dbt re-parse the project; a user's builds reuse the parse). Unit tests are excluded from the
timed builds (`--exclude-resource-type unit_test`; they check logic on fixtures, not data) unless
--with-unit-tests.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import duckdb
from rich.console import Console

from classifiers.engine.service import ClassifyRequest, classify
from evaluation import evaluate_and_report
from ingestion.jats.pipeline import ingest_jats_corpus
from ptmreuse.dbt import run_dbt
from warehouse.paths import SAMPLE_CORPUS

SYNTHETIC_DOI = "10.99999/synthetic."
SLIM_BODY_CHARS = 1500
SLIM_SECTIONS = 3
SLIM_SECTION_CHARS = 300
# Seconds of models + data tests a full build may take (issue: the study's 17.5k papers, and a 1M-paper corpus).
TARGETS = {17_500: 20.0, 1_000_000: 180.0}


@dataclass(slots=True)
class Timing:
    case: str
    papers: int
    seconds: float
    nodes: int


def labelled_warehouse(corpus: Path, db: Path) -> Path:
    """Ingest a real corpus and label it with the rules backend (once; reused when the file exists)."""
    if db.exists():
        return db
    ingest_jats_corpus(corpus, db)
    classify(db, ClassifyRequest(backend="rules"), Console(quiet=True))
    return db


def copy_measured_error(bundled: Path, template: Path) -> None:
    """The rules baseline's error as `ptmreuse eval` measures it on the bundled corpus's gold papers, copied into
    the template (the same rules configuration labels both), so every build computes the corrected rates and
    shares with their Monte Carlo intervals, as a user's build after eval does."""
    with duckdb.connect(str(bundled), read_only=True) as con:
        (measured,) = con.execute(
            "select count(*) from information_schema.tables where table_schema = 'raw'"
            " and table_name = 'agreement_metrics'"
        ).fetchone()
    # eval reads the gold seeds and the predictions' marts: build first
    evaluated = measured or (
        run_dbt(["build", "--quiet"], bundled) == 0
        and bool(evaluate_and_report(bundled, Console(quiet=True), resamples=200))
    )
    if not evaluated:
        raise SystemExit(f"could not evaluate the rules baseline on {bundled}")
    with duckdb.connect(str(template)) as con:
        con.execute(f"attach '{bundled}' as bundled (read_only)")
        con.execute("create or replace table raw.agreement_metrics as select * from bundled.raw.agreement_metrics")


def add_synthetic(db: Path, count: int, slim: bool) -> None:
    """Append `count` synthetic copies of the real papers with their sections and labels."""
    body = f"left(body_text, {SLIM_BODY_CHARS})" if slim else "body_text"
    section_text = f"left(s.text, {SLIM_SECTION_CHARS})" if slim else "s.text"
    section_filter = f"s.ordinal < {SLIM_SECTIONS}" if slim else "true"
    with duckdb.connect(str(db)) as con:
        con.execute(
            f"""
            create or replace temp table plan as
            with real as (
                select doi, row_number() over (order by doi) - 1 as k, count(*) over () as n
                from raw.papers where doi not like '{SYNTHETIC_DOI}%'
            )
            select '{SYNTHETIC_DOI}' || i as new_doi, real.doi as src_doi
            from range({count}) as t(i)
            join real on real.k = i % real.n
            """
        )
        con.execute(
            f"""
            insert into raw.papers by name
            select p.* replace (
                plan.new_doi as doi,
                'SYNTHETIC:' || p.corpus as corpus,
                {body} as body_text,
                'synthetic:' || p.content_hash as content_hash
            )
            from raw.papers as p join plan on p.doi = plan.src_doi
            """
        )
        con.execute(
            f"""
            insert into raw.paper_sections by name
            select s.* replace (plan.new_doi as doi, {section_text} as text)
            from raw.paper_sections as s join plan on s.doi = plan.src_doi
            where {section_filter}
            """
        )
        con.execute(
            """
            insert into raw.llm_labels by name
            select l.* replace (
                plan.new_doi as doi,
                l.label_id || ':' || plan.new_doi as label_id,
                l.call_id || ':' || plan.new_doi as call_id,
                l.cache_key || ':' || plan.new_doi as cache_key,
                'synthetic:' || l.content_hash as content_hash,
                now() as finished_at
            )
            from raw.llm_labels as l join plan on l.doi = plan.src_doi
            """
        )


def papers_in(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from raw.papers").fetchone()[0]


def timed_build(db: Path, work: Path, case: str, dbt_args: list[str]) -> Timing:
    # One target dir for every build, as a user's project has, and an untimed `dbt parse` first: a new database path
    # changes the profile, which makes dbt parse the whole project again (~6 s here) — project cost, not data cost.
    env = {"DBT_TARGET_PATH": str(work / "target"), "DBT_LOG_PATH": str(work / "logs")}
    run_dbt(["parse", "--quiet"], db, extra_env=env)
    started = time.perf_counter()
    code = run_dbt(["build", "--quiet", *dbt_args], db, extra_env=env)
    seconds = time.perf_counter() - started
    if code != 0:
        raise SystemExit(f"dbt build failed for {case} (exit {code}); logs in {env['DBT_LOG_PATH']}")
    shutil.copy(work / "target" / "run_results.json", work / f"run_results-{case}.json")
    results = json.loads((work / f"run_results-{case}.json").read_text())
    return Timing(case, papers_in(db), seconds, len(results["results"]))


def seconds_by_kind(work: Path, case: str) -> dict[str, tuple[int, float]]:
    """Nodes and execution seconds per kind (model, test, seed, …) of a build."""
    results = json.loads((work / f"run_results-{case}.json").read_text())
    kinds: dict[str, tuple[int, float]] = {}
    for result in results["results"]:
        count, seconds = kinds.get(result["unique_id"].split(".")[0], (0, 0.0))
        kinds[result["unique_id"].split(".")[0]] = (count + 1, seconds + result["execution_time"])
    return kinds


def time_by_kind(kinds: dict[str, tuple[int, float]], wall: float) -> str:
    """Where a build's time went: models, data tests, seeds, and dbt's own start-up and bookkeeping around them."""
    parts = [f"{count} {name}s {seconds:.1f} s" for name, (count, seconds) in sorted(kinds.items())]
    outside = wall - sum(seconds for _, seconds in kinds.values())
    return ", ".join(parts) + f", dbt start-up and bookkeeping {outside:.1f} s"


def slowest_nodes(work: Path, case: str, top: int = 6) -> list[tuple[str, float]]:
    results = json.loads((work / f"run_results-{case}.json").read_text())["results"]
    ranked = sorted(results, key=lambda r: -r["execution_time"])[:top]
    return [(r["unique_id"].split(".")[-1], round(r["execution_time"], 2)) for r in ranked]


def bench_size(template: Path, work: Path, size: int, slim: bool, dbt_args: list[str], console: Console) -> None:
    db = work / f"synthetic-{size}.duckdb"
    shutil.copy(template, db)
    real = papers_in(db)
    started = time.perf_counter()
    add_synthetic(db, size - real, slim)
    console.print(f"synthetic {size:,}: {real:,} real + {size - real:,} SYNTHETIC papers"
                  f"{' (slim)' if slim else ''} made in {time.perf_counter() - started:.1f} s")  # fmt: skip
    full = timed_build(db, work, f"full-{size}", dbt_args)
    kinds = seconds_by_kind(work, f"full-{size}")
    slowest = slowest_nodes(work, f"full-{size}")
    console.print(f"  full build {full.seconds:7.1f} s  ({full.nodes} nodes)  slowest {slowest}")
    console.print(f"    {time_by_kind(kinds, full.seconds)}")
    models_and_tests = sum(kinds.get(kind, (0, 0.0))[1] for kind in ("model", "test"))
    target = TARGETS.get(size)
    met = target is not None and models_and_tests < target
    verdict = "" if target is None else f" (target < {target:.0f} s: {'met' if met else 'NOT met'})"
    console.print(f"  [bold]models + data tests {models_and_tests:.1f} s{verdict}[/bold]")
    # The least any dbt invocation costs on this database: start-up, manifest, one view.
    floor = timed_build(db, work, f"floor-{size}", ["--select", "stg_jats__papers", "--exclude-resource-type", "test"])
    console.print(f"  dbt floor (build one view, no tests) {floor.seconds:.1f} s = {floor.seconds / full.seconds:.2f}"
                  " of the full build")  # fmt: skip
    db.unlink()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--corpus", type=Path, required=True, help="real JATS corpus the synthetic papers copy")
    parser.add_argument("--sizes", default="17500,1000000", help="comma-separated synthetic sizes (papers)")
    parser.add_argument("--slim-above", type=int, default=100_000, help="slim copies above this many papers")
    parser.add_argument("--work-dir", type=Path, default=None, help="where the DuckDB files go (default: a temp dir)")
    parser.add_argument("--with-unit-tests", action="store_true", help="time unit tests too")
    parser.add_argument("--threads", type=int, default=None, help="dbt --threads (default: the profile's)")
    parser.add_argument("--skip-bundled", action="store_true")
    args = parser.parse_args()
    console = Console()
    work = args.work_dir or Path(tempfile.mkdtemp(prefix="ptmreuse-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    dbt_args = [] if args.with_unit_tests else ["--exclude-resource-type", "unit_test"]
    if args.threads:
        dbt_args += ["--threads", str(args.threads)]
    labelled = labelled_warehouse(SAMPLE_CORPUS, work / "bundled.duckdb")
    if not args.skip_bundled:
        bundled = work / "bundled-build.duckdb"
        shutil.copy(labelled, bundled)
        first = timed_build(bundled, work, "bundled", dbt_args)
        console.print(f"bundled corpus ({first.papers} real papers): full build {first.seconds:.1f} s"
                      f" ({first.nodes} nodes)")  # fmt: skip
    template = labelled_warehouse(args.corpus, work / f"template-{args.corpus.stem}.duckdb")
    copy_measured_error(labelled, template)
    for size in (int(s) for s in args.sizes.split(",") if s):
        bench_size(template, work, size, size > args.slim_above, dbt_args, console)


if __name__ == "__main__":
    main()
