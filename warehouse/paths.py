"""Where things live. One source of truth for paths, so every command (and dbt) sees the same database."""

from __future__ import annotations

import hashlib
import os
import re
from pathlib import Path

from warehouse.lake import configured_lake

PROJECT_DIR = Path(os.environ.get("PTMREUSE_PROJECT_DIR", Path(__file__).resolve().parent.parent))
DEFAULT_DB = "data/warehouse.duckdb"
SAMPLE_CORPUS = PROJECT_DIR / "corpus" / "sample-jats.zip"
DLT_FALLBACK_DIR = Path.home() / ".cache" / "ptmreuse" / "dlt"  # dlt's state when the database's folder can't hold it


def database_path() -> Path:
    """The DuckDB file every command reads and writes: `PTMREUSE_DB`, else `data/warehouse.duckdb`.

    A relative path is taken from the project directory, as dbt's profile does, so the CLI and dbt agree.
    """
    path = Path(os.environ.get("PTMREUSE_DB", DEFAULT_DB))
    return path if path.is_absolute() else PROJECT_DIR / path


def dlt_pipelines_dir(db_path: Path) -> Path:
    """dlt keeps pipeline state beside the database it loads, so two databases (or lakes) never share state.

    dlt's DuckDB loader writes its load files' paths into SQL string literals unescaped, so beside a database whose
    path holds an apostrophe ("/home/o'brien/warehouse.duckdb") every load fails: there the state goes to the user's
    cache folder instead, under the database's name and a hash of its real path (still one folder per database)."""
    lake = configured_lake()
    folder = db_path.parent / ".dlt" / (db_path.stem if lake is None else f"lake-{lake.key}")
    if "'" not in str(folder):
        return folder
    digest = hashlib.sha256(str(db_path.resolve()).encode()).hexdigest()[:16]
    return DLT_FALLBACK_DIR / f"{re.sub(r'[^A-Za-z0-9_.-]', '_', folder.name)}-{digest}"


def quiet_telemetry() -> None:
    """The project runs offline; make sure neither dlt nor dbt tries to phone home."""
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
