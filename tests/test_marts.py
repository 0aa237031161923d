"""The marts, built by the real dbt project on a real DuckDB file from real papers labelled by the rules backend.

Papers come from the bundled corpus (corpus/sample-jats.zip); labels from `ptmreuse classify` (the service function
the CLI calls): the rules backend, and the openai backend against a loopback server (tests/support/llm_fault_server)
for a second configuration. Rows planted by hand say so.
"""

from __future__ import annotations

from collections import deque
from pathlib import Path

import duckdb
import pytest
from rich.console import Console
from typer.testing import CliRunner

from classifiers.engine.service import ClassifyRequest, RunFailed, classify
from classifiers.store import OK, LabelRow, LabelStore
from ptmreuse.cli import app
from tests.duck import query
from tests.support.llm_fault_server import FaultScript, FaultServer
from tests.support.warehouses import MARTS_MEMBERS, DbtRunner, dbt_runner, rules_warehouse

PAPERS = len(MARTS_MEMBERS)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rules_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def dbt(tmp_path_factory: pytest.TempPathFactory) -> DbtRunner:
    return dbt_runner(tmp_path_factory)


def test_papers_carry_labels_fields_and_the_run_configuration(built: Path) -> None:
    rows = query(built, "select label_status, decided_by, run_configuration, counting_convention from marts.papers")
    assert len(rows) == PAPERS
    assert {r[0] for r in rows} == {"labelled"}
    assert {r[1] for r in rows} == {"rules"}
    configurations = {r[2] for r in rows}
    assert len(configurations) == 1 and configurations.pop().startswith("rules | rules | - | rules/")
    assert {r[3] for r in rows} == {"distinct_paper"}
    (reusing,) = query(built, "select count(*) from marts.papers where uses_ptms and n_ptms > 0")[0]
    (negative,) = query(built, "select count(*) from marts.papers where not uses_dl and not uses_ptms")[0]
    assert reusing >= 3 and negative >= 1
    (multi_field,) = query(built, "select count(*) from marts.papers where len(field_ids) >= 2 and uses_ptms")[0]
    assert multi_field >= 1


def test_funnel_starts_at_full_text_for_the_corpus(built: Path) -> None:
    sql = "select step, papers from marts.pipeline_funnel where source_kind = 'corpus' order by step_order"
    steps = query(built, sql)
    assert [s for s, _ in steps] == ["full_text", "natural_science", "analysed", "uses_dl", "uses_ptms"]
    assert steps[0][1] == PAPERS


def label_row(run_id: str, doi: str, content_hash: str, task: str, parsed: dict) -> LabelRow:
    return LabelRow(
        run_id=run_id, call_id=f"planted-{doi}", cache_key=f"planted-{doi}-{task}", doi=doi,
        content_hash=content_hash, task=task, attempt=1, protocol="rules", backend="rules", model=None, status=OK,
        decided_by="rules", label_id=f"planted-{doi}-{task}", parsed=parsed,
    )  # fmt: skip


@pytest.mark.slow
def test_a_new_version_whose_uses_dl_is_false_drops_the_old_ptms(built: Path, dbt: DbtRunner) -> None:
    db = dbt.use(built)
    with duckdb.connect(str(db)) as con:
        doi, run_id = con.execute(
            "select doi, dl_run_id from intermediate.int_paper_labels where has_ptm_list order by doi limit 1"
        ).fetchone()
        # Planted, as re-ingesting a corrected file and relabelling it would leave them: the paper's new version,
        # and the rules' answer for it — no deep learning, so the cascade asks nothing more. The old version's
        # uses_ptms and PTM list stay in raw.llm_labels (append-only).
        con.execute("update raw.papers set content_hash = 'corrected' where doi = ?", [doi])
        answer = {"answer": False, "evidence": None}
        LabelStore(con).append([label_row(run_id, doi, "corrected", "uses_dl", answer)])
    result = dbt("run", "--select", "+ptm_reuse")
    assert result.returncode == 0, result.stdout[-3000:]
    assert query(db, "select uses_dl, uses_ptms, n_ptms, has_ptm_list, is_label_stale from marts.papers where doi = ?",
                 [doi]) == [(False, False, 0, False, False)]  # fmt: skip
    assert query(db, "select count(*) from marts.ptm_reuse where doi = ?", [doi]) == [(0,)]
    assert query(db, "select count(*) from intermediate.int_paper_ptms where doi = ?", [doi]) == [(0,)]


def configurations(db: Path) -> dict[str, dict[str, object]]:
    """int_run_configurations by model name (- for the rules backend)."""
    columns = ("papers_analysed", "failed_call_share", "is_eligible", "is_selected")
    sql = f"select run_configuration, {', '.join(columns)} from intermediate.int_run_configurations"
    return {row[0].split(" | ")[2]: dict(zip(columns, row[1:], strict=True)) for row in query(db, sql)}


def selected_in_marts(db: Path) -> list[str]:
    return [row[0] for row in query(db, "select distinct run_configuration from marts.papers")]


@pytest.mark.slow
def test_a_trial_run_or_a_failed_run_replaces_the_labels_only_when_chosen(
    built: Path, dbt: DbtRunner, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    db = dbt.use(built)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-not-a-key")
    llm = {"backend": "openai", "protocol": "compact", "timeout_s": 5.0, "max_retries": 0}
    quiet = Console(quiet=True)
    with FaultServer() as server:  # answers like a cooperative model
        trial = classify(db, ClassifyRequest(model="trial", base_url=server.base_url, limit=2, **llm), quiet)
    broken = FaultScript(faults=deque(["malformed"] * 100))  # every answer unparseable
    with FaultServer(broken) as server, pytest.raises(RunFailed):  # the run fails; its failed calls are recorded
        classify(db, ClassifyRequest(model="broken", base_url=server.base_url, **llm), quiet)

    result = dbt("run", "--select", "+papers")  # the run selection and the marts' paper rows it feeds
    assert result.returncode == 0, result.stdout[-3000:]
    found = configurations(db)
    assert found["-"] == {"papers_analysed": PAPERS, "failed_call_share": 0.0, "is_eligible": True, "is_selected": True}
    assert 0 < found["trial"]["papers_analysed"] <= 2 and found["trial"]["is_eligible"]
    assert not found["trial"]["is_selected"]
    assert found["broken"]["failed_call_share"] == 1.0 and not found["broken"]["is_eligible"]
    assert [name.split(" | ")[0] for name in selected_in_marts(db)] == ["rules"]
    assert "Classifier labels in the marts: rules | rules" in result.stdout
    assert "also labelled: openai | compact | trial" in result.stdout
    assert "also labelled: openai | compact | broken" in result.stdout and "(not eligible by default)" in result.stdout

    # chosen explicitly, the trial run's configuration feeds the marts, with a warning from dbt and from ptmreuse
    capfd.readouterr()
    models_only = ["--select", "+papers", "--exclude-resource-type", "test", "--exclude-resource-type", "unit_test"]
    args = ["build", "--vars", f"{{classifier_run: {trial.run_id}}}", *models_only]
    cli = CliRunner().invoke(app, args, env=dbt.env_for(*args))
    dbt_output = capfd.readouterr().out
    assert cli.exit_code == 0, cli.output + dbt_output
    assert "Partial coverage" in dbt_output
    assert "labels in the marts: openai | compact | trial" in cli.output and "partial coverage" in cli.output
    assert [name.split(" | ")[2] for name in selected_in_marts(db)] == ["trial"]
    sql = "select count(*) filter (is_analysed), count(*) filter (label_status = 'unlabelled') from marts.papers"
    analysed, unlabelled = query(db, sql)[0]
    assert analysed == found["trial"]["papers_analysed"] and unlabelled == PAPERS - analysed

    unknown = dbt("run", "--select", "int_run_configurations", "--vars", "{classifier_configuration: 'no such'}")
    assert unknown.returncode != 0
    expected = "var classifier_configuration 'no such' is not a run configuration; the configurations are:"
    assert expected in unknown.stdout
