"""The study's search grid (step 1): six quoted keywords × publication years, and what one query returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

# AIUS `_search_keywords` (HEAD): the double quotes are part of the string, so every engine does a phrase search.
STUDY_KEYWORDS: tuple[str, ...] = (
    '"Deep Learning"',
    '"Deep Neural Network"',
    '"Hugging Face"',
    '"Model Checkpoint"',
    '"Model Weights"',
    '"Pre-Trained Model"',
)


@dataclass(frozen=True, slots=True)
class Query:
    source: str  # plos | europepmc
    keyword: str
    year: int


@dataclass(slots=True)
class Hit:
    doi: str
    title: str | None
    journal: str | None
    pmcid: str | None
    is_open_access: bool | None
    record: dict[str, Any]  # the document exactly as the service returned it


@dataclass(slots=True)
class Page:
    number: int  # 1-based
    url: str  # without secrets
    num_found: int | None
    hits: list[Hit]
    response: Any  # the whole parsed response


@dataclass(slots=True)
class QueryResult:
    """Every page of one query, fetched to the end: only complete queries are ever written."""

    query: Query
    pages: list[Page] = field(default_factory=list)
    skipped_per_page: list[int] = field(default_factory=list)  # documents without a usable DOI, per page
    retrieved_at: datetime = field(default_factory=lambda: datetime.now(UTC))


def parse_years(text: str) -> list[int]:
    """`2015-2024`, `2019`, or `2015,2017,2020-2021` → sorted distinct years."""
    years: set[int] = set()
    for part in (p.strip() for p in text.split(",") if p.strip()):
        first, _, last = part.partition("-")
        try:
            low, high = int(first), int(last or first)
        except ValueError as error:
            raise ValueError(f"cannot read years from {text!r}: use e.g. 2015-2024 or 2019,2021") from error
        if low > high or low < 1900 or high > 2100:
            raise ValueError(f"year range {part!r} is not a plausible publication-year range")
        years.update(range(low, high + 1))
    if not years:
        raise ValueError("no years given: use e.g. 2015-2024")
    return sorted(years)
