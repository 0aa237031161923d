"""Reuse-pattern cues (codebook: conceptual / adaptation / deployment), read from the sentences around a model.

The cues follow the study's reuse keywords (fine-tuning, distillation, LoRA → adaptation; inference server,
ONNX, quantise → deployment; re-implementation, PyTorch/TensorFlow → conceptual) plus the codebook's wording.
Without a cue, the catalogue's default for the model decides (architectures conceptual, tools deployment).
"""

from __future__ import annotations

import re

from classifiers.taxonomy import ReusePattern

ADAPTATION = re.compile(
    r"\bfine-?tun(?:e|ed|es|ing)\b|\btransfer learning\b|\bknowledge distillation\b|\bdistill(?:ed|ation)\b|"
    r"\bLoRA\b|\blow-rank adaptation\b|\bparameter-efficient\b|\bPEFT\b|\badapters?\b(?= (?:layers?|modules?|tuning))|"
    r"\bretrain(?:ed|ing)? (?:the )?(?:last|final|top|classification|output)|"
    r"\b(?:initiali[sz]ed|starting) (?:with|from) (?:the )?(?:weights|pre-?trained|ImageNet|COCO)|"
    r"\b(?:used as|as the|as an?) initiali[sz]ation\b|\binitiali[sz]ed (?:on|with|from|by)\b|"
    r"\bpre-?trained (?:on|with) (?:the )?(?:ImageNet|COCO|MS COCO)"
    r"[^.]{0,120}\b(?:train|tun|retrain)|\btrain(?:ed|ing) [^.]{0,80}\bpre-?trained (?:weights|model|network)|"
    r"\b(?:further|additionally) trained\b|\btrained on (?:our|the) (?:own )?(?:annotated|labell?ed|training)",
    re.IGNORECASE,
)
DEPLOYMENT = re.compile(
    r"\boff-the-shelf\b|\bout of the box\b|\bout-of-the-box\b|\bweb ?server\b|\bonline (?:server|tool|version)\b|"
    r"\bdefault (?:parameters|settings|model|options|weights)\b|\bwith default\b|"
    r"\bpredicted (?:by|with|using)\b|\bpredictions? (?:by|from|of|with|using)\b|"
    r"\bpre-?trained (?:model|weights|network)s? (?:was|were|is|are) (?:used|applied)\b|"
    r"\b(?:database|DB)\b|\bdownloaded\b|\binference\b|\bquanti[sz]ed?\b|"
    r"\bONNX\b|\bvLLM\b|\bTorchScript\b|\bfrozen\b|\bfeature extract(?:ors?|ion)\b|\bembeddings? (?:were|was) "
    r"(?:extracted|computed|generated|obtained)\b|\b(?:was|were) (?:run|used|applied) (?:to|on|with)\b|"
    r"\bprovided by\b|\bavailable (?:at|from)\b|\bpublicly available (?:model|weights)\b",
    re.IGNORECASE,
)
CONCEPTUAL = re.compile(
    r"\bfrom scratch\b|\bre-?implement(?:ed|ation)?\b|\breproduc(?:e|ed)\b|\brecreat(?:e|ed)\b|\bimplemented\b|"
    r"\b(?:architecture|backbone|network structure)\b|\brandom(?:ly)? initiali[sz]|"
    r"\bfollowing (?:the )?(?:design|work)\b|"
    r"\btrained (?:a|an|the|our|two|three|several|four|\d+) [^.]{0,60}\b(?:on|using|with)\b|"
    r"\b(?:was|were) trained\b|\bwe trained\b",
    re.IGNORECASE,
)
# A borrowed checkpoint is mentioned: decides between "trained from scratch" and "trained from a checkpoint".
PRETRAINED = re.compile(
    r"\bpre-?trained\b|\bImageNet\b|\bcheckpoints?\b|\bweights (?:from|of|trained)\b", re.IGNORECASE
)
_OWN_TRAINING = re.compile(r"(?<!pre-)\btrain(?:ed|ing)?\b", re.IGNORECASE)  # not "pre-trained"
# The authors pre-train the model themselves in this study: their later fine-tuning adapts their own weights, not
# borrowed ones (codebook: pre-training inside the same study is not reuse of weights).
_OWN_PRETRAINING = re.compile(
    r"\bwe (?:first |then |also )?pre-?trained\b|"
    r"\bpre-?trained (?:it|them|the model|our model|our network) (?:on|with)\b|"
    r"\bour pre-?training (?:stage|phase|step|corpus|data)\b|\bwas (?:first )?pre-?trained by us\b",
    re.IGNORECASE,
)


# "Without any further fine-tuning", "not retrained": the weights were used as they are.
_NOT_ADAPTED = re.compile(
    r"\b(?:without|no|not|never)\s(?:any\s|being\s|be\s)?(?:further\s|additional\s)?(?:task-specific\s)?"
    r"(?:fine-?tun\w*|retrain\w*|re-train\w*|adapt\w*)|\bas is\b|\bas-is\b",
    re.IGNORECASE,
)


def reuse_pattern(near: str, sentences: str, kind: str, default: str) -> ReusePattern:
    """The pattern for one model: `near` is the folded text close to its mentions, where a cue is about it;
    `sentences` the whole sentences, for whether its weights are borrowed at all ("these pre-trained models
    include A, B, C" speaks of C too)."""
    if _NOT_ADAPTED.search(near):
        return ReusePattern.DEPLOYMENT
    if _OWN_PRETRAINING.search(near):
        return ReusePattern.CONCEPTUAL
    if ADAPTATION.search(near):
        return ReusePattern.ADAPTATION
    pretrained = bool(PRETRAINED.search(sentences))
    if pretrained and _OWN_TRAINING.search(near) and kind == "architecture":
        return ReusePattern.ADAPTATION
    if kind == "architecture":
        if pretrained or (DEPLOYMENT.search(near) and not CONCEPTUAL.search(near)):
            return ReusePattern.DEPLOYMENT
        return ReusePattern.CONCEPTUAL
    if CONCEPTUAL.search(near) and re.search(r"\bfrom scratch\b|\bre-?implement", near, re.IGNORECASE):
        return ReusePattern.CONCEPTUAL
    if kind == "baseline" and not DEPLOYMENT.search(near):
        return ReusePattern.CONCEPTUAL
    return ReusePattern(default)
