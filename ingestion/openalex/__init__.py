"""dlt source for OpenAlex works: raw.openalex_works, raw.openalex_work_topics, raw.openalex_lookups.

A hidden parent resource produces batches (the works of one DOI batch or one cursor page, plus a status row per
requested DOI) and three transformers split them into tables. The producer gets the source state, so discovery
can keep its `from_updated_date` high-water mark there: dlt commits it only when the load succeeds.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import dlt

from ingestion.openalex.schema import (
    LOOKUPS,
    LOOKUPS_HINTS,
    TOPICS_HINTS,
    WORK_TOPICS,
    WORKS,
    WORKS_HINTS,
    topic_rows,
    work_row,
)


@dataclass(slots=True)
class WorkBatch:
    works: list[dict[str, Any]] = field(default_factory=list)
    lookups: list[dict[str, Any]] = field(default_factory=list)
    retrieved_at: datetime = field(default_factory=lambda: datetime.now(UTC))


Producer = Callable[[dict[str, Any]], Iterable[WorkBatch]]


@dlt.source(name="openalex", max_table_nesting=0)
def openalex(produce: Producer) -> Any:
    """Works, their ranked topics, and DOI lookup statuses from whatever `produce(state)` yields."""

    @dlt.resource(selected=False)
    def batches() -> Iterator[WorkBatch]:
        produced = False
        for batch in produce(dlt.current.source_state()):
            produced = True
            yield batch
        if not produced:
            yield WorkBatch()  # so the three tables exist even when nothing was fetched

    @dlt.transformer(data_from=batches, name="openalex_works", write_disposition="merge", **WORKS_HINTS)
    def openalex_works(batch: WorkBatch) -> Iterator[Any]:
        yield WORKS.to_arrow([work_row(w, batch.retrieved_at) for w in _distinct(batch.works)])

    @dlt.transformer(data_from=batches, name="openalex_work_topics", write_disposition="merge", **TOPICS_HINTS)
    def openalex_work_topics(batch: WorkBatch) -> Iterator[Any]:
        rows = [row for w in _distinct(batch.works) for row in topic_rows(w, batch.retrieved_at)]
        yield WORK_TOPICS.to_arrow(rows)

    @dlt.transformer(data_from=batches, name="openalex_lookups", write_disposition="merge", **LOOKUPS_HINTS)
    def openalex_lookups(batch: WorkBatch) -> Iterator[Any]:
        yield LOOKUPS.to_arrow(batch.lookups)

    return openalex_works, openalex_work_topics, openalex_lookups


def _distinct(works: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One work per OpenAlex id within a batch (merge needs unique keys per load)."""
    return list({w["id"]: w for w in works if w.get("id")}.values())
