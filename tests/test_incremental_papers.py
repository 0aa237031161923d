"""The per-paper models (int_paper_fields, int_paper_labels, int_paper_ptm_mentions, papers) are incremental: a build
recomputes only the papers whose inputs changed, and what it leaves equals a `--full-refresh` build.

Real papers from the bundled corpus, labelled by the rules backend. The edits are the kinds a user makes: new papers
ingested and labelled, an article file replaced by a corrected version (re-ingested, relabelled), a var changed, a
paper deleted from the raw layer by hand.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from rich.console import Console
from typer.testing import CliRunner

from classifiers.engine.service import ClassifyRequest, classify
from ingestion.jats.pipeline import ingest_jats_corpus
from ptmreuse.cli import app
from ptmreuse.dbt import run_dbt
from tests.duck import query
from tests.support.warehouses import built_warehouse, dbt_env

MEMBERS = (
    "biohackathon2024-pmc/PMC9583140.xml",  # PTM reuse, several models
    "biohackathon2024-pmc/PMC6692109.xml",  # PTM reuse, two fields
    "biohackathon2024-pmc/PMC9047973.xml",  # deep learning without a PTM
    "docling/elife-56337.nxml",  # no deep learning
)
NEW_MEMBERS = ("biohackathon2024-pmc/PMC8494008.xml", "biohackathon2024-pmc/PMC8445633.xml")
CORRECTED_MEMBER = "docling/elife-56337.nxml"
CORRECTED_DOI = "10.7554/elife.56337"
# The corrected version adds a methods sentence that reuses a pre-trained model (the edit is ours, the article real).
ADDED_SENTENCE = (
    b"<p>Cell boundaries were segmented with a ResNet-50 network pre-trained on ImageNet, which we fine-tuned on "
    b"200 annotated images of our own.</p>"
)
COMPARED_TABLES = (
    "intermediate.int_paper_fields",
    "intermediate.int_paper_labels",
    "intermediate.int_paper_ptm_mentions",
    "marts.papers",
    "marts.ptm_reuse",
    "marts.field_year_adoption",
    "marts.top_ptms",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    return built_warehouse(tmp_path_factory.mktemp("incremental"), MEMBERS)


@pytest.fixture
def copy(built, tmp_path: Path) -> tuple[Path, dict[str, str]]:  # type: ignore[no-untyped-def]
    db, _ = built
    target = tmp_path / "w.duckdb"
    shutil.copy(db, target)
    return target, dbt_env(tmp_path)


def snapshot(db: Path) -> dict[str, list[str]]:
    """Every row of the per-paper models and the marts they feed, without the refreshed_at stamp."""
    out = {}
    with duckdb.connect(str(db), read_only=True) as con:
        for table in COMPARED_TABLES:
            columns = [name for (name, *_) in con.execute(f"describe {table}").fetchall() if name != "refreshed_at"]
            rows = con.execute(f"select {', '.join(columns)} from {table}").fetchall()
            out[table] = sorted(map(repr, rows))
    return out


def refreshed_at(db: Path) -> dict[str, object]:
    return dict(query(db, "select doi, refreshed_at from marts.papers"))


def ingest_files(db: Path, folder: Path, files: dict[str, bytes]) -> None:
    """Ingest article files (name → bytes) into `db`, as `ptmreuse ingest jats folder` does."""
    folder.mkdir()
    for name, content in files.items():
        (folder / Path(name).name).write_bytes(content)
    ingest_jats_corpus(folder, db)


def build(db: Path, env: dict[str, str], *args: str) -> None:
    assert run_dbt(["build", "--quiet", "--exclude-resource-type", "unit_test", *args], db, extra_env=env) == 0


def assert_same_as_a_full_refresh(db: Path, env: dict[str, str], *args: str) -> None:
    incremental = snapshot(db)
    build(db, env, "--full-refresh", *args)
    assert snapshot(db) == incremental


@pytest.mark.slow
def test_a_build_with_nothing_new_recomputes_no_paper(copy) -> None:  # type: ignore[no-untyped-def]
    db, env = copy
    before, stamps = snapshot(db), refreshed_at(db)
    build(db, env)
    assert refreshed_at(db) == stamps
    assert snapshot(db) == before


@pytest.mark.slow
def test_new_and_corrected_papers_are_recomputed_and_match_a_full_refresh(copy, tmp_path: Path, read_member) -> None:  # type: ignore[no-untyped-def]
    db, env = copy
    stamps = refreshed_at(db)
    assert query(db, "select n_ptms from marts.papers where doi = ?", [CORRECTED_DOI]) == [(0,)]
    corrected = read_member(CORRECTED_MEMBER).replace(b"</body>", ADDED_SENTENCE + b"</body>", 1)
    assert corrected != read_member(CORRECTED_MEMBER)
    ingest_files(db, tmp_path / "more", {**{m: read_member(m) for m in NEW_MEMBERS}, CORRECTED_MEMBER: corrected})
    classify(db, ClassifyRequest(backend="rules"), Console(quiet=True))

    build(db, env)
    after = refreshed_at(db)
    recomputed = {doi for doi, stamp in after.items() if stamp != stamps.get(doi)}
    assert len(after) == len(MEMBERS) + len(NEW_MEMBERS)
    assert recomputed == set(after) - set(stamps) | {CORRECTED_DOI}
    assert query(db, "select uses_ptms, n_ptms > 0 from marts.papers where doi = ?", [CORRECTED_DOI]) == [(True, True)]
    assert query(db, "select count(*) from marts.ptm_reuse where doi = ?", [CORRECTED_DOI])[0][0] > 0

    assert_same_as_a_full_refresh(db, env)


@pytest.mark.slow
def test_a_clock_set_back_between_builds_hides_no_new_paper(copy, tmp_path: Path, read_member) -> None:  # type: ignore[no-untyped-def]
    db, env = copy
    with duckdb.connect(str(db)) as con:  # as if the last build had run with the clock a day ahead
        con.execute("update intermediate.int_paper_changes set changed_at = changed_at + interval 1 day")
        for table in ("intermediate.int_paper_fields", "intermediate.int_paper_labels", "marts.papers"):
            con.execute(f"update {table} set refreshed_at = refreshed_at + interval 1 day")
    ingest_files(db, tmp_path / "more", {NEW_MEMBERS[0]: read_member(NEW_MEMBERS[0])})
    classify(db, ClassifyRequest(backend="rules"), Console(quiet=True))
    build(db, env)
    assert query(db, "select count(*), count(*) filter (where label_status = 'labelled') from marts.papers") == [
        (len(MEMBERS) + 1, len(MEMBERS) + 1)
    ]
    # rebuilding the change log alone from scratch keeps its stamps ahead of every per-paper row, too
    newest = query(db, "select max(refreshed_at) from marts.papers")[0][0]
    build(db, env, "--full-refresh", "--select", "int_paper_changes")
    assert query(db, "select min(changed_at) from intermediate.int_paper_changes")[0][0] > newest


@pytest.mark.slow
def test_a_changed_var_recomputes_every_paper(copy) -> None:  # type: ignore[no-untyped-def]
    db, env = copy
    stamps = refreshed_at(db)
    build(db, env, "--vars", "{natural_science_rule: two_of_3}")
    after = refreshed_at(db)
    assert all(after[doi] != stamps[doi] for doi in stamps)
    assert query(db, "select list(distinct natural_science_rule) from marts.papers") == [(["two_of_3"],)]
    assert_same_as_a_full_refresh(db, env, "--vars", "{natural_science_rule: two_of_3}")


@pytest.mark.slow
def test_papers_deleted_from_the_raw_layer_leave_every_per_paper_model(copy, tmp_path: Path, read_member) -> None:  # type: ignore[no-untyped-def]
    db, env = copy
    # an unlabelled paper, so that nothing about it is left once its article rows are gone
    ingest_files(db, tmp_path / "more", {NEW_MEMBERS[0]: read_member(NEW_MEMBERS[0])})
    build(db, env)
    unlabelled = query(db, "select doi from marts.papers where label_status = 'unlabelled'")[0][0]
    labelled = query(db, "select doi from marts.ptm_reuse order by doi limit 1")[0][0]
    with duckdb.connect(str(db)) as con:  # by hand, as for a retracted article; raw.llm_labels is append-only
        for table in ("raw.paper_sections", "raw.papers"):
            con.execute(f"delete from {table} where doi in (?, ?)", [unlabelled, labelled])
    build(db, env)
    # int_paper_ptm_mentions keeps the labelled paper's mentions: they come from its labels, which stay
    article_tables = (
        "intermediate.int_paper_fields",
        "intermediate.int_paper_labels",
        "marts.papers",
        "marts.ptm_reuse",
    )
    for doi in (unlabelled, labelled):
        for table in article_tables:
            assert query(db, f"select count(*) from {table} where doi = ?", [doi]) == [(0,)], (doi, table)
    removed = dict(query(db, "select doi, is_removed from intermediate.int_paper_changes"))
    assert removed[unlabelled] is True and removed[labelled] is False  # its labels are still there
    assert_same_as_a_full_refresh(db, env)


@pytest.mark.slow
def test_tables_built_before_refreshed_at_existed_are_rebuilt_once(copy, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    db, env = copy
    with duckdb.connect(str(db)) as con:  # what a warehouse built by the previous ptmreuse looks like
        con.execute("alter table intermediate.int_paper_labels drop column refreshed_at")
    # plain dbt stops and says what to do ...
    assert run_dbt(["build", "--exclude-resource-type", "unit_test"], db, extra_env=env) != 0
    assert "rebuild it once with `ptmreuse build --full-refresh`" in (tmp_path / "logs" / "dbt.log").read_text()
    # ... and `ptmreuse build` does it
    for name, value in {**env, "PTMREUSE_DB": str(db)}.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(app, ["build", "--exclude-resource-type", "unit_test"])
    assert result.exit_code == 0, result.output
    assert "intermediate.int_paper_labels were built by an older ptmreuse" in " ".join(result.output.split())
    assert "refreshed_at" in {name for (name, *_) in query(db, "describe intermediate.int_paper_labels")}
    assert f"{len(MEMBERS)} of {len(MEMBERS)} DOIs changed since the last build" in " ".join(result.output.split())
    again = CliRunner().invoke(app, ["build", "--exclude-resource-type", "unit_test"])
    assert again.exit_code == 0 and "older ptmreuse" not in again.output
    assert f"0 of {len(MEMBERS)} DOIs changed since the last build" in " ".join(again.output.split())
