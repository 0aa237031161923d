"""The stage of the scientific process a model serves (codebook v1.2: observation … conclusion), from evidence.

Read from the sentences where the authors use the model: what its output is used for. Codebook v1.2: test is the
usual stage (the model produces the results the study reports, including benchmarked or baseline models);
observation is detecting the phenomenon itself in raw recordings (cells in images, animals in footage, bases in raw
nanopore signal); analysis is applied afterwards to results in hand. With no cue the stage is test: there is no
per-modality default, because a vision model is as often the study's test as its observation.
"""

from __future__ import annotations

import re

from classifiers.taxonomy import Stage

_BACKGROUND = re.compile(
    r"\bliterature (?:search|screening|review|mining)\b|\bsystematic review\b|"
    r"\bscreen(?:ed|ing)? (?:the )?(?:papers|articles|abstracts|publications)\b",
    re.IGNORECASE,
)
_HYPOTHESIS = re.compile(
    r"\bcandidates? for (?:experimental |further |wet-lab )?(?:validation|testing|synthesis)\b|\bprioriti[sz]|"
    r"\bto guide (?:the )?(?:design|selection|experiments?)\b|\bhypothes[ie]s (?:generation|to test)\b|"
    r"\bto (?:propose|select|nominate) candidates?\b",
    re.IGNORECASE,
)
# Observation needs both: a detecting/measuring act and raw recordings to do it in.
_DETECTING = re.compile(
    r"\b(?:segment(?:ed|ation|ing|s)?|detect(?:ed|ion|ing|s)?|track(?:ed|ing|s)?|count(?:ed|ing)?|"
    r"locali[sz](?:e|ed|ation)|pose estimation|keypoints?|base-?call(?:ed|ing|s)?|base call(?:ed|ing|s)?)\b",
    re.IGNORECASE,
)
_RAW_RECORDINGS = re.compile(
    r"\b(?:images?|micrographs?|microscop\w*|videos?|footage|recordings?|frames|camera|scans?|photographs?|"
    r"CT|MRI|raw (?:signal|data|reads)|signal|squiggles?|fast5|pod5|nanopore)\b",
    re.IGNORECASE,
)
_BASECALLING = re.compile(r"\bbase-?call(?:ed|ing|er)?\b|\bbase call(?:ed|ing|er)?\b", re.IGNORECASE)
_ANALYSIS = re.compile(
    r"\bto (?:annotate|characteri[sz]e|interpret|explain) (?:the )?(?:resulting|identified|predicted|obtained|"
    r"detected|reported)\b|\bpost[- ]hoc\b|\bdownstream analys[ie]s\b|\bclustering of (?:the )?embeddings\b",
    re.IGNORECASE,
)
_CONCLUSION = re.compile(
    r"\bto (?:illustrate|visuali[sz]e|summari[sz]e|report) (?:the |our )?(?:results|findings)\b|"
    r"\bto (?:write|draft|generate) (?:the )?(?:figures|summar(?:y|ies)|report|manuscript)\b",
    re.IGNORECASE,
)


def stage(context: str) -> Stage:
    """The stage shown by the sentences where the authors use the model (folded and joined); test without a cue."""
    if _BACKGROUND.search(context):
        return Stage.BACKGROUND
    if _HYPOTHESIS.search(context):
        return Stage.HYPOTHESIS
    if _BASECALLING.search(context) or (_DETECTING.search(context) and _RAW_RECORDINGS.search(context)):
        return Stage.OBSERVATION
    if _ANALYSIS.search(context):
        return Stage.ANALYSIS
    if _CONCLUSION.search(context):
        return Stage.CONCLUSION
    return Stage.TEST
