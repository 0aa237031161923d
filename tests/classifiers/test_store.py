"""The label store: tables created empty and idempotently, append-only rows, final answers for the cache."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from classifiers.store import API_ERROR, OK, PARSE_ERROR, LabelRow, LabelStore
from warehouse.raw_schema import ensure_raw_tables


def _row(key: str, task: str, attempt: int, status: str, parsed: dict | None, at: datetime) -> LabelRow:
    return LabelRow(
        run_id="r",
        call_id=f"{key}-{attempt}",
        cache_key=key,
        doi="10.1/x",
        content_hash="h",
        task=task,
        attempt=attempt,
        protocol="compact",
        backend="openai",
        model="m",
        status=status,
        decided_by="llm",
        label_id=f"{key}-{task}-{attempt}",
        parameters={"temperature": 0},
        parsed=parsed,
        grounded=[True] if parsed else None,
        started_at=at,
        finished_at=at,
    )


def test_tables_are_created_by_the_warehouse_bootstrap_and_idempotent(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    ensure_raw_tables(db)
    ensure_raw_tables(db)  # idempotent
    with duckdb.connect(str(db)) as con:
        tables = {name for (name,) in con.execute("select table_name from information_schema.tables "
                                                  "where table_schema = 'raw'").fetchall()}  # fmt: skip
        assert {"llm_labels", "classifier_runs"} <= tables
        assert con.execute("select count(*) from raw.llm_labels").fetchone()[0] == 0


def test_append_and_final_answers(tmp_path: Path) -> None:
    t0 = datetime.now(UTC)
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        store = LabelStore(con)
        answer = {"answer": True, "evidence": "We used BERT."}
        rows = [
            _row("gate", "uses_dl", 1, PARSE_ERROR, None, t0),
            _row("gate", "uses_ptms", 1, PARSE_ERROR, None, t0),
            _row("gate", "uses_dl", 2, OK, answer, t0 + timedelta(seconds=1)),
            _row("gate", "uses_ptms", 2, OK, answer, t0 + timedelta(seconds=1)),
            _row("failed", "ptms", 1, API_ERROR, None, t0),
        ]
        assert store.append(rows) == 5
        assert store.append([]) == 0
        final = store.final_answers()
        assert final == {"gate": (OK, {"uses_dl": answer, "uses_ptms": answer})}  # the re-ask wins; api_error retried
        grounded, params = con.execute(
            "select grounded, parameters::varchar from raw.llm_labels where status = 'ok' limit 1"
        ).fetchone()
        assert grounded == [True] and '"temperature": 0' in params


def test_run_record(tmp_path: Path) -> None:
    with duckdb.connect(str(tmp_path / "w.duckdb")) as con:
        store = LabelStore(con)
        store.start_run("run-1", "openai", "compact", "m", {"concurrency": 4})
        store.finish_run("run-1", "finished", {"papers_total": 3, "papers_done": 3, "calls": 4, "cost_usd": 0.0})
        row = con.execute("select status, papers_done, calls, configuration->>'concurrency' from raw.classifier_runs")
        assert row.fetchone() == ("finished", 3, 4, "4")
