"""Passage selection: budget respected, document order, evidence-bearing passages first, gold evidence kept."""

from __future__ import annotations

import pytest
from gold_corpus import corpus_document, gold_documents

from classifiers.document import PaperDocument, Section
from classifiers.engine.fingerprint import shaping_files
from classifiers.passages import Passage, count_tokens, select_passages
from classifiers.protocols import DEFAULT_TOKEN_BUDGET
from classifiers.protocols.compact import passages_text
from evaluation.coverage import measure


def test_count_tokens_is_chars_over_four() -> None:
    assert count_tokens("") == 0
    assert count_tokens("abcd") == 1
    assert count_tokens("abcde") == 2


@pytest.mark.parametrize("budget", [200, 1000, 4000])
def test_budget_respected_in_document_order(budget: int) -> None:
    doc = corpus_document("pyeuropepmc-benchmark/PMC13240100.xml")
    passages = select_passages(doc, budget)
    assert passages and all(isinstance(p, Passage) for p in passages)
    assert sum(count_tokens(p.text) for p in passages) <= budget
    order = [p.section_ordinal for p in passages]
    assert order == sorted(order)
    assert all(p.score > 0 for p in passages)


def test_methods_paragraph_with_a_model_wins_over_filler() -> None:
    filler = "\n".join(f"Sample {i} was collected from the field site and stored at 4 °C." for i in range(40))
    doc = PaperDocument(
        "10.1234/p",
        "T",
        None,
        "h",
        (
            Section(0, "Introduction", "introduction", "section", filler),
            Section(1, "Methods", "methods", "section", filler + "\nWe segmented nuclei with Cellpose (cyto2 model)."),
        ),
    )
    [passage] = select_passages(doc, 30)
    assert "Cellpose" in passage.text and passage.section_type == "methods" and passage.heading == "Methods"


def test_an_unknown_model_name_ranks_high_without_the_catalogue() -> None:
    # Synthetic text: "Zorblax-7" and "QuillNet" are invented names no catalogue knows.
    filler = "\n".join(f"Site {i} was sampled in spring and the water was stored at 4 °C." for i in range(40))
    found = (
        "We predicted the binding sites with Zorblax-7 [ 12 ], using the released weights.\n"
        "QuillNet ( Smith et al., 2021 ) was fine-tuned on our 300 annotated images."
    )
    doc = PaperDocument(
        "10.1234/p",
        "T",
        None,
        "h",
        (
            Section(0, "Introduction", "introduction", "section", filler),
            Section(1, "Methods", "methods", "section", filler + "\n" + found),
        ),
    )
    chosen = " ".join(p.text for p in select_passages(doc, 60))
    assert "Zorblax-7" in chosen and "QuillNet" in chosen
    # Selection reads no catalogue: editing the catalogue cannot move passages (the cache-key fingerprint agrees).
    assert not any(path.name == "catalogue.py" for path in shaping_files("classifiers.passages"))


def _paper(*sections: Section) -> PaperDocument:
    return PaperDocument("10.1234/p", "T", None, "h", sections)


def test_the_evidence_sentence_is_sent_not_its_paragraph() -> None:
    # Synthetic text. One paragraph: filler around one sentence that names a model.
    filler = " ".join(f"Plot {i} was weeded by hand every week during the season." for i in range(12))
    evidence = "We counted the seedlings with QuillNet [ 7 ], a network trained on drone images."
    doc = _paper(Section(0, "Methods", "methods", "section", f"{filler} {evidence} {filler}"))
    [passage] = select_passages(doc, 200)
    assert passage.text == evidence


def test_a_name_already_shown_gives_way_to_another() -> None:
    # Synthetic text: five sentences on QuillNet, then one of the same length and kind on Zorblax7. Room for two:
    # without the fading of repeated names, the first two QuillNet sentences would win (ties go to the earlier).
    sentences = [f"We ran QuillNet [ 7 ] on batch {i} of the images with the released weights." for i in range(5)]
    sentences.append("We ran Zorblax7 [ 9 ] on batch 5 of the images with the released weights.")
    doc = _paper(Section(0, "Methods", "methods", "section", "\n".join(sentences)))
    budget = 2 * (count_tokens(sentences[0]) + 2)
    chosen = [p.text for p in select_passages(doc, budget)]
    assert chosen == [sentences[0], sentences[5]]


def test_passages_text_names_each_section_once() -> None:
    sentences = "\n".join(f"We trained QuillNet{i} [ {i} ] on the images." for i in range(3))
    doc = _paper(Section(0, "Methods", "methods", "section", sentences))
    text = passages_text(doc, 1000)
    assert text.count("[Methods]") == 1 and all(f"QuillNet{i}" in text for i in range(3))


def test_gold_evidence_floor_on_the_tuning_half() -> None:
    """A regression floor, a little under what bench/passages.py measures on the tuning half at the default budget.

    Measured (tuning half, 72 papers, default budget 3,000, selected sentences): uses_dl evidence 53/53, PTM
    evidence 150/152, at 25.1 % of the body's tokens. The sentence values are fitted on this half (and project dev),
    so this is an in-sample figure; cross-validated over papers (bench/passage_weights.py) the half shows 96–98 % /
    97–98 %, which is where the floors sit (raised from 0.92 / 0.93 for the hand-set selector). The frozen half is
    not read here.
    """
    pairs = gold_documents()
    coverage = measure(pairs, lambda doc: passages_text(doc, DEFAULT_TOKEN_BUDGET))
    assert coverage.total["uses_dl"] >= 50 and coverage.total["ptm"] >= 140  # the gold labels are all there
    assert coverage.share("uses_dl") >= 0.95
    assert coverage.share("ptm") >= 0.96
    assert coverage.shown_tokens / coverage.body_tokens <= 0.26
