"""Evidence grounding: tolerant of quoting noise, strict about invented sentences."""

from __future__ import annotations

from classifiers.grounding import Grounding, PaperText, ground

PAPER = (
    "Cells were imaged on a confocal microscope. We segmented nuclei with the pre-trained “cyto2” model of "
    "Cellpose [12], without retraining. Tracks were analysed in R.\n\nResults — the model found 4,012 nuclei."
)


def test_exact_quote_is_grounded() -> None:
    result = ground(
        "We segmented nuclei with the pre-trained “cyto2” model of Cellpose [12], without retraining.", PAPER
    )
    assert result is not None and result.grounded and result.score == 1.0


def test_quote_marks_case_spacing_and_dashes_do_not_matter() -> None:
    result = ground(
        'we  segmented nuclei with the PRE-TRAINED "cyto2" model of cellpose [12] - without retraining', PAPER
    )
    assert result is not None and result.grounded


def test_a_dropped_citation_and_joined_clauses_are_tolerated() -> None:
    result = ground(
        "We segmented nuclei with the pre-trained cyto2 model of Cellpose, without retraining, "
        "and tracks were analysed in R.",
        PAPER,
    )
    assert result is not None
    assert result.grounded, result


def test_invented_sentence_is_not_grounded() -> None:
    result = ground("We fine-tuned a ResNet-50 pretrained on ImageNet to classify the nuclei.", PAPER)
    assert result is not None and not result.grounded and result.score < 0.5


def test_no_quote_means_nothing_to_check() -> None:
    assert ground(None, PAPER) is None
    assert ground("   ", PAPER) is None


def test_a_verbatim_quote_needs_no_word_index_and_a_word_fragment_is_not_verbatim() -> None:
    paper = PaperText(PAPER)
    quote = "We segmented nuclei with the pre-trained “cyto2” model of Cellpose [12], without retraining."
    assert paper.ground(quote) == Grounding(True, 1.0)
    assert "words" not in vars(paper) and "pairs" not in vars(paper)  # the rules' quotes cost one string search
    assert not paper.verbatim("egmented nuclei with")  # starts inside a word
    assert paper.verbatim("segmented nuclei with")
