"""The dlt pipeline every source loads through: a dataset of the warehouse (`raw` unless told), state beside it.

dlt's own settings (writer buffer, compression, job clean-up) live in the project's `.dlt/config.toml`.
"""

from __future__ import annotations

from pathlib import Path

import dlt
from dlt.common.destination import Destination
from dlt.destinations.impl.duckdb.configuration import DuckDbCredentials
from dlt.destinations.impl.ducklake.configuration import DuckLakeCredentials

from warehouse.lake import ALIAS, LAKE_CONFIG, configured_lake, install_extensions
from warehouse.paths import dlt_pipelines_dir

RAW_DATASET = "raw"
# DuckDB's cache while loading is capped, so memory stays flat whatever the corpus size. Loaders bound their
# chunks to fit it (ingestion/jats/pipeline.py); the cap itself must hold what a checkpoint pins: one vector of
# 2,048 rows, i.e. 2,048 full texts (~250 MB for papers at the 99th percentile of length, ~120 KB).
DUCKDB_LOAD_MEMORY = "512MB"


def duckdb_load_config() -> dict[str, str]:
    """DuckDB settings for every connection that loads (one process must open the file with one configuration)."""
    return {"memory_limit": DUCKDB_LOAD_MEMORY}


def _destination(db_path: Path) -> Destination:
    """The warehouse as a dlt destination: the DuckDB file, or the lake PTMREUSE_WAREHOUSE names."""
    lake = configured_lake()
    if lake is None:
        return dlt.destinations.duckdb(DuckDbCredentials(str(db_path), global_config=duckdb_load_config()))
    install_extensions()  # dlt's ATTACH loads them from DuckDB's extension folder
    # the catalog's default schema holds the lake's tables, as when the lake is opened directly (warehouse/lake.py)
    credentials = DuckLakeCredentials(ALIAS, metadata_schema="public", catalog=lake.catalog, storage=lake.data_path)
    credentials.global_config = {**duckdb_load_config(), **LAKE_CONFIG}
    return dlt.destinations.ducklake(credentials)


def make_pipeline(
    db_path: Path, name: str, dataset: str = RAW_DATASET, pipelines_dir: Path | None = None
) -> dlt.Pipeline:
    """A dlt pipeline writing `dataset` of the warehouse (state kept beside `db_path`, or in `pipelines_dir`)."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    return dlt.pipeline(
        pipeline_name=name,
        destination=_destination(db_path),
        dataset_name=dataset,
        pipelines_dir=str(pipelines_dir or dlt_pipelines_dir(db_path)),
    )
