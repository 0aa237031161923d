"""Arrow schemas of the three raw tables the JATS source writes (the contract staging models read)."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

_TS = pa.timestamp("us", tz="UTC")

PAPERS = pa.schema(
    [
        pa.field("doi", pa.string(), nullable=False),
        ("pmid", pa.string()),
        ("pmcid", pa.string()),
        ("title", pa.string()),
        ("abstract", pa.string()),
        ("journal", pa.string()),
        ("publisher", pa.string()),
        ("article_type", pa.string()),
        ("publication_date", pa.date32()),
        ("publication_year", pa.int32()),
        ("license_url", pa.string()),
        ("license_text", pa.string()),
        ("subjects", pa.list_(pa.string())),
        ("keywords", pa.list_(pa.string())),
        ("body_text", pa.string()),
        ("char_count", pa.int64()),
        ("word_count", pa.int64()),
        ("section_count", pa.int32()),
        ("content_hash", pa.string()),
        ("source_file", pa.string()),
        ("corpus", pa.string()),
        ("parser_version", pa.string()),
        ("ingested_at", _TS),
    ]
)

PAPER_SECTIONS = pa.schema(
    [
        pa.field("doi", pa.string(), nullable=False),
        pa.field("ordinal", pa.int32(), nullable=False),
        ("depth", pa.int32()),
        ("heading", pa.string()),
        ("section_type", pa.string()),
        ("kind", pa.string()),
        ("text", pa.string()),
        ("char_count", pa.int64()),
        ("ingested_at", _TS),
    ]
)

INGEST_REJECTS = pa.schema(
    [
        pa.field("source_file", pa.string(), nullable=False),
        pa.field("content_hash", pa.string(), nullable=False),
        ("corpus", pa.string()),
        ("reason", pa.string()),
        ("error", pa.string()),
        ("doi", pa.string()),
        ("parser_version", pa.string()),
        ("ingested_at", _TS),
    ]
)

# dlt column hints: lists are stored as JSON, keys are not null.
PAPERS_COLUMNS: dict[str, Any] = {
    "doi": {"nullable": False},
    "subjects": {"data_type": "json"},
    "keywords": {"data_type": "json"},
}
SECTIONS_COLUMNS: dict[str, Any] = {"doi": {"nullable": False}, "ordinal": {"nullable": False}}
REJECTS_COLUMNS: dict[str, Any] = {"source_file": {"nullable": False}, "content_hash": {"nullable": False}}


def to_table(rows: list[dict[str, Any]], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=schema)
