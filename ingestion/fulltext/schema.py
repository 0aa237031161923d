"""Arrow schema of raw.fulltext_fetches: one row per DOI we tried to fetch, with what happened."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

FULLTEXT_FETCHES = pa.schema(
    [
        pa.field("doi", pa.string(), nullable=False),
        ("source", pa.string()),  # plos | europepmc
        (
            "status",
            pa.string(),
        ),  # fetched | no_full_text | not_found | not_open_access | no_pmcid | unsupported | malformed | error
        ("http_status", pa.int32()),
        ("url", pa.string()),
        ("detail", pa.string()),
        ("file_name", pa.string()),
        ("content_hash", pa.string()),
        ("fetched_at", pa.timestamp("us", tz="UTC")),
    ]
)
FETCHES_HINTS: dict[str, Any] = {"primary_key": "doi", "columns": {"doi": {"nullable": False}}}


def to_table(rows: list[dict[str, Any]]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=FULLTEXT_FETCHES)
