"""The rules classifier: read sentences, weigh who did what where, and answer in the codebook's shapes.

One pass of the lexicon (vocabulary + catalogue names) over the whole paper finds the few sentences worth reading;
only their paragraphs are cut into sentences. Models come from the catalogue and from the text itself (`names.py`):
a name the paper ties to deep learning anywhere is a model of this paper, and each of its mentions is then read for
whose use it describes. A model is reused when the authors use it (own use in any section, or plain mentions in
methods/results adding up), it is not the paper's own new model, and it is not only named in a table.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from functools import cache

from classifiers.document import PaperDocument
from classifiers.taxonomy import BinaryDecision, PaperLabels, PtmList, PtmMention, ReusePattern

from .catalogue import Alias, CatalogueEntry, load_catalogue
from .lexicon import scan
from .names import (
    JOINED_WORD,
    NOT_MODELS,
    NameCandidate,
    candidates,
    generic_abbreviations,
    in_url,
    name_key,
    not_a_model_after,
    resource_names,
)
from .negation import Reading, first_person, mention_reading, reading
from .patterns import ADAPTATION, PRETRAINED, reuse_pattern
from .phrases import Phrase, PhraseIndex, lower_same_length
from .stages import stage
from .text import Block, Sentence, fold, iter_blocks, sentence_spans
from .vocabulary import PHRASES, STRONG, Term

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
DL_THRESHOLD = 2.0  # weighted evidence needed for uses_dl, at least one strong term among it
# A model is reused when one sentence says the authors used it, or when plain mentions (lists, tables of methods)
# add up to about two methods mentions. One plain mention is often a comparison or a related-work aside.
PTM_THRESHOLD = 0.9
# A name the catalogue does not know needs more than one methods sentence: on the project's dev papers, names met
# once were right 4 times in 14 (comparisons and asides), those met more often 68 in 99.
UNKNOWN_NAME_THRESHOLD = 1.2
MAX_PTMS = PtmList.model_fields["ptms"].metadata[0].max_length
NAME_WINDOW = 60  # a name found in the text is tied to deep learning by a strong term this close to it
# A reuse cue counts for a model when it is this close to a mention ("we fine-tuned X"): a long sentence naming
# several models says how each was reused near its name.
PATTERN_WINDOW = 60
_FORMS = {
    ReusePattern.CONCEPTUAL: "published architecture re-created and trained on the study's data",
    ReusePattern.ADAPTATION: "pre-trained weights adapted (fine-tuned / transfer learning) to the study's data",
    ReusePattern.DEPLOYMENT: "released model run as is for prediction",
}
# "We present X", "the proposed X", "X, our new …": the paper's own new model ("our X" alone is not enough: papers
# say so of a published architecture they trained).
_OWN_MODEL_BEFORE = re.compile(
    r"\b(?:we|here,? we|this (?:paper|study|work|article))\s+(?:have\s+)?(?:developed|develop|present|presented|"
    r"introduce|introduced|describe|propose|proposed|created|designed|named|call|called|term)\b[^.;]{0,60}$|"
    r"\b(?:the|our) (?:proposed|presented|novel|new)\s+(?:[\w-]+\s){0,3}?$",
    re.IGNORECASE,
)
_OWN_MODEL_AFTER = re.compile(
    r"^,?\s(?:\([^)]{0,80}\)\s)?,?\s?(?:our (?:new|novel|proposed)|the proposed)\b|^\s?\(ours\)", re.IGNORECASE
)


@dataclass
class _Candidate:
    entry: CatalogueEntry | None  # None for a name found in the text
    architecture: bool = False
    weight: float = 0.0
    own_use: bool = False  # at least one sentence outside tables says the authors used it
    own_model: bool = False  # the paper presents it as its own new model
    outside_tables: bool = False
    surfaces: Counter[str] = field(default_factory=Counter)
    full_names: Counter[str] = field(default_factory=Counter)  # surfaces naming it with its backbone
    sentences: list[tuple[float, Sentence]] = field(default_factory=list)
    windows: list[str] = field(default_factory=list)  # the words around each counted mention: its pattern cues


@dataclass
class _SentenceHits:
    sentence: Sentence
    weight: float
    terms: list[Term] = field(default_factory=list)  # distinct terms
    term_kinds: list[Term] = field(default_factory=list)  # every hit's term, beside its start
    term_starts: list[int] = field(default_factory=list)
    models: list[tuple[int, int, Alias]] = field(default_factory=list)


class _Paper:
    """The paper's paragraphs laid end to end in one folded string, cut into sentences only where needed."""

    def __init__(self, doc: PaperDocument) -> None:
        self.blocks = list(iter_blocks(doc))
        self.offsets: list[int] = []
        parts, offset = [], 0
        for block in self.blocks:
            self.offsets.append(offset)
            parts.append(fold(block.text))
            offset += len(block.text) + 1
        self.folded = "\n".join(parts)
        self.lowered = lower_same_length(self.folded)
        self._spans: dict[int, list[tuple[int, int]]] = {}
        self._sentences: dict[tuple[int, int], _SentenceHits] = {}

    def locate(self, position: int) -> tuple[int, int, int] | None:
        """(block index, sentence index, position inside the sentence) of a position in the paper string."""
        index = bisect_right(self.offsets, position) - 1
        block, inside = self.blocks[index], position - self.offsets[index]
        spans = self._spans.get(index)
        if spans is None:
            spans = self._spans[index] = sentence_spans(block.text)
        at = bisect_right([start for start, _ in spans], inside) - 1
        if at < 0 or inside >= spans[at][1]:
            return None  # between sentences (spaces)
        return index, at, inside - spans[at][0]

    def sentence(self, index: int, at: int) -> _SentenceHits:
        key = (index, at)
        if key not in self._sentences:
            block: Block = self.blocks[index]
            start, end = self._spans[index][at]
            self._sentences[key] = _SentenceHits(block.sentence(start, end), _weight(block))
        return self._sentences[key]

    def sentences(self) -> list[_SentenceHits]:
        return [self._sentences[key] for key in sorted(self._sentences)]


def _weight(block: Block) -> float:
    base = SECTION_WEIGHT.get(block.section_type, 0.7)
    return base * CAPTION_FACTOR if block.kind.endswith("caption") else base


def _counts(sentence: Sentence, how: Reading) -> bool:
    """Does this sentence speak of the authors' own work (not a negation, a wish or a literature review)?
    In the introduction only a first-person sentence does: "X was used to …" there is related work."""
    if how == Reading.OWN_USE:
        return sentence.section_type != "introduction" or first_person(sentence.folded)
    return how == Reading.PLAIN and sentence.section_type in _OWN_SECTIONS


def _presents_own(folded: str, start: int, end: int) -> bool:
    """ "We present X", "our X", "X (ours)": the paper's own new model, which is not reuse."""
    return bool(_OWN_MODEL_BEFORE.search(folded[max(0, start - 100) : start])) or bool(
        _OWN_MODEL_AFTER.search(folded[end : end + 100])
    )


def _drop_generic(candidates: dict[str, _Candidate]) -> dict[str, _Candidate]:
    """'ResNet' beside 'ResNet-50' (or 'YOLO' beside 'YOLOv5', 'R-CNN' beside 'Mask R-CNN') is one model named
    loosely: keep the specific.
    (A tool derived from a catalogue model, "SPOT-1D-LM", does not make "SPOT-1D" loose.)"""
    keys = {name: re.sub(r"[\W_]", "", name.lower()) for name in candidates}
    tails = {name: f" {name.lower()}" for name in candidates}  # "Mask R-CNN" ends with " r-cnn"; "ProtBERT" not "bert"
    specific = [name for name, c in candidates.items() if c.entry is not None and name == c.entry.canonical_name]
    return {
        name: candidate
        for name, candidate in candidates.items()
        if not any(
            other != name and (keys[other].startswith(keys[name]) or other.lower().endswith(tails[name]))
            for other in specific
        )
    }


def _best(sentences: list[tuple[float, Sentence]]) -> Sentence:
    """The strongest sentence; among equals the shortest (the codebook asks for the shortest that shows it)."""
    return max(sentences, key=lambda pair: (pair[0], -len(pair[1].text)))[1]


def _usable(alias: Alias, paragraph_strong: bool, contexts: set[str]) -> bool:
    if not alias.entry.is_deep:
        return False
    return not alias.needs_context or paragraph_strong or alias.entry.family in contexts


def classify_paper(doc: PaperDocument) -> PaperLabels:
    """Label one paper with the rules alone: deterministic, offline, evidence quoted verbatim from the paper."""
    paper = _Paper(doc)
    title = doc.title or ""
    terms, models = scan(paper.folded, paper.lowered)
    strong_blocks: set[int] = set()
    contexts: dict[int, set[str]] = {}
    for hit in terms:
        where = paper.locate(hit.start)
        if where is None:
            continue
        term = hit.phrase.payload
        if term.weight >= STRONG:
            strong_blocks.add(where[0])
        if term.context:
            contexts.setdefault(where[0], set()).add(term.context)
        if term.weight > 0:
            record = paper.sentence(where[0], where[1])
            if term not in record.terms:
                record.terms.append(term)
            record.term_kinds.append(term)
            record.term_starts.append(where[2])
    for hit in models:
        where = paper.locate(hit.start)
        if where is not None and _usable(hit.phrase.payload, where[0] in strong_blocks, contexts.get(where[0], set())):
            record = paper.sentence(where[0], where[1])
            record.models.append((where[2], where[2] + hit.end - hit.start, hit.phrase.payload))

    dl_score, strong_use = 0.0, False
    dl_sentences: list[tuple[float, Sentence]] = []
    reuse_sentences: list[tuple[float, Sentence]] = []
    found: dict[str, _Candidate] = {}
    names: dict[str, NameCandidate] = {}
    generic: set[str] = set()
    short_names: dict[str, str] = {}  # key of a short name → key of the long name it abbreviates
    known = _catalogue_keys()
    for record in paper.sentences():
        sentence, weight = record.sentence, record.weight
        how = reading(sentence.folded)
        if _counts(sentence, how):
            own_models = [m for m in record.models if _counts(sentence, reading(sentence.folded, m[0]))]
            score = sum(term.weight for term in record.terms) + (1.0 if own_models else 0.0)
            if score:
                dl_score += weight * score
                strong_use |= bool(own_models) or any(term.weight >= STRONG for term in record.terms)
                bonus = 0.5 if how == Reading.OWN_USE else 0.0
                dl_sentences.append((weight * min(score, 2.0) + bonus, sentence))
            if record.terms and (ADAPTATION.search(sentence.folded) or PRETRAINED.search(sentence.folded)):
                reuse_sentences.append((weight, sentence))
        for start, end, alias, composite in _composites(sentence.folded, record.models):
            if not_a_model_after(sentence.folded[end : end + 80]) or _kind_of_network(sentence.folded, start, end):
                continue
            key, end = _derived_name(sentence, start, end, alias.entry.canonical_name)
            start, key = _named_variant(sentence.folded, start, end, key)
            _add(found, key, alias.entry, sentence.text[start:end], record, start, end, title, full_name=composite)
        if record.terms or record.models:
            generic |= generic_abbreviations(sentence.folded)
            short_names.update(_short_names(sentence.folded))
            for name in candidates(sentence.folded, sentence.text):
                key = name_key(name.name)
                if key not in known and not _inside_model(name, record) and _tied(name, record):
                    names.setdefault(key, name)
    if names:
        generic |= resource_names(paper.folded)
    _add_name_mentions(paper, {key: name for key, name in names.items() if key not in generic}, found)
    _merge_short_names(found, short_names)
    for key in _own_tools(title):  # "ColabFold: …": the paper's tool, and "ColabFold-AlphaFold2" a setting of it
        for name, candidate in found.items():
            candidate.own_model |= name_key(name).startswith(key)

    accepted = _drop_generic(
        {
            key: c
            for key, c in found.items()
            if (c.own_use or c.weight >= PTM_THRESHOLD)
            and (c.entry is not None or c.weight >= UNKNOWN_NAME_THRESHOLD)
            and c.outside_tables
            and not c.own_model
        }
    )
    # The taxonomy allows 50 entries: a benchmark paper naming more keeps its most used ones.
    strongest = {id(c) for c in sorted(accepted.values(), key=lambda c: -c.weight)[:MAX_PTMS]}
    ptms = [_mention(candidate) for candidate in accepted.values() if id(candidate) in strongest]
    uses_dl = (dl_score >= DL_THRESHOLD and strong_use) or bool(ptms)
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


# "using a deep residual neural network": a kind of network described in plain words, not a model named.
_INDEFINITE_BEFORE = re.compile(r"\b(?:a|an)\s(?:[a-z-]+\s)?$")


def _kind_of_network(folded: str, start: int, end: int) -> bool:
    surface = folded[start:end]
    return " " in surface and surface.islower() and bool(_INDEFINITE_BEFORE.search(folded, max(0, start - 30), start))


def _tied(name: NameCandidate, record: _SentenceHits) -> bool:
    """Does the sentence tie a name to deep learning? A deep-shaped name needs deep-learning words in the sentence;
    any other name needs a strong term close to it."""
    if name.morphology:
        return bool(record.models) or any(term.weight >= 0.5 for term in record.terms)
    return any(
        abs(start - name.start) <= NAME_WINDOW and term.weight >= STRONG
        for term, start in zip(record.term_kinds, record.term_starts, strict=True)
    )


# "SPOT-1D-LM", "Clair3-MP": a catalogue name extended with a hyphen is another tool; "BERT-base-uncased",
# "DeepLoc-2" or "U-Net-based" are the same model.
_EXTENSION = re.compile(r"(?:-[A-Za-z0-9]+)+")
_VARIANT = r"base|large|small|tiny|medium|xl|xxl|uncased|cased|v?\d+(?:\.\d+)*[a-z]?|\d+[mbk]"  # part of the name
_DESCRIPTOR = (  # not part of the name
    r"based|like|derived|style|type|generated|predicted|estimated|computed|inferred|assisted|guided|aided|trained|"
    r"pretrained|encoded|embeddings?|features?|models?|"
    r"net|network|layers?|backbone|encoder|decoder|architecture|server|web|db|database|normali[sz]ed|processed|"
    r"corrected|inspired|tools|toolkit|package|lib|library"
)
_SAME_MODEL_EXTENSION = re.compile(
    rf"^((?:-(?:{_VARIANT}))*)(?:-(?:(?:{_DESCRIPTOR})\d*|{_VARIANT}))*$", re.IGNORECASE
)  # a descriptor may carry a superscript citation ("SchNet-based4")


_COMPOSITE_GAP = re.compile(r"[ -]|\s\([^()]{1,80}\)\s")


def _composites(folded: str, models: list[tuple[int, int, Alias]]) -> list[tuple[int, int, Alias, bool]]:
    """Catalogue names written back to back name one model ("Faster R-CNN ResNet-50 FPN", "Faster R-CNN (region-based
    CNN) ResNet-50 FPN": a detector with its backbone): one mention, under the first name, spanning them all."""
    joined: list[tuple[int, int, Alias, bool]] = []
    for start, end, alias in sorted(models, key=lambda model: model[0]):
        # (two spellings of one model side by side, "skip-gram word2vec", stay two mentions of it)
        if joined and alias.entry != joined[-1][2].entry and _COMPOSITE_GAP.fullmatch(folded[joined[-1][1] : start]):
            joined[-1] = (joined[-1][0], end, joined[-1][2], True)
        else:
            joined.append((start, end, alias, False))
    return joined


# A title opening with one name and a colon ("ColabFold: making protein folding accessible to all") presents the
# paper's own tool; these openings do not.
_TITLE_TOOL = re.compile(r"^\s*([A-Za-z][\w.+-]{2,})\s?:")
_TITLE_WORDS = """
review correction erratum editorial commentary perspective opinion retraction comment letter preface introduction
research methods protocol tutorial primer update
"""


def _own_tools(title: str) -> set[str]:
    match = _TITLE_TOOL.match(title)
    if match is None or match.group(1).lower() in _TITLE_WORDS.split():
        return set()
    return {name_key(match.group(1))}


# "the Dense V-net", "our Stacked DenseNet model": a capitalised word inside a sentence, right before a catalogue
# name, makes another model's name (a variant of it), unless it is a framework or a word that is never a name.
_VARIANT_PREFIX = re.compile(r"(?<=[a-z,] )([A-Z][a-z]{3,}) $")


def _named_variant(folded: str, start: int, end: int, key: str) -> tuple[int, str]:
    """The start and key of a catalogue mention, widened to a variant's name written before it."""
    prefix = _VARIANT_PREFIX.search(folded, max(0, start - 20), start)
    if prefix is None or prefix.group(1).lower() in NOT_MODELS or _FRAMEWORK.fullmatch(prefix.group(1)):
        return start, key
    before = folded[max(0, prefix.start(1) - 30) : prefix.start(1)].split()
    word = before[-1].strip(",") if before else ""
    if word and not word.islower() and word not in ("Our", "The", "A", "An", "This"):  # "Deeply Supervised ResUNet"
        return start, key
    return prefix.start(1), name_key(folded[prefix.start(1) : end])


def _derived_name(sentence: Sentence, start: int, end: int, canonical: str) -> tuple[str, int]:
    """The key and end of a catalogue mention: its canonical name (the surface keeps a size or version suffix),
    or a derived tool's own name (not across an em dash: "AlphaFold—and")."""
    folded = sentence.folded
    extension = _EXTENSION.match(folded, end)
    if extension is None or JOINED_WORD.match(extension.group(0)) or sentence.text[end : end + 1] == "\u2014":
        return canonical, end
    same = _SAME_MODEL_EXTENSION.match(extension.group(0))
    if same:
        return canonical, end + len(same.group(1))
    return name_key(folded[start : extension.end()]), extension.end()


_FRAMEWORK = re.compile(
    "|".join(re.escape(p.text) for p in PHRASES if p.payload.name in ("framework", "ImageNet")), re.IGNORECASE
)


@cache
def _catalogue_keys() -> frozenset[str]:
    """Every catalogue spelling as a name key: such names are the catalogue's to judge, deep or not."""
    return frozenset(name_key(phrase.text) for phrase in load_catalogue().phrases)


def _inside_model(name: NameCandidate, record: _SentenceHits) -> bool:
    return any(start < name.end and name.start < end for start, end, _ in record.models)


def _add(
    found: dict[str, _Candidate],
    key: str,
    entry: CatalogueEntry | None,
    surface: str,
    record: _SentenceHits,
    start: int,
    end: int,
    title: str,
    architecture: bool = False,
    full_name: bool = False,
) -> None:
    """One mention of a model: counted when the sentence speaks of the authors' own use."""
    sentence = record.sentence
    if in_url(sentence.folded, start):
        return
    candidate = found.setdefault(key, _Candidate(entry, architecture))
    # A catalogue model is the paper's own only when the title names it too (the Cellpose paper presents Cellpose);
    # a name derived from it ("Stacked DenseNet", "SPOT-1D-LM") may be the paper's own like any other.
    if entry is None or key != entry.canonical_name or surface.lower() in title.lower():
        candidate.own_model |= _presents_own(sentence.folded, start, end)
    how = mention_reading(sentence.folded, start, end)
    if not _counts(sentence, how):
        return
    in_table = sentence.kind == "table_caption"
    candidate.weight += record.weight
    candidate.own_use |= how == Reading.OWN_USE and not in_table
    candidate.outside_tables |= not in_table
    candidate.surfaces[surface] += 1
    if full_name:
        candidate.full_names[surface] += 1
    candidate.sentences.append((record.weight + (0.5 if how == Reading.OWN_USE else 0.0), sentence))
    first = sentence.folded.rfind(" ", 0, max(0, start - PATTERN_WINDOW)) + 1  # whole words: "pre-trained"
    last = sentence.folded.find(" ", end + PATTERN_WINDOW)
    candidate.windows.append(sentence.folded[first : last if last >= 0 else len(sentence.folded)])


# "DeepVirFinder (18) (DVF)", "DeepMetaPSICOV (DMP)": a short name in parentheses right after a long one.
_SHORT_NAME = re.compile(r"\(([A-Z][A-Za-z0-9-]{1,11})\)")
_LONG_NAME = re.compile(r"([A-Za-z][\w.+-]*[A-Za-z0-9])\s(?:\(\d{1,3}\)\s|\[\d{1,3}(?:[,-]\d{1,3})*\]\s)?$")


_CITED_NAME = re.compile(r"^(.*[a-z])\d{2,3}$")


def _short_names(folded: str) -> dict[str, str]:
    pairs = {}
    for short in _SHORT_NAME.finditer(folded):
        long = _LONG_NAME.search(folded, max(0, short.start() - 80), short.start())
        if long is not None:
            pairs[name_key(short.group(1))] = name_key(long.group(1))
    return pairs


def _merge_short_names(found: dict[str, _Candidate], short_names: dict[str, str]) -> None:
    """One model under its name and its abbreviation is one entry, under the name; so is a name found in the text
    with a superscript citation run into it ("DeepGO38" beside "DeepGO")."""
    by_key = {name_key(key): key for key in found}
    for key in list(found):
        cited = _CITED_NAME.match(key)
        if found[key].entry is None and cited and cited.group(1) in by_key and by_key[cited.group(1)] in found:
            short_names[key] = cited.group(1)
    for candidate_key, candidate in found.items():
        for surface in candidate.surfaces:
            by_key.setdefault(name_key(surface), candidate_key)
    for short, long in short_names.items():
        short_key, long_key = by_key.get(short), by_key.get(long)
        if short_key is None or long_key is None or short_key == long_key or short_key not in found:
            continue
        if long_key not in found:
            continue
        merged, gone = found[long_key], found.pop(short_key)
        merged.weight += gone.weight
        merged.own_use |= gone.own_use
        merged.own_model |= gone.own_model
        merged.outside_tables |= gone.outside_tables
        merged.sentences += gone.sentences
        merged.windows += gone.windows


def _add_name_mentions(paper: _Paper, names: dict[str, NameCandidate], found: dict[str, _Candidate]) -> None:
    """Every mention, anywhere in the paper, of the names some sentence tied to deep learning."""
    if not names:
        return
    index: PhraseIndex[str] = PhraseIndex(
        (Phrase(name.name, key, case_sensitive=True, plural=True) for key, name in names.items()), flexible=False
    )
    for hit in index.find(paper.folded, paper.lowered):
        where = paper.locate(hit.start)
        if where is None:
            continue
        record = paper.sentence(where[0], where[1])
        start = where[2]
        end = start + hit.end - hit.start
        name = names[hit.phrase.payload]
        surface = record.sentence.text[start:end]
        _add(found, hit.phrase.payload, None, surface, record, start, end, "", name.architecture)


_COMPARISON = re.compile(
    r"\bcompar(?:e|ed|ing|ison)\b|\boutperform\w*|\bbaselines?\b|\bcompetitors?\b|\bcompeting\b|"
    r"\bstate-of-the-art\b|\bbenchmark\w*|\bexisting (?:methods|tools|models)\b",
    re.IGNORECASE,
)
_DATABASE_SUFFIX = re.compile(r"(?<=\w)[\s-]?(?:DB|[Dd]atabase)$")


def _display_name(surface: str, entry: CatalogueEntry | None) -> str:
    """A catalogue model's name without an acronym's plural ("CycleGANs" → "CycleGAN"); a database of its
    predictions names the model ("AlphaFoldDB" → "AlphaFold": precomputed predictions are the model's, codebook)."""
    if entry is None:
        return surface[:-1] if re.search(r"-[A-Z][A-Z0-9]*[A-Z]s$", surface) else surface  # "GVP-GNNs"
    if _DATABASE_SUFFIX.search(surface):
        return entry.canonical_name
    if re.search(r"[A-Z]s$", surface) and not entry.canonical_name.endswith("s"):
        return surface[:-1]
    return surface


def _name_shaped(surface: str) -> bool:
    return any(char.isupper() or char.isdigit() for char in surface)


def _mention(candidate: _Candidate) -> PtmMention:
    context = " | ".join(candidate.windows)
    if candidate.entry is not None:
        kind, default = candidate.entry.kind, candidate.entry.default_pattern
    else:
        kind, default = ("architecture", "conceptual") if candidate.architecture else ("tool", "deployment")
        if not candidate.architecture and all(_COMPARISON.search(window) for window in candidate.windows):
            kind = "baseline"  # a model the catalogue does not know, only ever named as what the study beats
    pattern = reuse_pattern(context, " ".join(sentence.folded for _, sentence in candidate.sentences), kind, default)
    strongest = sorted(candidate.sentences, key=lambda pair: -pair[0])[:3]
    # The name as the paper writes it most often; in full (with its backbone) where the paper once does.
    surfaces = candidate.full_names or candidate.surfaces
    # Spellings that differ only in case count together ("scVI", "scvi"); among equals, a name-shaped spelling
    # ("word2vec" over "skip gram"), then the longest; within a case group, the one with capitals.
    counts: Counter[str] = Counter()
    for surface, count in surfaces.items():
        counts[surface.lower()] += count
    best = max(surfaces, key=lambda s: (counts[s.lower()], _name_shaped(s), len(s), s != s.lower()))
    name = _display_name(best, candidate.entry)[:200]
    return PtmMention(
        name=name,
        reuse_pattern=pattern,
        stage=stage(" ".join(sentence.folded for _, sentence in strongest)),
        form=_FORMS[pattern],
        evidence=_best(candidate.sentences).text[:2000],
    )
