"""One writer per warehouse: a second writing command is refused with a clear message; the lock dies with its holder."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ptmreuse.cli import app
from warehouse.lock import WarehouseBusy, WriterLock, read_holder

HOLD = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from warehouse.lock import WriterLock
    lock = WriterLock(Path(sys.argv[1]), "ptmreuse build (test holder)").acquire()
    print("locked", flush=True)
    time.sleep(60)
    """
)


@pytest.fixture
def holder(tmp_path: Path):  # type: ignore[no-untyped-def]
    db = tmp_path / "w.duckdb"
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None and process.stdout.readline().strip() == "locked"
    yield db, process
    process.kill()
    process.wait()


def test_second_writer_is_refused_with_who_holds_it(holder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db, process = holder
    with pytest.raises(WarehouseBusy, match=rf"ptmreuse build \(test holder\)` \(pid {process.pid}"):
        WriterLock(db).acquire()
    monkeypatch.setenv("PTMREUSE_DB", str(db))
    result = CliRunner().invoke(app, ["build"])
    assert result.exit_code == 3
    assert "warehouse busy" in result.output and "Wait for it to finish" in result.output


def test_read_only_commands_do_not_wait_for_the_writer(holder, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db, _ = holder
    monkeypatch.setenv("PTMREUSE_DB", str(db))
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code != 3 and "warehouse busy" not in result.output


def test_a_killed_writer_leaves_no_lock_and_is_reported_stale(holder) -> None:  # type: ignore[no-untyped-def]
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
