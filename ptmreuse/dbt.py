"""Run dbt against the same DuckDB file as the rest of the CLI."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from rich.console import Console

from ptmreuse.bootstrap import latest_change_stamp, outdated_per_paper_tables, papers_changed_since
from warehouse.paths import PROJECT_DIR, quiet_telemetry
from warehouse.raw_schema import ensure_raw_tables


def dbt_executable() -> str:
    """The dbt installed beside this Python (the project's venv), else the one on PATH."""
    beside = Path(sys.executable).parent / "dbt"
    found = str(beside) if beside.exists() else shutil.which("dbt")
    if not found:
        raise FileNotFoundError("dbt is not installed: run `make setup` (it installs dbt-core and dbt-duckdb)")
    return found


def run_dbt(args: list[str], db_path: Path, extra_env: dict[str, str] | None = None) -> int:
    """Run `dbt <args>` in the project directory with PTMREUSE_DB pointing at `db_path`; return its exit code.

    dbt runs in its own process so that its DuckDB connection (and file lock) ends with it.
    """
    quiet_telemetry()
    env = {**os.environ, "PTMREUSE_DB": str(db_path), **(extra_env or {})}
    command = [dbt_executable(), *args, "--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    return subprocess.run(command, cwd=PROJECT_DIR, env=env, check=False).returncode


def build_warehouse(db_path: Path, args: list[str], console: Console) -> int:
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
    code = run_dbt(["build", *args], db_path)
    if code == 0:
        changed, total = papers_changed_since(db_path, before)
        if before is None:
            console.print(f"first build of the per-paper models: {total:,} DOIs")
        else:
            console.print(f"{changed:,} of {total:,} DOIs changed since the last build (only these were recomputed)")
    return code
