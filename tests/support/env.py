"""Point every web source at the local replay server, with backoff numbers small enough for a test."""

from __future__ import annotations

import pytest

from ingestion.web import Politeness

FAST = Politeness(
    requests_per_second=1000.0,
    max_attempts=3,
    max_total_seconds=10.0,
    backoff_initial=0.01,
    backoff_max=0.05,
    timeout_seconds=2.0,
)


def point_at(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("OPENALEX_BASE_URL", url)
    monkeypatch.setenv("OPENALEX_API_KEY", "test-key")
    monkeypatch.setenv("PLOS_SEARCH_BASE_URL", f"{url}/search")
    monkeypatch.setenv("PLOS_JOURNALS_BASE_URL", url)
    monkeypatch.setenv("EUROPEPMC_BASE_URL", f"{url}/europepmc")
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
