"""PTMREUSE_WAREHOUSE chooses the lake; unset, the single DuckDB file stays the warehouse; a wrong value is one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ptmreuse.cli import app
from warehouse.connect import connect, warehouse_exists
from warehouse.lake import LakeMisconfigured, configured_lake


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
