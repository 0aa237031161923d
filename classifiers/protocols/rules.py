"""`rules`: the offline baseline as a protocol — `classifiers.rules.classify_paper` decides, nothing is asked.

It runs through the same engine as the LLM protocols (same store, cache, run record and rows), with
decided_by = rules, zero tokens and zero cost. Its cache key carries the fingerprint of the rules' code and seeds,
so editing the rules relabels every paper on the next run and leaves the old labels in place.
"""

from __future__ import annotations

import asyncio
from typing import Any

from pydantic import BaseModel

from classifiers.document import PaperDocument
from classifiers.protocols.base import Asker
from classifiers.protocols.prompts import Prompt
from classifiers.rules import classify_paper
from classifiers.taxonomy import Task


class RulesProtocol:
    name = "rules"

    def prompts(self) -> list[Prompt]:
        return []

    def settings(self) -> dict[str, Any]:
        return {}

    async def label(self, doc: PaperDocument, asker: Asker) -> None:
        # CPU work: off the event loop, so the periodic flush and Ctrl-C are served meanwhile.
        labels = await asyncio.to_thread(classify_paper, doc)
        answers: dict[Task, BaseModel] = {Task.USES_DL: labels.uses_dl, Task.USES_PTMS: labels.uses_ptms}
        if labels.uses_ptms.answer:
            answers[Task.PTMS] = labels.ptms
        await asker.decide(doc, answers)
