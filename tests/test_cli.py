"""The `ptmreuse` command as a user meets it: `--help` in pipeline order with the environment it reads, failures in
one line (traceback in the log, or with --verbose), and a closing hint that names a reader that is installed."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from ptmreuse.cli import app
from ptmreuse.failures import PIPELINE_ORDER
from ptmreuse.publish import publish
from ptmreuse.summary import reader_command
from tests.support.warehouses import ingested_warehouse


def test_help_lists_commands_in_pipeline_order_with_the_environment() -> None:
    result = CliRunner().invoke(app, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    listed = re.findall(r"^│ ([a-z][a-z-]+) {2,}", result.output.split("Commands", 1)[1], flags=re.MULTILINE)
    pipeline, lake_only = listed[: len(PIPELINE_ORDER)], listed[len(PIPELINE_ORDER) :]
    assert pipeline == [
        "ingest",
        "search",
        "fetch-fulltext",
        "fetch-gold-texts",
        "classify",
        "check",
        "build",
        "eval",
        "publish",
        "report",
        "demo",
    ]
    assert tuple(pipeline) == PIPELINE_ORDER
    assert lake_only == ["worker", "enqueue", "queue"]  # the shard queue's commands, after the pipeline
    text = " ".join(result.output.split())
    assert "PTMREUSE_DB" in text and "OPENAI_BASE_URL" in text
    assert "3 warehouse held by another process" in text and "130 interrupted" in text


@pytest.fixture
def broken_warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A warehouse path holding something that is not a DuckDB file, in a folder named like a secret."""
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-real-key")
    db = tmp_path / "sk-test-not-a-real-key" / "w.duckdb"
    db.parent.mkdir()
    db.write_bytes(b"this is not a database" * 100)
    monkeypatch.setenv("PTMREUSE_DB", str(db))
    monkeypatch.setenv("PTMREUSE_QUALITY_DIR", str(tmp_path / "docs"))
    return db


def test_an_unexpected_error_is_one_line_and_its_traceback_is_logged(broken_warehouse: Path) -> None:
    result = CliRunner().invoke(app, ["check"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    (line,) = [line for line in result.output.splitlines() if line.strip()]
    log = broken_warehouse.parent / "logs" / "ptmreuse.log"
    assert line.startswith("failed: IOException: ") and line.endswith(
        f"(traceback in {log}; `ptmreuse --verbose …` shows it here)"
    )
    assert "sk-test-not-a-real-key" not in line.replace(str(log), "")  # the key in the error text is blanked out
    logged = log.read_text()
    assert "failed: ptmreuse" in logged and "Traceback (most recent call last)" in logged and "IOException" in logged
    assert "sk-test-not-a-real-key/w.duckdb" not in logged and "[redacted]/w.duckdb" in logged


def test_verbose_prints_the_traceback_too(broken_warehouse: Path) -> None:
    result = CliRunner().invoke(app, ["--verbose", "check"])
    assert result.exit_code == 1
    assert "Traceback" in result.output and "IOException" in result.output
    assert result.output.rstrip().splitlines()[-1].startswith("failed: IOException: ")


def test_the_reader_hint_names_an_installed_reader_and_works(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema marts")
        con.execute("create table marts.papers as select '10.1/example' as doi")
    published = publish(db).database
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))  # no DuckDB CLI: the Python beside ptmreuse, which has duckdb
    hint = reader_command(published)
    assert not hint.startswith("duckdb ") and "python" in hint and "read_only=True" in hint
    monkeypatch.undo()
    shown = subprocess.run(hint, shell=True, capture_output=True, text=True, check=True)
    assert "10.1/example" in shown.stdout
    cli = bin_dir / "duckdb"  # a DuckDB CLI on PATH (only looked up, never run here)
    cli.write_text("#!/bin/sh\n")
    cli.chmod(0o755)
    monkeypatch.setenv("PATH", str(bin_dir))
    assert reader_command(published) == f"duckdb -readonly {published}"


@pytest.mark.parametrize("after", [0.2, 1.5])
def test_ctrl_c_while_the_command_loads_or_starts_dbt_is_one_line(after: float, tmp_path: Path) -> None:
    """0.2 s: Python is still importing the command's libraries; 1.5 s: `ptmreuse build` is starting dbt."""
    db = ingested_warehouse(tmp_path, ["docling/elife-56337.nxml"])  # with no paper, build stops before dbt starts
    env = {**os.environ, "PTMREUSE_DB": str(db), "DBT_TARGET_PATH": str(tmp_path / "target")}
    build = subprocess.Popen(
        [str(Path(sys.executable).parent / "ptmreuse"), "build"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    time.sleep(after)
    os.killpg(build.pid, signal.SIGINT)
    out, _ = build.communicate(timeout=60)
    assert build.returncode == 130 and "Traceback" not in out, out
    (line,) = [line for line in out.splitlines() if line.strip() and not line.startswith("note:")]
    assert line.startswith("interrupted: ") and ("nothing is half-done" in line or "re-run the same command" in line)


def test_a_ctrl_c_a_library_swallows_still_ends_the_command_as_interrupted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB swallows a KeyboardInterrupt raised while it imports pandas lazily; the command must not end as done."""
    import typer

    from ptmreuse.failures import PipelineGroup

    monkeypatch.setenv("PTMREUSE_DB", str(tmp_path / "w.duckdb"))  # the traceback log goes beside it
    demo = typer.Typer(cls=PipelineGroup)

    @demo.command()
    def swallow() -> None:
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)  # the handler runs here and raises KeyboardInterrupt
        except BaseException:  # what the library does
            pass

    @demo.command()
    def other() -> None:  # two commands, so that `swallow` is a sub-command as in ptmreuse
        pass

    result = CliRunner().invoke(demo, ["swallow"])
    assert result.exit_code == 130
    assert "interrupted" in result.output
