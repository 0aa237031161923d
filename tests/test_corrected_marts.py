"""Intervals and classifier-corrected rates in the marts, built by the real dbt project on real papers labelled by
the rules backend. The measured classifier error is planted by hand in raw.agreement_metrics (the rows
`ptmreuse eval` writes), so the expected corrected values are known."""

from __future__ import annotations

import math
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import numpy as np
import pytest

from evaluation.category_confusion import CATEGORIES, category_metrics
from tests.duck import query
from tests.support.warehouses import DbtRunner, dbt_runner, rules_warehouse

RATES = ["dl_rate", "ptm_rate_of_analysed"]
CORRECTED = [f"{r}_corrected{end}" for r in RATES for end in ("", "_ci_low", "_ci_high")]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rules_warehouse(tmp_path_factory)


@pytest.fixture(scope="module")
def dbt(tmp_path_factory: pytest.TempPathFactory) -> DbtRunner:
    return dbt_runner(tmp_path_factory)


def plant_error(db: Path, configuration: str, gold_set: str, counts: dict[str, dict[str, int]]) -> None:
    """Confusion counts per task, as `ptmreuse eval` writes them (planted by hand)."""
    with duckdb.connect(str(db)) as con:
        for task, cells in counts.items():
            for metric, value in cells.items():
                con.execute(
                    "insert into raw.agreement_metrics (run_configuration, run_id, backend, protocol, model, gold_set,"
                    " gold_is_human, task, metric, value, n, description, bootstrap_resamples, evaluated_at)"
                    " values (?, 'r', 'rules', 'rules', null, ?, false, ?, ?, ?, 40, 'planted by a test', 0, ?)",
                    [configuration, gold_set, task, metric, value, datetime.now(UTC)],
                )


def test_never_evaluated_configuration_gets_nulls_and_a_reason_not_zeros(built: Path) -> None:
    for mart in ("field_year_adoption", "adoption_overall"):
        rows = query(built, f"select {', '.join(CORRECTED)}, correction_run_configuration, correction_note, "
                            f"correction_gold_set from marts.{mart}")  # fmt: skip
        assert rows
        for row in rows:
            assert row[: len(CORRECTED)] == (None,) * len(CORRECTED)
            assert row[-3] is None
            assert "measured for the configuration that fed the marts on gold set reference-frozen" in row[-2]
            assert "run `ptmreuse eval`" in row[-2]
            assert row[-1] == "reference-frozen"


def test_every_rate_and_share_has_its_interval(built: Path) -> None:
    checks = {
        "field_year_adoption": ["dl_rate", "ptm_rate", "ptm_rate_of_analysed"],
        "adoption_overall": ["dl_rate", "ptm_rate", "ptm_rate_of_analysed"],
        "reuse_patterns": ["share_of_papers", "share_of_instances"],
        "stage_impact": ["share_of_papers", "share_of_instances"],
        "reuse_patterns_overall": ["share_of_papers", "share_of_instances"],
        "stage_impact_overall": ["share_of_papers", "share_of_instances"],
        "pipeline_funnel": ["share_of_previous", "share_of_first"],
        "study_comparison": ["our_share_of_previous"],
    }
    for mart, rates in checks.items():
        for rate in rates:
            (bad, defined) = query(
                built,
                f"select count(*) filter (where not ({rate}_ci_low <= {rate} and {rate} <= {rate}_ci_high"
                f" and {rate}_ci_low >= 0 and {rate}_ci_high <= 1)), count({rate}) from marts.{mart}",
            )[0]
            assert defined > 0 and bad == 0, (mart, rate)
    scopes = {r[0] for r in query(built, "select scope from marts.adoption_overall")}
    assert scopes == {"overall", "year", "field"}
    (overall,) = query(built, "select papers_analysed from marts.adoption_overall where scope = 'overall'")[0]
    (papers,) = query(built, "select count(*) from marts.papers where is_natural_science and is_analysed")[0]
    assert overall == papers  # each paper once, not once per field


def test_measured_error_corrects_the_rates_and_names_gold_set_and_configuration(built: Path, dbt: DbtRunner) -> None:
    db = dbt.use(built)
    (configuration,) = query(db, "select distinct run_configuration from marts.field_year_adoption")[0]
    error = {"uses_dl": {"tp": 18, "fn": 2, "tn": 16, "fp": 4}, "uses_ptms": {"tp": 9, "fn": 1, "tn": 27, "fp": 3}}
    plant_error(db, configuration, "reference-frozen", error)
    plant_error(db, "some | other | configuration", "aius", error)  # not the one that fed the marts
    result = dbt("build", "--select", "int_classifier_error+")
    assert result.returncode == 0, result.stdout[-3000:]
    rows = query(
        db,
        "select papers_using_dl, papers_reusing_ptms, papers_analysed, dl_rate_corrected, dl_rate_corrected_ci_low,"
        " dl_rate_corrected_ci_high, ptm_rate_of_analysed_corrected, correction_run_configuration, correction_note,"
        " dl_rate_ci_high - dl_rate_ci_low, dl_rate_corrected_ci_high - dl_rate_corrected_ci_low"
        " from marts.adoption_overall where papers_analysed > 0",
    )
    se, sp = 18 / 20, 16 / 20
    ptm_se, ptm_sp = 9 / 10, 27 / 30
    for dl, ptm, n, corrected, low, high, ptm_corrected, named, note, raw_width, corrected_width in rows:
        assert corrected == pytest.approx(min(1, max(0, (dl / n + sp - 1) / (se + sp - 1))))
        assert ptm_corrected == pytest.approx(min(1, max(0, (ptm / n + ptm_sp - 1) / (ptm_se + ptm_sp - 1))))
        assert low <= corrected <= high or (corrected == 0 and low == 0)
        assert corrected_width > raw_width  # carries the uncertainty of Se and Sp too
        assert named == configuration and note is None

    # another gold set the configuration was never evaluated on: nulls again, and the reason names it
    result = dbt("build", "--select", "int_classifier_error+", "--vars", "{correction_gold_set: aius}")
    assert result.returncode == 0, result.stdout[-3000:]
    notes = {r[0] for r in query(db, "select correction_note from marts.field_year_adoption")}
    assert len(notes) == 1 and "on gold set aius (never evaluated there" in notes.pop()
    (values,) = query(db, "select count(dl_rate_corrected) from marts.field_year_adoption")[0]
    assert values == 0


def test_a_bad_correction_gold_set_stops_the_build_with_its_name(dbt: DbtRunner, built: Path) -> None:
    dbt.use(built)
    result = dbt("build", "--select", "adoption_overall", "--vars", "{correction_gold_set: human}")
    assert result.returncode != 0
    assert "correction_gold_set must be reference-frozen" in result.stdout


def plant_rows(db: Path, configuration: str, gold_set: str, rows: list[tuple[str, str, float | None, str]]) -> None:
    """(task, metric, value, description) rows as `ptmreuse eval` writes them (planted by hand)."""
    with duckdb.connect(str(db)) as con:
        for task, metric, value, description in rows:
            con.execute(
                "insert into raw.agreement_metrics (run_configuration, run_id, backend, protocol, model, gold_set,"
                " gold_is_human, task, metric, value, n, description, bootstrap_resamples, evaluated_at)"
                " values (?, 'r', 'rules', 'rules', null, ?, false, ?, ?, ?, 40, ?, 0, ?)",
                [configuration, gold_set, task, metric, value, description, datetime.now(UTC)],
            )


def test_shares_are_corrected_through_the_measured_matrix_or_say_why_not(built: Path, dbt: DbtRunner) -> None:
    db = dbt.use(built)
    (configuration,) = query(db, "select distinct run_configuration from marts.reuse_patterns_overall")[0]
    patterns = ["conceptual", "adaptation", "deployment"]
    coefficients = [[1.2, -0.1, 0.0], [-0.2, 1.1, 0.0], [0.0, 0.0, 1.0]]  # true (rows) <- predicted (columns)
    matrix = {(t, p): coefficients[i][j] for i, t in enumerate(patterns) for j, p in enumerate(patterns)}
    planted = [("reuse_pattern_correction", f"{t}<-{p}", v, "coefficient") for (t, p), v in matrix.items()]
    planted.append(("stage_correction", "not_corrected", None, "only 12 matched gold entries; gold set x: y"))
    plant_rows(db, configuration, "reference-frozen", planted)
    result = dbt("build", "--select", "int_share_correction+")
    assert result.returncode == 0, result.stdout[-3000:]

    observed = dict(query(db, "select reuse_pattern, share_of_instances from marts.reuse_patterns_overall"
                              " where scope = 'overall'"))  # fmt: skip
    raw = {t: max(0.0, sum(matrix[t, p] * observed[p] for p in patterns)) for t in patterns}
    expected = {t: v / sum(raw.values()) for t, v in raw.items()}
    rows = query(db, "select reuse_pattern, share_of_instances_corrected, share_correction_run_configuration,"
                     " share_correction_note from marts.reuse_patterns_overall where scope = 'overall'")  # fmt: skip
    for pattern, corrected, named, note in rows:
        assert corrected == pytest.approx(expected[pattern])
        assert named == configuration and note is None
    notes = {r[0] for r in query(db, "select share_correction_note from marts.stage_impact_overall")}
    assert notes == {"not corrected for classification error: on gold set reference-frozen, only 12 matched gold"
                     " entries"}  # fmt: skip
    (values,) = query(db, "select count(share_of_instances_corrected) from marts.stage_impact_overall")[0]
    assert values == 0


def plant_confusion(db: Path, configuration: str, kind: str, counts: dict[tuple[str, str], int]) -> None:
    """The confusion and correction rows `ptmreuse eval` writes for these matched (gold, predicted) counts, made by
    eval's own code (evaluation/category_confusion.py) from planted pairs."""
    pairs = [pair for pair, n in counts.items() for _ in range(n)]
    rows = [(task, metric, None if math.isnan(value) else value, text)
            for task, metric, value, _, text in category_metrics(kind, pairs)]  # fmt: skip
    with duckdb.connect(str(db)) as con:
        con.execute("delete from raw.agreement_metrics where task like ?", [f"{kind}_%"])
    plant_rows(db, configuration, "reference-frozen", rows)


def corrected_shares(db: Path, mart: str, category: str) -> dict[str, list[tuple]]:
    """Per scope row key prefix: (category, observed share, corrected, low, high, Goodman low, high, note)."""
    rows = query(db, f"select regexp_replace(row_key, ':[^:]*$', ''), {category}, share_of_instances,"
                     " share_of_instances_corrected, share_of_instances_corrected_ci_low,"
                     " share_of_instances_corrected_ci_high, share_of_instances_ci_low, share_of_instances_ci_high,"
                     f" share_correction_note from marts.{mart} where ptm_instances_total > 0")  # fmt: skip
    scopes: dict[str, list[tuple]] = {}
    for scope, *row in rows:
        scopes.setdefault(scope, []).append(tuple(row))
    return scopes


def test_corrected_shares_carry_the_confusion_matrix_uncertainty_and_leave_out_what_gold_lacks(
    built: Path, dbt: DbtRunner
) -> None:
    db = dbt.use(built)
    (configuration,) = query(db, "select distinct run_configuration from marts.reuse_patterns_overall")[0]
    patterns = CATEGORIES["reuse_pattern"]
    small = {(g, p): 16 if g == p else 2 for g in patterns for p in patterns}  # 60 matched entries, 80 % right
    plant_confusion(db, configuration, "reuse_pattern", small)
    # no gold entry is background (as on the frozen reference set); 50 matched entries over the other five stages
    stages = [s for s in CATEGORIES["stage"] if s != "background"]
    plant_confusion(db, configuration, "stage", {(g, p): 6 if g == p else 1 for g in stages for p in stages})
    result = dbt("build", "--select", "int_share_correction+")
    assert result.returncode == 0, result.stdout[-3000:]

    p = np.array([[small[g, q] / 20 for q in patterns] for g in patterns])
    widths = {}
    for scope, rows in corrected_shares(db, "reuse_patterns_overall", "reuse_pattern").items():
        observed = np.array([dict((r[0], r[1]) for r in rows)[c] for c in patterns])
        expected = np.clip(np.linalg.solve(p.T, observed), 0, None)
        expected = dict(zip(patterns, expected / expected.sum(), strict=True))
        for pattern, _, corrected, low, high, raw_low, raw_high, note in rows:
            assert corrected == pytest.approx(expected[pattern]) and note is None, (scope, pattern)
            assert 0 <= low <= corrected <= high <= 1, (scope, pattern)
            if scope == "overall":
                widths[pattern] = high - low
                assert high - low > raw_high - raw_low  # carries the matrix's uncertainty too

    for scope, rows in corrected_shares(db, "stage_impact_overall", "stage").items():
        by_stage = {r[0]: r for r in rows}
        background = by_stage["background"]
        assert background[2:5] == (None, None, None)
        assert "on gold set reference-frozen, no matched gold entry has background" in background[7]
        covered = [r for s, r in by_stage.items() if s != "background"]
        assert all(r[7] is None and r[3] is not None for r in covered), scope
        if scope == "overall":  # small scopes: the Jeffreys draws may leave a plug-in estimate on 0 outside
            assert all(r[3] <= r[2] <= r[4] for r in covered)
        # corrected among themselves, within the share the classifier did not call background
        assert sum(r[2] for r in covered) == pytest.approx(1 - background[1]), scope

    # fifty times the gold entries, the same confusion: the same estimate, still inside its interval (on these few
    # PTM instances the shares' own sampling error, not the matrix's, sets the width)
    estimates = {r[0]: r[2] for r in corrected_shares(db, "reuse_patterns_overall", "reuse_pattern")["overall"]}
    plant_confusion(db, configuration, "reuse_pattern", {pair: 50 * n for pair, n in small.items()})
    result = dbt("build", "--select", "int_share_correction+")
    assert result.returncode == 0, result.stdout[-3000:]
    for pattern, _, corrected, low, high, *_ in corrected_shares(db, "reuse_patterns_overall", "reuse_pattern")[
        "overall"
    ]:
        assert corrected == pytest.approx(estimates[pattern]) and low <= corrected <= high, pattern
        assert widths[pattern] > 0
