"""Passage selection: budget respected, document order, evidence-bearing paragraphs first."""

from __future__ import annotations

import re

import pytest
from gold_corpus import corpus_document, gold_documents

from classifiers.document import PaperDocument, Section
from classifiers.passages import Passage, count_tokens, select_passages


def _letters(text: str) -> str:
    return re.sub(r"[^0-9a-z]", "", text.lower())


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


def test_gold_evidence_is_mostly_kept_at_a_small_share_of_the_body() -> None:
    kept = total = selected_tokens = body_tokens = 0
    for paper, doc in gold_documents():
        if not paper.uses_dl:
            continue
        chosen = "|".join(_letters(p.text) for p in select_passages(doc, 2000))
        evidence = _letters(paper.dl_evidence or "")
        total += 1
        kept += evidence in chosen
        selected_tokens += sum(count_tokens(p.text) for p in select_passages(doc, 2000))
        body_tokens += count_tokens(doc.body_text)
    assert kept / total >= 0.6  # measured: see the passages table of bench/rules_baseline.py
    assert selected_tokens / body_tokens <= 0.2
