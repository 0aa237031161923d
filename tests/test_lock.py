"""One writer per warehouse, and one clear line naming who holds the file, for writers and readers alike.

Holders are real processes (tests/support/holders.py): a ptmreuse-style writer (writer lock, with or without the
DuckDB file open) and a notebook's read-only connection (no lock). Commands run through the CLI.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ptmreuse.cli import app
from tests.support.holders import NOTEBOOK_READER, PTMREUSE_WRITER, start_holder, stop
from warehouse.connect import connect
from warehouse.lock import WarehouseBusy, WriterLock, lock_path, read_holder
from warehouse.paths import SAMPLE_CORPUS
from warehouse.raw_schema import ensure_raw_tables


def error_line(output: str) -> str:
    """The line a refused command ends with; the whole message must be on it (no traceback, no wrapping)."""
    assert "Traceback" not in output, output
    last = [line for line in output.splitlines() if line.strip()][-1]
    end = "then run this again; to read meanwhile, use the published copy (`ptmreuse publish`)."
    assert last.startswith("warehouse busy: ") and last.endswith(end), output
    return last


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    """An empty warehouse: the raw tables as `ptmreuse build` creates them, no rows."""
    db = tmp_path / "w.duckdb"
    ensure_raw_tables(db)
    return db


@pytest.fixture
def holder(warehouse: Path) -> Iterator[tuple[Path, subprocess.Popen[str]]]:
    process = start_holder(PTMREUSE_WRITER, str(warehouse))
    yield warehouse, process
    stop(process)


def test_second_writer_is_refused_with_who_holds_it(holder, monkeypatch) -> None:
    db, process = holder
    with pytest.raises(WarehouseBusy, match=rf"ptmreuse build \(test holder\)` \(pid {process.pid}"):
        WriterLock(db).acquire()
    monkeypatch.setenv("PTMREUSE_DB", str(db))
    result = CliRunner().invoke(app, ["build"])
    assert result.exit_code == 3
    line = error_line(result.output)
    assert f"is being written by `ptmreuse build (test holder)` (pid {process.pid}" in line


def test_read_only_commands_do_not_wait_for_the_writer_lock(holder, monkeypatch) -> None:
    db, _ = holder
    monkeypatch.setenv("PTMREUSE_DB", str(db))
    result = CliRunner().invoke(app, ["check", "--docs-dir", str(db.parent / "docs")])
    assert result.exit_code != 3 and "warehouse busy" not in result.output


@pytest.mark.parametrize("command", [["check"], ["report"]])
def test_read_only_commands_name_the_writer_holding_the_file(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    writer = start_holder(PTMREUSE_WRITER, str(warehouse), "open")
    try:
        monkeypatch.setenv("PTMREUSE_DB", str(warehouse))
        monkeypatch.setenv("PTMREUSE_QUALITY_DIR", str(tmp_path / "docs"))
        monkeypatch.setenv("PTMREUSE_REPORT_DIR", str(tmp_path / "site"))
        result = CliRunner().invoke(app, command)
    finally:
        stop(writer)
    assert result.exit_code == 3
    line = error_line(result.output)
    assert f"is open in `ptmreuse build (test holder)` (pid {writer.pid}" in line


def _one_paper_corpus(tmp_path: Path) -> Path:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    with zipfile.ZipFile(SAMPLE_CORPUS) as archive:
        member = next(name for name in archive.namelist() if name.endswith(".xml"))
        (corpus / Path(member).name).write_bytes(archive.read(member))
    return corpus


def test_a_foreign_reader_blocking_a_writer_is_one_line_naming_it(
    warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    corpus = _one_paper_corpus(tmp_path)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-key-on-a-command-line")
    reader = start_holder(NOTEBOOK_READER, str(warehouse), "--api-key=sk-test-key-on-a-command-line")
    try:
        monkeypatch.setenv("PTMREUSE_DB", str(warehouse))
        # ingest meets DuckDB's lock inside dlt, classify and build when they open the file themselves
        results = [
            CliRunner().invoke(app, ["ingest", "jats", str(corpus)]),
            CliRunner().invoke(app, ["classify"]),
            CliRunner().invoke(app, ["build"]),
        ]
    finally:
        stop(reader)
    for result in results:
        assert result.exit_code == 3, result.output
        line = error_line(result.output)
        assert f"is open in another process (pid {reader.pid}: " in line
        assert f" - {warehouse} --api-key=[redacted])" in line  # its command line, without the key it carries
    assert read_holder(warehouse) is None  # each writer released its lock on the way out


def test_a_killed_writer_leaves_no_lock_and_is_reported_stale(holder) -> None:
    db, process = holder
    process.kill()
    process.wait()
    assert read_holder(db) is not None and read_holder(db).pid == process.pid  # its note is still there
    lock = WriterLock(db, "next writer").acquire()
    try:
        assert lock.stale_holder is not None and lock.stale_holder.pid == process.pid
        assert read_holder(db).pid == os.getpid()
    finally:
        lock.release()
    assert read_holder(db) is None


def test_lock_is_released_after_a_command(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    with WriterLock(db, "first"):
        pass
    start = time.monotonic()
    with WriterLock(db, "second"):
        assert time.monotonic() - start < 1


def test_a_symlink_to_the_warehouse_shares_its_lock(warehouse: Path, tmp_path: Path) -> None:
    link = tmp_path / "elsewhere" / "link.duckdb"
    link.parent.mkdir()
    link.symlink_to(warehouse)
    assert lock_path(link) == lock_path(warehouse)
    with WriterLock(link, "through the link"), pytest.raises(WarehouseBusy, match="through the link"):
        WriterLock(warehouse, "through the file").acquire()
    with WriterLock(warehouse, "through the file"), pytest.raises(WarehouseBusy, match="through the file"):
        WriterLock(link, "through the link").acquire()


def test_a_warehouse_created_through_a_symlink_keeps_its_log_beside_the_real_file(tmp_path: Path) -> None:
    """`data/warehouse.duckdb -> /big/disk/w.duckdb` before the first ingest: DuckDB resolves a link to an existing
    file, but keeps the write-ahead log of a file it creates beside the link, where it never looks again."""
    real = tmp_path / "disk" / "w.duckdb"
    real.parent.mkdir()
    link = tmp_path / "data" / "warehouse.duckdb"
    link.parent.mkdir()
    link.symlink_to(real)
    crash = (  # a first writer killed after a commit, before DuckDB moved its log into the file
        "import os, sys; from pathlib import Path; from warehouse.connect import connect\n"
        "with connect(Path(sys.argv[1])) as con:\n"
        "    con.execute(\"create table probe as select '10.1/x' as doi\")\n"
        "    os.kill(os.getpid(), 9)\n"
    )
    subprocess.run([sys.executable, "-c", crash, str(link)], check=False)
    with connect(link, read_only=True) as con:
        assert con.execute("select doi from probe").fetchall() == [("10.1/x",)]
