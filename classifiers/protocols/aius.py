"""`aius`: the 2026 study's cascade, for replication — on the paper body only, one question per call.

uses_dl on every paper → uses_ptms where uses_dl is true → the PTM list (with pattern and stage) where uses_ptms
is true. Unlike the study, the PTM list, its patterns and stages come from one call, so they cannot disagree on
model names, and every answer is schema-validated. The prompts are ours (from the codebook), not the study's.
"""

from __future__ import annotations

from typing import Any

from classifiers.document import PaperDocument
from classifiers.protocols.base import Asker, Call
from classifiers.protocols.prompts import (
    HARD_CASES,
    PTM_LIST_DEFINITION,
    SHAPE_BINARY,
    SHAPE_PTMS,
    USES_DL_DEFINITION,
    USES_PTMS_DEFINITION,
    Prompt,
    system_prompt,
)
from classifiers.taxonomy import BinaryDecision, PtmList, Task

USES_DL = Prompt(
    name="aius.uses_dl",
    version="2",
    system=system_prompt(USES_DL_DEFINITION, HARD_CASES, shape=SHAPE_BINARY),
    question="Does this study use deep learning (uses_dl)?",
    answer_model=BinaryDecision,
)
USES_PTMS = Prompt(
    name="aius.uses_ptms",
    version="2",
    system=system_prompt(USES_DL_DEFINITION, USES_PTMS_DEFINITION, HARD_CASES, shape=SHAPE_BINARY),
    question="Does this study reuse a pre-trained or published deep learning model, its weights or its architecture "
    "(uses_ptms)?",
    answer_model=BinaryDecision,
)
PTMS = Prompt(
    name="aius.ptms",
    version="2",
    system=system_prompt(USES_PTMS_DEFINITION, PTM_LIST_DEFINITION, HARD_CASES, shape=SHAPE_PTMS),
    question="Which pre-trained or published models does this study reuse, with which reuse pattern, at which stage?",
    answer_model=PtmList,
)


class AiusProtocol:
    name = "aius"

    def prompts(self) -> list[Prompt]:
        return [USES_DL, USES_PTMS, PTMS]

    def settings(self) -> dict[str, Any]:
        return {"input": "body_text"}

    async def label(self, doc: PaperDocument, asker: Asker) -> None:
        body = doc.body_text  # as the study did: no title, abstract or references
        uses_dl = await asker.ask(doc, Call(USES_DL, (Task.USES_DL,), body))
        if not (isinstance(uses_dl, BinaryDecision) and uses_dl.answer):
            return
        uses_ptms = await asker.ask(doc, Call(USES_PTMS, (Task.USES_PTMS,), body))
        if not (isinstance(uses_ptms, BinaryDecision) and uses_ptms.answer):
            return
        await asker.ask(doc, Call(PTMS, (Task.PTMS,), body))
