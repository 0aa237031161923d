"""raw.fulltext_fetches (one row per DOI we tried to fetch, with what happened): its dlt hints.

The columns are declared in models/staging/__sources.yml (warehouse.raw_schema).
"""

from __future__ import annotations

from typing import Any

from warehouse.raw_schema import raw_table

FULLTEXT_FETCHES = raw_table("fulltext_fetches")
FETCHES_HINTS: dict[str, Any] = {"primary_key": "doi", "columns": FULLTEXT_FETCHES.dlt_columns()}
