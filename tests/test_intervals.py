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


SHARE_REPETITIONS = 100


def synthetic_share_warehouse(path: Path, true: np.ndarray, confusion: np.ndarray, gold: int, instances: int) -> Path:
    """SYNTHETIC data, not papers: each repetition is a corpus of `instances` PTM instances whose true categories
    have the shares `true`, labelled by a classifier whose category confusion is `confusion` (rows: true category,
    columns: predicted), and a gold set of `gold` matched entries per category on which that confusion is measured
    (seeded). Categories are numbered 1…k."""
    rng = np.random.default_rng(20261203)
    k = len(true)
    observed, cells = [], []
    for rep in range(SHARE_REPETITIONS):
        per_true = rng.multinomial(instances, true)
        predicted = sum(rng.multinomial(n, confusion[i]) for i, n in enumerate(per_true))
        observed += [(rep, j + 1, int(predicted[j])) for j in range(k)]
        for i in range(k):
            counts = rng.multinomial(gold, confusion[i])
            cells += [(rep, i + 1, j + 1, int(counts[j])) for j in range(k)]
    with duckdb.connect(str(path)) as con:
        con.execute("create schema synthetic")
        con.execute("create table synthetic.observed (rep integer, category integer, instances integer)")
        con.execute("create table synthetic.confusion (rep integer, gold integer, predicted integer, entries integer)")
        con.executemany("insert into synthetic.observed values (?, ?, ?)", observed)
        con.executemany("insert into synthetic.confusion values (?, ?, ?, ?)", cells)
        con.execute("comment on table synthetic.observed is 'SYNTHETIC test data, not papers'")
        con.execute("comment on table synthetic.confusion is 'SYNTHETIC test data, not papers'")
    return path


SHARE_CORRECTION_SQL = """
with
confusion as (select * from synthetic.confusion),
observed as (select * from synthetic.observed),
drawn_rows as ({{ dirichlet_draws('confusion', ['rep', 'gold'], 'predicted', 'entries', 'confusion') }}),
matrix as (select rep, draw, predicted as r, gold as c, share as v from drawn_rows),
inverse as ({{ matrix_inverse_draws('matrix', ['rep']) }}),
coefficient_draws as (
    select rep, draw, r as true_category, c as predicted_category, v as coefficient from inverse
),
observed_draws as ({{ dirichlet_draws('observed', ['rep'], 'category', 'instances', 'shares') }}),
corrected_draws as (
    {{ apply_share_correction('observed_draws', 'coefficient_draws', ['rep', 'draw'], ['rep', 'draw']) }}
),
intervals as ({{ corrected_share_interval('corrected_draws', ['rep'], 3) }}),
totals as (select rep, sum(instances) as n from observed group by rep),
raw as (
    select observed.rep, observed.category,
        {{ wilson_columns('observed.instances', 'totals.n', 'share', simultaneous_z(3)) }}
    from observed inner join totals on observed.rep = totals.rep
)
select intervals.rep, intervals.category, intervals.ci_low, intervals.ci_high, raw.share_ci_low, raw.share_ci_high
from intervals inner join raw on intervals.rep = raw.rep and intervals.category = raw.category
order by intervals.rep, intervals.category
"""


def test_corrected_share_interval_covers_the_true_shares_and_the_raw_one_does_not(compile_sql, tmp_path: Path) -> None:
    true = np.array([0.6, 0.25, 0.15])
    confusion = np.array([[0.6, 0.2, 0.2], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])  # observed shares 0.40, 0.335, 0.265
    db = synthetic_share_warehouse(tmp_path / "shares.duckdb", true, confusion, gold=60, instances=2000)
    rows = fetch(compile_sql(SHARE_CORRECTION_SQL), db)
    assert len(rows) == 3 * SHARE_REPETITIONS
    covered: dict[int, bool] = {}
    raw_covered: dict[int, bool] = {}
    for rep, category, low, high, raw_low, raw_high in rows:
        truth = true[category - 1]
        covered[rep] = covered.get(rep, True) and low <= truth <= high
        raw_covered[rep] = raw_covered.get(rep, True) and raw_low <= truth <= raw_high
    # simultaneous intervals: all three shares of a repetition covered at once
    assert np.mean(list(covered.values())) >= 0.90, np.mean(list(covered.values()))
    assert np.mean(list(raw_covered.values())) < 0.10, np.mean(list(raw_covered.values()))


def test_matrix_inverse_draws_invert_each_matrix(compile_sql) -> None:
    rng = np.random.default_rng(7)
    matrices = [rng.dirichlet(np.ones(4) * 0.5 + 4 * np.eye(4)[i]) for i in range(4)], np.eye(3)
    values = []
    for key, m in enumerate((np.array(matrices[0]).T, matrices[1])):
        values += [f"({key}, 0, {r + 1}, {c + 1}, {float(m[r, c])!r})" for r in range(len(m)) for c in range(len(m))]
    sql = compile_sql(
        "with matrix as (select * from (values " + ", ".join(values) + ") as t(key, draw, r, c, v))"
        " select key, r, c, v from {{ matrix_inverse_draws('matrix', ['key']) }} order by key, r, c"
    )
    rows = fetch(sql)
    for key, m in enumerate((np.array(matrices[0]).T, matrices[1])):
        k = len(m)
        inverse = np.zeros((k, k))
        for _, r, c, v in (row for row in rows if row[0] == key):
            inverse[r - 1, c - 1] = v
        assert np.allclose(inverse, np.linalg.inv(m)), key


def test_dirichlet_draws_have_the_posterior_mean_and_spread(compile_sql) -> None:
    counts = {1: 0, 2: 3, 3: 40}  # Dirichlet(0.5, 3.5, 40.5): means 0.0112, 0.0787, 0.910
    values = ", ".join(f"({c}, {n})" for c, n in counts.items())
    sql = compile_sql(
        "with counts as (select 'x' as key, * from (values " + values + ") as t(category, n))"
        " select category, avg(share), stddev_samp(share), count(*), min(share)"
        " from {{ dirichlet_draws('counts', ['key'], 'category', 'n', 'test') }} group by category order by category"
    )
    alpha = np.array([0.5, 3.5, 40.5])
    mean, total = alpha / alpha.sum(), alpha.sum()
    sd = np.sqrt(mean * (1 - mean) / (total + 1))
    for (category, average, spread, draws, smallest), m, s in zip(fetch(sql), mean, sd, strict=True):
        assert draws == 1000 and smallest >= 0, category
        assert average == pytest.approx(m, abs=3 * s / np.sqrt(1000) + 0.002), category
        assert spread == pytest.approx(s, rel=0.15), category
    for first, second in zip(fetch(sql), fetch(sql), strict=True):  # seeded (sums differ by rounding only)
        assert first == pytest.approx(second, rel=1e-12)
