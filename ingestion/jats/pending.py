"""Before a JATS ingest reads what the warehouse holds: finish, or drop, the dlt load packages a run left behind.

A package is pending when a run stopped after dlt extracted a chunk and before it finished loading it (a kill, a
reader holding the file, a failed job). Pending packages must be settled first: read before them, the warehouse
would not list their papers, and the run would parse and load those papers a second time.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import dlt
import pyarrow.parquet as pq
from dlt.common.storages import NormalizeStorage

from warehouse.connect import busy_message, is_lock_conflict
from warehouse.lock import WarehouseBusy


@contextmanager
def busy_as_warehouse_busy(db_path: Path) -> Iterator[None]:
    """DuckDB's file-lock error, however deep dlt wrapped it, as one `WarehouseBusy` line naming the holder."""
    try:
        yield
    except WarehouseBusy:
        raise
    except Exception as error:
        if is_lock_conflict(error):
            raise WarehouseBusy(busy_message(db_path, error)) from None
        raise


def first_line(error: BaseException) -> str:
    """The innermost cause's first line: what went wrong, without dlt's wrappers."""
    while (inner := getattr(error, "exception", None) or error.__cause__) is not None and inner is not error:
        error = inner
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]


def _sweep_abandoned_extracts(pipeline: dlt.Pipeline) -> None:
    """A run killed while extracting leaves a half-written folder that dlt never reuses nor deletes."""
    normalize = Path(pipeline.working_dir) / "normalize"
    if normalize.is_dir():
        for folder in normalize.iterdir():
            if folder.is_dir() and folder.name != NormalizeStorage.EXTRACTED_FOLDER:
                shutil.rmtree(folder, ignore_errors=True)


def _papers_held(pipeline: dlt.Pipeline, load_ids: list[str]) -> tuple[int, set[str]]:
    """How many papers the packages hold, and from which corpora (read from their files)."""
    dois: set[str] = set()
    corpora: set[str] = set()
    for load_id in load_ids:
        for jobs in pipeline.get_load_package_info(load_id).jobs.values():
            for job in jobs:
                if job.job_file_info.table_name == "papers" and job.file_path.endswith(".parquet"):
                    table = pq.read_table(job.file_path, columns=["doi", "corpus"])
                    dois.update(table["doi"].to_pylist())
                    corpora.update(table["corpus"].to_pylist())
    return len(dois), corpora


def settle_pending(pipeline: dlt.Pipeline, db_path: Path) -> list[str]:
    """Load what an earlier run left pending, or drop it when it cannot be loaded; one note per thing done.

    `WarehouseBusy` when another process holds the file: the packages stay pending for the next run.
    """
    _sweep_abandoned_extracts(pipeline)
    if not pipeline.has_pending_data:
        return []
    load_ids = [*pipeline.list_extracted_load_packages(), *pipeline.list_normalized_load_packages()]
    try:
        with busy_as_warehouse_busy(db_path):
            if pipeline.list_extracted_load_packages():
                pipeline.normalize()
            pipeline.load()
    except WarehouseBusy:
        raise
    except Exception as error:
        papers, corpora = _papers_held(pipeline, load_ids)
        pipeline.abort_packages()
        return [dropped_note(error, papers, corpora)]
    return [f"finished loading {len(load_ids)} chunk(s) an interrupted run left pending"]


def dropped_note(error: BaseException, papers: int, corpora: set[str]) -> str:
    """One line for a chunk an earlier run left that cannot be loaded, so it was dropped instead of blocking."""
    where = f" from {', '.join(sorted(corpora))}" if corpora else ""
    return (
        f"dropped a chunk an earlier run left unfinished, which cannot be loaded ({first_line(error)}); its "
        f"{papers} papers{where} are loaded again when their corpus is ingested (this run does so for its own)"
    )
