"""Candidate search (keyword × year) on PLOS and Europe PMC, against recorded and documented responses."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ingestion.search.pipeline import run_search
from ingestion.search.queries import STUDY_KEYWORDS, parse_years
from ingestion.web import AccessDenied
from tests.duck import query
from tests.support.cassettes import load_cassette
from tests.support.env import FAST, point_at
from tests.support.http_server import ReplayServer, Reply, Request
from tests.support.recorded import RECORDED

KEYWORD = STUDY_KEYWORDS[0]
PLOS_ONE_HIT = RECORDED / "colrev-api-responses" / "data_plos" / "10.1371_journal.pone.0022081.json"
EPMC_PAGES = json.loads((RECORDED / "europepmc_search.synthetic-from-docs.json").read_text())


def recorded_plos_docs() -> list[dict]:
    """The 200 documents of a real PLOS answer (ropensci fulltext cassette, q=ecology rows=200)."""
    pages = [i for i in load_cassette(RECORDED / "ropensci-fulltext-cassettes" / "ft_search_plos.yml")]
    recorded = next(i for i in pages if i.param("rows") == "200")
    return json.loads(recorded.reply.payload())["response"]["docs"]


def plos_pager(docs: list[dict], empty_from: int | None = None):
    """Answer like Solr: slice the recorded docs by start/rows (optionally an empty page from `empty_from` on)."""

    def respond(request: Request) -> Reply:
        start, rows = int(request.param("start")), int(request.param("rows"))
        page = [] if empty_from is not None and start >= empty_from else docs[start : start + rows]
        return Reply(body={"response": {"numFound": len(docs), "start": start, "docs": page}})

    return respond


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    with ReplayServer() as srv:
        point_at(monkeypatch, srv.url)
        yield srv


def test_plos_hit_keeps_the_recorded_record(server: ReplayServer, db_path: Path) -> None:
    server.add("/search", Reply(body=PLOS_ONE_HIT.read_bytes()))
    stats = run_search(db_path, ["plos"], [KEYWORD], [2011], politeness=FAST)

    doc = json.loads(PLOS_ONE_HIT.read_text())["response"]["docs"][0]
    rows = query(db_path, "select doi, title, journal, keyword, year, page, rank, raw_record from raw.search_hits")
    assert [(*row[:7], json.loads(row[7])) for row in rows] == [
        (doc["id"], doc["title_display"], doc["journal"], KEYWORD, 2011, 1, 1, doc)
    ]
    sent = server.requests[0]
    assert sent.param("q") == f"everything:{KEYWORD}"
    assert "publication_date:[2011-01-01T00:00:00Z TO 2011-12-31T23:59:59Z]" in sent.params["fq"]
    assert stats.completed == 1 and stats.failures == []


def test_plos_pages_to_the_end(server: ReplayServer, db_path: Path) -> None:
    docs = recorded_plos_docs()
    server.add("/search", plos_pager(docs))
    run_search(db_path, ["plos"], [KEYWORD], [2020], page_size=50, politeness=FAST)

    assert [r.param("start") for r in server.requests] == ["0", "50", "100", "150"]
    rows = query(db_path, "select doi, page, rank from raw.search_hits order by rank")
    assert [doi for doi, _, _ in rows] == [d["id"].lower() for d in docs]
    assert rows[-1][1:] == (4, 200)
    pages = query(db_path, "select page, num_found, hit_count from raw.search_pages order by page")
    assert pages == [(n, 200, 50) for n in range(1, 5)]


def test_empty_page_midway_fails_that_query_only(server: ReplayServer, db_path: Path) -> None:
    docs = recorded_plos_docs()
    server.add("/search", plos_pager(docs))
    server.add("/search", plos_pager(docs, empty_from=100), params={"fq": "doc_type:full", "start": "100"})
    stats = run_search(db_path, ["plos"], [KEYWORD], [2019], page_size=50, politeness=FAST)

    assert len(stats.failures) == 1 and "empty page" in stats.failures[0][1]
    assert query(db_path, "select count(*) from raw.search_hits")[0][0] == 0  # pages 1–2 were not written


def test_europepmc_stops_when_the_cursor_is_echoed(server: ReplayServer, db_path: Path) -> None:
    first, second = EPMC_PAGES
    server.add("/europepmc/search", Reply(body=first), params={"cursorMark": "*"})
    server.add("/europepmc/search", Reply(body=second), params={"cursorMark": first["nextCursorMark"]})
    run_search(db_path, ["europepmc"], [KEYWORD], [2026], page_size=2, politeness=FAST)

    assert [r.param("cursorMark") for r in server.requests] == ["*", first["nextCursorMark"]]
    assert server.requests[0].param("query") == f"{KEYWORD} AND PUB_YEAR:2026 AND OPEN_ACCESS:y"
    hits = query(db_path, "select doi, pmcid, is_open_access, journal from raw.search_hits order by rank")
    assert hits == [
        ("10.1002/pro.70651", "PMC13239955", True, "Protein Science : A Publication of the Protein Society"),
        ("10.1002/rcm.70074", "PMC13145325", True, "Rapid Communications in Mass Spectrometry"),
    ]
    skipped = query(db_path, "select page, skipped_without_doi from raw.search_pages order by page")
    assert skipped == [(1, 1), (2, 0)]


def test_europepmc_cursor_loop_is_caught(server: ReplayServer, db_path: Path) -> None:
    first, second = ({**page, "hitCount": 5} for page in EPMC_PAGES)  # more to come after page 2…
    looping = {**second, "nextCursorMark": "*"}  # …but it sends us back to the start
    server.add("/europepmc/search", Reply(body=first), params={"cursorMark": "*"})
    server.add("/europepmc/search", Reply(body=looping), params={"cursorMark": first["nextCursorMark"]})
    stats = run_search(db_path, ["europepmc"], [KEYWORD], [2026], page_size=2, politeness=FAST)

    assert "loop" in stats.failures[0][1]
    assert len(server.requests) == 2
    assert query(db_path, "select count(*) from raw.search_hits")[0][0] == 0


def test_completed_queries_are_skipped_unless_refreshed(server: ReplayServer, db_path: Path) -> None:
    server.add("/search", Reply(body=PLOS_ONE_HIT.read_bytes()))
    run_search(db_path, ["plos"], [KEYWORD], [2011, 2012], politeness=FAST)
    assert len(server.requests) == 2
    stats = run_search(db_path, ["plos"], [KEYWORD, STUDY_KEYWORDS[1]], [2011, 2012], politeness=FAST)
    assert (stats.skipped, stats.completed, len(server.requests)) == (2, 2, 4)
    run_search(db_path, ["plos"], [KEYWORD], [2011], refresh=True, politeness=FAST)
    assert len(server.requests) == 5
    assert query(db_path, "select count(*) from raw.search_hits")[0][0] == 4  # merged per query, not appended


def test_refused_access_stops_the_whole_search(server: ReplayServer, db_path: Path) -> None:
    server.add("/search", Reply(403, "forbidden"))
    with pytest.raises(AccessDenied):
        run_search(db_path, ["plos"], [KEYWORD], [2011, 2012], politeness=FAST)
    assert len(server.requests) == 1


@pytest.mark.parametrize(
    ("text", "years"),
    [("2015-2017", [2015, 2016, 2017]), ("2019", [2019]), ("2015,2020-2021", [2015, 2020, 2021])],
)
def test_parse_years(text: str, years: list[int]) -> None:
    assert parse_years(text) == years


@pytest.mark.parametrize("text", ["2020-2015", "soon", ""])
def test_parse_years_refuses_nonsense(text: str) -> None:
    with pytest.raises(ValueError):
        parse_years(text)
