"""Summaries the CLI prints after each ingestion step (JATS, OpenAlex, search, full text), with what to do next."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ingestion.fulltext.pipeline import FulltextStats
from ingestion.jats import IngestStats
from ingestion.openalex.pipeline import OpenAlexStats
from ingestion.search.pipeline import SearchStats


def print_ingest_summary(stats: IngestStats, console: Console) -> None:
    console.print(
        f"[bold]ingest:[/bold] {stats.loaded} loaded, {stats.updated} updated, "
        f"{stats.unchanged} unchanged, {stats.rejected} rejected"
    )
    if stats.rejects_by_reason:
        reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(stats.rejects_by_reason.items()))
        console.print(f"  rejects by reason: {reasons} — details in raw.ingest_rejects (file, reason, error)")
    if stats.skipped:
        skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(stats.skipped.items()))
        console.print(f"  skipped (not JATS files): {skipped}")


def print_openalex_summary(stats: OpenAlexStats, console: Console) -> None:
    table = Table(title="OpenAlex", show_header=False)
    for label, value in (
        ("DOIs asked", stats.requested),
        ("found", stats.found),
        ("not found (recorded)", stats.not_found),
        ("not queryable (recorded)", stats.not_queryable),
        ("works written", stats.works),
        ("HTTP requests (retries)", f"{stats.requests} ({stats.retries})"),
    ):
        table.add_row(label, str(value))
    if stats.updated_since:
        table.add_row("updated since", stats.updated_since)
    console.print(table)
    _failures(console, stats.failures, "batches failed")


def print_search_summary(stats: SearchStats, console: Console) -> None:
    table = Table(title="search", show_header=False)
    for label, value in (
        ("queries completed", stats.completed),
        ("queries already complete (skipped)", stats.skipped),
        ("hits", stats.hits),
        ("HTTP requests (retries)", f"{stats.requests} ({stats.retries})"),
    ):
        table.add_row(label, str(value))
    console.print(table)
    _failures(console, [f"{q.source} {q.keyword} {q.year}: {why}" for q, why in stats.failures], "queries failed")


def print_fulltext_summary(stats: FulltextStats, console: Console) -> None:
    table = Table(title="full text", show_header=False)
    for status, count in sorted(stats.by_status.items()):
        table.add_row(status, str(count))
    table.add_row("papers loaded (rejected)", f"{stats.papers_loaded} ({stats.papers_rejected})")
    table.add_row("HTTP requests (retries)", f"{stats.requests} ({stats.retries})")
    console.print(table)
    if stats.by_status.get("error"):
        console.print("[yellow]some fetches failed[/yellow]: re-run `ptmreuse fetch-fulltext` to retry them.")


def _failures(console: Console, failures: list[str], what: str) -> None:
    if not failures:
        return
    console.print(f"[yellow]{len(failures)} {what}[/yellow] (nothing of them was written; re-run to retry):")
    for line in failures[:10]:
        console.print(f"  • {escape(line)}")  # URLs and [redacted] hold brackets rich would eat
