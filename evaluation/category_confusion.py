"""Reuse-pattern and stage confusion on matched PTM entries, and the matrix that corrects the marts' shares for it.

On the matched (gold, predicted) pairs of a gold set, P[i, j] = share of entries of gold category i predicted as j.
Observed shares o and true shares t relate by o = Pᵀ t, so t = (Pᵀ)⁻¹ o: the correction matrix, written row by row
(`true<-predicted`) for dbt to apply to the shares of the marts (macros/ptm_category_overall.sql). It is only
written when it rests on at least MIN_MATCHED matched entries, every gold category has some, and Pᵀ is invertible
and not ill-conditioned; otherwise one `not_corrected` row says why. It corrects category errors among matched
entries only, not entries the classifier missed or invented.
"""

from __future__ import annotations

import numpy as np

from classifiers.taxonomy import ReusePattern, Stage

MIN_MATCHED = 30
MAX_CONDITION = 1e3  # beyond this the inverse turns sampling noise in the shares into nonsense

CATEGORIES: dict[str, tuple[str, ...]] = {
    "reuse_pattern": tuple(p.value for p in ReusePattern),
    "stage": tuple(s.value for s in Stage),
}
# the tasks of the matrix rows: stored for dbt, summarised (not listed cell by cell) in the agreement tables
MATRIX_TASKS = tuple(f"{kind}_{part}" for kind in CATEGORIES for part in ("confusion", "correction"))


def confusion_matrix(kind: str, pairs: list[tuple[str, str]]) -> np.ndarray:
    """Counts[i, j]: matched entries of gold category i predicted as j, in CATEGORIES[kind] order."""
    index = {c: i for i, c in enumerate(CATEGORIES[kind])}
    counts = np.zeros((len(index), len(index)), dtype=int)
    for gold, predicted in pairs:
        counts[index[gold], index[predicted]] += 1
    return counts


def correction_matrix(counts: np.ndarray, categories: tuple[str, ...]) -> tuple[np.ndarray | None, str]:
    """(Pᵀ)⁻¹, or None and the reason it cannot be trusted."""
    matched = int(counts.sum())
    if matched < MIN_MATCHED:
        return None, f"only {matched} matched gold entries (at least {MIN_MATCHED} needed)"
    per_gold = counts.sum(axis=1)
    if (per_gold == 0).any():
        missing = [c for c, n in zip(categories, per_gold, strict=True) if n == 0]
        return None, f"no matched gold entry has {'/'.join(missing)}"
    transposed = (counts / per_gold[:, None]).T
    condition = float(np.linalg.cond(transposed))
    if not np.isfinite(condition) or condition > MAX_CONDITION:
        return None, f"the confusion matrix is (nearly) singular (condition number {condition:.3g})"
    return np.linalg.inv(transposed), ""


def category_metrics(kind: str, pairs: list[tuple[str, str]]) -> list[tuple[str, str, float, int, str]]:
    """(task, metric, value, n, description) rows: every cell of the confusion matrix (`gold->predicted`), then
    the correction matrix (`true<-predicted`) or one `not_corrected` row with the reason (value NaN)."""
    counts = confusion_matrix(kind, pairs)
    categories = CATEGORIES[kind]
    matched = int(counts.sum())
    rows = [
        (f"{kind}_confusion", f"{gold}->{predicted}", float(counts[i, j]), matched,
         f"matched PTM entries with gold {kind} {gold} predicted as {predicted}")
        for i, gold in enumerate(categories)
        for j, predicted in enumerate(categories)
    ]  # fmt: skip
    inverse, reason = correction_matrix(counts, categories)
    if inverse is None:
        return [*rows, (f"{kind}_correction", "not_corrected", float("nan"), matched, reason)]
    return rows + [
        (f"{kind}_correction", f"{true}<-{predicted}", float(inverse[i, j]), matched,
         f"true {kind} share {true} = sum over predicted categories of this coefficient × the observed share")
        for i, true in enumerate(categories)
        for j, predicted in enumerate(categories)
    ]  # fmt: skip
