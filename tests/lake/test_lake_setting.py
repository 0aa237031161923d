"""PTMREUSE_WAREHOUSE chooses the lake; unset, the single DuckDB file stays the warehouse; a wrong value is one line."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ptmreuse.cli import app
from tests.support.postgres import Postgres
from warehouse.connect import connect, warehouse_exists
from warehouse.lake import Lake, LakeMisconfigured, configured_lake, load_extensions, open_lake


def test_unset_means_the_single_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("PTMREUSE_WAREHOUSE", raising=False)
    db = tmp_path / "w.duckdb"
    assert configured_lake() is None and not warehouse_exists(db)
    with connect(db) as con:
        con.execute("create table t as select 1 as x")
    assert db.exists() and warehouse_exists(db)


@pytest.mark.parametrize(
    ("value", "data", "says"),
    [
        ("postgresql://u@h/db", "/lake", "must be `ducklake:postgres:postgresql://"),
        ("ducklake:postgres:dbname=x host=y", "/lake", "must be `ducklake:postgres:postgresql://"),
        ("ducklake:postgres:postgresql://u@h/db", "", "set PTMREUSE_LAKE_DATA"),
    ],
)
def test_a_wrong_setting_is_refused_in_one_line(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, value: str, data: str, says: str
) -> None:
    monkeypatch.setenv("PTMREUSE_WAREHOUSE", value)
    monkeypatch.setenv("PTMREUSE_LAKE_DATA", data)
    with pytest.raises(LakeMisconfigured, match=says.replace("(", r"\(")):
        configured_lake()
    monkeypatch.setenv("PTMREUSE_DB", str(tmp_path / "w.duckdb"))
    for command in (["ingest", "jats", str(tmp_path)], ["classify", "--backend", "rules"], ["check"]):
        result = CliRunner().invoke(app, command)
        assert result.exit_code == 2, result.output
        (line,) = [line for line in result.output.splitlines() if line.strip()]
        assert says in line
    assert not (tmp_path / "w.duckdb").exists()  # nothing fell back to the file


def test_each_open_is_a_fresh_instance_that_reads_dbts_views(postgres: Postgres, tmp_path: Path) -> None:
    """Each open of the lake has a path of its own (DuckDB's instance cache can hang a second open of one path),
    and its main database keeps the name the plain path gives it: dbt's views with a lambda, created through the
    alias `lake`, still read (a name with `&` in it made them a syntax error, so `ptmreuse eval` failed on a lake)."""
    lake = Lake(postgres.create_database("fresh"), str(tmp_path / "data"))
    with duckdb.connect(":memory:") as dbt_like:  # as dbt-duckdb attaches it
        load_extensions(dbt_like)
        dbt_like.execute(lake.attach_sql("lake"))
        dbt_like.execute("create schema lake.s; create table lake.s.t as select map {'a': 1, 'b': 2} as m")
        dbt_like.execute("create view lake.s.v as select [k || '!' for k in map_keys(m)] as keys from lake.s.t")
    first, second = open_lake(lake), open_lake(lake)
    try:
        assert first.execute("select keys from s.v").fetchone() == (["a!", "b!"],)
        assert second.execute("select keys from s.v").fetchone() == (["a!", "b!"],)
        (name,) = first.execute("select current_database()").fetchone()
        assert name == lake.path.rsplit("/", 1)[-1]
        paths = [
            con.execute("select path from duckdb_databases() where database_name = current_database()").fetchone()
            for con in (first, second)
        ]
        assert paths[0] != paths[1]  # two instances, not one from DuckDB's cache
        first.execute("create table s.made_by_first as select 1 as x")  # two connections, one lake
        assert second.execute("select count(*) from s.made_by_first").fetchone() == (1,)
    finally:
        first.close()
        second.close()


def test_the_lake_tests_share_one_xdist_worker(request: pytest.FixtureRequest) -> None:
    """`make test` sends each group to one worker (tests/conftest.py), so the lake's module fixtures and the session
    PostgreSQL are made once; xdist tags a grouped test's id, which pytest 9.2 no longer lets it do."""
    if not getattr(request.config.option, "loadgroup", False):  # what xdist's worker reads
        pytest.skip("only under `pytest -n N --dist loadgroup` (make test)")
    assert request.node.nodeid.endswith("@lake")
