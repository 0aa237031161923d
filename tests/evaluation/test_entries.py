"""Entry-by-entry PTM matching: the evaluation's name normalisation, the one-to-one pairing per paper, and the
share of gold names the catalogue knows."""

from __future__ import annotations

import pytest

from evaluation.entries import Entry, entry_key, head_key, match_paper, version_free_key
from evaluation.evaluate import catalogue_share
from evaluation.gold import GoldPaper, GoldPtm, GoldSet
from evaluation.predictions import GoldName


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("ResNet-50", "resnet 50"),
        ("ResNet50 (ImageNet-pretrained)", "ResNet50"),
        ("EfficientNet‐B3", "EfficientNet-B3"),  # U+2010 hyphen, as a PDF-born text writes it
        ("DCNN customised for apples [20]", "DCNN customised for apples"),
        ("Inception-v3", "InceptionV3"),
        ("(MMPose)", "MMPose"),  # a name that is all parentheses keeps its inside
        ("Ångström-Net", "angstrom net"),
        ("SignalP 5.0", "SignalP 5"),  # a zero minor version adds nothing
        ("Cellpose 2.0.0", "Cellpose 2"),
    ],
)
def test_spellings_of_one_name_share_a_key(a: str, b: str) -> None:
    assert entry_key(a) == entry_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("U-Net++", "U-Net"),
        ("ResNet-18", "ResNet-50"),
        ("AlphaFold2", "AlphaFold3"),
        ("Cellpose 2.0.1", "Cellpose 2"),  # only zero minor versions go
        ("ESM-1.0b", "ESM-1b"),  # nor inside a name
    ],
)
def test_different_models_keep_different_keys(a: str, b: str) -> None:
    assert entry_key(a) != entry_key(b) and version_free_key(a) != version_free_key(b)


@pytest.mark.parametrize(
    ("name", "without_version"),
    [
        ("SignalP 5.0", "signalp"),
        ("Cellpose 2.1.0", "cellpose"),
        ("TasselNetV2", "tasselnet"),
        ("idtracker.ai v.3", "idtrackerai"),
        ("DrugEx version 2", "drugex"),
        ("ResNet-50", "resnet50"),  # a bare trailing number is a size, not a version
    ],
)
def test_version_suffixes_drop_only_in_the_loose_key(name: str, without_version: str) -> None:
    assert version_free_key(name) == without_version


def test_each_predicted_entry_matches_at_most_one_gold_entry() -> None:
    gold = [
        Entry("U-Net", "adaptation", "analysis"),
        Entry("U-Net", "conceptual", "test"),  # one model, two reuse patterns: two gold entries
        Entry("ResNet-50", "deployment", "test"),
    ]
    predicted = [
        Entry("UNet", "conceptual", "test"),  # pairs with the conceptual U-Net entry, not the first one
        Entry("ResNet50 (ImageNet)", "adaptation", "observation"),
        Entry("ResNet 50", "deployment", "test"),  # takes the only ResNet-50 entry: it agrees on pattern and stage
    ]
    match = match_paper(gold, predicted)
    assert (match.gold_entries, match.predicted_entries, match.matched_entries) == (3, 3, 2)
    assert (match.pattern_agree, match.stage_agree) == (2, 2)


def test_exact_names_pair_before_version_free_ones() -> None:
    gold = [Entry("Cellpose", "deployment", "observation"), Entry("Cellpose 2.0", "adaptation", "observation")]
    predicted = [Entry("Cellpose 2.0", "deployment", "observation")]
    # same key beats the agreeing pattern: the prediction named version 2.0, which the gold adapted
    match = match_paper(gold, predicted)
    assert (match.matched_entries, match.pattern_agree) == (1, 0)
    loose = match_paper([Entry("SignalP 5.0", "deployment", "test")], [Entry("SignalP", "deployment", "test")])
    assert (loose.matched_entries, loose.pattern_agree, loose.stage_agree) == (1, 1, 1)


def test_merged_names_are_one_entry_not_three() -> None:
    gold = [
        Entry("GCN", "conceptual", "test"),
        Entry("GAT", "conceptual", "test"),
        Entry("GraphSAGE", "conceptual", "test"),
    ]
    match = match_paper(gold, [Entry("GCN / GAT / GraphSAGE", "conceptual", "test")])
    assert match.matched_entries == 0 and match.gold_entries == 3


def test_canonical_view_counts_distinct_names_and_ignores_stage_without_gold_stages() -> None:
    gold = [Entry("ESM-1b", "deployment", None, "ESM-1b"), Entry("ESM1b", "adaptation", None, "ESM-1b")]
    predicted = [Entry("ESM-1b", "deployment", "test", "ESM-1b"), Entry("ProtT5", "deployment", "test", "ProtT5")]
    match = match_paper(gold, predicted, has_stage=False)
    assert (match.gold_names, match.predicted_names, match.matched_names) == (1, 2, 1)
    assert (match.matched_entries, match.pattern_agree, match.stage_agree) == (1, 1, 0)


def test_a_short_name_in_parentheses_matches_after_the_full_name() -> None:
    gold = [Entry("AlphaFold 3 (AF3)", "deployment", "test"), Entry("DCNN for apples [20]", "conceptual", "test")]
    predicted = [Entry("AF3", "deployment", "test"), Entry("SomeNet [20]", "conceptual", "test")]
    match = match_paper(gold, predicted)  # "AF3" is the gold's own short name; "[20]" is only a citation
    assert (match.matched_entries, match.pattern_agree) == (1, 1)
    both = match_paper(
        [Entry("ColabFold (AlphaFold)", "deployment", "test")],
        [Entry("AlphaFold", "deployment", "test"), Entry("ColabFold", "adaptation", "test")],
    )
    assert (both.matched_entries, both.pattern_agree) == (1, 0)  # the full name pairs first, whatever the pattern


@pytest.mark.parametrize(
    ("name", "head"),
    [
        ("fastText skipgram", "fasttext"),
        ("DeepLabCut model (ImageNet-pretrained ResNet)", "deeplabcut"),
        ("GCN graph autoencoder (Kipf 2017)", "gcn"),
        ("word2vec cbow", "word2vec"),  # the first word always names
        ("AlphaFold Multimer", None),  # a capital names another model
        ("BERT 6mA", None),  # so does a digit
        ("GCN / GAT / GraphSAGE", None),
        ("U-Net", None),
    ],
)
def test_trailing_describing_words_leave_the_head(name: str, head: str | None) -> None:
    assert head_key(name) == head


def test_a_name_matches_the_head_of_a_described_name_last() -> None:
    described = match_paper(
        [Entry("fastText skipgram", "deployment", "test")], [Entry("fastText", "deployment", "test")]
    )
    assert described.matched_entries == 1
    either_way = match_paper(
        [Entry("GCN", "conceptual", "test")], [Entry("GCN graph autoencoder", "conceptual", "test")]
    )
    assert either_way.matched_entries == 1
    other_model = match_paper(
        [Entry("AlphaFold Multimer", "deployment", "test")], [Entry("AlphaFold", "deployment", "test")]
    )
    assert other_model.matched_entries == 0
    gold = [Entry("DeepLabCut model", "adaptation", "test"), Entry("DeepLabCut", "deployment", "test")]
    exact_first = match_paper(gold, [Entry("DeepLabCut", "adaptation", "test")])
    assert (exact_first.matched_entries, exact_first.pattern_agree) == (1, 0)  # same key beats an agreeing pattern


def test_catalogue_share_counts_each_gold_model_once() -> None:
    papers = {  # SYNTHETIC gold: ResNet-50 twice (two spellings, one model), one model the catalogue lacks
        "a": GoldPaper(
            "a", True, True, (GoldPtm("ResNet-50", "deployment", "test"), GoldPtm("MiNet", "conceptual", "test"))
        ),
        "b": GoldPaper("b", True, True, (GoldPtm("ResNet50 (ImageNet)", "adaptation", "test"),)),
    }
    gold = GoldSet("synthetic", "synthetic", "all", "SYNTHETIC", is_human=False, has_stage=True, papers=papers)
    names = {
        "ResNet-50": GoldName("ResNet-50", True),
        "ResNet50 (ImageNet)": GoldName("ResNet-50", True),
        "MiNet": GoldName("key:minet", False),
    }
    assert catalogue_share(gold, names) == (0.5, 2)
