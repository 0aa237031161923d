"""Run dbt against the same DuckDB file as the rest of the CLI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterable
from pathlib import Path

from rich.console import Console

from ptmreuse.bootstrap import latest_change_stamp, outdated_per_paper_tables, papers_changed_since
from warehouse.children import die_with_this_process
from warehouse.lock import held_lock_fds
from warehouse.paths import PROJECT_DIR, quiet_telemetry
from warehouse.raw_schema import ensure_raw_tables


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    found = str(beside) if beside.exists() else shutil.which("dbt")
    if not found:
        raise FileNotFoundError("dbt is not installed: run `make setup` (it installs dbt-core and dbt-duckdb)")
    return found


def run_dbt(
    args: list[str], db_path: Path, extra_env: dict[str, str] | None = None, *, summary: Console | None = None
) -> int:
    """Run `dbt <args>` in the project directory with PTMREUSE_DB pointing at `db_path`; return its exit code.

    dbt runs in its own process so that its DuckDB connection (and file lock) ends with it. It inherits this
    command's writer lock, dies with this command even when it is killed (kill -9), and runs in its own process
    group, so a Ctrl-C reaches only ptmreuse, which stops dbt and says in one line what is kept.
    With `summary`, only dbt's summary (and every warning and error) is printed there, not a line per node.
    """
    quiet_telemetry()
    env = {**os.environ, "PTMREUSE_DB": str(db_path.resolve()), **(extra_env or {})}
    if not sys.stdout.isatty():
        env.setdefault("DBT_USE_COLORS", "false")  # dbt colours by default, even into a file or a pipe
    command = [dbt_executable(), *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    if summary is not None:
        env["DBT_USE_COLORS"] = "false"  # the summary is printed through rich, which colours for a terminal itself
        command += ["--log-format", "json"]
    process = subprocess.Popen(
        command,
        cwd=PROJECT_DIR,
        env=env,
        stdout=subprocess.PIPE if summary is not None else None,
        text=True,
        pass_fds=held_lock_fds(),
        preexec_fn=die_with_this_process(),  # the kernel sets the parent-death signal in the child
        process_group=0,
    )
    try:
        if summary is not None and process.stdout is not None:
            _print_summary(process.stdout, summary)
        return process.wait()
    finally:
        _stop(process)  # after an exception (Ctrl-C included) dbt must not go on writing


def _stop(process: subprocess.Popen[str]) -> None:
    """Stop dbt and its children at once: the whole process group it leads (multiprocessing's resource tracker,
    which ignores SIGTERM, would otherwise report dbt's semaphores as leaked). DuckDB rolls back the model dbt was
    writing; the models it finished stay."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


# dbt's end-of-run summary starts with this event (dbt's structured logging: `--log-format json`).
_SUMMARY_STARTS = "FinishedRunningStats"


def _print_summary(lines: Iterable[str], console: Console) -> None:
    """What dbt found, its warnings and errors, and its end-of-run summary; a spinner with the node being run."""
    in_summary = False
    with console.status("dbt build") as status:
        for line in lines:
            try:
                info = json.loads(line)["info"]
                name, level, message = str(info["name"]), str(info["level"]), str(info["msg"])
            except (ValueError, KeyError, TypeError):
                console.print(line.rstrip("\n"), markup=False, highlight=False, soft_wrap=True)  # not a log event
                continue
            in_summary = in_summary or name == _SUMMARY_STARTS
            if in_summary or level in ("warn", "error") or name == "FoundStats":
                console.print(message, markup=False, highlight=False, soft_wrap=True)
            elif name == "LogStartLine":
                status.update(f"dbt build: {message.split(' ....', 1)[0]}")


def build_warehouse(db_path: Path, args: list[str], console: Console, *, summary_only: bool = False) -> int:
    """`dbt build` as `ptmreuse build` and the demo run it: raw tables made sure of, old per-paper tables rebuilt."""
    ensure_raw_tables(db_path)
    outdated = outdated_per_paper_tables(db_path)
    if outdated and "--full-refresh" not in args:
        console.print(
            f"[yellow]{', '.join(outdated)} were built by an older ptmreuse, before they became incremental:"
            " rebuilding everything from scratch once (--full-refresh).[/yellow]"
        )
        args = [*args, "--full-refresh"]
    before = latest_change_stamp(db_path)
    code = run_dbt(["build", *args], db_path, summary=console if summary_only else None)
    if code == 0:
        changed, total = papers_changed_since(db_path, before)
        if before is None:
            console.print(f"first build of the per-paper models: {total:,} DOIs")
        else:
            console.print(f"{changed:,} of {total:,} DOIs changed since the last build (only these were recomputed)")
    return code
