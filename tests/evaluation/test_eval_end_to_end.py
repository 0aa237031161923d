"""`ptmreuse eval` on a real small warehouse (bundled papers labelled by the rules), and fetching gold texts."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from classifiers.store import LabelRow, LabelStore
from evaluation.fetch_texts import fetch_gold_texts
from ptmreuse.cli import app
from tests.duck import query
from tests.support.env import FAST, point_at
from tests.support.http_server import ReplayServer, Reply
from tests.support.labelled_warehouse import labelled_warehouse
from tests.support.recorded import RECORDED

AIUS_BUNDLED = "10.1371/journal.pntd.0010937"  # the one study paper whose text is in the bundled corpus


@pytest.fixture
def warehouse(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    db = labelled_warehouse(tmp_path)
    monkeypatch.setenv("PTMREUSE_DB", str(db))
    return db


def metric(db: Path, gold: str, task: str, name: str, protocol: str = "rules") -> tuple:
    rows = query(
        db,
        "select value, ci_low, ci_high, n from marts.classifier_agreement"
        " where gold_set = ? and task = ? and metric = ? and protocol = ?",
        [gold, task, name, protocol],
    )
    assert len(rows) == 1, rows
    return rows[0]


def add_compact_run(db: Path) -> None:
    """A second configuration (protocol compact) whose answers are the rules' answers with uses_dl flipped to False
    on one gold-positive paper: a test double for an LLM run, so the two protocols can be compared side by side."""
    rules = query(db, "select doi, task, parsed::varchar from raw.llm_labels where protocol = 'rules'")
    flipped = "10.1371/journal.pntd.0010937"
    with duckdb.connect(str(db)) as con:
        store = LabelStore(con)
        store.start_run("compact-run", "openai", "compact", "test-model", {})
        rows = []
        for doi, task, parsed in rules:
            answer = json.loads(parsed)
            if doi == flipped and task != "ptms":
                answer = {"answer": False, "evidence": None}
            if doi == flipped and task == "ptms":
                continue
            rows.append(
                LabelRow(
                    run_id="compact-run",
                    call_id=f"{doi}-{task}",
                    cache_key=f"{doi}-{task}",
                    doi=doi,
                    content_hash=None,
                    task=task,
                    attempt=1,
                    protocol="compact",
                    backend="openai",
                    model="test-model",
                    status="ok",
                    decided_by="llm",
                    parsed=answer,
                    input_tokens=1000,
                    output_tokens=50,
                    cost_usd=0.001,
                )
            )
        store.append(rows)
        store.finish_run("compact-run", "finished", {})


def test_eval_scores_the_rules_run_on_each_gold_set(warehouse: Path) -> None:
    result = CliRunner().invoke(app, ["eval", "--gold", "all", "--resamples", "200"])
    assert result.exit_code == 0, result.output
    assert "Agreement with gold set 'reference'" in result.output and "aius-untuned" in result.output

    gold_sets = {g for (g,) in query(warehouse, "select distinct gold_set from marts.classifier_agreement")}
    assert gold_sets == {"reference", "reference-heldout", "aius", "aius-untuned", "-"}
    # coverage says how many gold papers could be scored: 8 reference papers, 1 of the study's 110
    assert metric(warehouse, "reference", "coverage", "gold_papers_with_text")[0] == 8
    assert metric(warehouse, "aius", "coverage", "gold_papers")[0] == 110
    assert metric(warehouse, "aius", "uses_dl", "papers_scored")[0] == 1
    value, low, high, n = metric(warehouse, "reference", "uses_dl", "cohen_kappa")
    assert n == 8 and low <= value <= high
    tp, fp, fn, tn = (metric(warehouse, "reference", "uses_dl", cell)[0] for cell in ("tp", "fp", "fn", "tn"))
    assert tp + fp + fn + tn == 8
    description = query(
        warehouse,
        "select description from marts.classifier_agreement where gold_set = 'aius'"
        " and metric = 'accuracy' and task = 'uses_dl'",
    )[0][0]
    assert "human" in description  # every metric says what its gold set is worth
    assert metric(warehouse, "-", "usage", "cost_usd")[0] == 0.0  # the rules cost nothing

    before = query(warehouse, "select count(*) from marts.classifier_agreement")[0][0]
    assert CliRunner().invoke(app, ["eval", "--gold", "all", "--resamples", "200"]).exit_code == 0
    assert query(warehouse, "select count(*) from marts.classifier_agreement")[0][0] == before  # replaced, not added


def test_protocols_side_by_side_with_their_cost(warehouse: Path) -> None:
    add_compact_run(warehouse)
    result = CliRunner().invoke(app, ["eval", "--gold", "reference", "--resamples", "200"])
    assert result.exit_code == 0, result.output
    assert "compact" in result.output and "rules:rules" in result.output
    protocols = {p for (p,) in query(warehouse, "select distinct protocol from marts.classifier_agreement")}
    assert protocols == {"rules", "compact"}
    # the flipped paper is a gold positive (reference labels it uses_dl): one more false negative than the rules
    rules_fn = metric(warehouse, "reference", "uses_dl", "fn", "rules")[0]
    assert metric(warehouse, "reference", "uses_dl", "fn", "compact")[0] == rules_fn + 1
    assert metric(warehouse, "-", "usage", "input_tokens", "compact")[0] > 0
    assert metric(warehouse, "-", "usage", "cost_usd", "compact")[0] > 0

    one = CliRunner().invoke(app, ["eval", "--run", "compact-run", "--resamples", "200"])
    assert one.exit_code == 0 and "rules:rules" not in one.output
    assert CliRunner().invoke(app, ["eval", "--run", "no-such-run"]).exit_code == 2
    assert CliRunner().invoke(app, ["eval", "--gold", "nonsense"]).exit_code == 2


def test_fetch_gold_texts_loads_plos_xml_and_records_misses(
    db_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    recorded = "10.1371/journal.pone.0111629"  # a real PLOS article XML recorded by rplos
    xml = (RECORDED / "plos-rplos-cassette-extracted" / "journal.pone.0111629.xml").read_bytes()
    with ReplayServer() as server:
        point_at(monkeypatch, server.url)
        server.add("/plosone/article/file", Reply(body=xml, content_type="application/xml"), params={"id": recorded})
        stats = fetch_gold_texts(db_path, dois=[recorded, AIUS_BUNDLED], out_dir=tmp_path / "xml", politeness=FAST)
        assert stats.by_status == {"fetched": 1, "not_found": 1} and stats.papers_loaded == 1
        assert {d for (d,) in query(db_path, "select doi from raw.papers")} == {recorded}
        statuses = dict(query(db_path, "select doi, status from raw.fulltext_fetches"))
        assert statuses == {recorded: "fetched", AIUS_BUNDLED: "not_found"}
        requests = len(server.requests)
        fetch_gold_texts(db_path, dois=[recorded], out_dir=tmp_path / "xml", politeness=FAST)
        assert len(server.requests) == requests  # papers already loaded are not fetched again
