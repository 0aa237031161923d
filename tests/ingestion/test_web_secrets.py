"""No configured secret (the OpenAlex key, the contact e-mail) reaches a printed line or a stored column, even when a
server echoes them back: in an error body, a JSON answer, a redirect URL or a connection error.

The servers are loopback replay servers answering with synthetic bodies made up here (not recordings).
"""

from __future__ import annotations

import socket
from pathlib import Path
from urllib.parse import quote, quote_plus, urlencode

import pytest
from typer.testing import CliRunner

from ingestion.fulltext.pipeline import fetch_fulltext
from ingestion.identifiers import normalize_doi
from ingestion.openalex.pipeline import enrich_dois
from ingestion.pipeline import make_pipeline
from ingestion.search import search_results
from ingestion.search.pipeline import run_search
from ingestion.search.queries import Hit, Page, Query, QueryResult
from ptmreuse.cli import app
from tests.duck import query
from tests.support.env import FAST, point_at
from tests.support.http_server import ReplayServer, Reply, Request
from tests.support.recorded import openalex_works
from warehouse.secrets import PLACEHOLDER

KEY = "sk-echo-5f2c9a71"
MAILTO = "reuse+study@example.org"  # `+` and `@` are percent-encoded in a URL: both forms must go
FORMS = (KEY, MAILTO, quote(MAILTO, safe=""), quote_plus(MAILTO))
DOI = "10.1371/journal.pone.0111629"


def flat(text: str | None) -> str:
    return "".join((text or "").split())  # rich wraps long lines: look across the breaks


def leaks(text: str | None) -> list[str]:
    return [form for form in FORMS if form in flat(text)]


def echo(request: Request) -> str:
    """What a careless mirror says back: the key and the e-mail it was sent."""
    return f"invalid request (api_key={request.param('api_key')}, mailto={request.param('mailto')})"


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch):
    with ReplayServer() as srv:
        point_at(monkeypatch, srv.url)
        monkeypatch.setenv("OPENALEX_API_KEY", KEY)
        monkeypatch.setenv("OPENALEX_MAILTO", MAILTO)
        yield srv


def seed_hit(db_path: Path, source: str = "plos", pmcid: str | None = None) -> None:
    """One search hit, as the search step would leave it (test input)."""
    hit = Hit(DOI, None, None, pmcid, True, {})
    result = QueryResult(Query(source, '"Deep Learning"', 2016), [Page(1, "u", 1, [hit], {})], [0])
    make_pipeline(db_path, "search").run(search_results([result]), loader_file_format="parquet")


@pytest.mark.parametrize(
    ("command", "exit_code"),
    [(["ingest", "openalex"], 1), (["ingest", "openalex", "--discover"], 2)],
    ids=["enrich: a failed batch is listed", "discover: the run stops"],
)
def test_an_error_body_echoing_the_key_is_printed_without_it(
    server: ReplayServer, db_path: Path, monkeypatch: pytest.MonkeyPatch, command: list[str], exit_code: int
) -> None:
    seed_hit(db_path)
    monkeypatch.setenv("PTMREUSE_DB", str(db_path))
    server.add("/works", lambda request: Reply(400, echo(request), content_type="text/plain"))
    result = CliRunner().invoke(app, command)
    assert result.exit_code == exit_code, result.output
    assert server.hits("/works")[0].param("api_key") == KEY  # the key was sent, and echoed…
    assert f"invalidrequest(api_key={PLACEHOLDER},mailto={PLACEHOLDER})" in flat(result.output)
    assert leaks(result.output) == []  # …but never printed


def test_a_connection_error_naming_the_url_keeps_neither_the_key_nor_the_encoded_mail(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with socket.socket() as unused:  # a port nobody listens on: the connection is refused
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    monkeypatch.setenv("OPENALEX_BASE_URL", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("OPENALEX_API_KEY", KEY)
    monkeypatch.setenv("OPENALEX_MAILTO", MAILTO)
    stats = enrich_dois(db_path, dois=[DOI], politeness=FAST)
    [failure] = stats.failures
    assert "connection failed" in failure and PLACEHOLDER in failure  # the URL with its parameters was in it
    assert leaks(failure) == []


def test_openalex_works_echoing_the_key_are_stored_without_it(server: ReplayServer, db_path: Path) -> None:
    work = next(w for w in openalex_works() if w.get("doi"))

    def respond(request: Request) -> Reply:
        echoed = {**work, "display_name": f"{work['display_name']} {echo(request)}", "mirror": {"asked": echo(request)}}
        return Reply(body={"meta": {"count": 1, "next_cursor": None}, "results": [echoed]})

    server.add("/works", respond)
    stats = enrich_dois(db_path, dois=[normalize_doi(work["doi"])], politeness=FAST)
    assert stats.found == 1
    [(title, work_json)] = query(db_path, "select title, work_json from raw.openalex_works")
    assert PLACEHOLDER in title and PLACEHOLDER in work_json
    assert leaks(title) == [] and leaks(work_json) == []


def test_search_rows_echoing_the_key_are_stored_without_it(server: ReplayServer, db_path: Path) -> None:
    # A mirror that redirects to a URL carrying the secrets, then echoes that URL and the secrets in its answer.
    echoed = {"echo": KEY, "contact": MAILTO}
    server.add("/europepmc/search", Reply(302, b"", headers={"Location": f"/europepmc/search?{urlencode(echoed)}"}))
    record = {"id": "X1", "doi": "10.1002/pro.70651", "pmcid": "PMC1", "title": f"about {KEY}", "isOpenAccess": "Y"}
    answer = {
        "hitCount": 1,
        "nextCursorMark": "*",  # echoed: the end
        "request": {"queryString": f"api_key={KEY}&mailto={quote_plus(MAILTO)}"},
        "resultList": {"result": [record]},
    }
    server.add("/europepmc/search", Reply(body=answer), params={"echo": KEY})
    stats = run_search(db_path, ["europepmc"], ['"Deep Learning"'], [2026], politeness=FAST)
    assert stats.completed == 1, stats.failures
    assert (stats.requests, stats.retries) == (2, 0)  # the redirect is a second exchange, not a retry

    [(hit_url, raw_record, title)] = query(db_path, "select query_url, raw_record, title from raw.search_hits")
    [(page_url, raw_response)] = query(db_path, "select query_url, raw_response from raw.search_pages")
    for text in (hit_url, raw_record, title, page_url, raw_response):
        assert PLACEHOLDER in text and leaks(text) == []


def test_a_fulltext_error_echoing_the_key_is_stored_without_it(
    server: ReplayServer, db_path: Path, tmp_path: Path
) -> None:
    seed_hit(db_path, source="europepmc", pmcid="PMC13239955")
    body = f"bad request from {MAILTO} with key {KEY}"
    server.add("/europepmc/PMC13239955/fullTextXML", Reply(400, body, content_type="text/plain"))
    fetch_fulltext(db_path, out_dir=tmp_path / "fulltext", politeness=FAST)
    [(status, detail)] = query(db_path, "select status, detail from raw.fulltext_fetches")
    assert status == "error" and PLACEHOLDER in detail and leaks(detail) == []
