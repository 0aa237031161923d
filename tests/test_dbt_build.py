"""dbt as users run it — plain `dbt build` in the project folder, and `ptmreuse build` — on real DuckDB files.

The warehouse is made the way a user makes it: real papers of the bundled corpus through `ptmreuse ingest jats` and
`ptmreuse classify` (rules backend), then a plain `dbt build` (tests/support/warehouses.py, once per session).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ptmreuse.cli import app
from tests.duck import query
from tests.support.warehouses import MARTS_MEMBERS, DbtRunner, dbt_runner, old_paper_build, rules_warehouse
from warehouse.paths import PROJECT_DIR

NO_PAPERS = "no papers: run `ptmreuse ingest jats PATH` first"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rules_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def dbt(tmp_path_factory: pytest.TempPathFactory) -> DbtRunner:
    return dbt_runner(tmp_path_factory)


def settings(db: Path, table: str = "marts.papers") -> set[tuple]:
    sql = (
        "select distinct natural_science_rule, natural_science_requires_citations, counting_convention, year_min,"
        f" year_max from {table}"
    )
    return set(query(db, sql))


@pytest.mark.slow
def test_plain_dbt_build_passes_on_a_warehouse_made_by_ingest_and_classify(built: Path) -> None:
    log = (built.parent.parent / "build.log").read_text()
    assert "Catalog Error" not in log
    # the raw tables no loader wrote were created empty by the on-run-start hook
    assert query(built, "select count(*) from raw.openalex_works") == [(0,)]
    assert query(built, "select count(*) from staging.stg_jats__papers") == [(len(MARTS_MEMBERS),)]
    types = {t for (t,) in query(built, "select distinct section_type from staging.stg_jats__sections")}
    assert {"introduction", "methods", "results", "discussion"} <= types
    # the build says which labels fed the marts, and with what coverage
    assert "Classifier labels in the marts: rules | rules | - | rules/" in log
    assert f"coverage {len(MARTS_MEMBERS)} of {len(MARTS_MEMBERS)} papers (100.0 %)" in log
    assert "Partial coverage" not in log
    assert settings(built) == {("any_of_3", True, "distinct_paper", None, None)}


@pytest.mark.slow
def test_a_copied_and_renamed_warehouse_keeps_working_views(built: Path, tmp_path: Path) -> None:
    """A researcher archives the file under another name: the staging views (over the raw tables) must still read,
    there and attached under any alias; naming the warehouse's catalog in them broke every one (macros/source.sql)."""
    archived = tmp_path / "ptmreuse-archive-2026-12.duckdb"
    shutil.copy(built, archived)
    views = query(archived, "select schema_name, view_name from duckdb_views() where not internal")
    assert len(views) >= 9 and {schema for schema, _ in views} == {"staging"}
    with duckdb.connect() as con:
        con.execute(f"attach '{archived}' as snapshot (read_only)")
        for schema, view in views:
            (rows,) = con.execute(f"select count(*) from snapshot.{schema}.{view}").fetchone()
            assert rows == query(archived, f"select count(*) from {schema}.{view}")[0][0]
    assert query(archived, "select count(*) from staging.stg_jats__papers") == [(len(MARTS_MEMBERS),)]


@pytest.mark.slow
def test_dbt_tests_fail_on_a_bad_raw_row(built: Path, dbt: DbtRunner) -> None:
    with duckdb.connect(str(dbt.use(built))) as con:
        con.execute("update raw.papers set publication_year = 1850 where doi = '10.7554/elife.56337'")
        con.execute("update raw.paper_sections set section_type = 'preface' where ordinal = 0")
    result = dbt("build", "--select", "source:raw", "staging")
    assert result.returncode != 0
    # the accepted values are tested on the raw sources, where the gate reads them too (__sources.yml)
    assert "FAIL 1 source_in_range_raw_papers_publication_year" in result.stdout
    assert "FAIL 1 source_accepted_values_raw_paper_sections_section_type" in result.stdout


@pytest.mark.slow
def test_a_seed_whose_columns_changed_replaces_the_table_an_older_release_built(built: Path, dbt: DbtRunner) -> None:
    # An older release's seed table (here: gold_project_papers before its `batch` column) in the user's warehouse.
    with duckdb.connect(str(dbt.use(built))) as con:
        con.execute("alter table reference.gold_project_papers drop column batch")
    result = dbt("build", "--select", "gold_project_papers")
    assert result.returncode == 0, result.stdout[-2000:]
    columns = query(dbt.db, "select column_name from (describe reference.gold_project_papers)")
    assert ("batch",) in columns


@pytest.mark.slow
def test_a_warehouse_without_papers_stops_at_once(
    dbt: DbtRunner, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    dbt.use(empty)
    result = dbt("build")
    assert result.returncode != 0
    assert NO_PAPERS in result.stdout
    assert "OK created" not in result.stdout and "Catalog Error" not in result.stdout  # no model ran
    # ptmreuse build says the same without starting dbt, whether the file is empty or missing
    for db in (empty, tmp_path / "missing.duckdb"):
        cli = CliRunner().invoke(app, ["build"], env={"PTMREUSE_DB": str(db)})
        assert cli.exit_code == 2 and NO_PAPERS in cli.output
    assert "Running with dbt" not in capfd.readouterr().out


def test_a_file_name_with_a_quote_is_refused_before_anything_runs(
    built: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """dbt-duckdb writes the file's name into SQL unescaped: refuse it with the fix before ingesting or building."""
    quoted = tmp_path / "o'brien wh.duckdb"
    shutil.copy(built, quoted)
    for command in (["build"], ["demo"]):
        result = CliRunner().invoke(app, command, env={"PTMREUSE_DB": str(quoted)})
        assert result.exit_code == 2, result.output
        assert "rename it, e.g. to o_brien wh.duckdb" in " ".join(result.output.split())
    fresh = tmp_path / 'say "hi".duckdb'
    assert CliRunner().invoke(app, ["demo"], env={"PTMREUSE_DB": str(fresh)}).exit_code == 2
    assert not fresh.exists()  # the demo refused before ingesting anything
    assert "Running with dbt" not in capfd.readouterr().out


@pytest.mark.slow
def test_ptmreuse_build_and_plain_dbt_share_one_parse(
    built: Path, dbt: DbtRunner, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # The default PTMREUSE_DB is relative (data/warehouse.duckdb): plain dbt renders it as written, and so must
    # `ptmreuse build`, or dbt sees another profile and parses the whole project again.
    # another rendered profile: its own target folder, so the session's parse stays valid
    relative = {"PTMREUSE_DB": os.path.relpath(dbt.use(built), PROJECT_DIR), "DBT_TARGET_PATH": str(tmp_path)}
    assert dbt("parse", env=relative).returncode == 0
    cli = CliRunner().invoke(app, ["build", "--select", "stg_jats__papers"], env={**dbt.env, **relative})
    dbt_output = capfd.readouterr().out
    assert cli.exit_code == 0, cli.output + dbt_output
    assert "Completed successfully" in dbt_output
    assert "Unable to do partial parsing" not in dbt_output


@pytest.mark.slow
def test_every_documented_var_value_builds_and_is_recorded(
    built: Path, dbt: DbtRunner, tmp_path_factory: pytest.TempPathFactory
) -> None:
    # dbt build runs every unit test too: they must not depend on the vars a user passes
    first = dbt.use(built)
    result = dbt(
        "build",
        "--vars",
        "{natural_science_rule: primary, natural_science_requires_citations: 'false', counting_convention: topic_slot,"
        " year_min: 2015, year_max: 2030}",
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert settings(first) == {("primary", False, "topic_slot", 2015, 2030)}
    assert settings(first, "marts.field_year_adoption") == {("primary", False, "topic_slot", 2015, 2030)}
    assert query(first, "select distinct citation_check from intermediate.int_paper_fields") == [("not_required",)]
    outside = query(first, "select count(*) from marts.papers where not is_in_year_window")[0][0]
    assert outside == query(first, "select count(*) from marts.papers where publication_year < 2015")[0][0]

    # the other values, in the session's build with a 1985 paper (tests/quality/test_declared_values.py reads it too)
    second, result = old_paper_build(tmp_path_factory)
    assert result.returncode == 0, result.stdout[-3000:]
    assert settings(second) == {("two_of_3", False, "distinct_paper", None, 2019)}


@pytest.mark.slow
def test_bad_vars_stop_the_build_before_it_starts(
    built: Path, dbt: DbtRunner, capfd: pytest.CaptureFixture[str]
) -> None:
    dbt.use(built)
    result = dbt(
        "build",
        "--vars",
        "{natural_science_rule: nope, natural_science_requires_citations: maybe, counting_convention: per_slot,"
        " year_max: soon}",
    )
    assert result.returncode != 0
    output = " ".join(result.stdout.split())
    for message in (
        "natural_science_rule must be any_of_3, two_of_3 or primary, not 'nope'",
        "natural_science_requires_citations must be true or false, not 'maybe'",
        "counting_convention must be distinct_paper or topic_slot, not 'per_slot'",
        "year_max must be a year (e.g. 2015) or empty, not 'soon'",
    ):
        assert message in output
    assert "OK created" not in result.stdout
    args = ["build", "--vars", "{year_min: 2020, year_max: 2015}"]
    cli = CliRunner().invoke(app, args, env=dbt.env_for(*args))
    assert cli.exit_code != 0
    assert "year_min (2020) is after year_max (2015)" in " ".join(capfd.readouterr().out.split())
