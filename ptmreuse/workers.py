"""Many ingest and classify workers on one lake: split a job into shards, and what a worker does with one.

A JATS shard is a slice of a corpus's listing (entries [start, stop) of a zip or directory, in its stable order);
a classify shard is a DOI range of raw.papers with the run's options. The queue itself (leases, retries, status)
is warehouse/queue.py; a worker runs the same functions as `ptmreuse ingest jats` and `ptmreuse classify`, on its
shard, so a shard's result is what those commands would have made of it.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from rich.console import Console

from classifiers.engine.budget import declare_shared_budget
from classifiers.options import ClassifyRequest, StructuredOutput
from classifiers.store import create_label_tables
from warehouse import tables_in
from warehouse.connect import connect
from warehouse.lake import Lake, configured_lake
from warehouse.paths import database_path, quiet_telemetry
from warehouse.queue import Shard

DEFAULT_PAPERS_PER_SHARD = 500
# The options of a classify run that travel with its shards (each is a ClassifyRequest field).
CLASSIFY_OPTIONS = (
    "backend",
    "protocol",
    "model",
    "base_url",
    "structured_output",
    "concurrency",
    "max_cost_usd",
    "max_tokens_budget",
    "max_output_tokens",
    "token_budget",
    "timeout_s",
)


class NoLake(Exception):
    """Workers and their queue need a lake (PTMREUSE_WAREHOUSE)."""


def required_lake() -> Lake:
    lake = configured_lake()
    if lake is None:
        raise NoLake(
            "workers need a lake: set PTMREUSE_WAREHOUSE and PTMREUSE_LAKE_DATA (the queue lives in its PostgreSQL "
            "catalog; a single DuckDB file admits one writer, so run `ptmreuse ingest jats` / `classify` instead)"
        )
    return lake


def ingest_shards(paths: list[Path], papers_per_shard: int, max_file_bytes: int) -> list[Shard]:
    """Each corpus (zip, directory or file) cut into slices of `papers_per_shard` listed files."""
    from ingestion.jats.files import Corpus

    shards = []
    for path in paths:
        corpus = Corpus(path.resolve(), max_file_bytes)
        entries = len(corpus.listing().entries)  # CorpusError for a corpus that cannot be read
        corpus.close()
        for start in range(0, entries, papers_per_shard):
            stop = min(start + papers_per_shard, entries)
            name = f"{corpus.path}[{start}:{stop}]"
            payload = {"shard": name, "corpus": str(corpus.path), "start": start, "stop": stop}
            shards.append(Shard("ingest", name, {**payload, "max_file_bytes": max_file_bytes}))
    return shards


def classify_shards(request: ClassifyRequest, papers_per_shard: int) -> list[Shard]:
    """raw.papers cut into DOI ranges of `papers_per_shard` papers; every shard carries the run's options and the
    name of the job's budget, declared here in the catalog with the run's caps."""
    lake = required_lake()
    options = {name: getattr(request, name) for name in CLASSIFY_OPTIONS}
    options["structured_output"] = str(request.structured_output)
    job = hashlib.sha1(json.dumps(options, sort_keys=True).encode()).hexdigest()[:10]
    with connect(database_path()) as con:
        create_label_tables(con)  # here, once: workers creating them at once would meet in DuckLake's commits
        papers = "papers" in tables_in(con)
        dois = [doi for (doi,) in con.execute("select doi from raw.papers order by doi").fetchall()] if papers else []
    declare_shared_budget(lake, f"classify-{job}", request.max_tokens_budget, request.max_cost_usd)
    shards = []
    for start in range(0, len(dois), papers_per_shard):
        first, last = dois[start], dois[min(start + papers_per_shard, len(dois)) - 1]
        name = f"{job}:{first}..{last}"
        payload = {"shard": name, "first": first, "last": last, "options": options, "budget": f"classify-{job}"}
        shards.append(Shard("classify", name, payload))
    return shards


def ingest_shard(payload: dict[str, Any], parse_workers: int) -> dict[str, Any]:
    """Load one JATS shard, as `ptmreuse ingest jats` would load that slice of the corpus."""
    from ingestion.jats.pipeline import ingest_jats_corpus

    quiet_telemetry()
    stats = ingest_jats_corpus(
        Path(payload["corpus"]),
        database_path(),
        console=Console(stderr=True, quiet=True),
        max_file_bytes=int(payload["max_file_bytes"]),
        workers=parse_workers,
        part=(int(payload["start"]), int(payload["stop"])),
    )
    return {"loaded": stats.loaded, "updated": stats.updated, "unchanged": stats.unchanged, "rejected": stats.rejected}


def classify_shard(payload: dict[str, Any]) -> dict[str, Any]:
    """Label one DOI range, as `ptmreuse classify` would, drawing on the job's shared budget."""
    from classifiers.engine.runner import RunOutcome
    from classifiers.engine.service import classify

    options = dict(payload["options"])
    options["structured_output"] = StructuredOutput(options["structured_output"])
    request = ClassifyRequest(**options, doi_range=(payload["first"], payload["last"]), shared_budget=payload["budget"])
    outcome = classify(database_path(), request, Console(stderr=True, quiet=True))
    assert isinstance(outcome, RunOutcome)  # never a dry run
    counts = {key: value for key, value in outcome.stats.as_dict().items() if key in _COUNTS}
    return {"run_id": outcome.run_id, "status": outcome.status, **counts}


_COUNTS = ("papers_total", "papers_done", "calls", "cache_hits", "rows_written", "cost_usd")
