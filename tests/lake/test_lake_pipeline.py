"""The whole pipeline on a DuckLake (catalog in a real PostgreSQL, data files in a folder): `ptmreuse ingest jats`,
`classify --backend rules`, `build` and `publish`, chosen by PTMREUSE_WAREHOUSE alone. Its marts must equal the
single-file run of the same papers (tests/support/warehouses.rules_warehouse), table by table: row counts and a
fingerprint of every row's content."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ptmreuse.cli import app
from ptmreuse.dbt import dbt_executable
from tests.support.lake import lake_env, published_beside_file
from tests.support.postgres import Postgres
from tests.support.warehouses import MARTS_MEMBERS, copy_members, rules_warehouse
from warehouse.connect import connect
from warehouse.paths import PROJECT_DIR

pytestmark = pytest.mark.slow  # a PostgreSQL server and two dbt builds


@pytest.fixture(scope="module")
def lake(postgres: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """The bundled papers of the marts tests through every step, on the lake; the env that points at it."""
    root = tmp_path_factory.mktemp("lake")
    env = lake_env(postgres, root, "pipeline")
    corpus = copy_members(root, MARTS_MEMBERS)
    for command in (["ingest", "jats", str(corpus)], ["classify", "--backend", "rules"], ["build"], ["publish"]):
        result = CliRunner().invoke(app, command, env=env)
        assert result.exit_code == 0, f"{command}: {result.output[-3000:]}"
    yield root, env


def test_lake_marts_equal_the_single_file_run(lake, tmp_path_factory: pytest.TempPathFactory) -> None:
    root, _ = lake
    single_file = rules_warehouse(tmp_path_factory)  # the same papers: ingest, classify (rules), dbt build
    expected, actual = published_beside_file(root / "local" / "published" / "ptmreuse.duckdb", single_file)
    assert any(name.startswith("marts.") for name in expected)
    assert actual == expected
    papers = [rows for name, (rows, _) in actual.items() if name == "marts.papers"]
    assert papers == [len(MARTS_MEMBERS)]


def test_the_lake_holds_the_data_and_the_local_file_is_never_made(lake) -> None:
    root, env = lake
    assert not (root / "local" / "warehouse.duckdb").exists()
    assert any((root / "lake-data").rglob("*.parquet"))  # the lake's tables are Parquet files in its data path
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        with connect(root / "local" / "warehouse.duckdb", read_only=True) as con:
            (papers,) = con.execute("select count(distinct doi) from raw.papers").fetchone()
            (marts,) = con.execute("select count(*) from marts.papers").fetchone()
    assert papers == marts == len(MARTS_MEMBERS)


def test_dbt_refuses_more_than_one_thread_on_the_lake_and_the_lake_stays_usable(lake) -> None:
    _, env = lake
    command = [dbt_executable(), "build", "--target", "lake", "--threads", "4"]
    refused = subprocess.run(command, cwd=PROJECT_DIR, env={**os.environ, **env}, capture_output=True, text=True)
    assert refused.returncode != 0
    assert "the lake target builds with one thread, not 4" in refused.stdout
    assert "START sql table model" not in refused.stdout  # refused before any model ran
    result = CliRunner().invoke(app, ["build", "--threads", "2"], env=env)
    assert result.exit_code == 2 and "the lake builds with one thread, not 2" in result.output
    again = CliRunner().invoke(app, ["publish"], env=env)  # the catalog still attaches, its marts intact
    assert again.exit_code == 0, again.output
