"""`ptmreuse publish`: a read-only copy of the marts that readers can hold while the build goes on, swapped in
atomically: readers never see a missing or half-written copy, not even when a publish is killed at any step."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ptmreuse.cli import app
from ptmreuse.publish import NothingToPublish, publish
from tests.support.holders import DUCKDB_WRITER, PTMREUSE_WRITER, start_holder, stop


def _warehouse(db: Path, papers: int) -> None:
    """A small warehouse with a marts table carrying dbt-style descriptions (as persist_docs writes them)."""
    with duckdb.connect(str(db)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create or replace table marts.papers as select 'paper-' || i as doi from range(?) t(i)", [papers])
        con.execute("comment on table marts.papers is 'One row per paper.'")
        con.execute("comment on column marts.papers.doi is 'Normalised DOI.'")
        con.execute("create schema if not exists staging")
        con.execute("create or replace table staging.not_published as select 1 as x")


def _published_counts(published: Path) -> tuple[int, int, int]:
    """Rows of marts.papers as a reader sees them at the stable paths: DuckDB file, Parquet file, manifest."""
    with duckdb.connect(str(published / "ptmreuse.duckdb"), read_only=True) as con:
        in_duckdb = con.execute("select count(*) from marts.papers").fetchone()[0]
    parquet = published / "parquet" / "marts.papers.parquet"
    in_parquet = duckdb.sql(f"select count(*) from read_parquet('{parquet}')").fetchone()[0]
    manifest = json.loads((published / "parquet" / "manifest.json").read_text())
    return in_duckdb, in_parquet, manifest["tables"]["marts.papers"]


def assert_no_leftovers(published: Path) -> None:
    """Only the stable links, `current`, and the current version with at most the one it replaced."""
    names = sorted(p.name for p in published.iterdir())
    assert names == ["current", "parquet", "ptmreuse.duckdb", "versions"], names
    versions = sorted((published / "versions").iterdir())
    assert len(versions) <= 2 and (published / "current").resolve() == versions[-1], versions


def test_two_warehouses_in_one_folder_publish_apart(tmp_path: Path) -> None:
    """A rules warehouse and an LLM one side by side: each keeps its own published copy."""
    default, other = tmp_path / "warehouse.duckdb", tmp_path / "warehouse-llm.duckdb"
    _warehouse(default, 3)
    _warehouse(other, 5)
    first, second = publish(default), publish(other)
    assert first.database == tmp_path / "published" / "ptmreuse.duckdb"
    assert second.database == tmp_path / "published-warehouse-llm" / "ptmreuse.duckdb"
    for result, rows in ((first, 3), (second, 5)):
        with duckdb.connect(str(result.database), read_only=True) as con:
            assert con.execute("select count(*) from marts.papers").fetchone() == (rows,)


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
    assert _published_counts(result.database.parent) == (3, 3, 3)
    assert_no_leftovers(result.database.parent)


def test_reader_keeps_working_while_a_second_writer_is_refused(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "warehouse.duckdb"
    _warehouse(db, 3)
    published = publish(db).database
    reader = duckdb.connect(str(published), read_only=True)  # a BI tool holding the published file open
    holder = start_holder(PTMREUSE_WRITER, str(db))
    try:
        monkeypatch.setenv("PTMREUSE_DB", str(db))
        refused = CliRunner().invoke(app, ["publish"])
        assert refused.exit_code == 3 and "is being written by `ptmreuse build (test holder)`" in refused.output
        assert reader.execute("select count(*) from marts.papers").fetchone() == (3,)
    finally:
        stop(holder)
    # the writer is gone: two rebuilds and publishes replace the copy under the open reader (and delete its files)
    for papers in (5, 7):
        _warehouse(db, papers)
        assert CliRunner().invoke(app, ["publish"]).exit_code == 0
    assert reader.execute("select count(*) from marts.papers").fetchone() == (3,)  # the old snapshot, intact
    reader.close()
    assert _published_counts(published.parent) == (7, 7, 7)


READER = textwrap.dedent(
    """
    import json, sys, duckdb
    from pathlib import Path
    published, stop = Path(sys.argv[1]), Path(sys.argv[2])
    reads, seen, errors = 0, set(), []
    while not stop.exists():
        try:
            with duckdb.connect(str(published / "ptmreuse.duckdb"), read_only=True) as con:
                seen.add(con.execute("select count(*) from marts.papers").fetchone()[0])
            parquet = published / "parquet" / "marts.papers.parquet"
            seen.add(duckdb.sql(f"select count(*) from read_parquet('{parquet}')").fetchone()[0])
            seen.add(json.loads((published / "parquet" / "manifest.json").read_text())["tables"]["marts.papers"])
            reads += 1
            if reads == 1:
                print("reading", flush=True)  # started: the test begins republishing now
        except Exception as error:
            errors.append(repr(error))
    print(json.dumps({"reads": reads, "seen": sorted(seen), "errors": errors[:5], "failed": len(errors)}))
    """
)


@pytest.mark.slow
def test_a_reader_looping_over_republishes_always_finds_a_complete_copy(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    _warehouse(db, 100)
    published = publish(db).database.parent
    stop_file = tmp_path / "stop"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(published), str(stop_file)], stdout=subprocess.PIPE, text=True
    )
    assert reader.stdout is not None and reader.stdout.readline().strip() == "reading"  # started, however loaded
    sizes = [100 + i for i in range(1, 21)]
    try:
        for papers in sizes:
            _warehouse(db, papers)
            publish(db)
    finally:
        stop_file.touch()
        out, _ = reader.communicate(timeout=60)
    seen = json.loads(out)
    assert seen["failed"] == 0, seen["errors"]
    assert seen["reads"] >= 20 and len(seen["seen"]) >= 3, seen  # it did read while copies were being swapped
    assert set(seen["seen"]) <= {100, *sizes}
    assert_no_leftovers(published)


# Runs `publish` in a child that kills itself (SIGKILL) at one step; nothing in ptmreuse knows about the test.
KILLED_AT = textwrap.dedent(
    """
    import os, signal, sys
    from pathlib import Path
    import ptmreuse.publish as p

    def die(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGKILL)

    step = sys.argv[2]
    if step == "while writing the copy":  # the tables are copied, the manifest is not written yet
        write_text = Path.write_text
        Path.write_text = lambda self, *a, **k: die() if self.name == "manifest.json" else write_text(self, *a, **k)
    elif step == "after writing the copy":
        write_version = p._write_version
        p._write_version = lambda *a: (write_version(*a), die())
    elif step == "before the switch":  # the new link is staged beside `current`, not renamed over it
        p.os.replace = die
    elif step == "after the switch":
        point = p._point
        p._point = lambda link, target: (point(link, target), link.name == "current" and die())
    p.publish(Path(sys.argv[1]))
    """
)


@pytest.mark.parametrize(
    "step", ["while writing the copy", "after writing the copy", "before the switch", "after the switch"]
)
def test_a_publish_killed_at_any_step_leaves_a_complete_copy_and_the_next_one_sweeps(step: str, tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    _warehouse(db, 3)
    published = publish(db).database.parent
    _warehouse(db, 5)
    killed = subprocess.run([sys.executable, "-c", KILLED_AT, str(db), step], check=False)
    assert killed.returncode == -signal.SIGKILL
    expected = 5 if step == "after the switch" else 3  # the switch is the one moment the new copy appears
    assert _published_counts(published) == (expected, expected, expected)
    _warehouse(db, 8)
    publish(db)
    assert _published_counts(published) == (8, 8, 8)
    assert_no_leftovers(published)


def test_a_copy_published_by_an_older_ptmreuse_is_replaced_and_its_leftovers_swept(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    _warehouse(db, 4)
    published = tmp_path / "published"  # the unversioned layout: a plain file and folder, temp copies of a kill
    (published / "parquet").mkdir(parents=True)
    (published / "parquet" / "manifest.json").write_text("{}")
    (published / "ptmreuse.duckdb").write_bytes(b"old copy")
    (published / ".parquet.123.tmp").mkdir()
    (published / ".parquet.123.old").mkdir()
    (published / ".ptmreuse.duckdb.123.tmp").write_bytes(b"half")
    publish(db)
    assert _published_counts(published) == (4, 4, 4)
    assert_no_leftovers(published)
    assert (published / "ptmreuse.duckdb").is_symlink() and (published / "parquet").is_symlink()


def test_nothing_to_publish_before_a_build(tmp_path: Path) -> None:
    db = tmp_path / "warehouse.duckdb"
    duckdb.connect(str(db)).close()
    with pytest.raises(NothingToPublish, match="ptmreuse build"):
        publish(db)
    assert not list((tmp_path / "published" / "versions").iterdir())  # the unfinished version is removed at once


def test_publish_names_the_process_holding_the_warehouse(tmp_path: Path, monkeypatch) -> None:
    db = tmp_path / "warehouse.duckdb"
    _warehouse(db, 2)
    writer = start_holder(DUCKDB_WRITER, str(db))  # plain `dbt build`, say: no ptmreuse writer lock
    try:
        monkeypatch.setenv("PTMREUSE_DB", str(db))
        refused = CliRunner().invoke(app, ["publish"])
    finally:
        stop(writer)
    assert refused.exit_code == 3 and "Traceback" not in refused.output
    assert refused.output.startswith(f"warehouse busy: {db} is open in another process (pid {writer.pid}: ")
    assert os.listdir(tmp_path / "published" / "versions") == []
