"""Where papers come in: dlt sources that load article metadata and full text into DuckDB's `raw` schema."""

import os

from warehouse.paths import PROJECT_DIR

# dlt reads its settings from `.dlt/` in the current directory unless told otherwise; users run ptmreuse from
# anywhere, so point it at the project's `.dlt/config.toml` before any dlt module reads its configuration.
os.environ.setdefault("DLT_PROJECT_DIR", str(PROJECT_DIR))
