"""The reuse-pattern / stage confusion matrix and the matrix that corrects observed shares (evaluation/
category_confusion.py), on hand-made pairs."""

from __future__ import annotations

import numpy as np

from evaluation.category_confusion import CATEGORIES, MIN_MATCHED, category_metrics, confusion_matrix
from evaluation.entries import Entry, match_paper

PATTERNS = CATEGORIES["reuse_pattern"]  # conceptual, adaptation, deployment


def pairs_from(counts: dict[tuple[str, str], int]) -> list[tuple[str, str]]:
    return [pair for pair, n in counts.items() for _ in range(n)]


def test_the_correction_matrix_recovers_the_true_shares() -> None:
    # per gold category, 20 entries: 80 % right, the rest split over the other two
    counts = {}
    for gold in PATTERNS:
        for predicted in PATTERNS:
            counts[gold, predicted] = 16 if gold == predicted else 2
    rows = category_metrics("reuse_pattern", pairs_from(counts))
    confusion = {m: v for t, m, v, _, _ in rows if t == "reuse_pattern_confusion"}
    assert len(confusion) == 9 and confusion["conceptual->conceptual"] == 16 and sum(confusion.values()) == 60
    correction = {m: v for t, m, v, _, _ in rows if t == "reuse_pattern_correction"}
    assert len(correction) == 9
    matrix = np.array([[correction[f"{t}<-{p}"] for p in PATTERNS] for t in PATTERNS])
    true = np.array([0.5, 0.3, 0.2])
    p = np.array([[counts[g, q] / 20 for q in PATTERNS] for g in PATTERNS])
    observed = p.T @ true  # what a classifier with this confusion reports
    assert not np.allclose(observed, true)
    assert np.allclose(matrix @ observed, true)


def test_no_matrix_below_the_minimum_or_with_one_category_or_a_singular_matrix() -> None:
    few = pairs_from(
        {
            ("conceptual", "conceptual"): 10,
            ("adaptation", "adaptation"): 10,
            ("deployment", "deployment"): MIN_MATCHED - 21,
        }
    )
    one = pairs_from({("conceptual", "conceptual"): 40})
    singular = pairs_from({(g, "deployment"): 15 for g in PATTERNS})  # the classifier says deployment to everything
    # entries whose prediction falls in a category no gold entry has do not count towards the minimum
    outside = pairs_from({("conceptual", "conceptual"): 20, ("deployment", "deployment"): MIN_MATCHED - 21,
                          ("deployment", "adaptation"): 30})  # fmt: skip
    for pairs, reason in ((few, f"only {MIN_MATCHED - 1} matched"), (one, "fewer than two categories"),
                          (singular, "singular"), (outside, f"only {MIN_MATCHED - 1} matched")):  # fmt: skip
        rows = category_metrics("reuse_pattern", pairs)
        refused = [r for r in rows if r[0] == "reuse_pattern_correction"]
        assert len(refused) == 1 and refused[0][1] == "not_corrected" and np.isnan(refused[0][2])
        assert reason in refused[0][4]
        assert len([r for r in rows if r[0] == "reuse_pattern_confusion"]) == 9  # the matrix is still recorded


def test_a_category_no_gold_entry_has_is_left_out_and_the_others_are_corrected_among_themselves() -> None:
    # no gold entry is adaptation; 10 % of the conceptual ones are predicted as adaptation and fall out
    counts = {("conceptual", "conceptual"): 18, ("conceptual", "deployment"): 2, ("conceptual", "adaptation"): 2,
              ("deployment", "deployment"): 15, ("deployment", "conceptual"): 5}  # fmt: skip
    rows = category_metrics("reuse_pattern", pairs_from(counts))
    correction = {m: v for t, m, v, _, _ in rows if t == "reuse_pattern_correction"}
    assert set(correction) == {"conceptual<-conceptual", "conceptual<-deployment", "deployment<-conceptual",
                               "deployment<-deployment", "not_covered:adaptation"}  # fmt: skip
    assert np.isnan(correction["not_covered:adaptation"])
    (left_out,) = [r[4] for r in rows if r[1] == "not_covered:adaptation"]
    assert "no matched gold entry has adaptation" in left_out and "left as observed" in left_out
    p = np.array([[18 / 20, 2 / 20], [5 / 20, 15 / 20]])  # rows renormalised over the covered predictions
    matrix = np.array([[correction[f"{t}<-{q}"] for q in ("conceptual", "deployment")]
                       for t in ("conceptual", "deployment")])  # fmt: skip
    true = np.array([0.7, 0.3])
    assert np.allclose(matrix @ (p.T @ true), true)


def test_matched_pairs_carry_gold_and_predicted_categories() -> None:
    gold = [Entry("ResNet-50", "adaptation", "test"), Entry("BERT", "deployment", "analysis")]
    predicted = [Entry("resnet50", "deployment", "test"), Entry("BERT", "deployment", None)]
    match = match_paper(gold, predicted, has_stage=True)
    assert sorted(match.pattern_pairs) == [("adaptation", "deployment"), ("deployment", "deployment")]
    assert match.stage_pairs == (("test", "test"),)  # a pair without a predicted stage has no stage cell
    assert confusion_matrix("reuse_pattern", list(match.pattern_pairs)).sum() == 2
    assert match_paper(gold, predicted, has_stage=False).stage_pairs == ()
