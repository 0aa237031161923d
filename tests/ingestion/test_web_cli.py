"""The web commands end to end through the CLI, against the local replay server: output, exit codes, rows."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingestion.identifiers import normalize_doi
from ptmreuse.cli import app
from tests.duck import query
from tests.support.env import point_at
from tests.support.http_server import ReplayServer, Reply
from tests.support.recorded import openalex_responder, openalex_works
from tests.support.warehouses import ingested_warehouse

PAPERS = ("docling/pone.0234687.nxml", "docling/elife-56337.nxml")


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = ingested_warehouse(tmp_path, PAPERS)
    monkeypatch.setenv("PTMREUSE_DB", str(db))
    return db


def test_ingest_openalex_records_every_paper_and_prints_a_summary(warehouse: Path, monkeypatch) -> None:
    works = openalex_works()
    with ReplayServer() as server:
        server.add("/works", openalex_responder(works))
        point_at(monkeypatch, server.url)
        result = CliRunner().invoke(app, ["ingest", "openalex"])
    assert result.exit_code == 0, result.output
    assert "DOIs asked" in result.output and "not found (recorded)" in result.output
    # the recorded works are other papers: both of ours are recorded as not found, none is dropped
    statuses = dict(query(warehouse, "select doi, status from raw.openalex_lookups"))
    assert statuses == {"10.1371/journal.pone.0234687": "not_found", "10.7554/elife.56337": "not_found"}
    assert server.hits("/works")[0].param("api_key") == "test-key"
    assert all(normalize_doi(w.get("doi")) not in statuses for w in works)


def test_ingest_openalex_explains_a_refused_key_and_exits_2(warehouse: Path, monkeypatch) -> None:
    with ReplayServer() as server:
        server.add("/works", Reply(status=401, body={"error": "invalid api key"}))
        point_at(monkeypatch, server.url)
        result = CliRunner().invoke(app, ["ingest", "openalex"])
        assert len(server.hits("/works")) == 1  # no retry storm on a refused key
    assert result.exit_code == 2
    assert "OPENALEX_API_KEY" in result.output and "test-key" not in result.output


def test_ingest_openalex_without_a_key_stops_before_any_request(warehouse: Path, monkeypatch) -> None:
    # the public API (default base URL) needs a key; the command must refuse before it reaches the network
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    monkeypatch.delenv("OPENALEX_BASE_URL", raising=False)
    result = CliRunner().invoke(app, ["ingest", "openalex"])
    assert result.exit_code == 2
    assert "OPENALEX_API_KEY is not set" in result.output and "export OPENALEX_API_KEY" in result.output


def test_search_command_writes_the_recorded_plos_hit(warehouse: Path, monkeypatch) -> None:
    from tests.support.recorded import RECORDED

    recorded = RECORDED / "colrev-api-responses" / "data_plos" / "10.1371_journal.pone.0022081.json"
    with ReplayServer() as server:
        server.add("/search", Reply(body=recorded.read_bytes()))
        point_at(monkeypatch, server.url)
        result = CliRunner().invoke(
            app, ["search", "--source", "plos", "--years", "2011", "--keyword", '"Deep Learning"']
        )
        assert len(server.hits("/search")) == 1
    assert result.exit_code == 0, result.output
    assert "queries completed" in result.output
    hits = query(warehouse, "select doi, source, keyword, year from raw.search_hits")
    assert hits == [("10.1371/journal.pone.0022081", "plos", '"Deep Learning"', 2011)]


def test_an_unknown_host_stops_the_run_at_its_first_request(warehouse: Path, monkeypatch) -> None:
    """No network (or a mistyped base URL): one line at the first request, not half a minute of retries per query."""
    from ingestion.web import PoliteClient, Unreachable

    client = PoliteClient("Nowhere", "http://ptmreuse-test.invalid")  # .invalid never resolves (RFC 6761)
    with pytest.raises(Unreachable, match=r"cannot resolve ptmreuse-test\.invalid"):
        client.get("/anything")
    assert client.attempts == 1  # asked once, not retried
    point_at(monkeypatch, "http://ptmreuse-test.invalid")
    result = CliRunner().invoke(app, ["search", "--source", "plos", "--years", "2011-2015"])
    assert result.exit_code == 2, result.output
    assert "PLOS search: cannot resolve ptmreuse-test.invalid — check the network connection" in result.output
    assert "queries completed" not in result.output
    tables = {name for (name,) in query(warehouse, "select table_name from duckdb_tables() where schema_name = 'raw'")}
    assert "search_hits" not in tables  # nothing was written
