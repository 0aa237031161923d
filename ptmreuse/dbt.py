"""Run dbt against the same DuckDB file as the rest of the CLI."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

from rich.console import Console

from warehouse import tables_in
from warehouse.catalog import try_lake_lock
from warehouse.children import die_with_this_process
from warehouse.connect import connect, warehouse_exists
from warehouse.lake import configured_lake
from warehouse.lock import WarehouseBusy, held_lock_fds
from warehouse.paths import PROJECT_DIR, database_path, quiet_telemetry

# The same words as dbt's on-run-start check (macros/require_papers.sql), which plain `dbt build` runs.
NO_PAPERS = "no papers: run `ptmreuse ingest jats PATH` first"


class NoPapers(Exception):
    """The warehouse has no papers: there is nothing to build marts from."""


class ThreadsOnLake(Exception):
    """More than one dbt thread asked for on the lake, which they corrupt (macros/require_one_thread_on_lake.sql)."""


class UnbuildableName(Exception):
    """dbt-duckdb names the warehouse's catalog after the file and writes that name into its SQL unescaped."""


def require_buildable_name(db_path: Path) -> None:
    """Refuse a warehouse file whose name holds a quote before any step runs: dbt would fail on it at build time."""
    if configured_lake() is None and any(quote in db_path.stem for quote in "'\""):
        safe = db_path.stem.replace("'", "_").replace('"', "_")
        raise UnbuildableName(
            f"dbt cannot build a warehouse whose file name holds a quote ({db_path.name}): rename it, e.g. to "
            f"{safe}{db_path.suffix}, and point PTMREUSE_DB at it"
        )


def _threads_asked(args: list[str]) -> int | None:
    for position, arg in enumerate(args):
        if arg == "--threads" and position + 1 < len(args) and args[position + 1].isdigit():
            return int(args[position + 1])
        if arg.startswith("--threads=") and arg.removeprefix("--threads=").isdigit():
            return int(arg.removeprefix("--threads="))
    return None


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
    """Run `dbt <args>` in the project directory on the warehouse `db_path`; return its exit code.

    dbt runs in its own process so that its DuckDB connection (and file lock) ends with it. It inherits this
    command's writer lock, dies with this command even when it is killed (kill -9), and runs in its own process
    group, so a Ctrl-C reaches only ptmreuse, which stops dbt and says in one line what is kept.
    With `summary`, only dbt's summary (and every warning and error) is printed there, not a line per node.
    On the user's own warehouse (PTMREUSE_DB, or the default) the environment goes to dbt as it is, so dbt renders
    the profile exactly as a plain `dbt build` in the project folder does and both reuse one parse (dbt parses the
    whole project again whenever the rendered profile changes); any other file is named in PTMREUSE_DB.
    """
    quiet_telemetry()
    env = {**os.environ, **(extra_env or {})}
    if db_path.resolve() != database_path().resolve():
        env["PTMREUSE_DB"] = str(db_path.resolve())
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


def has_papers(db_path: Path) -> bool:
    """Whether the warehouse holds papers. Opened for writing, as the build will: a process holding the file (even a
    read-only notebook) is reported at once (WarehouseBusy), not by dbt after it has parsed the project."""
    if not warehouse_exists(db_path):
        return False
    with connect(db_path) as con:
        return "papers" in tables_in(con) and con.execute("select exists (select 1 from raw.papers)").fetchone()[0]


BUILD_LOCK = "ptmreuse:build"


@contextmanager
def _one_build_on_the_lake() -> Iterator[None]:
    """On a lake, one build at a time from any machine (the catalog's advisory lock; the file has its writer lock)."""
    lake = configured_lake()
    session = None if lake is None else try_lake_lock(lake, BUILD_LOCK)
    if lake is not None and session is None:
        raise WarehouseBusy("another `ptmreuse build` is building the lake: let it finish, then run this again")
    try:
        yield
    finally:
        if session is not None:
            session.close()  # ends the session, and with it the lock


def build_warehouse(db_path: Path, args: list[str], console: Console, *, summary_only: bool = False) -> int:
    """`dbt build` as `ptmreuse build` and the demo run it; ends with which labels fed the marts.

    Raises NoPapers at once on a warehouse without papers, ThreadsOnLake for --threads > 1 on the lake (dbt's
    on-run-start refuses both too, for a plain `dbt build`) and UnbuildableName, before dbt starts.
    """
    require_buildable_name(db_path)
    threads = _threads_asked(args)
    if configured_lake() is not None and threads is not None and threads > 1:
        raise ThreadsOnLake(
            f"the lake builds with one thread, not {threads}: several threads corrupt a DuckLake catalog (ducklake "
            "issue #1404); run again without --threads"
        )
    if not has_papers(db_path):
        raise NoPapers(NO_PAPERS)
    with _one_build_on_the_lake():
        code = run_dbt(["build", *args], db_path, summary=console if summary_only else None)
    if code == 0:
        print_labels_in_marts(db_path, console)
    return code


def print_labels_in_marts(db_path: Path, console: Console) -> None:
    """The run configuration whose labels the marts hold, its coverage, and a warning when it is partial."""
    with connect(db_path, read_only=True) as con:
        if "int_run_configurations" not in tables_in(con, "intermediate"):
            return
        rows = con.execute(
            """
            select run_configuration, selected_by, papers_analysed, papers_in_warehouse, coverage, calls,
                   failed_calls, coalesce(failed_call_share, 0), is_selected
            from intermediate.int_run_configurations
            order by is_selected desc, coverage desc, run_configuration
            """
        ).fetchall()
    if not rows:
        console.print("[yellow]no classifier labels in the marts[/yellow]: run `ptmreuse classify` first")
        return
    if not rows[0][8]:
        console.print(
            "[yellow]no classifier labels in the marts[/yellow]: no configuration is eligible by default (see "
            "intermediate.int_run_configurations); choose one with --vars '{classifier_configuration: ...}'"
        )
        return
    name, selected_by, analysed, papers, coverage, calls, failed, failed_share, _ = rows[0]
    reason = "the highest coverage" if selected_by == "coverage" else f"var {selected_by}"
    others = f"; {len(rows) - 1} other configuration(s) in intermediate.int_run_configurations" if len(rows) > 1 else ""
    console.print(f"labels in the marts: [bold]{name}[/bold] (chosen by {reason})")
    console.print(
        f"  coverage {analysed:,} of {papers:,} papers ({coverage:.1%}); {failed:,} of {calls:,} calls failed"
        f" ({failed_share:.1%}){others}"
    )
    if analysed < papers:
        console.print(
            f"[yellow]partial coverage[/yellow]: {papers - analysed:,} papers have no complete labels in this "
            "configuration and count as not analysed; label them with `ptmreuse classify` (same options)."
        )
