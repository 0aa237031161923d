"""Read the marts for the report: one function per figure, each returning plain rows (no plotting here).

Every query runs on a read-only connection: the report must never hold the writer's lock or change the warehouse.
Per field and year the figures read the field marts (weighted by their counting convention); all-fields views per
year, and per field over all years, read the overall marts (adoption_overall, reuse_patterns_overall,
stage_impact_overall), which count each paper once where summing fields would count it once per field. Nothing is
counted here.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from warehouse import tables_in
from warehouse.connect import connect as connect_warehouse
from warehouse.connect import warehouse_exists

# When the reference seed is missing (it comes with dbt build), the fields the mart itself flags.
_NS_FIELDS_FALLBACK = (
    "select distinct field_id, field_name from marts.field_year_adoption where is_natural_science_field"
)

# The codebook's taxonomy, used only when the reference seeds are missing.
_PATTERNS = ("conceptual", "adaptation", "deployment")
_STAGES = ("observation", "background", "hypothesis", "test", "analysis", "conclusion")


class ReportError(Exception):
    """The warehouse can't be reported on (missing file or no marts); the message says what to run."""


@dataclass(frozen=True, slots=True)
class RunSettings:
    """The configuration a mart was built with, read from its own columns so the caption can't drift from the data."""

    run_configuration: str | None
    natural_science_rule: str | None
    requires_citations: bool | None
    counting_convention: str | None
    year_min: int | None
    year_max: int | None


@dataclass(frozen=True, slots=True)
class Field:
    field_id: int
    name: str


@contextmanager
def connect(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse, read-only; `WarehouseBusy` when a writer holds the file (warehouse.connect says who)."""
    if not warehouse_exists(db_path):
        raise ReportError(f"no warehouse at {db_path}: run `ptmreuse demo` (or ingest, classify and build) first")
    with connect_warehouse(db_path, read_only=True) as con:
        if not has_table(con, "marts", "papers"):
            raise ReportError(f"{db_path} has no marts yet: run `ptmreuse build` first")
        yield con


def has_table(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> bool:
    return table in tables_in(con, schema)


def _dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None) -> list[dict]:
    cursor = con.execute(sql, params or [])
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def run_settings(con: duckdb.DuckDBPyConnection, mart: str) -> RunSettings:
    """Settings of `mart`; an empty mart borrows marts.papers' (same dbt run) so a 'no data' panel is labelled too."""
    columns = (
        "run_configuration, natural_science_rule, natural_science_requires_citations, counting_convention, "
        "year_min, year_max"
    )
    for table in (mart, "papers"):
        rows = con.execute(f"select distinct {columns} from marts.{table} limit 2").fetchall()
        if rows:
            # One dbt run writes one configuration; two would mean a half-rebuilt warehouse, so say so.
            if len(rows) > 1:
                return RunSettings("several configurations (rebuild the marts)", None, None, None, None, None)
            return RunSettings(*rows[0])
    return RunSettings(None, None, None, None, None, None)


def field_coverage(con: duckdb.DuckDBPyConnection, mart: str) -> tuple[int, int] | None:
    """(analysed papers of the year window, those with no field), from `mart`'s own columns; marts without them
    (papers, ptm_reuse) borrow pipeline_funnel's, built in the same dbt run. None when no mart has rows."""
    columns = "analysed_papers_in_window, analysed_papers_without_field"
    for table in (mart, "pipeline_funnel"):
        if not has_table(con, "marts", table):
            continue
        names = {d[0] for d in con.execute(f"select * from marts.{table} limit 0").description}
        if {"analysed_papers_in_window", "analysed_papers_without_field"} <= names:
            row = con.execute(f"select {columns} from marts.{table} limit 1").fetchone()
            if row is not None:
                return int(row[0]), int(row[1])
    return None


def ptm_papers_without_model(con: duckdb.DuckDBPyConnection) -> tuple[int, int]:
    """(analysed natural-science papers of the window that reuse PTMs, those among them that name no model):
    the second are in no PTM figure, since those count named models."""
    row = con.execute(
        "select count(*), count(*) filter (where n_ptms = 0) from marts.papers"
        " where is_natural_science and is_in_year_window and is_analysed and uses_ptms"
    ).fetchone()
    return (int(row[0]), int(row[1])) if row else (0, 0)


def natural_science_fields(con: duckdb.DuckDBPyConnection) -> list[Field]:
    """The study's eight fields, so every field gets a panel even when it has no papers ('no data')."""
    sql = (
        "select field_id, field_name from reference.natural_science_fields order by field_id"
        if has_table(con, "reference", "natural_science_fields")
        else f"{_NS_FIELDS_FALLBACK} order by field_id"
    )
    return [Field(int(i), str(n)) for i, n in con.execute(sql).fetchall()]


def other_fields(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Fields outside the eight that natural-science papers also belong to (kept in the marts, not plotted)."""
    rows = con.execute(
        "select distinct field_name from marts.field_year_adoption where not is_natural_science_field order by 1"
    ).fetchall()
    return [str(name) for (name,) in rows]


def field_year_adoption(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Figures R/S: per natural-science field and year, DL and PTM counts with their denominators."""
    return _dicts(
        con,
        "select field_id, publication_year, papers_analysed, papers_using_dl, papers_reusing_ptms, dl_rate, ptm_rate"
        " from marts.field_year_adoption where is_natural_science_field order by field_id, publication_year",
    )


def adoption_by_year(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Figures V/W: distinct analysed natural-science papers per year, and how many use DL / reuse PTMs."""
    return _dicts(
        con,
        "select publication_year, papers_analysed, papers_using_dl, papers_reusing_ptms"
        " from marts.adoption_overall where scope = 'year' and papers_analysed > 0 order by publication_year",
    )


def _ptm_pairs_by_year(con: duckdb.DuckDBPyConnection, mart: str, category: str) -> list[dict]:
    # distinct (paper, PTM) pairs per category and year; a PTM reused two ways counts once in each way
    return _dicts(
        con,
        f"select publication_year, {category} as category, ptm_instances, papers from marts.{mart}"
        f" where scope = 'year' and ptm_instances > 0 order by all",
    )


def ptm_papers_by_year(con: duckdb.DuckDBPyConnection) -> dict[int, int]:
    """Denominator of T/U per year: distinct natural-science papers listing at least one PTM."""
    rows = con.execute(
        "select publication_year, any_value(papers_with_ptms) from marts.reuse_patterns_overall"
        " where scope = 'year' and papers_with_ptms > 0 group by all"
    ).fetchall()
    return {int(y): int(n) for y, n in rows}


def patterns_by_year(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Figure T: reuse pattern per year over all natural-science fields (distinct paper × PTM pairs)."""
    return _ptm_pairs_by_year(con, "reuse_patterns_overall", "reuse_pattern")


def stages_by_year(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Figure U (by year): stage of the scientific process per year (distinct paper × PTM pairs)."""
    return _ptm_pairs_by_year(con, "stage_impact_overall", "stage")


def patterns_by_field_year(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Figure X: reuse patterns per natural-science field and year (the mart's weighted instances)."""
    return _dicts(
        con,
        "select field_id, publication_year, reuse_pattern as category, ptm_instances, papers, papers_with_ptms"
        " from marts.reuse_patterns where is_natural_science_field order by all",
    )


def stages_by_field(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Figure U (by field): share of a field's PTM papers with a PTM at each stage, all years together."""
    return _dicts(
        con,
        "select field_id, stage as category, papers, papers_with_ptms from marts.stage_impact_overall"
        " where scope = 'field' and is_natural_science_field order by all",
    )


def top_ptms_overall(con: duckdb.DuckDBPyConnection, limit: int = 15) -> list[dict]:
    """Most reused PTMs over all natural-science fields (marts.top_ptms, scope all_fields: each paper once)."""
    return _dicts(
        con,
        "select canonical_name, papers, dominant_reuse_pattern as usual_pattern from marts.top_ptms"
        " where scope = 'all_fields' order by rank_in_field, canonical_name limit ?",
        [limit],
    )


def top_ptms_per_field(con: duckdb.DuckDBPyConnection, max_rank: int = 3) -> list[dict]:
    """The top `max_rank` of each natural-science field; every model tied at the cut is kept (see models_at_rank)."""
    return _dicts(
        con,
        "select field_name, rank_in_field, models_at_rank, canonical_name, papers, first_year_seen, last_year_seen,"
        " dominant_reuse_pattern, dominant_stage from marts.top_ptms"
        " where scope = 'field' and is_natural_science_field and rank_in_field <= ?"
        " order by field_name, rank_in_field, canonical_name",
        [max_rank],
    )


def funnel(con: duckdb.DuckDBPyConnection) -> list[dict]:
    """Figure Q: papers per step of each source's funnel."""
    return _dicts(
        con,
        "select source, source_kind, step_order, step, papers, share_of_previous, share_of_first"
        " from marts.pipeline_funnel order by source_kind desc, source, step_order",
    )


def reuse_patterns(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Reuse pattern → display name, in the seed's order."""
    return _display_names(con, "reuse_pattern_definitions", "reuse_pattern", _PATTERNS)


def stages(con: duckdb.DuckDBPyConnection) -> dict[str, str]:
    """Stage of the scientific process → display name, in the seed's order."""
    return _display_names(con, "scientific_stages", "stage", _STAGES)


def _display_names(con: duckdb.DuckDBPyConnection, seed: str, key: str, default: tuple[str, ...]) -> dict[str, str]:
    if not has_table(con, "reference", seed):
        return {code: code.capitalize() for code in default}
    rows = con.execute(f"select {key}, display_name from reference.{seed} order by sort_order").fetchall()
    return {str(k): str(v) for k, v in rows}


def classifier_agreement(con: duckdb.DuckDBPyConnection) -> list[dict] | None:
    """Rows of marts.classifier_agreement (written by `ptmreuse eval`), or None when it was never run."""
    if not has_table(con, "marts", "classifier_agreement"):
        return None
    return _dicts(
        con,
        "select run_configuration, run_id, protocol, backend, model, gold_set, gold_labels, task, metric, value,"
        " ci_low, ci_high, n, description from marts.classifier_agreement"
        " where task <> 'usage' and not task like '%_confusion' and not task like '%_correction'"
        " order by gold_set desc, run_configuration",
    )
