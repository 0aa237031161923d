"""The rules classifier: read sentences, weigh who did what where, and answer in the codebook's shapes."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from classifiers.document import PaperDocument
from classifiers.taxonomy import BinaryDecision, PaperLabels, PtmList, PtmMention, ReusePattern

from .catalogue import CatalogueEntry, ModelHit, load_catalogue
from .negation import Reading, reading
from .patterns import ADAPTATION, PRETRAINED, reuse_pattern
from .stages import stage
from .text import Sentence, iter_sentences
from .vocabulary import matched_terms

# Methods carry the most weight; introduction and discussion mostly describe other people's work, so there a
# sentence only counts when it is about the authors' own use.
SECTION_WEIGHT = {
    "methods": 1.0,
    "results": 0.8,
    "other": 0.7,
    "abstract": 0.6,
    "conclusion": 0.4,
    "discussion": 0.4,
    "introduction": 0.3,
}
_OWN_SECTIONS = frozenset({"methods", "results", "other", "abstract"})
CAPTION_FACTOR = 0.9
DL_THRESHOLD = 2.0  # weighted evidence needed for uses_dl
# A model is reused when one sentence says the authors used it, or when plain mentions (lists, tables of methods)
# add up to about two methods mentions. One plain mention is often a comparison or a related-work aside.
PTM_THRESHOLD = 0.9
_FORMS = {
    ReusePattern.CONCEPTUAL: "published architecture re-created and trained on the study's data",
    ReusePattern.ADAPTATION: "pre-trained weights adapted (fine-tuned / transfer learning) to the study's data",
    ReusePattern.DEPLOYMENT: "released model run as is for prediction",
}


@dataclass
class _Candidate:
    entry: CatalogueEntry
    weight: float = 0.0
    own_use: bool = False  # at least one sentence says the authors used it
    own_model: bool = False  # the paper presents it as its own new model
    surfaces: Counter[str] = field(default_factory=Counter)
    sentences: list[tuple[float, Sentence]] = field(default_factory=list)


def _weight(sentence: Sentence) -> float:
    base = SECTION_WEIGHT.get(sentence.section_type, 0.7)
    return base * CAPTION_FACTOR if sentence.kind.endswith("caption") else base


def _counts(sentence: Sentence, how: Reading) -> bool:
    """Does this sentence speak of the authors' own work (not a negation, a wish or a literature review)?"""
    if how == Reading.OWN_USE:
        return True
    return how == Reading.PLAIN and sentence.section_type in _OWN_SECTIONS


def _deep_hits(sentence: Sentence, paragraph_has_dl: bool) -> list[ModelHit]:
    hits = [hit for hit in load_catalogue().find(sentence.folded) if hit.entry.is_deep]
    return [hit for hit in hits if paragraph_has_dl or not hit.needs_dl_context]


_OWN_MODEL = re.compile(
    r"\b(?:we|here we)\s+(?:have\s+)?(?:developed|present|introduce|describe|propose|created|designed)\b|"
    r"\bthat we (?:developed|present|introduce|built)\b",
    re.IGNORECASE,
)


def _presents_own_model(folded: str, hit: ModelHit, title: str) -> bool:
    """The paper's own new model (named in its title, introduced with "we developed/present") is not reuse.
    ("our AF3 models" is not enough: papers say so of the outputs of a model they ran.)"""
    return hit.surface.lower() in title.lower() and bool(_OWN_MODEL.search(folded))


def _drop_generic(candidates: dict[str, _Candidate]) -> dict[str, _Candidate]:
    """'ResNet' beside 'ResNet-50' (or 'YOLO' beside 'YOLOv5') is one model named loosely: keep the specific."""
    keys = {name: re.sub(r"[\W_]", "", name.lower()) for name in candidates}
    return {
        name: candidate
        for name, candidate in candidates.items()
        if not any(other != name and keys[other].startswith(keys[name]) for other in candidates)
    }


def _best(sentences: list[tuple[float, Sentence]]) -> Sentence:
    """The strongest sentence; among equals the shortest (the codebook asks for the shortest that shows it)."""
    return max(sentences, key=lambda pair: (pair[0], -len(pair[1].text)))[1]


def classify_paper(doc: PaperDocument) -> PaperLabels:
    """Label one paper with the rules alone: deterministic, offline, evidence quoted verbatim from the paper."""
    sentences = list(iter_sentences(doc))
    paragraph_dl: dict[tuple[int, int], bool] = defaultdict(bool)
    terms_by_sentence = [matched_terms(s.folded) for s in sentences]
    for sentence, terms in zip(sentences, terms_by_sentence, strict=True):
        if any(term.weight >= 0.8 for term in terms):
            paragraph_dl[(sentence.section_ordinal, sentence.paragraph)] = True

    dl_score = 0.0
    dl_sentences: list[tuple[float, Sentence]] = []
    reuse_sentences: list[tuple[float, Sentence]] = []
    candidates: dict[str, _Candidate] = {}
    for sentence, terms in zip(sentences, terms_by_sentence, strict=True):
        hits = _deep_hits(sentence, paragraph_dl[(sentence.section_ordinal, sentence.paragraph)])
        if not terms and not hits:
            continue
        how = reading(sentence.folded)
        weight = _weight(sentence)
        # A negation covers what follows it only, so each model mention gets its own reading.
        own_hits = [hit for hit in hits if _counts(sentence, reading(sentence.folded, hit.start))]
        if _counts(sentence, how):
            score = sum(term.weight for term in terms) + (1.0 if own_hits else 0.0)
            if score:
                dl_score += weight * score
                bonus = 0.5 if how == Reading.OWN_USE else 0.0
                dl_sentences.append((weight * min(score, 2.0) + bonus, sentence))
            if terms and (ADAPTATION.search(sentence.folded) or PRETRAINED.search(sentence.folded)):
                reuse_sentences.append((weight, sentence))
        for hit in own_hits:
            candidate = candidates.setdefault(hit.entry.canonical_name, _Candidate(hit.entry))
            candidate.weight += weight
            hit_reading = reading(sentence.folded, hit.start)
            candidate.own_use |= hit_reading == Reading.OWN_USE
            candidate.own_model |= _presents_own_model(sentence.folded, hit, doc.title or "")
            candidate.surfaces[hit.surface] += 1
            candidate.sentences.append((weight + (0.5 if how == Reading.OWN_USE else 0.0), sentence))

    accepted = _drop_generic(
        {name: c for name, c in candidates.items() if (c.own_use or c.weight >= PTM_THRESHOLD) and not c.own_model}
    )
    ptms = [_mention(candidate) for candidate in accepted.values()]
    uses_dl = dl_score >= DL_THRESHOLD or bool(ptms)
    dl_evidence = _best(dl_sentences).text if uses_dl and dl_sentences else None
    if uses_dl and dl_evidence is None and ptms:
        dl_evidence = ptms[0].evidence
    uses_ptms = uses_dl and (bool(ptms) or bool(reuse_sentences))
    ptm_evidence = None
    if uses_ptms:
        ptm_evidence = ptms[0].evidence if ptms else _best(reuse_sentences).text
    return PaperLabels(
        doi=doc.doi,
        uses_dl=BinaryDecision(answer=uses_dl, evidence=dl_evidence),
        uses_ptms=BinaryDecision(answer=uses_ptms, evidence=ptm_evidence),
        ptms=PtmList(ptms=ptms if uses_ptms else []),
    )


def _mention(candidate: _Candidate) -> PtmMention:
    context = " ".join(sentence.folded for _, sentence in candidate.sentences)
    pattern = reuse_pattern(context, candidate.entry.kind, candidate.entry.default_pattern)
    name = max(candidate.surfaces.items(), key=lambda item: (item[1], len(item[0])))[0]
    return PtmMention(
        name=name,
        reuse_pattern=pattern,
        stage=stage(context, candidate.entry.modality),
        form=_FORMS[pattern],
        evidence=_best(candidate.sentences).text[:2000],
    )
