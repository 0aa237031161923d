"""Reuse-pattern and stage confusion on matched PTM entries, and the matrix that corrects the marts' shares for it.

On the matched (gold, predicted) pairs of a gold set, P[i, j] = share of entries of gold category i predicted as j.
Observed shares o and true shares t relate by o = Pᵀ t, so t = (Pᵀ)⁻¹ o: the correction matrix, written row by row
(`true<-predicted`) for dbt to apply to the shares of the marts (macros/share_corrections.sql). It corrects category
errors among matched entries only, not entries the classifier missed or invented.

This module owns the rule for when a correction is trusted. A category no matched gold entry has (e.g. a stage the
gold set never uses) cannot be corrected: nothing says how often it is mistaken for another. It is left out, with a
`not_covered:<category>` row saying why; the others are corrected among themselves, on the entries gold and
prediction both put in them (P restricted to the covered categories, rows renormalised). dbt leaves the share
predicted for a left-out category as observed and flags it; the covered shares are corrected within the rest, which
assumes no entry of a left-out category was predicted as a covered one (the gold set cannot tell). The correction is
only written when the covered entries number at least MIN_MATCHED, at least two categories are covered and the
restricted Pᵀ is invertible and well-conditioned; otherwise one `not_corrected` row says why.
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


def covered_categories(counts: np.ndarray) -> list[int]:
    """Indices of the categories some matched gold entry has: the ones a correction can cover."""
    return [i for i, n in enumerate(counts.sum(axis=1)) if n > 0]


def correction_matrix(counts: np.ndarray, categories: tuple[str, ...]) -> tuple[np.ndarray | None, str]:
    """(Pᵀ)⁻¹ over the covered categories (in their order), or None and the reason it cannot be trusted."""
    covered = covered_categories(counts)
    restricted = counts[np.ix_(covered, covered)]
    matched = int(restricted.sum())
    if matched < MIN_MATCHED:
        return None, f"only {matched} matched gold entries (at least {MIN_MATCHED} needed)"
    if len(covered) < 2:
        return None, "matched gold entries cover fewer than two categories"
    per_gold = restricted.sum(axis=1)
    if (per_gold == 0).any():
        lost = [categories[c] for c, n in zip(covered, per_gold, strict=True) if n == 0]
        return None, f"every matched gold entry of {'/'.join(lost)} was predicted as a category no gold entry has"
    transposed = (restricted / per_gold[:, None]).T
    condition = float(np.linalg.cond(transposed))
    if not np.isfinite(condition) or condition > MAX_CONDITION:
        return None, f"the confusion matrix is (nearly) singular (condition number {condition:.3g})"
    return np.linalg.inv(transposed), ""


def category_metrics(kind: str, pairs: list[tuple[str, str]]) -> list[tuple[str, str, float, int, str]]:
    """(task, metric, value, n, description) rows: every cell of the confusion matrix (`gold->predicted`), then
    the correction matrix over the covered categories (`true<-predicted`) and a `not_covered:<category>` row for
    each category left out (value NaN), or one `not_corrected` row with the reason (value NaN)."""
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
    covered = [categories[i] for i in covered_categories(counts)]
    left_out = [
        (f"{kind}_correction", f"not_covered:{category}", float("nan"), matched,
         f"no matched gold entry has {category}: its share is left as observed and the others are corrected"
         " among themselves")
        for category in categories
        if category not in covered
    ]  # fmt: skip
    return rows + [
        (f"{kind}_correction", f"{true}<-{predicted}", float(inverse[i, j]), matched,
         f"true {kind} share {true} = sum over predicted categories of this coefficient × the observed share")
        for i, true in enumerate(covered)
        for j, predicted in enumerate(covered)
    ] + left_out  # fmt: skip
