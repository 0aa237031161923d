"""PTM matching through the alias catalogue, and the gold seeds as shipped."""

from __future__ import annotations

from evaluation.gold import GoldPtm, aius_sets, load_gold_sets
from evaluation.matching import PredictedPtm, catalogue_canonical, match_paper


def test_aliases_match_and_patterns_are_checked_on_matched_names() -> None:
    canonical = catalogue_canonical()
    gold = [
        GoldPtm("ResNet50", "adaptation", "test"),
        GoldPtm("Cellpose (Modified U-Net)", "deployment", "observation"),
        GoldPtm("U-Net", "adaptation", "analysis"),
        GoldPtm("U-Net", "conceptual", "analysis"),  # one model, two reuse patterns: two gold entries
    ]
    predicted = [
        PredictedPtm("resnet 50 (ImageNet)", "adaptation", "test"),  # alias of ResNet-50, right pattern and stage
        PredictedPtm("Cellpose", "adaptation", "analysis"),  # right model, wrong pattern and stage
        PredictedPtm("U-Net", "conceptual", "analysis"),
        PredictedPtm("AlphaFold2", "deployment", "hypothesis"),  # not in the gold
    ]
    match = match_paper(gold, predicted, canonical)
    assert (match.gold_names, match.predicted_names, match.matched_names) == (3, 4, 3)
    assert (match.gold_pairs, match.predicted_pairs, match.matched_pairs) == (4, 4, 2)
    assert match.pattern_correct == 2  # ResNet-50 and U-Net
    assert match.stage_correct == 2


def test_unknown_names_compare_after_folding() -> None:
    canonical = catalogue_canonical()
    match = match_paper(
        [GoldPtm("M1 Feedforward Model", "conceptual", None)],
        [PredictedPtm("m1 feedforward  model", "conceptual", None)],
        canonical,
    )
    assert match.matched_names == 1 and match.pattern_correct == 1


def test_gold_sets_carry_the_documented_counts() -> None:
    aius, untuned = aius_sets()
    assert len(aius.papers) == 110 and len(untuned.papers) == 90
    assert sum(p.uses_dl for p in aius.papers.values()) == 39
    assert sum(p.uses_ptms for p in aius.papers.values()) == 23
    assert sum(len(p.ptms) for p in aius.papers.values()) == 47
    assert all(p.uses_dl for p in aius.papers.values() if p.uses_ptms)  # PTM implies DL in every row
    assert not aius.has_stage
    names = [g.name for g in load_gold_sets("all")]
    assert names == ["reference", "reference-heldout", "aius", "aius-untuned"]
    reference = load_gold_sets("reference")[0]
    assert len(reference.papers) == 112 and reference.has_stage
