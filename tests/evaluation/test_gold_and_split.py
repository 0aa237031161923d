"""The gold seeds as the evaluation reads them, and the reference split drawn once."""

from __future__ import annotations

import csv
import hashlib

import pytest

from evaluation.gold import SEEDS_DIR, aius_sets, load_gold_sets, project_sets, reference_sets
from evaluation.split import FROZEN, NAMED_BEFORE_SPLIT, TUNING, split_project, split_reference

# sha256 of the frozen DOIs, sorted, one per line: changing the rule, its salt or its list re-draws the split.
FROZEN_DIGEST = "7692c2efeea597294524aee1508a1bbcf5603833eb8ea8cbcb42965191303bd1"
# The same for the project's own labels: the check DOIs bench/rules_project.py has only ever scored.
# sha256 of each batch's check DOIs (sorted, one per line): fixed when the batch was split, never to move.
CHECK_DIGESTS = {
    "1": "05fd18d61e57d515cfd06616161377a5f516f872c6250028d13d09f3089e61bf",
    "2": "84b65baf6050b1c4217a067a25dbe31787674c19442c10f5cb6ac14c6b00d559",
    "3": "e7e50151d620bc636fb3fc485108bbc28e3091f51a091e207feec87598d509c0",
    "4": "2629f6c6fb716c46b6efba6eb31e4bdf13412d56c0f20b0d155732c5e899603c",
}


def test_the_split_is_the_one_drawn_once() -> None:
    tuning, frozen = reference_sets()
    assert (len(tuning.papers), len(frozen.papers)) == (72, 40)
    assert hashlib.sha256("\n".join(sorted(frozen.papers)).encode()).hexdigest() == FROZEN_DIGEST
    assert set(NAMED_BEFORE_SPLIT) <= set(tuning.papers)  # what the code base had looked at is never a test
    # the frozen set is drawn from the second half of the seeded order only: the rules were developed on the first
    ordered = sorted(
        tuning.papers | frozen.papers, key=lambda d: hashlib.sha256(f"ptmreuse-rules-split-v1:{d}".encode()).hexdigest()
    )
    assert set(frozen.papers) <= set(ordered[56:])
    # and it has both kinds of papers, so every metric is defined on it
    assert 0 < sum(p.uses_dl for p in frozen.papers.values()) < 40
    assert sum(len(p.ptms) for p in frozen.papers.values()) == 69


def test_split_depends_on_the_doi_alone() -> None:
    dois = [f"10.1234/synthetic.{i}" for i in range(10)]  # SYNTHETIC DOIs
    assert split_reference(dois) == split_reference(reversed(dois))
    assert sorted(split_reference(dois).values()).count(TUNING) == 5
    assert set(split_reference(dois).values()) == {TUNING, FROZEN}


def test_gold_sets_carry_the_documented_counts() -> None:
    aius, untuned = aius_sets()
    assert len(aius.papers) == 110 and len(untuned.papers) == 90
    assert sum(p.uses_dl for p in aius.papers.values()) == 39
    assert sum(p.uses_ptms for p in aius.papers.values()) == 23
    assert sum(len(p.ptms) for p in aius.papers.values()) == 47
    assert all(p.uses_dl for p in aius.papers.values() if p.uses_ptms)  # PTM implies DL in every row
    assert aius.is_human and not aius.has_stage
    names = [g.name for g in load_gold_sets("all")]
    assert names == ["reference-tuning", "reference-frozen", "aius", "aius-untuned"]
    tuning, frozen = reference_sets()
    assert not tuning.is_human and frozen.has_stage and "not human" in frozen.description
    assert sum(len(p.ptms) for g in (tuning, frozen) for p in g.papers.values()) == 221


def test_the_project_labels_keep_their_dev_and_check_split() -> None:
    dev, check = project_sets()
    assert (len(dev.papers), len(check.papers)) == (40 + 32 + 32 + 32, 20 + 16 + 16 + 16)
    assert not set(dev.papers) & set(check.papers)
    with (SEEDS_DIR / "gold_project_papers.csv").open(newline="") as handle:
        batch_of = {row["doi"]: row["batch"] for row in csv.DictReader(handle)}
    for batch, digest in CHECK_DIGESTS.items():
        checked = sorted(doi for doi in check.papers if batch_of[doi] == batch)
        assert hashlib.sha256("\n".join(checked).encode()).hexdigest() == digest, f"batch {batch}'s check set moved"
    assert dev.family == check.family == "project" and dev.has_stage and not dev.is_human
    batches = {f"10.1234/synthetic.{i}": 1 + i % 2 for i in range(100)}  # SYNTHETIC DOIs
    halves = split_project(batches)
    assert halves == split_project(dict(reversed(batches.items())))
    assert [sum(halves[d] == "dev" for d, b in batches.items() if b == batch) for batch in (1, 2)] == [40, 32]
    # a paper added to batch 2 moves no paper of batch 1
    grown = split_project({**batches, "10.1234/synthetic.new": 2})
    assert all(grown[d] == halves[d] for d, b in batches.items() if b == 1)
    with pytest.raises(ValueError, match="unknown batch"):
        split_project({"10.1234/synthetic.x": 9})
