"""A throw-away GX context: in-memory stores, one Data Docs site on disk, no analytics, no progress bars.

Nothing is written to the user's home or a `gx/` project folder: suites are rebuilt from code on every run, and only
the HTML Data Docs persist, under the report directory.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

SITE_NAME = "ptmreuse_quality"


def quiet_gx() -> None:
    """GX logs warnings and draws tqdm bars per metric; the gate prints its own summary instead."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    for name in ("great_expectations", "great_expectations.core", "great_expectations.data_context"):
        logging.getLogger(name).setLevel(logging.ERROR)


def make_context(docs_dir: Path):
    quiet_gx()
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={
            SITE_NAME: {
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": str(docs_dir)},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False, metric_calculations=False),
    )
    return gx.get_context(mode="ephemeral", project_config=config)
