"""The data-quality gate on a real small warehouse: passes on good data, and each suite fails on planted bad rows."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from rich.console import Console
from typer.testing import CliRunner

from classifiers.store import LabelRow, LabelStore
from ingestion.openalex.schema import WORKS, work_row
from ptmreuse.cli import app
from quality import run_checks, run_gate
from quality.config import GateConfig
from tests.support.labelled_warehouse import labelled_warehouse
from tests.support.recorded import openalex_works

ONE_PAPER = "(select min(doi) from raw.papers)"


@pytest.fixture
def warehouse(tmp_path: Path) -> Path:
    return labelled_warehouse(tmp_path)


def execute(db: Path, *statements: str) -> None:
    with duckdb.connect(str(db)) as con:
        for statement in statements:
            con.execute(statement)


def failed_checks(db: Path, tmp_path: Path, config: GateConfig | None = None) -> dict[str, set[str | None]]:
    """suite name → columns of its failed expectations (None for table-level ones)."""
    result = run_checks(db, config, docs_dir=tmp_path / "docs")
    return {s.name: {e.column for e in s.expectations if not e.success} for s in result.suites if s.status == "failed"}


def add_openalex_works(db: Path) -> None:
    """The recorded real OpenAlex works, shaped by the project's own row builder."""
    from datetime import UTC, datetime

    rows = [work_row(work, datetime(2026, 1, 1, tzinfo=UTC)) for work in openalex_works()]
    works = WORKS.to_arrow(rows)  # noqa: F841 — read by DuckDB's replacement scan
    with duckdb.connect(str(db)) as con:
        con.execute("create table raw.openalex_works as select * from works")


def test_gate_passes_on_good_data_and_writes_data_docs(warehouse: Path, tmp_path: Path) -> None:
    add_openalex_works(warehouse)
    result = run_checks(warehouse, docs_dir=tmp_path / "docs")

    statuses = {suite.name: suite.status for suite in result.suites}
    assert statuses == {
        "raw.papers": "passed",
        "raw.paper_sections": "passed",
        "raw.integrity": "passed",
        "raw.llm_labels": "passed",
        "raw.llm_labels.ptm_entries": "passed",
        "raw.llm_labels.per_run": "passed",
        "raw.openalex_works": "passed",
    }
    assert result.success
    papers = next(s for s in result.suites if s.name == "raw.papers")
    assert papers.rows == 8 and papers.failed == 0
    assert result.docs_index == tmp_path / "docs" / "index.html"
    assert list((tmp_path / "docs" / "validations").rglob("*.html"))


# Each case: statements that plant bad rows, the suite that must fail, and the column whose check must fail.
PLANTED = {
    "bad DOI": (
        [f"insert into raw.papers select * replace ('not a doi' as doi) from raw.papers where doi = {ONE_PAPER}"],
        "raw.papers",
        "doi",
    ),
    "year 1850": (
        [f"update raw.papers set publication_year = 1850 where doi = {ONE_PAPER}"],
        "raw.papers",
        "publication_year",
    ),
    "empty body": ([f"update raw.papers set body_text = '' where doi = {ONE_PAPER}"], "raw.papers", "body_chars"),
    "unknown section kind": (
        ["update raw.paper_sections set kind = 'footnote' where ordinal = 0"],
        "raw.paper_sections",
        "kind",
    ),
    "duplicate section": (
        ["insert into raw.paper_sections select * from raw.paper_sections where ordinal = 0 limit 1"],
        "raw.integrity",
        "duplicate_section_keys",
    ),
    "status weird": (
        ["update raw.llm_labels set status = 'weird' where label_id = (select min(label_id) from raw.llm_labels)"],
        "raw.llm_labels",
        "status",
    ),
    "negative tokens": (
        ["update raw.llm_labels set input_tokens = -5 where label_id = (select min(label_id) from raw.llm_labels)"],
        "raw.llm_labels",
        "input_tokens",
    ),
    "positive without evidence": (
        [
            """update raw.llm_labels set parsed = '{"answer": true, "evidence": null}'
               where label_id = (select min(label_id) from raw.llm_labels where task = 'uses_dl'
                                 and (parsed->>'$.answer') = 'true')"""
        ],
        "raw.llm_labels",
        "positive_evidence_chars",
    ),
    "pattern outside the taxonomy": (
        [
            """update raw.llm_labels
               set parsed = replace(parsed::varchar, '"reuse_pattern": "', '"reuse_pattern": "borrowed_')::json
               where task = 'ptms'"""
        ],
        "raw.llm_labels.ptm_entries",
        "reuse_pattern",
    ),
    "stage outside the taxonomy": (
        [
            """update raw.llm_labels set parsed = replace(parsed::varchar, '"stage": "', '"stage": "x')::json
            where task = 'ptms'"""
        ],
        "raw.llm_labels.ptm_entries",
        "stage",
    ),
}


@pytest.mark.parametrize("case", list(PLANTED))
def test_each_suite_fails_on_planted_bad_rows(case: str, warehouse: Path, tmp_path: Path) -> None:
    statements, suite, column = PLANTED[case]
    execute(warehouse, *statements)
    failed = failed_checks(warehouse, tmp_path)
    assert suite in failed, f"{case}: {suite} did not fail (failed: {failed})"
    assert column in failed[suite]


def llm_row(run_id: str, doi: str, status: str, grounded: list[bool] | None) -> LabelRow:
    """A label row as the LLM engine writes it (decided_by=llm); the answer is a real-shaped yes/no decision."""
    parsed = {"answer": False, "evidence": None} if status == "ok" else None
    return LabelRow(
        run_id=run_id,
        call_id=f"{run_id}-{doi}",
        cache_key=f"{run_id}-{doi}",
        doi=doi,
        content_hash=None,
        task="uses_dl",
        attempt=1,
        protocol="compact",
        backend="openai",
        model="test-model",
        status=status,
        decided_by="llm",
        parsed=parsed,
        grounded=grounded,
        input_tokens=100,
        output_tokens=10,
    )


def test_run_shares_fail_over_their_thresholds(warehouse: Path, tmp_path: Path) -> None:
    dois = [
        d for (d,) in duckdb.connect(str(warehouse), read_only=True).execute("select doi from raw.papers").fetchall()
    ]
    with duckdb.connect(str(warehouse)) as con:
        store = LabelStore(con)
        store.start_run("llm-run", "openai", "compact", "test-model", {})
        rows = [llm_row("llm-run", doi, "parse_error", None) for doi in dois[:3]]
        rows += [llm_row("llm-run", doi, "ok", [False, True]) for doi in dois[3:]]
        store.append(rows)
        store.finish_run("llm-run", "finished", {})
    failed = failed_checks(warehouse, tmp_path)
    assert failed["raw.llm_labels.per_run"] == {"parse_error_share", "ungrounded_share"}
    # the same rows pass when the thresholds allow them: the numbers live in GateConfig
    lenient = GateConfig(max_parse_error_share=0.5, max_ungrounded_share=0.5)
    assert "raw.llm_labels.per_run" not in failed_checks(warehouse, tmp_path, lenient)


def test_openalex_suite_fails_on_bad_works(warehouse: Path, tmp_path: Path) -> None:
    add_openalex_works(warehouse)
    execute(
        warehouse,
        "update raw.openalex_works set cited_by_count = -1 where openalex_id = (select min(openalex_id) from"
        " raw.openalex_works)",
    )
    assert failed_checks(warehouse, tmp_path)["raw.openalex_works"] == {"cited_by_count"}


def test_bad_row_in_a_later_chunk_is_found(warehouse: Path, tmp_path: Path) -> None:
    execute(
        warehouse,
        "update raw.paper_sections set section_type = 'appendix' where doi = (select max(doi) from"
        " raw.paper_sections) and ordinal = 0",
    )
    result = run_checks(warehouse, GateConfig(chunk_rows=40), docs_dir=tmp_path / "docs")
    sections = next(s for s in result.suites if s.name == "raw.paper_sections")
    assert sections.chunks > 2 and sections.status == "failed"
    failed = [e for e in sections.expectations if not e.success]
    assert [(e.column, e.unexpected, e.examples) for e in failed] == [("section_type", 1, ["appendix"])]


def test_missing_tables_fail_and_missing_database_is_reported(tmp_path: Path) -> None:
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    result = run_checks(empty, docs_dir=tmp_path / "docs")
    assert not result.success
    assert {s.name for s in result.suites if s.status == "failed"} == {
        "raw.papers",
        "raw.paper_sections",
        "raw.integrity",
    }
    console = Console(record=True, width=200)
    assert run_gate(tmp_path / "nowhere.duckdb", console) is False
    assert "no warehouse at" in console.export_text()


def test_check_command_exit_codes(warehouse: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PTMREUSE_DB", str(warehouse))
    monkeypatch.setenv("PTMREUSE_QUALITY_DIR", str(tmp_path / "reports"))
    ok = CliRunner().invoke(app, ["check"])
    assert ok.exit_code == 0, ok.output
    assert "Gate passed" in ok.output and (tmp_path / "reports" / "index.html").exists()

    execute(warehouse, f"update raw.papers set publication_year = 1850 where doi = {ONE_PAPER}")
    bad = CliRunner().invoke(app, ["check"])
    assert bad.exit_code == 1
    assert "FAILED" in bad.output and "1850" in bad.output
