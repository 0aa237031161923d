"""The stage of the scientific process a model serves (codebook: observation … conclusion).

Stage is the softest label (two careful readings agree ~77%). The rules read cue words around the model and fall
back on its modality: image, video, audio and microscopy models usually produce the observations themselves;
sequence and structure predictors usually produce the study's data (test).
"""

from __future__ import annotations

import re

from classifiers.taxonomy import Stage

_CUES: tuple[tuple[Stage, re.Pattern[str]], ...] = (
    (
        Stage.BACKGROUND,
        re.compile(r"\bliterature\b|\bsystematic review\b|\bscreen(?:ed|ing)? (?:papers|articles|abstracts)", re.I),
    ),
    (
        Stage.HYPOTHESIS,
        re.compile(
            r"\bcandidates?\b|\bhypothes[ie]s\b|\bprioriti[sz]|\bto guide\b|\bto design\b|"
            r"\bputative\b|\bto propose\b",
            re.I,
        ),
    ),
    (
        Stage.OBSERVATION,
        re.compile(
            r"\bsegment(?:ed|ation|ing)?\b|\bdetect(?:ed|ion|ing|or)?\b|\btrack(?:ed|ing)?\b|"
            r"\bpose estimation\b|\bkeypoints?\b|\bcount(?:ed|ing)?\b|\bidentif(?:y|ied) "
            r"(?:individuals|animals|species|cells)\b|\bcamera\b|\bvideos?\b|\brecordings?\b|"
            r"\bmicroscop",
            re.I,
        ),
    ),
    (
        Stage.ANALYSIS,
        re.compile(r"\bclustering\b|\bdimensionality reduction\b|\bUMAP\b|\bt-SNE\b|\bstatistical analysis\b", re.I),
    ),
    (Stage.CONCLUSION, re.compile(r"\bto (?:illustrate|visuali[sz]e|summari[sz]e) (?:the )?results\b", re.I)),
)
_OBSERVING_MODALITIES = frozenset({"vision", "microscopy", "behaviour", "audio", "medical_imaging", "point_cloud"})


def stage(context: str, modality: str) -> Stage:
    """The first stage whose cue appears near the model; else the modality's usual stage."""
    for candidate, pattern in _CUES:
        if pattern.search(context):
            return candidate
    return Stage.OBSERVATION if modality in _OBSERVING_MODALITIES else Stage.TEST
