"""The evidence-coverage measure (evaluation.coverage): what counts as a gold sentence shown, and its interval."""

from __future__ import annotations

import pytest

from classifiers.document import PaperDocument, Section
from evaluation.coverage import ShownText, measure, wilson
from evaluation.gold import GoldPaper, GoldPtm

# Synthetic sentences, written for these tests.
SENTENCE = "We used U2-Net (Qin et al., 2020) trained on the DUTS dataset for leaf segmentation of cucumber images."


def test_spacing_dashes_and_citation_layout_do_not_matter() -> None:
    parsed = (
        "We used U 2 ‐Net ( Qin et al. , 2020 ) trained on the DUTS dataset for leaf segmentation of cucumber images."
    )
    assert ShownText(parsed).contains(SENTENCE)


def test_a_sentence_mostly_missing_is_not_contained() -> None:
    first_half = SENTENCE[: len(SENTENCE) // 2]
    assert not ShownText(f"Other text. {first_half}").contains(SENTENCE)
    assert ShownText(f"Other text. {SENTENCE} More text.").contains(SENTENCE)
    assert not ShownText("anything").contains("")
    assert ShownText("we used CNNs").contains("CNNs") and not ShownText("we used RNNs").contains("CNNs")


def test_wilson_interval() -> None:
    low, high = wilson(5, 10)
    assert (round(low, 3), round(high, 3)) == (0.237, 0.763)
    assert wilson(10, 10)[1] == 1.0 and wilson(0, 10)[0] == 0.0
    assert all(value != value for value in wilson(0, 0))  # nan for an empty sample


def test_measure_counts_each_kind_and_the_ceiling() -> None:
    body = "Intro text about fish.\n" + SENTENCE + "\nWe counted the seeds by hand in all plots."
    doc = PaperDocument("10.1/x", "T", None, "h", (Section(0, "Methods", "methods", "section", body),))
    paper = GoldPaper(
        "10.1/x",
        True,
        True,
        (
            GoldPtm("U2-Net", "adaptation", "observation", SENTENCE),
            GoldPtm("X", "deployment", "test", "Not here at all."),
        ),
        dl_evidence=SENTENCE,
    )
    coverage = measure([(paper, doc)], lambda d: SENTENCE)
    assert coverage.kept == {"uses_dl": 1, "ptm": 1} and coverage.total == {"uses_dl": 1, "ptm": 2}
    assert coverage.ceiling == {"uses_dl": 1, "ptm": 1}  # the second evidence is nowhere in the paper
    assert coverage.papers_fully_shown == 0 and coverage.share("ptm") == pytest.approx(0.5)
    assert coverage.named_misses == 0  # "X" is not in the text shown


def test_a_missed_entry_whose_model_is_named_elsewhere_is_counted_apart() -> None:
    other = "The U 2-Net masks were checked by hand."
    doc = PaperDocument(
        "10.1/y", "T", None, "h", (Section(0, "Methods", "methods", "section", f"{SENTENCE}\n{other}"),)
    )
    paper = GoldPaper("10.1/y", True, True, (GoldPtm("U2-Net", "adaptation", "observation", SENTENCE),))
    assert measure([(paper, doc)], lambda d: other).named_misses == 1
    assert measure([(paper, doc)], lambda d: "We counted seeds.").named_misses == 0
    assert measure([(paper, doc)], lambda d: SENTENCE).named_misses == 0  # shown: not a miss
