"""Agreement metrics against hand-checked cases, and the bootstrap's reproducibility."""

from __future__ import annotations

import math

import numpy as np
import pytest

from evaluation.metrics import accuracy, binary_scores, cohen_kappa, confusion, f1, precision, ratio_of_sums, recall


def counts(tp: int, fp: int, fn: int, tn: int) -> dict[str, np.ndarray]:
    return {k: np.array(v) for k, v in {"tp": tp, "fp": fp, "fn": fn, "tn": tn}.items()}


def test_worked_two_by_two_example() -> None:
    # 50 papers: 20 tp, 5 fp, 10 fn, 15 tn. Observed agreement 35/50 = 0.7; chance agreement
    # (25·30 + 25·20) / 50² = 0.5, so κ = (0.7 − 0.5) / (1 − 0.5) = 0.4.
    c = counts(20, 5, 10, 15)
    assert float(precision(c)) == pytest.approx(0.8)
    assert float(recall(c)) == pytest.approx(20 / 30)
    assert float(f1(c)) == pytest.approx(40 / 55)
    assert float(accuracy(c)) == pytest.approx(0.7)
    assert float(cohen_kappa(c)) == pytest.approx(0.4)


def test_kappa_is_one_on_perfect_agreement_and_near_zero_by_chance() -> None:
    truth = np.array([True, False, True, True, False, False])
    assert float(cohen_kappa(confusion(truth, truth))) == pytest.approx(1.0)
    rng = np.random.default_rng(7)
    a, b = rng.random(20_000) < 0.3, rng.random(20_000) < 0.3  # two independent raters
    assert abs(float(cohen_kappa(confusion(a, b)))) < 0.03
    assert float(cohen_kappa(confusion(truth, ~truth))) < 0  # systematic disagreement is below chance


def test_undefined_metrics_are_nan_not_zero_or_one() -> None:
    none_anywhere = counts(0, 0, 0, 10)  # no gold positives, none predicted
    assert math.isnan(float(precision(none_anywhere)))
    assert math.isnan(float(recall(none_anywhere)))
    assert math.isnan(float(f1(none_anywhere)))
    assert float(accuracy(none_anywhere)) == 1.0
    assert math.isnan(float(cohen_kappa(none_anywhere)))  # both raters use one class: κ is undefined

    false_alarms = counts(0, 3, 0, 7)  # no gold positives, three predicted
    assert float(precision(false_alarms)) == 0.0
    assert math.isnan(float(recall(false_alarms)))
    assert float(f1(false_alarms)) == 0.0


def test_bootstrap_interval_holds_the_estimate_and_is_reproducible() -> None:
    rng = np.random.default_rng(1)
    truth = rng.random(80) < 0.4
    predicted = np.where(rng.random(80) < 0.8, truth, ~truth)  # agrees on about 80% of papers
    first = binary_scores(truth, predicted, resamples=1000, seed=42)
    for metric, (value, low, high) in first.items():
        assert low <= value <= high, metric
        assert 0 < high - low < 0.6, metric
    assert binary_scores(truth, predicted, resamples=1000, seed=42) == first
    assert binary_scores(truth, predicted, resamples=1000, seed=43) != first


def test_no_papers_gives_nan_everywhere() -> None:
    scores = binary_scores(np.array([], bool), np.array([], bool))
    assert all(math.isnan(v) for triple in scores.values() for v in triple)


def test_ratio_of_sums_pools_papers_and_resamples_them_whole() -> None:
    # three papers: 2 of 4 gold entries matched, 0 of 1, 3 of 3 → pooled 5/8, not the mean of the papers' ratios
    value, low, high = ratio_of_sums(np.array([2, 0, 3]), np.array([4, 1, 3]), resamples=2000, seed=5)
    assert value == pytest.approx(5 / 8)
    assert 0 <= low <= value <= high <= 1
    assert low < 0.5 and high == pytest.approx(1.0)  # resampling the third paper alone gives 3/3
    assert ratio_of_sums(np.array([2, 0, 3]), np.array([4, 1, 3]), resamples=2000, seed=5) == (value, low, high)
    assert all(math.isnan(v) for v in ratio_of_sums(np.array([0, 0]), np.array([0, 0])))  # nothing to score
    assert all(math.isnan(v) for v in ratio_of_sums(np.array([]), np.array([])))
