"""raw.papers, raw.paper_sections and raw.ingest_rejects: their dlt hints and how row batches become tables.

The columns are declared in models/staging/__sources.yml (warehouse.raw_schema).
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from warehouse.raw_schema import raw_table

PAPERS = raw_table("papers")
PAPER_SECTIONS = raw_table("paper_sections")
INGEST_REJECTS = raw_table("ingest_rejects")

PAPERS_COLUMNS = PAPERS.dlt_columns()
SECTIONS_COLUMNS = PAPER_SECTIONS.dlt_columns()
REJECTS_COLUMNS = INGEST_REJECTS.dlt_columns()
_JSON_LISTS = ("subjects", "keywords")  # lists in a parsed paper, JSON in raw.papers


def papers_table(rows: list[dict[str, Any]]) -> pa.Table:
    return PAPERS.to_arrow([{**row, **{key: json.dumps(row[key]) for key in _JSON_LISTS}} for row in rows])
