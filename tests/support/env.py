"""Point every web source at the local replay server, with backoff numbers small enough for a test."""

from __future__ import annotations

import pytest

from ingestion.web import Politeness

FAST = Politeness(
    requests_per_second=1000.0,
    max_attempts=3,
    backoff_seconds=0.01,
    max_wait_seconds=5.0,  # a Retry-After of a second or two is honoured; longer ones give up at once
    timeout_seconds=2.0,
)


def point_at(monkeypatch: pytest.MonkeyPatch, url: str) -> None:
    monkeypatch.setenv("OPENALEX_BASE_URL", url)
    monkeypatch.setenv("OPENALEX_API_KEY", "test-key")
    monkeypatch.setenv("PLOS_SEARCH_BASE_URL", f"{url}/search")
    monkeypatch.setenv("PLOS_JOURNALS_BASE_URL", url)
    monkeypatch.setenv("EUROPEPMC_BASE_URL", f"{url}/europepmc")
    monkeypatch.setenv("RUNTIME__DLTHUB_TELEMETRY", "false")
