"""The marts, built by the real dbt project on a real DuckDB file from real papers labelled by the rules backend.

Papers come from the bundled corpus (corpus/sample-jats.zip); labels from `ptmreuse classify --backend rules` (the
service function the CLI calls). No row here is made up, except the one planted to break the build on purpose.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from classifiers.store import OK, LabelRow, LabelStore
from ptmreuse.dbt import run_dbt
from tests.duck import query
from tests.support.warehouses import built_warehouse, dbt_env

MEMBERS = (
    "biohackathon2024-pmc/PMC9583140.xml",  # PTM reuse, several models
    "biohackathon2024-pmc/PMC6897514.xml",
    "biohackathon2024-pmc/PMC7316361.xml",  # PTM reuse, three fields
    "biohackathon2024-pmc/PMC6692109.xml",  # PTM reuse, two fields
    "biohackathon2024-pmc/PMC9047973.xml",  # deep learning without a PTM
    "docling/elife-56337.nxml",  # no deep learning
    "docling/pone.0234687.nxml",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    return built_warehouse(tmp_path_factory.mktemp("marts"), MEMBERS)


@pytest.mark.slow
def test_papers_carry_labels_fields_and_the_run_configuration(built) -> None:  # type: ignore[no-untyped-def]
    db, _ = built
    rows = query(db, "select label_status, decided_by, run_configuration, counting_convention from marts.papers")
    assert len(rows) == len(MEMBERS)
    assert {r[0] for r in rows} == {"labelled"}
    assert {r[1] for r in rows} == {"rules"}
    configurations = {r[2] for r in rows}
    assert len(configurations) == 1 and configurations.pop().startswith("rules | rules | - | rules/")
    assert {r[3] for r in rows} == {"distinct_paper"}
    (reusing,) = query(db, "select count(*) from marts.papers where uses_ptms and n_ptms > 0")[0]
    (negative,) = query(db, "select count(*) from marts.papers where not uses_dl and not uses_ptms")[0]
    assert reusing >= 3 and negative >= 1
    (multi_field,) = query(db, "select count(*) from marts.papers where len(field_ids) >= 2 and uses_ptms")[0]
    assert multi_field >= 1


@pytest.mark.slow
def test_ptm_rows_belong_to_ptm_papers_and_names_are_canonical(built) -> None:  # type: ignore[no-untyped-def]
    db, _ = built
    orphans = query(
        db,
        "select r.doi from marts.ptm_reuse r left join marts.papers p using (doi)"
        " where p.doi is null or not p.uses_ptms",
    )
    assert orphans == []
    # every distinct key maps to one canonical name, and n_ptms counts canonical names
    keyed = query(db, "select name_key, count(distinct canonical_name) from intermediate.int_paper_ptms group by 1")
    assert keyed and all(n == 1 for _, n in keyed)
    mismatched = query(
        db,
        "select p.doi from marts.papers p left join (select doi, count(distinct canonical_name) n"
        " from marts.ptm_reuse group by doi) r using (doi) where p.n_ptms <> coalesce(r.n, 0)",
    )
    assert mismatched == []


@pytest.mark.slow
def test_field_year_adoption_counts_each_paper_once_per_field(built) -> None:  # type: ignore[no-untyped-def]
    db, _ = built
    with duckdb.connect(str(db), read_only=True) as con:
        expected = con.execute(
            "select f.field_id, p.publication_year, count(distinct p.doi),"
            " count(distinct p.doi) filter (where p.uses_ptms)"
            " from marts.papers p join intermediate.int_paper_fields f using (doi)"
            " where p.is_natural_science and f.top3_topic_slots > 0 group by all"
        ).fetchall()
        actual = con.execute(
            "select field_id, publication_year, papers_analysed, papers_reusing_ptms from marts.field_year_adoption"
        ).fetchall()
        rates = con.execute(
            "select count(*) from marts.field_year_adoption"
            " where abs(dl_rate - papers_using_dl / papers_analysed) > 1e-9 or dl_rate_denominator <> papers_analysed"
        ).fetchone()
    assert sorted(actual) == sorted(expected)
    assert rates == (0,)


@pytest.mark.slow
def test_funnel_starts_at_full_text_for_the_corpus(built) -> None:  # type: ignore[no-untyped-def]
    db, _ = built
    steps = query(db, "select step, papers from marts.pipeline_funnel where source_kind = 'corpus' order by step_order")
    assert [s for s, _ in steps] == ["full_text", "natural_science", "analysed", "uses_dl", "uses_ptms"]
    counts = [n for _, n in steps]
    assert counts[0] == len(MEMBERS) and counts == sorted(counts, reverse=True)


@pytest.mark.slow
def test_topic_slot_convention_is_recorded_and_never_counts_less(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, _ = built
    copy = tmp_path / "slots.duckdb"
    shutil.copy(db, copy)
    distinct = query(copy, "select sum(papers_in_scope) from marts.field_year_adoption")[0][0]
    code = run_dbt(["build", "--vars", "{counting_convention: topic_slot}"], copy, extra_env=dbt_env(tmp_path))
    assert code == 0
    slots, conventions = query(
        copy, "select sum(papers_in_scope), list(distinct counting_convention) from marts.field_year_adoption"
    )[0]
    assert conventions == ["topic_slot"] and slots >= distinct


@pytest.mark.slow
def test_a_ptm_list_on_a_paper_without_ptms_fails_the_build(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, _ = built
    broken = tmp_path / "broken.duckdb"
    shutil.copy(db, broken)
    with duckdb.connect(str(broken)) as con:
        doi, content_hash = con.execute(
            "select doi, content_hash from marts.papers join raw.papers using (doi) where uses_ptms = false"
            " order by doi limit 1"
        ).fetchone()
        run_id = con.execute("select run_id from raw.llm_labels order by finished_at desc limit 1").fetchone()[0]
        # planted on purpose: a PTM list for a paper whose uses_ptms answer is false
        planted = LabelRow(
            run_id=run_id,
            call_id="planted",
            cache_key="planted",
            doi=doi,
            content_hash=content_hash,
            task="ptms",
            attempt=1,
            protocol="rules",
            backend="rules",
            model=None,
            status=OK,
            decided_by="rules",
            label_id="planted-inconsistency",
            parsed={"ptms": [{"name": "BERT", "reuse_pattern": "deployment", "stage": "analysis", "evidence": "x"}]},
        )
        LabelStore(con).append([planted])
    assert run_dbt(["build"], broken, extra_env=dbt_env(tmp_path)) != 0


def mart_snapshot(db: Path) -> list[tuple]:
    return query(
        db,
        "select doi, label_status, uses_dl, uses_ptms, n_ptms, decided_by, run_configuration from marts.papers"
        " order by doi",
    )


@pytest.mark.slow
def test_switching_run_configuration_rebuilds_the_incremental_labels(built, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    db, _ = built
    switched = tmp_path / "switched.duckdb"
    shutil.copy(db, switched)
    with duckdb.connect(str(switched)) as con:
        rules_run = con.execute("select run_id from raw.classifier_runs where status = 'finished'").fetchone()[0]
        # a later finished run of another configuration that labelled nothing (test row, not a real run)
        con.execute(
            "insert into raw.classifier_runs (run_id, backend, protocol, model, configuration, started_at,"
            " finished_at, status) values ('test-other-run', 'openai', 'compact', 'test-model',"
            " '{\"prompts\": {}}', now(), now() + interval 1 hour, 'finished')"
        )
    env = dbt_env(tmp_path)
    assert run_dbt(["build"], switched, extra_env=env) == 0
    rows = mart_snapshot(switched)
    assert {row[1] for row in rows} == {"unlabelled"}
    assert {row[6] for row in rows} == {"openai | compact | test-model | -"}
    assert run_dbt(["build", "--vars", f"{{classifier_run: {rules_run}}}"], switched, extra_env=env) == 0
    assert mart_snapshot(switched) == mart_snapshot(db)
