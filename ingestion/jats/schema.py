"""raw.papers, raw.paper_sections and raw.ingest_rejects: how row batches become Arrow tables.

The columns are declared in models/staging/__sources.yml (warehouse.raw_schema). The Arrow schemas alone type the
landing tables (no dlt hints needed): `raw` gets its declared types when a chunk is published into it.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from warehouse.raw_schema import raw_table

PAPERS = raw_table("papers")
PAPER_SECTIONS = raw_table("paper_sections")
INGEST_REJECTS = raw_table("ingest_rejects")

_JSON_LISTS = ("other_dois", "subjects", "keywords")  # lists in a parsed paper, JSON in raw.papers


def papers_table(rows: list[dict[str, Any]]) -> pa.Table:
    return PAPERS.to_arrow([{**row, **{key: json.dumps(row[key]) for key in _JSON_LISTS}} for row in rows])
