"""The whole pipeline on a DuckLake (catalog in a real PostgreSQL, data files in a folder): `ptmreuse ingest jats`,
`classify --backend rules`, `build`, `eval`, `check`, `report` and `publish`, chosen by PTMREUSE_WAREHOUSE alone. Its
marts (the agreement mart and the error-corrected rates included) must equal the single-file run of the same papers
(tests/support/warehouses.evaluated_warehouse), table by table: row counts and a fingerprint of every row's content;
the quality gate and the report say the same of both."""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ptmreuse.cli import app
from ptmreuse.dbt import dbt_executable
from tests.support.lake import lake_env, published_beside_file
from tests.support.postgres import Postgres
from tests.support.warehouses import MARTS_MEMBERS, copy_members, evaluated_warehouse
from warehouse.connect import connect
from warehouse.paths import PROJECT_DIR

pytestmark = pytest.mark.slow  # a PostgreSQL server and dbt builds on the lake and on the file

# The read-only commands, with where each writes: their outputs on the lake and on the single file are compared.
READERS = {"check": "--docs-dir", "report": "--out"}


@pytest.fixture(scope="module")
def lake(postgres: Postgres, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str]]]:
    """The bundled papers of the marts tests through every step, on the lake; the env that points at it. `eval`
    scores the rules against the reference labels and builds the agreement mart and the corrected rates from it."""
    root = tmp_path_factory.mktemp("lake")
    env = lake_env(postgres, root, "pipeline")
    corpus = copy_members(root, MARTS_MEMBERS)
    steps = [["ingest", "jats", str(corpus)], ["classify", "--backend", "rules"], ["build"]]
    steps.append(["eval", "--resamples", "100"])  # as tests/support/warehouses.evaluated_warehouse
    for command in [*steps, *reader_commands(root), ["publish"]]:
        result = CliRunner().invoke(app, command, env=env)
        assert result.exit_code == 0, f"{command}: {result.output[-3000:]}"
        (root / f"{command[0]}.out").write_text(result.output)
    yield root, env


def reader_commands(root: Path) -> list[list[str]]:
    return [[command, option, str(root / command)] for command, option in READERS.items()]


def test_lake_marts_equal_the_single_file_run(lake, tmp_path_factory: pytest.TempPathFactory) -> None:
    root, _ = lake
    single_file = evaluated_warehouse(tmp_path_factory)  # the same papers: ingest, classify (rules), build, eval
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


def test_check_and_report_on_the_lake_say_what_they_say_of_the_single_file(
    lake, tmp_path_factory: pytest.TempPathFactory
) -> None:
    root, _ = lake
    single_file = evaluated_warehouse(tmp_path_factory)
    file_root = tmp_path_factory.mktemp("file-readers")
    for command in reader_commands(file_root):
        result = CliRunner().invoke(app, command, env={"PTMREUSE_DB": str(single_file)})
        assert result.exit_code == 0, f"{command}: {result.output[-3000:]}"
        (file_root / f"{command[0]}.out").write_text(result.output)

    def said(folder: Path, command: str) -> str:
        """The command's output without where things are and when they were made."""
        text = re.sub(r"\s+", " ", (folder / f"{command}.out").read_text())
        return text.replace(str(folder), "<out>")

    assert "passed" in said(root, "check") and said(root, "check") == said(file_root, "check")
    assert said(root, "report") == said(file_root, "report")
    assert sorted(p.name for p in (root / "report").glob("*.png")) == sorted(
        p.name for p in (file_root / "report").glob("*.png")
    )
    assert (root / "check" / "index.html").exists()

    def page(folder: Path) -> str:
        html = (folder / "report" / "index.html").read_text()
        html = re.sub(r"generated \d{4}-\d\d-\d\d \d\d:\d\d UTC", "generated <when>", html)
        html = re.sub(r"rules:rules \([0-9a-f]{8}\)", "rules:rules (<run id>)", html)  # the evaluated run's id
        return re.sub(r"Warehouse <code>[^<]*</code>", "Warehouse <code>?</code>", html)

    lake_page, file_page = page(root), page(file_root)
    assert "classifier" in lake_page and lake_page == file_page  # every table and caption, agreement included
