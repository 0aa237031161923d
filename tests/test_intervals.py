"""The interval and correction macros (macros/intervals.sql, macros/corrections.sql), compiled by dbt and run by
DuckDB: Wilson limits against published values, Goodman's intervals against the χ² formula, and, on a SYNTHETIC
warehouse with a known prevalence and a classifier of known sensitivity/specificity, the coverage of the corrected
rate's interval."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import numpy as np
import pytest
from scipy.stats import chi2, norm

from evaluation.coverage import wilson
from tests.support.warehouses import dbt_runner

Z95 = 1.959963984540054


@pytest.fixture(scope="module")
def compile_sql(tmp_path_factory: pytest.TempPathFactory):
    """dbt's compiled SQL of an inline query that calls the project's macros (no warehouse needed), by the session's
    runner, so the project is not parsed again."""
    runner = dbt_runner(tmp_path_factory)

    def compile_inline(sql: str) -> str:
        result = runner("--quiet", "compile", "--inline", sql, "--output", "json")
        assert result.returncode == 0, result.stdout[-3000:]
        return str(json.loads(result.stdout)["compiled"])

    return compile_inline


def fetch(sql: str, db: Path | None = None) -> list[tuple]:
    with duckdb.connect(str(db) if db else ":memory:") as con:
        return con.execute(sql).fetchall()


def test_wilson_limits_equal_newcombes_published_values(compile_sql) -> None:
    # Newcombe (1998), Statistics in Medicine 17:857-872, Table II, method 3 (Wilson score, no continuity correction)
    published = {(81, 263): (0.2553, 0.3662), (15, 148): (0.0624, 0.1605), (0, 20): (0.0, 0.1611),
                 (1, 29): (0.0061, 0.1718)}  # fmt: skip
    values = ", ".join(f"({x}, {n})" for x, n in published)
    sql = compile_sql(
        "select x, n, {{ wilson_columns('x', 'n', 'rate') }} from (values " + values + ") as t(x, n)"
        " union all select 0, 0, {{ wilson_columns('0', '0', 'rate') }}"
        " union all select -1, -1, {{ wilson_columns('null', '10', 'rate') }}"
    )
    rows = {(x, n): (low, high) for x, n, low, high in fetch(sql)}
    for key, (low, high) in published.items():
        assert (round(rows[key][0], 4), round(rows[key][1], 4)) == (low, high), key
        # the one Python copy (passage coverage, computed without a warehouse) agrees with the macro dbt owns
        assert wilson(*key) == pytest.approx(rows[key], abs=1e-4), key
    assert rows[(0, 0)] == (None, None)  # no denominator: no interval
    assert rows[(-1, -1)] == (None, None)  # no count: no interval


def test_normal_quantile_matches_scipy_in_the_centre_and_both_tails(compile_sql) -> None:
    probabilities = [1e-9, 0.001, 0.0125, 0.025, 0.3, 0.5, 0.8, 0.975, 0.99, 1 - 1e-6]
    values = ", ".join(f"({p!r})" for p in probabilities)
    sql = compile_sql("select p, {{ normal_quantile('p') }} from (values " + values + ") as t(p) order by p")
    for p, z in fetch(sql):
        assert z == pytest.approx(norm.ppf(p), rel=1e-5, abs=1e-9), p


def test_goodman_simultaneous_intervals_follow_the_chi_square_formula(compile_sql) -> None:
    # the study's 47 gold (PTM, reuse) pairs: 21 adaptation, 16 conceptual, 10 deployment (aius-spec)
    counts = [21, 16, 10]
    total, k = sum(counts), len(counts)
    values = ", ".join(f"({c})" for c in counts)
    sql = compile_sql(
        "with simultaneous as (select {{ simultaneous_z(" + str(k) + ") }} as z)"
        " select c, {{ wilson_columns('c', '" + str(total) + "', 'share', 'simultaneous.z') }}"
        " from (values " + values + ") as t(c) cross join simultaneous order by c"
    )
    a = chi2.ppf(1 - 0.05 / k, 1)  # Goodman (1965): A = χ²₁(1 − α/k)
    for c, low, high in fetch(sql):
        root = np.sqrt(a * (a + 4 * c * (total - c) / total))
        assert low == pytest.approx((a + 2 * c - root) / (2 * (total + a)), rel=1e-5)
        assert high == pytest.approx((a + 2 * c + root) / (2 * (total + a)), rel=1e-5)
        # wider than the marginal 95 % Wilson interval of the same count
        centre = (c + Z95**2 / 2) / (total + Z95**2)
        assert low < centre - Z95 * np.sqrt(c * (total - c) / total + Z95**2 / 4) / (total + Z95**2)


def test_rogan_gladen_is_clipped_and_undefined_without_information(compile_sql) -> None:
    sql = compile_sql(
        "select {{ rogan_gladen('0.05', '0.9', '0.9') }}, {{ rogan_gladen('0.98', '0.9', '0.9') }},"
        " {{ rogan_gladen('0.5', '0.5', '0.5') }}, {{ rogan_gladen('0.4', '0.8', '0.9') }},"
        " {{ rogan_gladen('null', '0.9', '0.9') }}, {{ rogan_gladen('0.4', 'null', '0.9') }}"
    )
    # a missing input stays missing (DuckDB's greatest/least alone would turn it into 0 or 1)
    assert fetch(sql) == [(0.0, 1.0, None, pytest.approx((0.4 + 0.9 - 1) / (0.8 + 0.9 - 1)), None, None)]


SYNTHETIC_REPETITIONS = 200


def synthetic_warehouse(path: Path, prevalence: float, sensitivity: float, specificity: float) -> Path:
    """SYNTHETIC data, not papers: each repetition is a corpus of 600 papers with the true `prevalence`, labelled
    by a classifier of the given sensitivity/specificity, and a gold set of 60 positive and 90 negative papers
    on which that classifier's error is measured (seeded)."""
    rng = np.random.default_rng(20261202)
    n, gold_positives, gold_negatives = 600, 60, 90
    truth = rng.binomial(n, prevalence, SYNTHETIC_REPETITIONS)
    predicted = rng.binomial(truth, sensitivity) + rng.binomial(n - truth, 1 - specificity)
    tp = rng.binomial(gold_positives, sensitivity, SYNTHETIC_REPETITIONS)
    tn = rng.binomial(gold_negatives, specificity, SYNTHETIC_REPETITIONS)
    with duckdb.connect(str(path)) as con:
        con.execute("create schema synthetic")
        con.execute(
            "create table synthetic.repetitions (rep integer, x integer, n integer, tp integer, fn integer,"
            " tn integer, fp integer)"
        )
        con.executemany(
            "insert into synthetic.repetitions values (?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    i,
                    int(predicted[i]),
                    n,
                    int(tp[i]),
                    gold_positives - int(tp[i]),
                    int(tn[i]),
                    gold_negatives - int(tn[i]),
                )
                for i in range(SYNTHETIC_REPETITIONS)
            ],
        )
        con.execute("comment on table synthetic.repetitions is 'SYNTHETIC test data, not papers'")
    return path


def test_corrected_interval_covers_the_true_prevalence_and_the_raw_one_does_not(compile_sql, tmp_path: Path) -> None:
    prevalence, sensitivity, specificity = 0.2, 0.6, 0.8  # a large error: the raw rate expects 0.28
    db = synthetic_warehouse(tmp_path / "warehouse.duckdb", prevalence, sensitivity, specificity)
    sql = compile_sql(
        "with draws as ({{ monte_carlo_draws() }})"
        " select rep,"
        " quantile_cont({{ corrected_rate_draw('r.x', 'r.n', 'r.tp', 'r.fn', 'r.tn', 'r.fp') }}, 0.025) as low,"
        " quantile_cont({{ corrected_rate_draw('r.x', 'r.n', 'r.tp', 'r.fn', 'r.tn', 'r.fp') }}, 0.975) as high,"
        " any_value({{ wilson_bound('r.x', 'r.n', -1.959963984540054) }}) as raw_low,"
        " any_value({{ wilson_bound('r.x', 'r.n', 1.959963984540054) }}) as raw_high"
        " from synthetic.repetitions as r cross join draws group by rep"
    )
    rows = fetch(sql, db)
    assert len(rows) == SYNTHETIC_REPETITIONS
    corrected = np.mean([low <= prevalence <= high for _, low, high, _, _ in rows])
    raw = np.mean([low <= prevalence <= high for _, _, _, low, high in rows])
    assert corrected >= 0.90, corrected
    assert raw < 0.10, raw


def test_draws_are_seeded_standard_normals(compile_sql) -> None:
    sql = compile_sql("{{ monte_carlo_draws() }}")
    first, second = fetch(sql), fetch(sql)
    assert first == second
    z = np.array([row[1:] for row in first])
    assert z.shape == (1000, 3)
    assert np.abs(z.mean(axis=0)).max() < 0.1 and np.abs(z.std(axis=0) - 1).max() < 0.1
    assert np.abs(np.corrcoef(z.T)[np.triu_indices(3, 1)]).max() < 0.1  # independent streams
