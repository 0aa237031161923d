"""The label taxonomy, in our own words (codebook v1.2, `docs/codebook.md`).

Every classifier — LLM or rules — answers in these shapes, and every answer is validated against them before it is
written. Values outside the taxonomy are rejected (pydantic raises), never coerced: `extra="forbid"` and enums.
The JSON schemas sent to LLMs are generated from these models, so prompts and validation cannot drift apart.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

CODEBOOK_VERSION = "1.2"

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Evidence = Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)]


class Task(StrEnum):
    """The labelling tasks; one row per (paper, task, attempt) in `raw.llm_labels`."""

    USES_DL = "uses_dl"
    USES_PTMS = "uses_ptms"
    PTMS = "ptms"


class ReusePattern(StrEnum):
    """How the authors reuse a pre-trained model (exactly one per PTM entry)."""

    CONCEPTUAL = "conceptual"  # re-implement or re-train a published architecture; no borrowed weights
    ADAPTATION = "adaptation"  # change borrowed weights: fine-tuning, transfer learning, distillation, LoRA
    DEPLOYMENT = "deployment"  # run borrowed weights as they are, for inference


class Stage(StrEnum):
    """The stage of the scientific process the model serves in the study (the main one)."""

    OBSERVATION = "observation"
    BACKGROUND = "background"
    HYPOTHESIS = "hypothesis"
    TEST = "test"
    ANALYSIS = "analysis"
    CONCLUSION = "conclusion"


# What each pattern and stage means, in the codebook's sense: the one text the prompts quote (their tests check it).
PATTERN_DEFINITIONS: dict[ReusePattern, str] = {
    ReusePattern.CONCEPTUAL: "the authors take the idea, not the weights: they re-implement or re-create a "
    "published architecture or algorithm and train it themselves (also a published model retrained from scratch "
    "as a comparison baseline, or a model ported to another framework)",
    ReusePattern.ADAPTATION: "the authors change borrowed weights for their task: fine-tuning, transfer learning "
    "(retraining heads or layers), knowledge distillation, LoRA or adapters, training onward from a checkpoint",
    ReusePattern.DEPLOYMENT: "the authors run borrowed weights as they are, for inference (possibly converted, "
    "quantised or served): predictions from a released model, its web server or its database of precomputed "
    "predictions, embeddings from a frozen encoder",
}
STAGE_DEFINITIONS: dict[Stage, str] = {
    Stage.OBSERVATION: "the model detects or measures the phenomenon itself in raw recordings (cells in microscope "
    "images, animals in footage, bases in raw nanopore signal) and those measurements are the study's primary data",
    Stage.BACKGROUND: "the model surveys prior knowledge or literature (a language model that screens or "
    "summarises papers)",
    Stage.HYPOTHESIS: "the model generates candidates or testable explanations that decide what the study goes on "
    "to test (predicted structures or targets used to choose experiments)",
    Stage.TEST: "the usual stage: the model produces the results the study reports (the predictions, "
    "classifications, structures or scores its findings rest on, whether the input data are the authors' own or "
    "public), or it is the model the study builds or benchmarks, or a published model run or retrained as a "
    "comparison baseline; most method, tool and benchmark papers put every model here",
    Stage.ANALYSIS: "the model is applied afterwards to data or results the study already has in hand, to "
    "characterise, annotate, check or interpret them (annotating the structures of proteins the study found, "
    "scoring the variants it reported, denoising counts before the statistical tests)",
    Stage.CONCLUSION: "the model reports or interprets results (generating figures or summaries of the findings)",
}
STAGE_TIE_BREAK = (
    "When two stages fit, choose the one where the model's output first becomes part of the study's evidence; "
    "when torn between test and analysis, choose test."
)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_enum_values=False)


class BinaryDecision(_Strict):
    """Answer to `uses_dl` or `uses_ptms`: the decision and the shortest sentence that shows it."""

    answer: bool = Field(description="True when the study itself does what the question asks.")
    evidence: Evidence | None = Field(
        default=None, description="A verbatim sentence from the paper that supports a True answer; null if False."
    )


class PtmMention(_Strict):
    """One reused pre-trained model, with one reuse pattern and one stage."""

    name: NonEmpty = Field(max_length=200, description="The model as the paper names it, with version if given.")
    reuse_pattern: ReusePattern
    stage: Stage
    form: Annotated[str, StringConstraints(strip_whitespace=True, max_length=300)] = Field(
        default="", description="A short phrase of what was done with the model."
    )
    evidence: Evidence = Field(description="A verbatim sentence from the paper that shows the reuse.")


class PtmList(_Strict):
    """Answer to `ptms`. The root is an object (lists inside), so JSON-object modes can return it."""

    ptms: list[PtmMention] = Field(default_factory=list, max_length=50)


class PaperLabels(_Strict):
    """All labels of one paper, as one classifier run decided them."""

    doi: NonEmpty
    uses_dl: BinaryDecision
    uses_ptms: BinaryDecision
    ptms: PtmList = Field(default_factory=PtmList)

    def model_post_init(self, _context: object) -> None:
        # The codebook's implications: a PTM implies deep learning; a listed PTM implies uses_ptms.
        if self.uses_ptms.answer and not self.uses_dl.answer:
            raise ValueError("uses_ptms=True requires uses_dl=True (codebook: uses_ptms implies uses_dl)")
        if self.ptms.ptms and not self.uses_ptms.answer:
            raise ValueError("a PTM list is only valid when uses_ptms=True")


TASK_MODELS: dict[Task, type[BaseModel]] = {
    Task.USES_DL: BinaryDecision,
    Task.USES_PTMS: BinaryDecision,
    Task.PTMS: PtmList,
}
