"""Sentences with their place in the paper: the unit the rules read and quote as evidence.

Evidence must be verbatim, so matching runs on a copy of the text whose look-alike characters (Unicode dashes,
non-breaking spaces) are folded one-for-one: offsets in the folded copy are offsets in the original.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from classifiers.document import PaperDocument, Section

# One character for one character, so spans found in the folded text slice the original text.
_FOLDS = (*((c, "-") for c in "\u2010\u2011\u2012\u2013\u2014\u2212\u00ad"), ("\u00a0", " "), ("\u2009", " "))

# A sentence ends at . ! ? followed by space and an upper-case letter, digit or bracket, unless the full stop
# closes a common abbreviation ("et al.", "e.g.", "Fig.", "ref. 12", "SignalP v. 4.1").
_BOUNDARY = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\[\"'“])")
_ABBREVIATION = re.compile(
    r"(?:\bet al|\be\.g|\bi\.e|\bFigs?|\bEq|\b[Rr]efs?|\bvs|\bca|\bapprox|\bNo|\bcf|\bSupp|\bSec|\bv|\bver)\.$"
)
ABSTRACT_ORDINAL = -1


@dataclass(frozen=True, slots=True)
class Sentence:
    section_ordinal: int  # ABSTRACT_ORDINAL for the abstract
    section_type: str  # the section's type, or "abstract"
    kind: str  # section | figure_caption | table_caption | abstract
    paragraph: int  # index of the paragraph (line) inside its section
    text: str  # verbatim
    folded: str  # same length as text, look-alike characters folded, for matching


def fold(text: str) -> str:
    if text.isascii():
        return text
    for char, replacement in _FOLDS:  # str.replace is C-fast; str.translate with a dict is not
        if char in text:
            text = text.replace(char, replacement)
    return text


def sentence_spans(paragraph: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a paragraph, surrounding spaces excluded."""
    spans: list[tuple[int, int]] = []
    start = 0
    for boundary in _BOUNDARY.finditer(paragraph):
        if _ABBREVIATION.search(paragraph, max(start, boundary.start() - 8), boundary.start()):
            continue
        spans.append((start, boundary.start()))
        start = boundary.end()
    spans.append((start, len(paragraph)))
    trimmed = []
    for begin, end in spans:
        while begin < end and paragraph[begin].isspace():
            begin += 1
        while end > begin and paragraph[end - 1].isspace():
            end -= 1
        if begin < end:
            trimmed.append((begin, end))
    return trimmed


def split_sentences(paragraph: str) -> list[str]:
    return [paragraph[start:end] for start, end in sentence_spans(paragraph)]


def paragraphs(text: str) -> list[str]:
    """Section text holds one paragraph per line."""
    return [line.strip() for line in text.split("\n") if line.strip()]


@dataclass(frozen=True, slots=True)
class Block:
    """One paragraph of the abstract or of a section (or a caption): where sentences are cut from."""

    section_ordinal: int
    section_type: str
    kind: str
    paragraph: int
    text: str  # verbatim

    def sentence(self, start: int, end: int) -> Sentence:
        text = self.text[start:end]
        return Sentence(self.section_ordinal, self.section_type, self.kind, self.paragraph, text, fold(text))


def iter_blocks(doc: PaperDocument) -> Iterator[Block]:
    """The abstract first, then every section and caption in document order (the title is not evidence)."""
    if doc.abstract:
        for index, paragraph in enumerate(paragraphs(doc.abstract)):
            yield Block(ABSTRACT_ORDINAL, "abstract", "abstract", index, paragraph)
    section_type = "introduction"
    for section in doc.sections:
        section_type = _section_type(section, section_type)
        for index, paragraph in enumerate(paragraphs(section.text or "")):
            yield Block(section.ordinal, section_type, section.kind, index, paragraph)


# A section typed "introduction" under a heading that says something else ("Implementation", "Training") is a
# subsection that inherited its parent's type: the rules read it as an untyped section.
_INTRODUCTION_HEADING = re.compile(r"introduction|background|overview|motivation|related work|state of the art", re.I)


def _section_type(section: Section, previous: str) -> str:
    """The type the rules read a section with; a caption takes its section's."""
    if section.section_type != "introduction":
        return section.section_type
    if section.kind != "section":
        return previous
    if section.heading is None or _INTRODUCTION_HEADING.search(section.heading):
        return "introduction"
    return "other"


def iter_sentences(doc: PaperDocument) -> Iterator[Sentence]:
    for block in iter_blocks(doc):
        for start, end in sentence_spans(block.text):
            yield block.sentence(start, end)
