"""`ptmreuse publish`: an atomic, read-only copy of the marts that readers can hold while the build goes on."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ptmreuse.cli import app
from ptmreuse.publish import NothingToPublish, publish
from tests.test_lock import HOLD
from warehouse.lock import WarehouseBusy, WriterLock


def _warehouse(db: Path, papers: int) -> None:
    """A small warehouse with a marts table carrying dbt-style descriptions (as persist_docs writes them)."""
    with duckdb.connect(str(db)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create or replace table marts.papers as select 'paper-' || i as doi from range(?) t(i)", [papers])
        con.execute("comment on table marts.papers is 'One row per paper.'")
        con.execute("comment on column marts.papers.doi is 'Normalised DOI.'")
        con.execute("create schema if not exists staging")
        con.execute("create or replace table staging.not_published as select 1 as x")


def test_publish_copies_marts_with_their_descriptions(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    _warehouse(db, 3)
    result = publish(db)
    assert result.database == tmp_path / "published" / "ptmreuse.duckdb"
    assert result.tables == {"marts.papers": 3}
    with duckdb.connect(str(result.database), read_only=True) as con:
        assert con.execute("select count(*) from marts.papers").fetchone() == (3,)
        assert con.execute("select comment from duckdb_tables() where table_name = 'papers'").fetchone() == (
            "One row per paper.",
        )
        assert con.execute("select comment from duckdb_columns() where column_name = 'doi'").fetchone() == (
            "Normalised DOI.",
        )
        schemas = {s for (s,) in con.execute("select distinct schema_name from duckdb_tables()").fetchall()}
        assert schemas == {"marts"}
    assert (result.parquet_dir / "marts.papers.parquet").exists()
    assert not [p for p in result.database.parent.iterdir() if p.name.startswith(".")]  # no temp files left


def test_reader_keeps_working_while_a_second_writer_is_refused(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db = tmp_path / "warehouse.duckdb"
    _warehouse(db, 3)
    published = publish(db).database
    reader = duckdb.connect(str(published), read_only=True)  # a BI tool holding the published file open
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        monkeypatch.setenv("PTMREUSE_DB", str(db))
        refused = CliRunner().invoke(app, ["publish"])
        assert refused.exit_code == 3 and "is being written by" in " ".join(refused.output.split())  # rich wraps lines
        assert reader.execute("select count(*) from marts.papers").fetchone() == (3,)
    finally:
        holder.kill()
        holder.wait()
    # the writer is gone: a rebuild and a new publish replace the file under the open reader
    _warehouse(db, 5)
    assert CliRunner().invoke(app, ["publish"]).exit_code == 0
    assert reader.execute("select count(*) from marts.papers").fetchone() == (3,)  # the old snapshot, intact
    reader.close()
    with duckdb.connect(str(published), read_only=True) as fresh:
        assert fresh.execute("select count(*) from marts.papers").fetchone() == (5,)
    with pytest.raises(WarehouseBusy), WriterLock(db, "a"), WriterLock(db, "b"):
        pass


def test_nothing_to_publish_before_a_build(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(db)).close()
    with pytest.raises(NothingToPublish, match="ptmreuse build"):
        publish(db)
