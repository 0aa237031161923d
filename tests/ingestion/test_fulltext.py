"""Full text for search hits: real PLOS and Europe PMC article XML into the JATS loader; no-body answers recorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from ingestion.fulltext.pipeline import fetch_fulltext
from ingestion.fulltext.sources import body_status, plos_request
from ingestion.pipeline import make_pipeline
from ingestion.search import search_results
from ingestion.search.queries import Hit, Page, Query, QueryResult
from tests.duck import query
from tests.support.env import FAST, point_at
from tests.support.http_server import ReplayServer, Reply
from tests.support.recorded import RECORDED

PLOS_XML = RECORDED / "plos-rplos-cassette-extracted"
EPMC_XML = RECORDED / "pyeuropepmc-benchmark" / "PMC13239955.xml"
NO_BODY = RECORDED / "europepmc_no_body.synthetic-from-docs.xml"


def seed_hits(db_path: Path) -> None:
    """Search hits as the search step would leave them (test input, not a recorded response)."""
    plos = [
        Hit(d, None, None, None, True, {}) for d in ("10.1371/journal.pone.0111629", "10.1371/journal.pcbi.1005155")
    ]
    epmc = [
        Hit("10.1002/pro.70651", None, None, "PMC13239955", True, {}),
        Hit("10.1002/rcm.70074", None, None, "PMC13145325", True, {}),
        Hit("10.5555/closed.article", None, None, None, False, {}),
    ]
    results = [
        QueryResult(Query("plos", '"Deep Learning"', 2016), [Page(1, "u", 2, plos, {})], [0]),
        QueryResult(Query("europepmc", '"Deep Learning"', 2026), [Page(1, "u", 3, epmc, {})], [0]),
    ]
    make_pipeline(db_path, "search").run(search_results(results), loader_file_format="parquet")


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    with ReplayServer() as srv:
        point_at(monkeypatch, srv.url)
        xml = "application/xml"
        for name, journal in (("journal.pone.0111629", "plosone"), ("journal.pcbi.1005155", "ploscompbiol")):
            body = (PLOS_XML / f"{name}.xml").read_bytes()
            srv.add(f"/{journal}/article/file", Reply(body=body, content_type=xml), params={"id": f"10.1371/{name}"})
        srv.add("/europepmc/PMC13239955/fullTextXML", Reply(body=EPMC_XML.read_bytes(), content_type=xml))
        srv.add("/europepmc/PMC13145325/fullTextXML", Reply(body=NO_BODY.read_bytes(), content_type=xml))
        yield srv


def test_fetched_articles_become_papers_and_every_attempt_is_recorded(
    server: ReplayServer, db_path: Path, tmp_path: Path
) -> None:
    seed_hits(db_path)
    stats = fetch_fulltext(db_path, out_dir=tmp_path / "fulltext", politeness=FAST)

    statuses = dict(query(db_path, "select doi, status from raw.fulltext_fetches"))
    assert statuses == {
        "10.1371/journal.pone.0111629": "fetched",
        "10.1371/journal.pcbi.1005155": "fetched",
        "10.1002/pro.70651": "fetched",
        "10.1002/rcm.70074": "no_full_text",
        "10.5555/closed.article": "not_open_access",
    }
    papers = {d for (d,) in query(db_path, "select doi from raw.papers")}
    assert papers == {"10.1371/journal.pone.0111629", "10.1371/journal.pcbi.1005155", "10.1002/pro.70651"}
    assert stats.papers_loaded == 3
    assert not list((tmp_path / "fulltext").rglob("*rcm.70074*"))  # a no-body answer is not an article
    assert len(server.requests) == 4  # the closed article was never requested

    fetch_fulltext(db_path, out_dir=tmp_path / "fulltext", politeness=FAST)
    assert len(server.requests) == 4  # settled DOIs are not fetched again


def test_missing_article_and_server_failure_are_recorded_not_fatal(
    server: ReplayServer, db_path: Path, tmp_path: Path
) -> None:
    server.add("/europepmc/PMC13239955/fullTextXML", Reply(404, "not found", content_type="text/plain"))
    server.add("/plosone/article/file", Reply(503, "busy", content_type="text/plain"))
    seed_hits(db_path)
    fetch_fulltext(db_path, out_dir=tmp_path / "fulltext", politeness=FAST)

    statuses = dict(query(db_path, "select doi, status from raw.fulltext_fetches"))
    assert statuses["10.1002/pro.70651"] == "not_found"
    assert statuses["10.1371/journal.pone.0111629"] == "error"
    assert statuses["10.1371/journal.pcbi.1005155"] == "fetched"
    assert len(server.hits("/plosone/article/file")) == FAST.max_attempts
    # an error is retried by the next run
    server.add("/plosone/article/file", Reply(body=(PLOS_XML / "journal.pone.0111629.xml").read_bytes()))
    fetch_fulltext(db_path, out_dir=tmp_path / "fulltext", politeness=FAST)
    assert query(db_path, "select status from raw.fulltext_fetches where doi = '10.1371/journal.pone.0111629'") == [
        ("fetched",)
    ]


def test_body_check_and_plos_urls() -> None:
    assert body_status(EPMC_XML.read_bytes()) == "article"
    assert body_status(NO_BODY.read_bytes()) == "no_full_text"
    assert body_status(b'{"not": "xml"}') == "malformed"
    assert plos_request("10.1371/journal.pcbi.1005155") == (
        "/ploscompbiol/article/file",
        {"id": "10.1371/journal.pcbi.1005155", "type": "manuscript"},
    )
    assert plos_request("10.1002/pro.70651") is None
