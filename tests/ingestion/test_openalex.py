"""OpenAlex enrichment and discovery against a local server replaying real recorded works."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingestion.identifiers import normalize_doi
from ingestion.openalex.api import Discovery, MissingKey
from ingestion.openalex.pipeline import discover_works, dois_to_enrich, enrich_dois
from ingestion.pipeline import make_pipeline
from ingestion.search import search_results
from ingestion.search.queries import Hit, Page, Query, QueryResult
from ingestion.web import AccessDenied, IncompleteResults
from tests.duck import query
from tests.support.env import FAST, point_at
from tests.support.http_server import ReplayServer, Reply
from tests.support.recorded import openalex_responder, openalex_works
from warehouse.raw_schema import ensure_raw_tables

WORKS = openalex_works()
WITH_DOI = [w for w in WORKS if w.get("doi")]
UNKNOWN = ["10.9999/not.in.openalex.1", "10.9999/not.in.openalex.2"]


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    with ReplayServer() as srv:
        srv.add("/works", openalex_responder(WORKS))
        point_at(monkeypatch, srv.url)
        yield srv


def test_enrich_records_every_doi_and_types_the_work(server: ReplayServer, db_path: Path) -> None:
    known = [normalize_doi(w["doi"]) for w in WITH_DOI[:5]]
    stats = enrich_dois(db_path, dois=known + UNKNOWN, batch_size=3, politeness=FAST)

    assert (stats.found, stats.not_found) == (5, 2)
    statuses = dict(query(db_path, "select doi, status from raw.openalex_lookups"))
    assert statuses == {**dict.fromkeys(known, "found"), **dict.fromkeys(UNKNOWN, "not_found")}
    # 7 DOIs in batches of 3 → 3 calls, each with the key, a doi filter and a select list
    assert len(server.hits("/works")) == 3
    first = server.hits("/works")[0]
    assert first.param("api_key") == "test-key"
    assert first.param("filter") == "doi:" + "|".join(f"https://doi.org/{d}" for d in known[:3])
    assert "primary_topic" in first.param("select").split(",")

    work = WITH_DOI[0]
    row = query(
        db_path,
        "select openalex_id, publication_year, cited_by_count, is_oa, oa_status, primary_field_id, work_json"
        " from raw.openalex_works where doi = ?",
        [known[0]],
    )[0]
    assert row[0] == work["id"].rsplit("/", 1)[-1]
    assert row[1:5] == (
        work["publication_year"],
        work["cited_by_count"],
        work["open_access"]["is_oa"],
        work["open_access"]["oa_status"],
    )
    assert row[5] == int(work["primary_topic"]["field"]["id"].rsplit("/", 1)[-1])
    assert json.loads(row[6])["topics"] == work["topics"]

    topics = query(
        db_path,
        "select topic_rank, field_id, field_name, domain_id from raw.openalex_work_topics"
        " where openalex_id = ? order by topic_rank",
        [row[0]],
    )
    expected = [
        (i, int(t["field"]["id"].rsplit("/", 1)[-1]), t["field"]["display_name"], int(t["domain"]["id"][-1]))
        for i, t in enumerate(work["topics"], start=1)
    ]
    assert topics == expected


def test_pending_dois_come_from_search_hits_minus_those_looked_up(server: ReplayServer, db_path: Path) -> None:
    dois = [normalize_doi(w["doi"]) for w in WITH_DOI[:4]]
    hits = [Hit(d, None, None, None, None, {}) for d in [*dois, UNKNOWN[0]]]
    result = QueryResult(Query("plos", '"Deep Learning"', 2020), [Page(1, "u", 5, hits, {})], [0])
    make_pipeline(db_path, "search").run(search_results([result]), loader_file_format="parquet")
    assert dois_to_enrich(db_path) == sorted([*dois, UNKNOWN[0]])

    enrich_dois(db_path, dois=dois, politeness=FAST)
    assert dois_to_enrich(db_path) == [UNKNOWN[0]]
    assert sorted(dois_to_enrich(db_path, refresh=True)) == sorted([*dois, UNKNOWN[0]])
    calls = len(server.requests)
    enrich_dois(db_path, politeness=FAST)  # default: only the pending one
    assert server.requests[calls].param("filter") == f"doi:https://doi.org/{UNKNOWN[0]}"
    enrich_dois(db_path, dois=dois, politeness=FAST)
    assert query(db_path, "select count(*) from raw.openalex_works")[0][0] == 4  # merged, not duplicated


def test_failed_batch_is_reported_and_the_others_are_kept(server: ReplayServer, db_path: Path) -> None:
    good = [normalize_doi(w["doi"]) for w in WITH_DOI[:2]]
    bad = [normalize_doi(w["doi"]) for w in WITH_DOI[2:4]]
    bad_filter = "doi:" + "|".join(f"https://doi.org/{d}" for d in bad)
    server.add("/works", Reply(500, {"error": "boom"}), params={"filter": bad_filter})

    stats = enrich_dois(db_path, dois=good + bad, batch_size=2, politeness=FAST)

    assert len(stats.failures) == 1
    assert len([r for r in server.requests if r.param("filter") == bad_filter]) == FAST.max_attempts
    looked_up = {d for (d,) in query(db_path, "select doi from raw.openalex_lookups")}
    assert looked_up == set(good)  # the failed batch left no row, so the next run asks again


def test_refused_key_stops_at_once_with_a_hint(server: ReplayServer, db_path: Path) -> None:
    server.add("/works", Reply(401, {"error": "invalid api key"}))
    with pytest.raises(AccessDenied, match="OPENALEX_API_KEY"):
        enrich_dois(db_path, dois=UNKNOWN, politeness=FAST)
    assert len(server.requests) == 1  # no retry storm


def test_missing_key_fails_before_any_request(monkeypatch: pytest.MonkeyPatch, db_path: Path) -> None:
    monkeypatch.delenv("OPENALEX_BASE_URL", raising=False)
    monkeypatch.delenv("OPENALEX_API_KEY", raising=False)
    with pytest.raises(MissingKey, match="export OPENALEX_API_KEY"):
        enrich_dois(db_path, dois=UNKNOWN, politeness=FAST)


def test_discovery_pages_to_the_end_then_asks_only_for_updates(server: ReplayServer, db_path: Path) -> None:
    discovery = Discovery(field_ids=(11, 13), from_year=2015, to_year=2024)
    stats = discover_works(db_path, discovery, per_page=10, politeness=FAST)

    pages = server.hits("/works")
    assert [p.param("cursor") for p in pages] == ["*", "c10", "c20", "c30", "c40"]
    assert pages[0].param("filter") == "primary_topic.field.id:11|13,publication_year:2015-2024,type:article"
    assert stats.works == len(WORKS)
    assert query(db_path, "select count(*) from raw.openalex_works")[0][0] == len(WORKS)

    newest = max(w["updated_date"] for w in WORKS)[:10]
    discover_works(db_path, discovery, per_page=10, politeness=FAST)
    assert server.requests[-1].param("filter").endswith(f"from_updated_date:{newest}")


def test_repeated_cursor_writes_nothing_and_keeps_the_mark(server: ReplayServer, db_path: Path) -> None:
    page = {"meta": {"count": 3, "next_cursor": "same"}, "results": WORKS[:1]}
    server.add("/works", Reply(body=page))
    with pytest.raises(IncompleteResults):  # itself, not dlt's wrapper around it: the CLI prints one line
        discover_works(db_path, Discovery(), politeness=FAST)
    assert len(server.requests) == 2  # "*" then "same", then the loop is noticed
    ensure_raw_tables(db_path)
    assert query(db_path, "select count(*) from raw.openalex_works")[0][0] == 0
    server.add("/works", openalex_responder(WORKS))
    discover_works(db_path, Discovery(), politeness=FAST)
    assert "from_updated_date" not in server.requests[2].param("filter")  # the failed run saved no mark


def test_bootstrap_creates_empty_tables_and_keeps_rows(server: ReplayServer, db_path: Path) -> None:
    ensure_raw_tables(db_path)
    counts = query(
        db_path,
        "select table_name, estimated_size from duckdb_tables() where schema_name = 'raw' order by table_name",
    )
    assert {name for name, _ in counts} >= {
        "openalex_works",
        "openalex_work_topics",
        "openalex_lookups",
        "search_hits",
        "search_pages",
        "fulltext_fetches",
    }
    assert server.requests == []
    enrich_dois(db_path, dois=[normalize_doi(WITH_DOI[0]["doi"])], politeness=FAST)
    ensure_raw_tables(db_path)
    assert query(db_path, "select count(*) from raw.openalex_works")[0][0] == 1
