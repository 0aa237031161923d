"""The dlt pipeline every source loads through: dataset `raw` of the warehouse, tuned for full-text rows."""

from __future__ import annotations

from pathlib import Path

import dlt
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials

from warehouse.paths import dlt_pipelines_dir

RAW_DATASET = "raw"
WRITER_BUFFER_ROWS = 100
DUCKDB_LOAD_MEMORY = "256MB"


def make_pipeline(db_path: Path, name: str) -> dlt.Pipeline:
    """A dlt pipeline writing dataset `raw` of the DuckDB file at `db_path` (state kept beside that file)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    # Memory stays flat whatever the corpus size: dlt flushes to disk every few hundred rows (its default, 5,000
    # full-text rows, is hundreds of MB) and DuckDB's cache during the load is capped.
    dlt.config["data_writer.buffer_max_items"] = WRITER_BUFFER_ROWS
    # Load files are transient (DuckDB reads them once): written uncompressed and deleted after loading.
    # For full texts this writes several times faster than the default snappy.
    dlt.config["data_writer.compression"] = "none"
    dlt.config["load.delete_completed_jobs"] = True
    credentials = DuckDbCredentials(str(db_path), global_config={"memory_limit": DUCKDB_LOAD_MEMORY})
    return dlt.pipeline(
        pipeline_name=name,
        destination=dlt.destinations.duckdb(credentials),
        dataset_name=RAW_DATASET,
        pipelines_dir=str(dlt_pipelines_dir(db_path)),
    )
