"""Normalise section headings to a small set of types (introduction, methods, results, discussion, conclusion).

Headings win over the `sec-type` attribute because publishers misuse it (PLOS tags many "Discussion" sections
`sec-type="conclusions"`); the attribute is the fallback for untitled or unusual headings.
"""

from __future__ import annotations

import re

SECTION_TYPES = ("introduction", "methods", "results", "discussion", "conclusion", "other")

# Order matters: the first rule that matches a heading decides ("Results and discussion" is results).
_HEADING_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "other",
        re.compile(
            r"supplement|supporting information|acknowledg|author contribution|funding|"
            r"conflicts? of interest|competing interest|data availability|abbreviation|references"
        ),
    ),
    ("introduction", re.compile(r"^(introduction|background|overview|motivation)\b|^background &")),
    (
        "methods",
        re.compile(
            r"method|materials?\b|experimental (procedure|section|design|detail)|"
            r"^experimental$|study design|^online content|^implementation|^data (records|collection)|"
            r"^approach|^patients and|^study (area|site)"
        ),
    ),
    ("results", re.compile(r"^results?\b|^findings")),
    ("discussion", re.compile(r"^discussion|^general discussion")),
    ("conclusion", re.compile(r"^conclu|^summary|^concluding")),
)
_SEC_TYPE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("methods", re.compile(r"method|materials")),
    ("introduction", re.compile(r"intro|background")),
    ("results", re.compile(r"^results")),
    ("discussion", re.compile(r"^discussion")),
    ("conclusion", re.compile(r"^conclu")),
)
_NUMBERING = re.compile(r"^(?:\d+(?:\.\d+)*|[ivx]+)[.):\s]+")


def classify_heading(heading: str | None, sec_type: str | None = None) -> str:
    """Map a section heading (and its JATS `sec-type`) to one of SECTION_TYPES."""
    if heading:
        text = _NUMBERING.sub("", " ".join(heading.lower().replace("★", " ").split()))
        for section_type, pattern in _HEADING_RULES:
            if pattern.search(text):
                return section_type
    if sec_type:
        kind = sec_type.lower()
        if "supplementary" in kind:
            return "other"
        for section_type, pattern in _SEC_TYPE_RULES:
            if pattern.search(kind):
                return section_type
    return "other"
