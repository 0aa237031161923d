"""`ptmreuse build` runs the real dbt project on a real DuckDB file; its data tests catch bad raw rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from ptmreuse.dbt import run_dbt
from tests.support.warehouses import dbt_env, ingested_warehouse
from warehouse.raw_schema import ensure_raw_tables

MEMBERS = (
    "docling/pone.0234687.nxml",
    "docling/elife-56337.nxml",
    "biohackathon2024-pmc/PMC10025408.xml",
    "elife-enhanced-preprints-data/2020.04.07.030213.xml",
)


@pytest.fixture
def built_db(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    db = ingested_warehouse(tmp_path, MEMBERS)
    ensure_raw_tables(db)
    return db, dbt_env(tmp_path)


@pytest.mark.slow
def test_dbt_build_passes_and_staging_is_queryable(built_db) -> None:  # type: ignore[no-untyped-def]
    db, env = built_db
    assert run_dbt(["build"], db, extra_env=env) == 0
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute("select count(*) from staging.stg_jats__papers").fetchone() == (len(MEMBERS),)
        types = {t for (t,) in con.execute("select distinct section_type from staging.stg_jats__sections").fetchall()}
        assert {"introduction", "methods", "results", "discussion"} <= types
        captions = con.execute("select count(*) from staging.stg_jats__sections where is_caption").fetchone()[0]
        assert captions > 0


@pytest.mark.slow
def test_dbt_tests_fail_on_a_bad_raw_row(built_db) -> None:  # type: ignore[no-untyped-def]
    db, env = built_db
    with duckdb.connect(str(db)) as con:
        con.execute("update raw.papers set publication_year = 1850 where doi = '10.7554/elife.56337'")
        con.execute("update raw.paper_sections set section_type = 'preface' where ordinal = 0")
    assert run_dbt(["build"], db, extra_env=env) != 0
