"""The `ptmreuse` command: one sub-command per pipeline step, all on the database in `PTMREUSE_DB`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from ptmreuse.dbt import run_dbt
from ptmreuse.settings import SAMPLE_CORPUS, database_path, quiet_telemetry
from ptmreuse.warehouse import ensure_raw_tables

app = typer.Typer(help="Measure pre-trained model reuse in scientific papers.", no_args_is_help=True)
ingest_app = typer.Typer(help="Load papers and metadata into the raw schema.", no_args_is_help=True)
app.add_typer(ingest_app, name="ingest")
console = Console()


@ingest_app.command("jats")
def ingest_jats(
    path: Annotated[Path, typer.Argument(exists=True, help="A directory of JATS XML files, or a zip of them.")],
    max_file_mb: Annotated[float, typer.Option(help="Refuse files larger than this (MB).")] = 25.0,
) -> None:
    """Load JATS articles (a directory or a zip) into raw.papers and raw.paper_sections."""
    from ingestion.jats.files import CorpusError
    from ingestion.jats.pipeline import ingest_jats_corpus
    from ingestion.jats.report import print_ingest_summary

    quiet_telemetry()
    try:
        summary = ingest_jats_corpus(path, database_path(), console=console, max_file_bytes=int(max_file_mb * 2**20))
    except CorpusError as error:
        console.print(f"[red]cannot read the corpus[/red]: {error}")
        raise typer.Exit(2) from error
    print_ingest_summary(summary, console)


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def build(ctx: typer.Context) -> None:
    """Run `dbt build` on the same database; extra arguments go to dbt (e.g. `--select staging`)."""
    ensure_raw_tables(database_path())
    code = run_dbt(["build", *ctx.args], database_path())
    if code != 0:
        console.print("[red]dbt build failed[/red]: read the failing model or test above, fix it, and re-run.")
    raise typer.Exit(code)


@app.command()
def demo() -> None:
    """Ingest the bundled sample corpus, build the dbt project and print a summary."""
    from ingestion.jats.pipeline import ingest_jats_corpus
    from ingestion.jats.report import print_ingest_summary, print_warehouse_summary

    quiet_telemetry()
    db_path = database_path()
    console.rule(f"[bold]1/3 ingest[/bold] {SAMPLE_CORPUS.name} → {db_path}")
    print_ingest_summary(ingest_jats_corpus(SAMPLE_CORPUS, db_path, console=console), console)
    console.rule("[bold]2/3 dbt build[/bold]")
    ensure_raw_tables(db_path)
    code = run_dbt(["build"], db_path)
    if code != 0:
        console.print("[red]dbt build failed[/red]: see the log above.")
        raise typer.Exit(code)
    console.rule("[bold]3/3 summary[/bold]")
    print_warehouse_summary(db_path, console)


if __name__ == "__main__":
    app()
