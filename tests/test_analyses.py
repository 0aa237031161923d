"""Every SQL file in analyses/ compiles with `dbt compile` and runs on a built warehouse (real papers, rules labels),
and so does every example query the README gives under "Querying the marts"."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from tests.support.warehouses import dbt_runner, rules_warehouse
from warehouse.paths import PROJECT_DIR

ANALYSES = sorted(path.stem for path in (PROJECT_DIR / "analyses").glob("*.sql"))


@pytest.fixture(scope="module")
def compiled(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    db = rules_warehouse(tmp_path_factory)
    dbt = dbt_runner(tmp_path_factory)
    dbt.use(db)
    result = dbt("compile", "--select", "path:analyses")
    assert result.returncode == 0, result.stdout[-3000:]
    folder = Path(dbt.env["DBT_TARGET_PATH"]) / "compiled" / "ptmreuse" / "analyses"
    return db, {path.stem: path.read_text() for path in folder.glob("*.sql")}


def run(db: Path, sql: str) -> tuple[list[str], list[tuple]]:
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute(sql)
        return [d[0] for d in cursor.description], cursor.fetchall()


def test_there_are_analyses_for_the_study_questions() -> None:
    assert {"rq1_fields_reusing_ptms", "rq2_reuse_patterns", "rq3_stage_impact", "top_ptms_overall",
            "adoption_over_time"} <= set(ANALYSES)  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("name", ANALYSES)
def test_analysis_compiles_and_runs(compiled, name: str) -> None:
    db, files = compiled
    columns, rows = run(db, files[name])
    assert columns and rows, f"{name} returned nothing on a warehouse with PTM reuse"


@pytest.mark.slow
def test_rq2_and_rq3_answer_in_the_taxonomy(compiled) -> None:
    db, files = compiled
    _, patterns = run(db, files["rq2_reuse_patterns"])
    assert {row[1] for row in patterns} <= {"conceptual", "adaptation", "deployment"}
    _, stages = run(db, files["rq3_stage_impact"])
    assert {row[1] for row in stages} <= {"observation", "background", "hypothesis", "test", "analysis", "conclusion"}
    overall = [row for row in patterns if row[0] == "all natural-science fields"]
    assert overall and abs(sum(row[4] for row in overall) - 1) < 0.01  # instance shares sum to 1


@pytest.mark.slow
def test_adoption_over_time_matches_the_papers_mart(compiled) -> None:
    db, files = compiled
    columns, rows = run(db, files["adoption_over_time"])
    analysed = sum(row[columns.index("papers_analysed")] for row in rows)
    with duckdb.connect(str(db), read_only=True) as con:
        expected = con.execute("select count(*) from marts.papers where is_natural_science and is_analysed").fetchone()
    assert analysed == expected[0]


def readme_queries() -> list[str]:
    """The statements of the README's SQL examples under "Querying the marts", in order."""
    section = (PROJECT_DIR / "README.md").read_text().split("## Querying the marts", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sql\n(.*?)```", section, flags=re.DOTALL)
    return [statement for block in blocks for statement in block.split(";") if "select" in statement]


@pytest.mark.slow
def test_the_readmes_example_queries_run_and_answer(tmp_path_factory: pytest.TempPathFactory) -> None:
    db = rules_warehouse(tmp_path_factory)
    statements = readme_queries()
    assert len(statements) >= 3
    for statement in statements:
        columns, rows = run(db, statement)
        assert columns and rows, f"the README's query returned nothing:\n{statement}"
