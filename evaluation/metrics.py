"""Agreement metrics for yes/no labels and a seeded percentile bootstrap, computed with numpy on count arrays.

Every metric takes confusion counts as numpy arrays, so one call scores the point estimate and a thousand bootstrap
resamples alike. An undefined metric (precision with no predicted positives, κ when both raters use one class) is
NaN, never a silent 0 or 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

RESAMPLES = 1000
SEED = 20260101
Counts = dict[str, np.ndarray]
Metric = Callable[[Counts], np.ndarray]


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan)


def precision(c: Counts) -> np.ndarray:
    return _ratio(c["tp"], c["tp"] + c["fp"])


def recall(c: Counts) -> np.ndarray:
    return _ratio(c["tp"], c["tp"] + c["fn"])


def f1(c: Counts) -> np.ndarray:
    # 2tp / (2tp + fp + fn): defined (0) when there are no gold positives but some predicted ones.
    return _ratio(2 * c["tp"], 2 * c["tp"] + c["fp"] + c["fn"])


def accuracy(c: Counts) -> np.ndarray:
    return _ratio(c["tp"] + c["tn"], c["tp"] + c["fp"] + c["fn"] + c["tn"])


def cohen_kappa(c: Counts) -> np.ndarray:
    tp, fp, fn, tn = (np.asarray(c[k], float) for k in ("tp", "fp", "fn", "tn"))
    n = tp + fp + fn + tn
    observed = _ratio(tp + tn, n)
    expected = _ratio((tp + fp) * (tp + fn) + (fn + tn) * (fp + tn), n * n)
    return _ratio(observed - expected, 1 - expected)


@dataclass(frozen=True, slots=True)
class MetricSpec:
    name: str
    compute: Metric
    description: str


BINARY_METRICS = (
    MetricSpec("precision", precision, "share of predicted positives that are gold positives"),
    MetricSpec("recall", recall, "share of gold positives predicted positive"),
    MetricSpec("f1", f1, "harmonic mean of precision and recall, 2tp/(2tp+fp+fn)"),
    MetricSpec("accuracy", accuracy, "share of papers where prediction and gold agree"),
    MetricSpec("cohen_kappa", cohen_kappa, "Cohen's κ: agreement beyond chance (1 perfect, 0 chance level)"),
)


def confusion(y_true: np.ndarray, y_pred: np.ndarray) -> Counts:
    """tp/fp/fn/tn along the last axis, so a (resamples × papers) matrix gives one count per resample."""
    t, p = np.asarray(y_true, bool), np.asarray(y_pred, bool)
    return {
        "tp": (t & p).sum(axis=-1),
        "fp": (~t & p).sum(axis=-1),
        "fn": (t & ~p).sum(axis=-1),
        "tn": (~t & ~p).sum(axis=-1),
    }


def resample_indices(n: int, resamples: int = RESAMPLES, seed: int = SEED) -> np.ndarray:
    """(resamples × n) paper indices drawn with replacement; the same seed gives the same draws."""
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def percentile_interval(values: np.ndarray) -> tuple[float, float]:
    """95% percentile interval over the resamples where the metric is defined (NaN when it never is)."""
    defined = values[~np.isnan(values)]
    if defined.size == 0:
        return float("nan"), float("nan")
    low, high = np.percentile(defined, [2.5, 97.5])
    return float(low), float(high)


def binary_scores(
    y_true: np.ndarray, y_pred: np.ndarray, resamples: int = RESAMPLES, seed: int = SEED
) -> dict[str, tuple[float, float, float]]:
    """metric → (value, 95% CI low, high) for paired yes/no labels, bootstrapping papers."""
    y_true, y_pred = np.asarray(y_true, bool), np.asarray(y_pred, bool)
    point = confusion(y_true, y_pred)
    scores: dict[str, tuple[float, float, float]] = {}
    if y_true.size == 0:
        return {spec.name: (float("nan"),) * 3 for spec in BINARY_METRICS}
    index = resample_indices(y_true.size, resamples, seed)
    boot = confusion(y_true[index], y_pred[index])
    for spec in BINARY_METRICS:
        scores[spec.name] = (float(spec.compute(point)), *percentile_interval(spec.compute(boot)))
    return scores


def ratio_of_sums(
    numerator: np.ndarray, denominator: np.ndarray, resamples: int = RESAMPLES, seed: int = SEED
) -> tuple[float, float, float]:
    """(value, 95% CI low, high) of Σnumerator / Σdenominator over papers (one array element per paper),
    bootstrapping papers: how entry precision, recall and accuracy on matched pairs are pooled."""
    numerator, denominator = np.asarray(numerator, float), np.asarray(denominator, float)
    if numerator.size == 0:
        return float("nan"), float("nan"), float("nan")
    value = float(_ratio(numerator.sum(), denominator.sum()))
    index = resample_indices(numerator.size, resamples, seed)
    return (value, *percentile_interval(_ratio(numerator[index].sum(axis=1), denominator[index].sum(axis=1))))
