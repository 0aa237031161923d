"""The prefilter removes only papers without any deep-learning vocabulary, and never a gold positive."""

from __future__ import annotations

from gold_corpus import gold_documents

from classifiers.document import PaperDocument, Section
from classifiers.prefilter import has_dl_vocabulary


def _document(text: str, title: str = "A study") -> PaperDocument:
    return PaperDocument("10.1234/x", title, None, "hash", (Section(0, "Methods", "methods", "section", text),))


def test_prefilter_never_drops_a_gold_positive_and_drops_some_negatives() -> None:
    documents = gold_documents()
    positives = [doc for paper, doc in documents if paper.uses_dl]
    negatives = [doc for paper, doc in documents if not paper.uses_dl]
    assert positives and all(has_dl_vocabulary(doc) for doc in positives)
    assert sum(not has_dl_vocabulary(doc) for doc in negatives) >= len(negatives) // 2


def test_no_vocabulary_means_false() -> None:
    assert not has_dl_vocabulary(_document("Soil cores were dried at 60 °C and weighed; we used a linear model."))


def test_a_model_name_or_a_weak_word_is_enough() -> None:
    assert has_dl_vocabulary(_document("Structures were predicted with AlphaFold2."))
    assert has_dl_vocabulary(_document("The network was trained for 50 epochs."))
    assert has_dl_vocabulary(_document("Nothing here.", title="A neural network for bird song"))
