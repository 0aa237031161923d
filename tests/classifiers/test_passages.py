"""Passage selection: budget respected, document order, evidence-bearing passages first, gold evidence kept."""

from __future__ import annotations

import numpy as np
import pytest
from gold_corpus import corpus_document, gold_documents

from classifiers import passage_weights
from classifiers.document import PaperDocument, Section
from classifiers.engine.fingerprint import shaping_files
from classifiers.passages import Model, Passage, Selection, _Sentence, predict, select, select_passages
from classifiers.protocols import DEFAULT_TOKEN_BUDGET
from classifiers.protocols.compact import passages_text
from classifiers.sentence_features import FEATURES, NAME_WORD, NUMBER_WORD, sentence_table, sentence_words
from classifiers.tokens import count_tokens
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


def test_sentence_words_mask_every_name() -> None:
    # Synthetic sentence; the names are of every shape the masking knows.
    words = sentence_words("We basecalled 120 reads with Guppy5, DeepVariant and Bonito [12], as in ref. 3.")
    assert {"we", "basecalled", "reads", "with", "and", "as", "in", "ref"} <= words
    assert NAME_WORD in words and NUMBER_WORD in words
    assert not {"guppy5", "deepvariant", "bonito"} & words
    # The opening word is ambiguous: read as a word at run time, masked when the vocabulary is counted.
    assert "cellpose" in sentence_words("Cellpose segmented the nuclei.")
    assert "cellpose" not in sentence_words("Cellpose segmented the nuclei.", opening=False)


def test_a_capitalised_word_with_a_hyphenated_capital_part_is_a_name() -> None:
    # Found on dev papers: "We employ Bio-BERT-base." had no name, hence no value at all, and was never shown.
    text = "We employ Bio-BERT-base.\nAtoms pass through Graph-pKa layers.\nX-ray images of T-cell lines."
    table = sentence_table(_paper(Section(0, "Methods", "methods", "section", text)))
    assert table.keys == [("bio-bert-base",), ("graph-pka",), ()]
    assert list(table.eligible[:2]) == [1.0, 1.0]


def test_word_weights_move_a_sentences_value_and_hold_no_name() -> None:
    doc = _paper(Section(0, "Methods", "methods", "section", "Reads were basecalled on site.\nReads were kept cold."))
    table = sentence_table(doc)
    plain = Model(np.zeros(len(FEATURES)), 0.0, {})
    worded = Model(np.zeros(len(FEATURES)), 0.0, {"basecalled": 2.0})
    assert list(predict(table, plain)) == [0.5, 0.5]
    assert predict(table, worded)[0] == pytest.approx(1 / (1 + np.exp(-2.0))) and predict(table, worded)[1] == 0.5
    # The fitted words are words as sentence_words reads them away from an opening: lower case, no digits.
    fitted = {**passage_weights.DL_WORDS, **passage_weights.PTM_WORDS}
    assert len(fitted) >= 50
    for word in fitted:
        assert word in (NAME_WORD, NUMBER_WORD) or sentence_words(f"the {word}.", opening=False) == {"the", word}


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
    # Three sentences of equal length, room for two: two on QuillNet worth 0.5 each, one on Zorblax7 worth 0.45.
    # Once one QuillNet sentence is shown, the other is worth 0.5 × decay: with the fading (0.8) Zorblax7 wins; without
    # it, the second QuillNet sentence would.
    def sentence(block: int, text: str, value: float, name: str) -> _Sentence:
        return _Sentence(block, 0, "Methods", "methods", text, 10, 0.0, value, (name,))

    sentences = (
        sentence(0, "We ran QuillNet on batch 1.", 0.5, "quillnet"),
        sentence(1, "We ran QuillNet on batch 2.", 0.5, "quillnet"),
        sentence(2, "We ran Zorblax7 on batch 3.", 0.45, "zorblax7"),
    )
    faded = [p.text for p in select(sentences, 20, Selection(exponent=1.0, decay=0.8))]
    assert faded == ["We ran QuillNet on batch 1.", "We ran Zorblax7 on batch 3."]
    unfaded = [p.text for p in select(sentences, 20, Selection(exponent=1.0, decay=1.0))]
    assert unfaded == ["We ran QuillNet on batch 1.", "We ran QuillNet on batch 2."]


def test_passages_text_names_each_section_once() -> None:
    sentences = "\n".join(f"We trained QuillNet{i} [ {i} ] on the images." for i in range(3))
    doc = _paper(Section(0, "Methods", "methods", "section", sentences))
    text = passages_text(doc, 1000)
    assert text.count("[Methods]") == 1 and all(f"QuillNet{i}" in text for i in range(3))


def test_gold_evidence_floor_on_the_tuning_half() -> None:
    """A regression floor, a little under what bench/passages.py measures on the tuning half at the default budget.

    Measured (tuning half, 72 papers, default budget 3,000, selected sentences, values with words): uses_dl evidence
    53/53, PTM evidence 151/152, at 25.1 % of the body's tokens. The sentence values are fitted on this half (and
    project dev), so this is an in-sample figure; cross-validated over papers (bench/passage_weights.py) the half
    shows 96–98 % / 98–99 %, which is where the floors sit (raised from 0.92 / 0.93 for the hand-set selector). The
    frozen half is not read here.
    """
    pairs = gold_documents()
    coverage = measure(pairs, lambda doc: passages_text(doc, DEFAULT_TOKEN_BUDGET))
    assert coverage.total["uses_dl"] >= 50 and coverage.total["ptm"] >= 140  # the gold labels are all there
    assert coverage.share("uses_dl") >= 0.95
    assert coverage.share("ptm") >= 0.96
    assert coverage.shown_tokens / coverage.body_tokens <= 0.26
