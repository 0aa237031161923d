"""What a person sees after an ingest or a demo: counts, rejects with reasons, and what is in the warehouse."""

from __future__ import annotations

from pathlib import Path

import duckdb
from rich.console import Console
from rich.table import Table

from ingestion.jats import IngestStats


def print_ingest_summary(stats: IngestStats, console: Console) -> None:
    console.print(
        f"[bold]ingest:[/bold] {stats.loaded} loaded, {stats.updated} updated, "
        f"{stats.unchanged} unchanged, {stats.rejected} rejected"
    )
    if stats.rejects_by_reason:
        reasons = ", ".join(f"{reason} {count}" for reason, count in sorted(stats.rejects_by_reason.items()))
        console.print(f"  rejects by reason: {reasons} — details in raw.ingest_rejects (file, reason, error)")


def _table(console: Console, title: str, con: duckdb.DuckDBPyConnection, sql: str) -> None:
    result = con.execute(sql)
    table = Table(title=title, title_justify="left")
    for column in result.description:
        table.add_column(column[0], justify="right" if column[0].startswith("n_") else "left")
    for row in result.fetchall():
        table.add_row(*("" if value is None else str(value) for value in row))
    console.print(table)


def print_warehouse_summary(db_path: Path, console: Console) -> None:
    """Papers by journal and year, and sections by type, read from the staging models dbt just built."""
    with duckdb.connect(str(db_path), read_only=True) as con:
        _table(
            console,
            "Papers by journal (top 12) and year span",
            con,
            """
            select coalesce(journal, '(unknown)') as journal, count(*) as n_papers,
                   min(publication_year) as first_year, max(publication_year) as last_year
            from staging.stg_jats__papers group by 1 order by n_papers desc, journal limit 12
            """,
        )
        _table(
            console,
            "Papers by publication year",
            con,
            """
            select publication_year as year, count(*) as n_papers
            from staging.stg_jats__papers group by 1 order by 1
            """,
        )
        _table(
            console,
            "Sections by type",
            con,
            """
            select section_type, count(*) filter (where not is_caption) as n_sections,
                   count(*) filter (where is_caption) as n_captions, sum(char_count) as n_chars
            from staging.stg_jats__sections group by 1 order by n_sections desc
            """,
        )
        console.print(f"Open it read-only: [bold]duckdb -readonly {db_path}[/bold]")
