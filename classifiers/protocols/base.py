"""What a protocol is: for one paper, a sequence of calls (each one prompt, one answer), possibly cascading.

A protocol decides *which* questions to ask about *which* text; the engine's `Asker` decides how (cache, budget,
limits, retries, validation, storage). Keeping the two apart is what lets `aius` and `compact` share every guarantee.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from pydantic import BaseModel, ConfigDict, model_validator

from classifiers.document import PaperDocument
from classifiers.protocols.prompts import Prompt
from classifiers.taxonomy import BinaryDecision, PtmList, Task


class GateAnswer(BaseModel):
    """One call answering uses_dl and uses_ptms together (the compact protocol's first call)."""

    model_config = ConfigDict(extra="forbid", frozen=True)  # as strict as the taxonomy's own models

    uses_dl: BinaryDecision
    uses_ptms: BinaryDecision

    @model_validator(mode="after")
    def _implication(self) -> GateAnswer:
        # The codebook's implication; an answer breaking it is invalid, not silently repaired.
        if self.uses_ptms.answer and not self.uses_dl.answer:
            raise ValueError("uses_ptms=true requires uses_dl=true")
        return self


class Call:
    """One question about one paper: the prompt, the text shown, and which tasks its answer decides.

    The text may be given as a function, computed only when the call is not answered from the cache (selecting
    passages costs CPU; a rerun that hits the cache should not pay it).
    """

    def __init__(self, prompt: Prompt, tasks: tuple[Task, ...], paper_text: str | Callable[[], str]) -> None:
        self.prompt = prompt
        self.tasks = tasks
        self._text = paper_text

    def text(self) -> str:
        if callable(self._text):
            self._text = self._text()
        return self._text

    def split(self, answer: BaseModel) -> dict[Task, BaseModel]:
        """The answer as one validated model per task (the rows the store writes)."""
        if isinstance(answer, GateAnswer):
            return {Task.USES_DL: answer.uses_dl, Task.USES_PTMS: answer.uses_ptms}
        return {self.tasks[0]: answer}

    def join(self, parts: dict[str, Any]) -> BaseModel:
        """Rebuild (and re-validate) an answer from stored per-task JSON, for a cache hit."""
        model = self.prompt.answer_model
        if model is GateAnswer:
            return GateAnswer.model_validate({"uses_dl": parts["uses_dl"], "uses_ptms": parts["uses_ptms"]})
        return model.model_validate(parts[self.tasks[0].value])

    def positive_placeholder(self) -> BaseModel:
        """A positive answer, so a cost estimate walks every stage of the cascade (an upper bound)."""
        yes = BinaryDecision(answer=True)
        if self.prompt.answer_model is GateAnswer:
            return GateAnswer(uses_dl=yes, uses_ptms=yes)
        if self.prompt.answer_model is PtmList:
            return PtmList()
        return yes


class Asker(Protocol):
    """The engine side of a protocol run (see classifiers.engine.asker)."""

    async def ask(self, doc: PaperDocument, call: Call) -> BaseModel | None:
        """The validated answer, or None when the call failed (error row written; the cascade stops)."""
        ...

    async def skip(self, doc: PaperDocument, answers: dict[Task, BaseModel]) -> None:
        """Record negatives the prefilter decided without a call (status skipped_prefilter, decided_by prefilter)."""
        ...

    async def decide(self, doc: PaperDocument, answers: dict[Task, BaseModel]) -> None:
        """Record answers the protocol's own code decided (the rules: status ok, decided_by = the protocol)."""
        ...


class LabelProtocol(Protocol):
    name: str

    def prompts(self) -> list[Prompt]: ...

    def settings(self) -> dict[str, Any]:
        """Protocol parameters that change the text sent (part of every cache key)."""
        ...

    async def label(self, doc: PaperDocument, asker: Asker) -> None: ...
