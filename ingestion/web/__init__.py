"""Polite HTTP for the REST sources (OpenAlex, PLOS, Europe PMC): rate limit, bounded retries, clear errors."""

from ingestion.web.client import (
    AccessDenied,
    GaveUp,
    PoliteClient,
    Politeness,
    ServiceError,
)

__all__ = ["AccessDenied", "GaveUp", "PoliteClient", "Politeness", "ServiceError"]
