"""The demo's closing summary: what went in (papers, sections) and the headline answers from the marts."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import sys
from pathlib import Path

import duckdb
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ptmreuse.publish import published_database
from warehouse.connect import connect


def _table(console: Console, title: str, con: duckdb.DuckDBPyConnection, sql: str) -> None:
    """The query's rows as a table; a column `x` with columns `x_ci_low` and `x_ci_high` beside it shows as one
    cell, "value [low, high]" (three decimals)."""
    result = con.execute(sql)
    names = [column[0] for column in result.description]
    with_interval = {name for name in names if f"{name}_ci_low" in names and f"{name}_ci_high" in names}
    bounds = {f"{name}_ci_{end}" for name in with_interval for end in ("low", "high")}
    shown = [name for name in names if name not in bounds]
    table = Table(title=title, title_justify="left")
    for name in shown:
        table.add_column(name, justify="right" if name.startswith(("n_", "papers", "share")) else "left")
    for row in result.fetchall():
        values = dict(zip(names, row, strict=True))
        table.add_row(
            *(
                _interval(values[name], values[f"{name}_ci_low"], values[f"{name}_ci_high"])
                if name in with_interval
                else _cell(values[name])
                for name in shown
            )
        )
    console.print(table)


def _cell(value: object) -> str:
    return "" if value is None else str(value)


def _interval(value: float | None, low: float | None, high: float | None) -> str:
    if value is None or low is None or high is None:
        return ""
    return f"{round(value, 3)} [{round(low, 3)}, {round(high, 3)}]"


def print_summary(db_path: Path, console: Console) -> None:
    with connect(db_path, read_only=True) as con:
        _table(
            console,
            "Papers by journal (top 10)",
            con,
            """
            select coalesce(journal, '(unknown)') as journal, count(*) as n_papers,
                   min(publication_year) || '–' || max(publication_year) as years
            from marts.papers group by 1 order by n_papers desc, journal limit 10
            """,
        )
        years = con.execute(
            "select publication_year, count(*) from staging.stg_jats__papers group by 1 order by 1"
        ).fetchall()
        console.print("Papers by year: " + ", ".join(f"{year}: {n}" for year, n in years))
        _table(
            console,
            "Sections by type",
            con,
            """
            select section_type, count(*) filter (where not is_caption) as n_sections,
                   count(*) filter (where is_caption) as n_captions
            from staging.stg_jats__sections group by 1 order by n_sections desc
            """,
        )
        analysed, dl, ptm, natural, run = con.execute(
            """
            select count(*) filter (where is_analysed), count(*) filter (where uses_dl),
                   count(*) filter (where uses_ptms), count(*) filter (where is_natural_science),
                   any_value(run_configuration)
            from marts.papers
            """
        ).fetchone()
        console.print(
            f"[bold]Labels[/bold] ({run}): {analysed} papers analysed, {dl} use deep learning, {ptm} reuse "
            f"pre-trained models; {natural} count as natural science under the active rule."
        )
        _print_rates_with_uncertainty(con, console)
        _table(
            console,
            "PTM reuse by natural-science field (papers counted once per field, all years; share of DL papers with its"
            " 95 % interval; marts.adoption_overall)",
            con,
            """
            select field_name, papers_analysed, papers_using_dl, papers_reusing_ptms,
                   ptm_rate as share_ptm_among_dl, ptm_rate_ci_low as share_ptm_among_dl_ci_low,
                   ptm_rate_ci_high as share_ptm_among_dl_ci_high
            from marts.adoption_overall where scope = 'field' and is_natural_science_field
            order by papers_reusing_ptms desc, papers_analysed desc
            """,
        )
        coverage = con.execute(
            "select any_value(analysed_papers_in_window), any_value(analysed_papers_without_field)"
            " from marts.pipeline_funnel"
        ).fetchone()
        if coverage and coverage[0] is not None:
            console.print(f"{coverage[1]} of {coverage[0]} analysed papers have no field and are in no field above.")
        _table(
            console,
            "Reuse patterns and stages (natural-science papers of the year window, each paper × PTM once; share"
            " of PTM instances with its simultaneous 95 % interval; marts.reuse_patterns_overall and"
            " marts.stage_impact_overall)",
            con,
            """
            select 'pattern' as kind, reuse_pattern as value, papers, ptm_instances as n_ptm_instances,
                   share_of_instances, share_of_instances_ci_low, share_of_instances_ci_high
            from marts.reuse_patterns_overall where scope = 'overall' and ptm_instances > 0
            union all
            select 'stage', stage, papers, ptm_instances,
                   share_of_instances, share_of_instances_ci_low, share_of_instances_ci_high
            from marts.stage_impact_overall where scope = 'overall' and ptm_instances > 0
            order by kind, papers desc
            """,
        )
        _table(
            console,
            "Most reused models (natural-science papers of the year window, each once; marts.top_ptms)",
            con,
            """
            select rank_in_field as rank, canonical_name as model, papers, first_year_seen as first_seen
            from marts.top_ptms where scope = 'all_fields' and rank_in_field <= 10
            order by rank_in_field, model
            """,
        )
    reader = escape(reader_command(published_database(db_path)))
    console.print(f"Query the published copy: [bold]{reader}[/bold]", soft_wrap=True)


def _print_rates_with_uncertainty(con: duckdb.DuckDBPyConnection, console: Console) -> None:
    """The overall DL and PTM rates with their Wilson intervals and, when the classifier was evaluated, corrected."""
    row = con.execute(
        "select dl_rate, dl_rate_ci_low, dl_rate_ci_high, dl_rate_corrected, dl_rate_corrected_ci_low,"
        " dl_rate_corrected_ci_high, ptm_rate_of_analysed, ptm_rate_of_analysed_ci_low, ptm_rate_of_analysed_ci_high,"
        " ptm_rate_of_analysed_corrected, ptm_rate_of_analysed_corrected_ci_low,"
        " ptm_rate_of_analysed_corrected_ci_high, correction_gold_set, correction_note"
        " from marts.adoption_overall where scope = 'overall'"
    ).fetchone()
    if row is None or row[0] is None:
        return

    def rate(value: float | None, low: float | None, high: float | None) -> str:
        return "—" if value is None else f"{value:.1%} [{low:.1%}, {high:.1%}]"

    console.print(
        f"Of analysed natural-science papers, {rate(*row[0:3])} use deep learning and {rate(*row[6:9])} reuse PTMs"
        " (95 % Wilson intervals)."
    )
    if row[13]:
        console.print(f"Corrected for classifier error: {row[13]}.")
    else:
        console.print(
            f"Corrected for the classifier's error measured on gold set {row[12]}: {rate(*row[3:6])} use deep"
            f" learning, {rate(*row[9:12])} reuse PTMs (95 % bootstrap intervals)."
        )


def _short(path: Path | str) -> str:
    """`path` relative to the working directory when it is inside it (shorter to copy), else absolute."""
    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def reader_command(database: Path) -> str:
    """A command that opens `database` read-only with a reader that is installed: the DuckDB CLI if it is on PATH,
    else the Python beside ptmreuse, which has the duckdb package."""
    if shutil.which("duckdb"):
        return f"duckdb -readonly {shlex.quote(_short(database))}"
    path = json.dumps(_short(database))  # a Python string literal, in double quotes
    code = f'import duckdb; duckdb.connect({path}, read_only=True).sql("from marts.papers limit 5").show()'
    return f"{shlex.quote(_short(sys.executable))} -c {shlex.quote(code)}"
