"""`compact`: our default — a free local prefilter, selected passages instead of the whole paper, two calls at most.

1. `has_dl_vocabulary(doc)` False → uses_dl and uses_ptms recorded false (decided_by=prefilter), no call.
2. The gate call answers uses_dl and uses_ptms together, on passages chosen within a token budget.
3. Where uses_ptms is true, the extraction call lists the PTMs (pattern and stage) from the same passages.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from classifiers.document import PaperDocument
from classifiers.passages import Passage, select_passages
from classifiers.prefilter import has_dl_vocabulary
from classifiers.protocols.base import Asker, Call, GateAnswer
from classifiers.protocols.prompts import (
    HARD_CASES,
    PTM_LIST_DEFINITION,
    SHAPE_GATE,
    SHAPE_PTMS,
    USES_DL_DEFINITION,
    USES_PTMS_DEFINITION,
    Prompt,
    system_prompt,
)
from classifiers.taxonomy import BinaryDecision, PtmList, Task

DEFAULT_TOKEN_BUDGET = 3000
PASSAGES_NOTE = (
    "The paper is given as sentences selected from it, under their section heading in brackets; sentences that "
    "follow each other in the paper share a line, and the text between lines was left out."
)

GATE = Prompt(
    name="compact.gate",
    version="3",
    system=system_prompt(USES_DL_DEFINITION, USES_PTMS_DEFINITION, HARD_CASES, PASSAGES_NOTE, shape=SHAPE_GATE),
    question="Answer both: does this study use deep learning (uses_dl), and does it reuse a pre-trained or "
    "published deep learning model, its weights or its architecture (uses_ptms)?",
    answer_model=GateAnswer,
)
EXTRACT = Prompt(
    name="compact.ptms",
    version="3",
    system=system_prompt(USES_PTMS_DEFINITION, PTM_LIST_DEFINITION, HARD_CASES, PASSAGES_NOTE, shape=SHAPE_PTMS),
    question="Which pre-trained or published models does this study reuse, with which reuse pattern, at which stage?",
    answer_model=PtmList,
)
_NO = BinaryDecision(answer=False)


def passages_text(doc: PaperDocument, token_budget: int) -> str:
    """The selected passages, one per line, each section's heading (in brackets) once before its first passage."""
    return format_passages(select_passages(doc, token_budget))


def format_passages(passages: list[Passage]) -> str:
    """Passages one per line, each section's heading (in brackets) once before its first passage."""
    lines: list[str] = []
    section: tuple[int, str | None] | None = None
    for passage in passages:
        if (passage.section_ordinal, passage.heading) != section and passage.heading:
            lines.append(f"[{passage.heading}]")
        section = passage.section_ordinal, passage.heading
        lines.append(passage.text)
    return "\n".join(lines)


class _Once:
    def __init__(self, compute: Callable[[], str]) -> None:
        self._compute = compute
        self._value: str | None = None

    def __call__(self) -> str:
        if self._value is None:
            self._value = self._compute()
        return self._value


class CompactProtocol:
    name = "compact"

    def __init__(self, token_budget: int = DEFAULT_TOKEN_BUDGET) -> None:
        self.token_budget = token_budget

    def prompts(self) -> list[Prompt]:
        return [GATE, EXTRACT]

    def settings(self) -> dict[str, Any]:
        # Passage selection and the prefilter are code: the engine adds a fingerprint of that code to every key
        # (classifiers.engine.fingerprint).
        return {"token_budget": self.token_budget}

    async def label(self, doc: PaperDocument, asker: Asker) -> None:
        if not has_dl_vocabulary(doc):
            await asker.skip(doc, {Task.USES_DL: _NO, Task.USES_PTMS: _NO})
            return
        text = _Once(lambda: passages_text(doc, self.token_budget))  # shared by both calls, computed once
        gate = await asker.ask(doc, Call(GATE, (Task.USES_DL, Task.USES_PTMS), text))
        if not (isinstance(gate, GateAnswer) and gate.uses_ptms.answer):
            return
        await asker.ask(doc, Call(EXTRACT, (Task.PTMS,), text))
