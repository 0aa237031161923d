"""The rules classifier on real papers of the bundled corpus, and its agreement with the gold reference labels."""

from __future__ import annotations

import pytest
from gold_corpus import corpus_document, gold_documents

from classifiers.document import PaperDocument, Section
from classifiers.rules import classify_paper
from classifiers.rules.catalogue import load_catalogue
from classifiers.rules.negation import Reading, reading
from classifiers.rules.text import fold
from classifiers.taxonomy import PaperLabels, ReusePattern

# Measured with bench/rules_baseline.py (codebook v1.1): uses_dl F1 0.98, uses_ptms F1 0.97 on all 112 papers.
# The floors sit a little below, so a regression fails and a small harmless change does not.
USES_DL_F1_FLOOR = 0.93
USES_PTMS_F1_FLOOR = 0.90


def _document(*sections: tuple[str, str], abstract: str | None = None) -> PaperDocument:
    rows = tuple(Section(i, None, kind, "section", text) for i, (kind, text) in enumerate(sections))
    return PaperDocument("10.1234/test", "A title", abstract, "hash", rows)


def _in_paper(evidence: str, doc: PaperDocument) -> bool:
    return evidence in (doc.abstract or "") or any(evidence in s.text for s in doc.sections)


def _f1(pairs: list[tuple[bool, bool]]) -> float:
    tp = sum(gold and pred for gold, pred in pairs)
    fp = sum(pred and not gold for gold, pred in pairs)
    fn = sum(gold and not pred for gold, pred in pairs)
    return 2 * tp / (2 * tp + fp + fn) if tp else 0.0


def test_a_structure_prediction_paper_reuses_alphafold_with_grounded_evidence() -> None:
    doc = corpus_document("pyeuropepmc-benchmark/PMC13240100.xml")  # "AlphaFold3 (AF3) was used to predict ..."
    labels = classify_paper(doc)
    assert isinstance(labels, PaperLabels)
    assert labels.uses_dl.answer and labels.uses_ptms.answer
    assert _in_paper(labels.uses_dl.evidence or "", doc)
    names = {load_catalogue().canonicalise(p.name) for p in labels.ptms.ptms}
    assert "AlphaFold 3" in names
    for mention in labels.ptms.ptms:
        assert _in_paper(mention.evidence, doc)  # every quote is a sentence of the paper, verbatim


def test_an_electron_microscopy_paper_without_deep_learning_is_negative() -> None:
    doc = corpus_document("pyeuropepmc-benchmark/PMC13243723.xml")  # manual annotation in FIJI, statistics
    labels = classify_paper(doc)
    assert not labels.uses_dl.answer and not labels.uses_ptms.answer
    assert labels.uses_dl.evidence is None and labels.ptms.ptms == []


def test_cited_negated_and_future_deep_learning_does_not_count() -> None:
    doc = _document(
        ("introduction", "Deep learning approaches such as convolutional neural networks have been widely used [3]."),
        ("methods", "Unlike deep learning approaches [12], we fitted a random forest to the measurements."),
        ("discussion", "Future work could use a convolutional neural network such as ResNet-50 to classify images."),
    )
    labels = classify_paper(doc)
    assert not labels.uses_dl.answer and labels.ptms.ptms == []


def test_the_same_model_used_in_the_methods_counts() -> None:
    doc = _document(
        ("methods", "We fine-tuned a ResNet50 pre-trained on ImageNet to classify the camera-trap images."),
        ("methods", "The network was trained for 30 epochs with the Adam optimizer in PyTorch."),
    )
    labels = classify_paper(doc)
    assert labels.uses_dl.answer and labels.uses_ptms.answer
    [mention] = labels.ptms.ptms
    assert load_catalogue().canonicalise(mention.name) == "ResNet-50"
    assert mention.reuse_pattern == ReusePattern.ADAPTATION


def test_a_web_server_prediction_is_deployment() -> None:
    doc = _document(
        ("methods", "Signal peptides were predicted with the SignalP 6.0 web server using default parameters."),
        ("methods", "AlphaFold2 models of each protein were downloaded from the AlphaFold Protein Structure Database."),
    )
    labels = classify_paper(doc)
    patterns = {load_catalogue().canonicalise(p.name): p.reuse_pattern for p in labels.ptms.ptms}
    assert patterns == {"SignalP 6.0": ReusePattern.DEPLOYMENT, "AlphaFold": ReusePattern.DEPLOYMENT}


def test_a_shallow_tool_is_not_a_ptm() -> None:
    doc = _document(
        ("methods", "Homologues were searched with BLAST and HMMER, and epitopes predicted with NetMHCpan.")
    )
    assert classify_paper(doc).ptms.ptms == []


def test_negation_covers_only_what_follows_it() -> None:
    sentence = fold("We used Cellpose rather than StarDist to segment the nuclei.")
    assert reading(sentence, sentence.index("Cellpose")) == Reading.OWN_USE
    assert reading(sentence, sentence.index("StarDist")) == Reading.NEGATED


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("ResNet-50", "ResNet-50"),
        ("resnet50", "ResNet-50"),
        ("ResNet50 (ImageNet)", "ResNet-50"),
        ("ResNet\u201050 backbone", "ResNet-50"),
        ("AlphaFold2 (via ColabFold)", "AlphaFold"),
        ("Alphafold3 (AF3)", "AlphaFold 3"),
        ("ESM-2 (esm2_t36_3B_UR50D)", "ESM-2"),
        ("YOLOv5s", "YOLOv5"),
        ("U 2 -Net", "U2-Net"),
        ("SignalP 4.1", "SignalP 4.1"),
    ],
)
def test_aliases_canonicalise(written: str, canonical: str) -> None:
    assert load_catalogue().canonicalise(written) == canonical


def test_ambiguous_aliases_need_their_case_or_deep_learning_context() -> None:
    catalogue = load_catalogue()
    assert catalogue.find("Methylation used SAM as the methyl donor")[0].needs_dl_context
    assert catalogue.find("bert and ernie") == []  # case-sensitive: BERT only
    doc = _document(("methods", "Reactions were supplemented with SAM and incubated for 2 h at 37 °C."))
    assert classify_paper(doc).ptms.ptms == []


def test_rules_agree_with_the_gold_reference_above_the_floor() -> None:
    dl_pairs: list[tuple[bool, bool]] = []
    ptm_pairs: list[tuple[bool, bool]] = []
    for row, doc in gold_documents():
        labels = classify_paper(doc)
        dl_pairs.append((row["uses_dl"] == "true", labels.uses_dl.answer))
        ptm_pairs.append((row["uses_ptms"] == "true", labels.uses_ptms.answer))
    assert _f1(dl_pairs) >= USES_DL_F1_FLOOR
    assert _f1(ptm_pairs) >= USES_PTMS_F1_FLOOR
