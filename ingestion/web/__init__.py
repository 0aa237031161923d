"""HTTP to the REST sources (OpenAlex, PLOS, Europe PMC) on dlt's REST helpers: rate, retries, paging, clear errors."""

from ingestion.web.client import (
    AccessDenied,
    GaveUp,
    IncompleteResults,
    PoliteClient,
    Politeness,
    ServiceError,
    ServiceUnusable,
    Unreachable,
)

__all__ = [
    "AccessDenied",
    "GaveUp",
    "IncompleteResults",
    "PoliteClient",
    "Politeness",
    "ServiceError",
    "ServiceUnusable",
    "Unreachable",
]
