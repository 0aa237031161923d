"""What a person sees after an ingest: counts, and the rejects with their reasons."""

from __future__ import annotations

from rich.console import Console

from ingestion.jats import IngestStats


def print_ingest_summary(stats: IngestStats, console: Console) -> None:
    console.print(
        f"[bold]ingest:[/bold] {stats.loaded} loaded, {stats.updated} updated, "
        f"{stats.unchanged} unchanged, {stats.rejected} rejected"
    )
    if stats.rejects_by_reason:
        reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(stats.rejects_by_reason.items()))
        console.print(f"  rejects by reason: {reasons} — details in raw.ingest_rejects (file, reason, error)")
