"""`ptmreuse eval` on a real small warehouse (gold papers of both reference sets, labelled by the rules and built
by dbt): it scores what the marts hold, writes raw rows that dbt publishes as a contracted mart, and says when
the warehouse is not built; and fetching the study's gold texts."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from classifiers.store import LabelRow, LabelStore
from evaluation import evaluate_database
from evaluation.entries import Entry, match_paper
from evaluation.evaluate import MetricRow
from evaluation.fetch_texts import fetch_gold_texts
from evaluation.gold import reference_sets
from ptmreuse.cli import app
from ptmreuse.dbt import run_dbt
from tests.duck import query
from tests.support.env import FAST, point_at
from tests.support.http_server import ReplayServer, Reply
from tests.support.recorded import RECORDED

AIUS_BUNDLED = "10.1371/journal.pntd.0010937"  # the one study paper whose text is in the bundled corpus


def metric(db: Path, gold: str, task: str, name: str, protocol: str = "rules") -> tuple:
    rows = query(
        db,
        "select value, ci_low, ci_high, n from marts.classifier_agreement"
        " where gold_set = ? and task = ? and metric = ? and protocol = ?",
        [gold, task, name, protocol],
    )
    assert len(rows) == 1, rows
    return rows[0]


def evaluate(*args: str) -> str:
    result = CliRunner().invoke(app, ["eval", "--resamples", "200", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_eval_scores_both_reference_sets_as_the_marts_hold_them(warehouse: Path) -> None:
    output = evaluate("--gold", "all")
    assert "tuning (72 papers)" in output and "frozen (40 papers)" in output and "untuned (90 papers)" in output
    assert "LLM-assisted, not human" in output

    gold_sets = {g for (g,) in query(warehouse, "select distinct gold_set from marts.classifier_agreement")}
    assert gold_sets == {"reference-tuning", "reference-frozen", "aius", "aius-untuned", "-"}
    assert metric(warehouse, "aius", "coverage", "gold_papers")[0] == 110
    assert metric(warehouse, "aius", "coverage", "papers_scored")[0] == 1
    for gold in reference_sets():
        dois = [doi for (doi,) in query(warehouse, "select doi from marts.papers") if doi in gold.papers]
        assert metric(warehouse, gold.name, "coverage", "papers_scored")[0] == len(dois) >= 3
        # the confusion matrix is marts.papers against the gold, paper by paper
        marts = dict(query(warehouse, "select doi, uses_ptms from marts.papers where doi in ?", [dois]))
        cells = {
            "tp": sum(gold.papers[d].uses_ptms and marts[d] for d in dois),
            "fp": sum(not gold.papers[d].uses_ptms and marts[d] for d in dois),
            "fn": sum(gold.papers[d].uses_ptms and not marts[d] for d in dois),
        }
        for cell, expected in cells.items():
            assert metric(warehouse, gold.name, "uses_ptms", cell)[0] == expected, cell
        # every entry users read in marts.ptm_reuse is a predicted entry; every gold entry is a gold entry
        (listed,) = query(warehouse, "select coalesce(sum(mentions), 0) from marts.ptm_reuse where doi in ?", [dois])[0]
        assert metric(warehouse, gold.name, "ptms", "entry_precision")[3] == listed > 0
        assert metric(warehouse, gold.name, "ptms", "entry_recall")[3] == sum(len(gold.papers[d].ptms) for d in dois)
        value, low, high, _ = metric(warehouse, gold.name, "ptms", "entry_recall")
        assert 0 <= low <= high <= 1 and 0 <= value <= 1
        assert 0 <= metric(warehouse, gold.name, "ptms", "gold_names_in_catalogue")[0] <= 1

    labels = dict(query(warehouse, "select distinct gold_set, gold_labels from marts.classifier_agreement"))
    assert labels == {
        "reference-tuning": "LLM-assisted, not human",
        "reference-frozen": "LLM-assisted, not human",
        "aius": "human",
        "aius-untuned": "human",
        "-": None,
    }
    documented = query(
        warehouse,
        "select comment from duckdb_columns() where schema_name = 'marts' and table_name = 'classifier_agreement'"
        " and column_name = 'gold_set'",
    )
    assert "reference-frozen" in documented[0][0]  # a dbt model, its column descriptions persisted
    assert metric(warehouse, "-", "usage", "cost_usd")[0] == 0.0  # the rules cost nothing

    before = query(warehouse, "select count(*) from raw.agreement_metrics")[0][0]
    evaluate_database(warehouse, gold="all", resamples=100)  # again, without the dbt step
    assert query(warehouse, "select count(*) from raw.agreement_metrics")[0][0] == before  # replaced, not added


def add_aius_configuration(db: Path, stopped: str) -> None:
    """A second configuration (protocol aius) that answers like the rules, except that its cascade stops at
    uses_dl = false on `stopped` and never asks uses_ptms or the PTM list there: a test double for an LLM run."""
    rules = query(db, "select doi, task, parsed::varchar from raw.llm_labels where protocol = 'rules'")
    finished = datetime.now(UTC)
    rows = [
        LabelRow(
            run_id="aius-run",
            call_id=f"{doi}-{task}",
            cache_key=f"{doi}-{task}",
            doi=doi,
            content_hash=None,
            task=task,
            attempt=1,
            protocol="aius",
            backend="openai",
            model="test-model",
            status="ok",
            decided_by="llm",
            parsed={"answer": False, "evidence": None} if doi == stopped else json.loads(parsed),
            input_tokens=1000,
            output_tokens=50,
            cost_usd=0.001,
            finished_at=finished,
        )
        for doi, task, parsed in rules
        if doi != stopped or task == "uses_dl"
    ]
    with duckdb.connect(str(db)) as con:
        store = LabelStore(con)
        store.start_run(
            "aius-run", "openai", "aius", "test-model", {"prompts": {"aius": {"version": "t1", "hash": "ab"}}}
        )
        store.append(rows)
        store.finish_run(
            "aius-run", "finished", {"calls": len(rows), "input_tokens": 1000 * len(rows), "cost_usd": 0.5}
        )


def scores(rows: list[MetricRow], protocol: str, gold: str = "reference-tuning") -> dict[tuple[str, str], MetricRow]:
    return {(r.task, r.metric): r for r in rows if r.configuration.protocol == protocol and r.gold_set == gold}


def test_a_paper_the_cascade_stopped_is_negative_for_every_later_task(warehouse: Path) -> None:
    tuning = reference_sets()[0]
    found: dict[str, list[Entry]] = {}
    for doi, name, pattern, stage in query(
        warehouse, "select doi, raw_name, reuse_pattern, stage from marts.ptm_reuse"
    ):
        found.setdefault(doi, []).append(Entry(name, pattern, stage))
    stopped = next(  # a tuning paper with a gold PTM entry that the rules found
        doi
        for doi, entries in sorted(found.items())
        if doi in tuning.papers
        and match_paper(
            [Entry(p.name, p.reuse_pattern, p.stage) for p in tuning.papers[doi].ptms], entries
        ).matched_entries
    )
    rules = scores(evaluate_database(warehouse, resamples=100).rows, "rules")
    add_aius_configuration(warehouse, stopped)
    # the label models hold every configuration: a plain run picks up the new one beside the rules labels
    assert run_dbt(["run", "--select", "+int_paper_labels", "+int_paper_ptms"], warehouse) == 0
    evaluation = evaluate_database(warehouse, run="aius-run", resamples=100)
    aius = scores(evaluation.rows, "aius")

    assert rules["coverage", "papers_scored"].value == aius["coverage", "papers_scored"].value  # still scored
    assert aius["uses_ptms", "fn"].value == rules["uses_ptms", "fn"].value + 1  # … as a uses_ptms negative
    assert aius["ptms", "entry_recall"].n == rules["ptms", "entry_recall"].n  # … whose gold entries all count
    assert aius["ptms", "entry_recall"].value < rules["ptms", "entry_recall"].value  # … as missed
    usage = scores(evaluation.rows, "aius", "-")
    assert usage["usage", "cost_usd"].value == pytest.approx(0.5) and usage["usage", "input_tokens"].value > 0


def test_eval_says_when_the_warehouse_is_not_built_or_older_than_the_labels(warehouse: Path) -> None:
    with duckdb.connect(str(warehouse)) as con:  # a classify after the build: one answer an hour newer
        con.execute(
            "insert into raw.llm_labels by name select * replace (uuid()::varchar as label_id,"
            " finished_at + interval 1 hour as finished_at) from raw.llm_labels where label_id ="
            " (select min(label_id) from raw.llm_labels where task = 'uses_dl')"
        )
    stale = CliRunner().invoke(app, ["eval"])
    assert stale.exit_code == 2 and "newer than the last build: run `ptmreuse build`" in stale.output

    assert CliRunner().invoke(app, ["eval", "--gold", "nonsense"]).exit_code == 2
    assert CliRunner().invoke(app, ["eval", "--run", "no-such-run"]).exit_code == 2
    with duckdb.connect(str(warehouse)) as con:  # labelled, as `ptmreuse classify` leaves it, but never built
        con.execute("drop schema intermediate cascade")
    unbuilt = CliRunner().invoke(app, ["eval"])
    assert unbuilt.exit_code == 2 and "intermediate.int_gold_ptm_names is missing: run `ptmreuse build` first" in (
        unbuilt.output
    )


def test_the_agreement_mart_refuses_rows_that_break_its_tests(warehouse: Path) -> None:
    evaluate_database(warehouse, resamples=100)
    with duckdb.connect(str(warehouse)) as con:  # the same key twice: an evaluation never writes that
        con.execute(
            "insert into raw.agreement_metrics select * from raw.agreement_metrics where metric = 'entry_recall'"
        )
    assert run_dbt(["build", "--select", "classifier_agreement"], warehouse) != 0


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


def test_eval_says_which_gold_sets_it_could_not_score_and_where_their_texts_are(warehouse: Path) -> None:
    # the session's papers hold some of both reference sets and the one bundled study paper, which is among the
    # 20 the study tuned on: aius-untuned has no paper here
    notes = " ".join(evaluate_database(warehouse, gold="all", resamples=100).notes)
    assert "gold set aius-untuned: none of its 90 papers is in this warehouse, so nothing was scored on it" in notes
    assert "`ptmreuse fetch-gold-texts` fetches and loads them" in notes
    for scored in ("gold set reference-tuning:", "gold set reference-frozen:", "gold set aius:"):
        assert scored not in notes
