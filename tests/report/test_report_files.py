"""The report's query and figure layer on a real small warehouse: every figure written, captions from the marts,
"no data" panels instead of crashes, and the warehouse left untouched."""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb
import pytest
from PIL import Image
from typer.testing import CliRunner

from ptmreuse.cli import app
from report import ReportError, write_report
from report import figures as fig
from report.queries import Field
from tests.duck import query
from warehouse.lock import WriterLock

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
PTM_FIGURES = {
    "How PTMs are reused, per year",
    "How PTMs are reused, per field over the years",
    "Where in the scientific process PTMs serve, per year",
    "Where in the scientific process PTMs serve, per field",
    "Most reused pre-trained models",
    "Headline findings, with their intervals",
}


def assert_png(path: Path) -> None:
    assert path.read_bytes()[:8] == PNG_MAGIC, path
    with Image.open(path) as image:
        width, height = image.size
        # a blank canvas would compress to a few KB; a drawn figure has many colours
        assert width >= 800 and height >= 200 and len(image.getcolors(maxcolors=1 << 16) or range(1 << 16)) > 8


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_every_figure_is_written_with_its_denominator_rule_and_run(warehouse: Path, tmp_path: Path) -> None:
    before = sha256(warehouse)
    result = write_report(warehouse, tmp_path / "reports")
    assert sha256(warehouse) == before  # read-only: the warehouse is not touched
    assert result.index == tmp_path / "reports" / "index.html"
    assert result.empty == []  # the sample has DL and PTM papers: every figure has data
    assert len(result.images) == 13
    for image in result.images:
        assert_png(image)
    html = result.index.read_text(encoding="utf-8")
    (run,) = {r for (r,) in query(warehouse, "select distinct run_configuration from marts.papers")}
    assert run.startswith("rules | rules | - | rules/")
    assert html.count(f"<code>{run}</code>") == 14  # the header, then every figure
    assert html.count('<dd class="denominator">') == 13
    assert html.count("any_of_3: a paper is natural science when") == 14
    assert "distinct_paper: a paper counts once in every field" in html
    assert "papers_analysed of the field-year" in html and "papers_using_dl of the field-year" in html
    for letter in "QRSTUVWX":
        assert f'<span class="letter">{letter}</span>' in html
    assert "Gold set &#39;reference&#39;" in html  # the agreement table, escaped
    assert "<td>uses_dl</td>" in html and "<td>tp/fp/fn/tn</td>" in html
    assert "reference labels are LLM-assisted, not human" in html  # the caveat, beside the table
    assert html.index(" · tuning</th>") < html.index(" · frozen</th>")  # both reference sets, side by side
    assert "<td>entry_recall</td>" in html and "<td>canonical_name_recall</td>" in html
    assert "http://" not in html and "https://" not in html  # nothing to fetch
    # numbers with their uncertainty: what corrected them (or why nothing was), headline findings, the study
    assert html.count("95 % Wilson interval") >= 2
    assert "on gold set reference-frozen" in html  # which gold set corrected the rates, or could not
    assert "<td>field leading PTM reuse</td>" in html and "<td>dominant stage</td>" in html
    assert "the intervals overlap" in html or "the intervals do not overlap" in html
    assert "<td>17,511</td>" in html and "<td>1,837</td>" in html  # the study's published funnel
    assert "not corrected for classification error" in html.lower()


@pytest.mark.slow
def test_captions_follow_the_marts_own_settings(warehouse_copy: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        con.execute("update marts.field_year_adoption set counting_convention = 'topic_slot', year_min = 2015")
    html = write_report(warehouse_copy, tmp_path).index.read_text(encoding="utf-8")
    assert html.count("topic_slot: a paper counts once per top-3 topic slot") == 2  # figures R and S only
    assert html.count("publication years 2015–…") == 2


@pytest.mark.slow
def test_captions_say_how_many_papers_have_no_field_and_how_many_ptm_papers_name_no_model(
    warehouse_copy: Path, tmp_path: Path
) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        # each figure reads its own mart's counts (the overall marts borrow pipeline_funnel's)
        for mart, without in (("field_year_adoption", 7), ("pipeline_funnel", 5), ("reuse_patterns", 7)):
            con.execute(
                f"update marts.{mart} set analysed_papers_in_window = 40, analysed_papers_without_field = {without}"
            )
        (ptm_papers,) = con.execute(
            "select count(*) from marts.papers where is_natural_science and is_in_year_window and is_analysed"
            " and uses_ptms"
        ).fetchone()
        con.execute(
            "update marts.papers set n_ptms = 0 where doi = (select min(doi) from marts.papers where uses_ptms)"
        )
    html = write_report(warehouse_copy, tmp_path).index.read_text(encoding="utf-8")
    assert html.count('<dd class="fields">7 of 40 analysed papers in the year window have no field') == 3  # R, S, X
    borrowed = '<dd class="fields">5 of 40 analysed papers in the year window have no field'
    # header, Q, and every figure read from an overall mart, which borrows it too: V, W, T, U by year, U by field
    # and the three interval figures
    assert html.count(borrowed) == 10
    assert ptm_papers > 0
    assert html.count(f"1 of the {ptm_papers} natural-science papers that reuse PTMs name no model") == 5


@pytest.mark.slow
def test_marts_without_ptm_papers_give_no_data_panels(warehouse_copy: Path, tmp_path: Path) -> None:
    with duckdb.connect(str(warehouse_copy)) as con:
        for mart in (
            "ptm_reuse",
            "reuse_patterns",
            "stage_impact",
            "top_ptms",
            "reuse_patterns_overall",
            "stage_impact_overall",
        ):
            con.execute(f"delete from marts.{mart}")
        con.execute("update marts.papers set uses_ptms = false")
        con.execute("update marts.field_year_adoption set papers_reusing_ptms = 0, ptm_rate = 0")
        con.execute("drop table marts.classifier_agreement")
    result = write_report(warehouse_copy, tmp_path)
    assert set(result.empty) == PTM_FIGURES
    for image in result.images:
        assert image.stat().st_size > 2000
    html = result.index.read_text(encoding="utf-8")
    assert html.count("No data yet for this figure") == len(PTM_FIGURES)
    assert "Not evaluated yet: run <code>ptmreuse eval</code>" in html
    assert html.count('<dd class="denominator">') == 13  # empty figures still say what they would count


def test_figures_draw_a_no_data_panel_for_empty_input(tmp_path: Path) -> None:
    fields = [Field(13, "Biochemistry, Genetics and Molecular Biology"), Field(16, "Chemistry")]
    drawn = {
        "funnel": fig.draw_funnel([], tmp_path / "q.png"),
        "by_year": fig.draw_adoption_by_year(
            [], tmp_path / "v.png", numerator="papers_using_dl", denominator="papers_analysed", labels=("a", "b")
        ),
        "by_field": fig.draw_adoption_by_field(
            [],
            fields,
            tmp_path / "r.png",
            numerator="papers_using_dl",
            denominator="papers_analysed",
            labels=("a", "b"),
            empty="no analysed papers",
        ),
        "categories": fig.draw_categories_by_year([], {"test": "Test"}, {}, tmp_path / "u.png"),
        "per_field": fig.draw_categories_by_field([], fields, {"test": "Test"}, tmp_path / "x.png"),
        "heatmap": fig.draw_stage_heatmap([], fields, {"test": "Test"}, tmp_path / "h.png"),
        "top": fig.draw_top_ptms([], {"deployment": "Deployment"}, tmp_path / "top.png"),
    }
    assert not any(drawn.values()), drawn
    assert {p.name for p in tmp_path.iterdir()} == {"q.png", "v.png", "r.png", "u.png", "x.png", "h.png", "top.png"}
    for path in tmp_path.iterdir():
        assert path.read_bytes()[:8] == PNG_MAGIC and path.stat().st_size > 2000


def test_a_field_without_papers_is_drawn_next_to_one_with_papers(tmp_path: Path) -> None:
    fields = [Field(13, "Biochemistry"), Field(16, "Chemistry")]
    rows = [{"field_id": 13, "publication_year": 2020, "papers_analysed": 4, "papers_using_dl": 1}]
    assert fig.draw_adoption_by_field(
        rows,
        fields,
        tmp_path / "r.png",
        numerator="papers_using_dl",
        denominator="papers_analysed",
        labels=("a", "b"),
        empty="no analysed papers",
    )
    assert_png(tmp_path / "r.png")


def test_a_missing_warehouse_or_one_without_marts_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="no warehouse at"):
        write_report(tmp_path / "absent.duckdb", tmp_path / "out")
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    with pytest.raises(ReportError, match="run `ptmreuse build` first"):
        write_report(empty, tmp_path / "out")
    assert not (tmp_path / "out" / "index.html").exists()


@pytest.mark.slow
def test_cli_report_runs_while_a_writer_holds_the_lock(
    warehouse_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTMREUSE_DB", str(warehouse_copy))
    lock = WriterLock(warehouse_copy, "ptmreuse build (test)").acquire()
    try:
        result = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "site")])
    finally:
        lock.release()
    assert result.exit_code == 0, result.output
    assert (tmp_path / "site" / "index.html").exists() and "(13 figures)" in " ".join(result.output.split())
    monkeypatch.setenv("PTMREUSE_DB", str(tmp_path / "absent.duckdb"))
    refused = CliRunner().invoke(app, ["report", "--out", str(tmp_path / "site")])
    assert refused.exit_code == 2 and "no report" in refused.output
