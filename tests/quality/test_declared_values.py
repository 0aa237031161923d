"""One home for the values a raw column accepts: models/staging/__sources.yml. dbt's source tests and the quality
gate read the same declaration, so a row passes `ptmreuse check` and `dbt build` together, or fails both."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from classifiers.store import STATUSES
from classifiers.taxonomy import Task
from ingestion.jats.sections import SECTION_TYPES
from ingestion.search.pipeline import SOURCES
from quality import run_checks
from tests.duck import query
from tests.support.warehouses import OLD_PAPER_YEAR, dbt_runner, old_paper_build, old_paper_ingested
from warehouse.raw_schema import accepted_values, raw_table


def test_writers_write_only_declared_values() -> None:
    # The writers keep their own constants (they compute alone); these must equal the declaration.
    assert set(accepted_values("llm_labels", "status")) == set(STATUSES)
    assert set(accepted_values("llm_labels", "task")) == {task.value for task in Task}
    assert set(accepted_values("paper_sections", "section_type")) == set(SECTION_TYPES)
    assert set(accepted_values("search_hits", "source")) == set(SOURCES)


def test_publication_years_are_1950_to_next_year() -> None:
    for table in ("papers", "openalex_works"):
        assert raw_table(table).column("publication_year").value_range(date(2026, 12, 2)) == (1950, 2027)


def _gate_failures(db: Path, tmp_path: Path) -> set[tuple[str, str | None]]:
    result = run_checks(db, docs_dir=tmp_path / "docs")
    return {(s.name, e.column) for s in result.suites for e in s.expectations if not e.success}


def test_a_1985_paper_passes_the_gate_and_dbt_build(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> None:
    assert _gate_failures(old_paper_ingested(tmp_path_factory, tmp_path / "gate"), tmp_path) == set()
    # the session's full `dbt build` of the same papers, one of them from 1985 (its vars open no lower year bound)
    built, result = old_paper_build(tmp_path_factory)
    assert result.returncode == 0, result.stdout[-3000:]
    sql = "select is_in_year_window, is_analysed from marts.papers where publication_year = ?"
    window = query(built, sql, [OLD_PAPER_YEAR])
    assert window == [(True, True)]  # the 1985 paper went through every model and test of the marts


@pytest.mark.parametrize("year", [1949, date.today().year + 2])
def test_a_year_outside_the_range_fails_the_gate_and_dbt(
    year: int, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    runner = dbt_runner(tmp_path_factory)
    db = runner.use(old_paper_ingested(tmp_path_factory, tmp_path / "ingested", year))

    assert _gate_failures(db, tmp_path) == {("raw.papers", "publication_year")}
    # The source tests are the first thing `dbt build` runs on raw.papers; they stop the models built from it.
    tested = runner("test", "--select", "source:raw.papers")
    assert tested.returncode == 1
    assert "FAIL 1 source_in_range_raw_papers_publication_year" in tested.stdout
