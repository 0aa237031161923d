"""`ptmreuse demo`: the whole pipeline on the bundled sample corpus, offline, step by step."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from rich.console import Console

from ptmreuse.dbt import build_warehouse, require_buildable_name
from warehouse.paths import SAMPLE_CORPUS


class DemoStepFailed(Exception):
    pass


def _ingest(db_path: Path, console: Console) -> None:
    from ingestion.jats.pipeline import ingest_jats_corpus
    from ptmreuse.ingest_summaries import print_ingest_summary

    print_ingest_summary(ingest_jats_corpus(SAMPLE_CORPUS, db_path, console=console), console)


def _classify(db_path: Path, console: Console) -> None:
    from classifiers.engine.service import ClassifyRequest, classify

    outcome = classify(db_path, ClassifyRequest(backend="rules"), console)
    stats = outcome.stats
    console.print(
        f"rules baseline: {stats.papers_done} papers labelled, {stats.cache_hits} reused from earlier runs "
        "(no LLM configured: set OPENAI_BASE_URL and run `ptmreuse classify --backend openai` for LLM labels)"
    )


def _check(db_path: Path, console: Console) -> None:
    from quality import run_gate

    if not run_gate(db_path, console):
        raise DemoStepFailed("the data-quality gate failed: see the failing expectations above (and reports/quality/)")


def _build(db_path: Path, console: Console) -> None:
    if build_warehouse(db_path, [], console, summary_only=True) != 0:
        raise DemoStepFailed("dbt build failed: read the failing model or test above (every line in logs/dbt.log)")


def _evaluate(db_path: Path, console: Console) -> None:
    from ptmreuse.evaluate import evaluate_warehouse

    evaluate_warehouse(db_path, console, run="latest", gold="reference")


def _publish(db_path: Path, console: Console) -> None:
    from ptmreuse.publish import publish

    result = publish(db_path)
    console.print(f"published {len(result.tables)} tables → {result.database} (open it read-only from BI tools)")


def _report(db_path: Path, console: Console) -> None:
    from report import report_dir, write_report

    result = write_report(db_path, report_dir())
    console.print(f"report with {len(result.images)} figures → {result.index} (open it in a browser)")


def _summary(db_path: Path, console: Console) -> None:
    from ptmreuse.summary import print_summary

    print_summary(db_path, console)


STEPS: list[tuple[str, Callable[[Path, Console], None]]] = [
    ("ingest the bundled corpus", _ingest),
    ("label papers (rules baseline)", _classify),
    ("data-quality gate (Great Expectations)", _check),
    ("dbt build", _build),
    ("agreement with the reference labels", _evaluate),
    ("publish for BI", _publish),
    ("report with the study's figures", _report),
    ("summary", _summary),
]


def run_demo(db_path: Path, console: Console) -> None:
    require_buildable_name(db_path)  # before ingesting: the build step could not run
    for number, (title, step) in enumerate(STEPS, start=1):
        console.rule(f"[bold]{number}/{len(STEPS)} {title}[/bold]")
        step(db_path, console)
