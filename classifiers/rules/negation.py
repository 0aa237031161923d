"""Whose work a sentence describes: the authors' own use, someone else's (cited), a negation, or a wish.

The codebook labels what the authors did in this study; "unlike deep learning approaches [12]", "X is based on a
CNN [3]", "we compared with the accuracy reported for X" or "future work could use transformers" must not count.
A mention gets one reading, checked in this order: negated (a negation earlier in the sentence covers everything
after it), hypothetical, reported (numbers quoted from other papers), first-person use, other people's work, a
passive or "using" use, examples ("such as"), plain.
"""

from __future__ import annotations

import re
from enum import StrEnum
from functools import lru_cache

from .phrases import lower_same_length


class Reading(StrEnum):
    NEGATED = "negated"
    HYPOTHETICAL = "hypothetical"
    CITED = "cited"  # other people's work, or their published numbers
    OWN_USE = "own_use"
    PLAIN = "plain"
    PART = "part"  # a building block of another network ("ResNet blocks", "an Inception module"), not a model used


# All patterns but _OTHERS are lower case and read the lower-cased sentence (much faster than re.IGNORECASE).
_NEGATED = re.compile(
    r"\b(?:unlike|instead of|rather than|in contrast (?:to|with)|as opposed to|"
    r"without (?:using|the need|requiring|relying)|never (?:been )?(?:used|applied)|"
    r"(?:do|does|did|was|were|is|are|could|can|cannot) not (?:use|used|using|require|rely|employ|involve|need|"
    r"based|apply|applied|run)|cannot be (?:used|applied|run)|"
    r"no (?:deep|neural|machine)|exclud(?:es|ed|e|ing) (?:the |all |any )?|not (?:a |an )?(?:deep|neural)|"
    r"alternative to|"
    r"outperform(?:s|ed)? (?:the )?(?:deep|neural))",
)
_HYPOTHETICAL = re.compile(
    r"\b(?:future (?:work|studies|research|versions?|efforts?|directions?|releases?)|in the future|"
    r"could (?:be|potentially|also|further)|would|might (?:be|help|improve|allow)|"
    r"can (?:also |further |then |easily |readily )?be \w+ed (?:via|using|by) |"  # a possibility, not a use
    r"may (?:be (?:used|applied|useful|integrated|extended)|help|allow|enable)|"
    r"promising|remains? to (?:be|explore|see|test|investigate)|"
    r"we plan|we intend|is planned|will be (?:used|applied|explored|integrated|added)|"
    r"we (?:anticipate|expect|envision|foresee|recommend)|(?:is|are) recommended)",
)
# Numbers or results taken from other papers: a comparison the authors did not run.
_REPORTED = re.compile(
    r"\b(?:as |were |was )?(?:reported|published) (?:in|by)\b|\btaken from (?:the|their|its)\b|"
    r"\b(?:results|values|scores|numbers|performances?) (?:were |are )?(?:obtained |quoted |copied )?from (?:the )?"
    r"(?:original|respective|corresponding) (?:papers?|publications?|studies|articles?)\b|"
    r"\b(?:in|from) the (?:original|respective|corresponding) (?:papers?|publications?|references|studies|articles)\b|"
    r"\bpreviously (?:reported|published|tested|evaluated|assessed|benchmarked)\b|"
    r"\bfrom (?:the|their) published (?:works?|papers?|results|studies|study|articles?)\b|"
    r"\bpublished (?:results|performance|benchmarks?)\b|"
    r"\bfrom the original (?:\w+ )?(?:results?|papers?|publications?|study|studies|work)\b|"
    r"\bliterature (?:results|values|scores)\b|"
    r"\b(?:in|from) (?:our|their|a|an) (?:previous|earlier|prior) (?:papers?|study|studies|works?|publications?)\b|"
    r"\b(?:results|values) (?:from|in) the literature\b|"
    r"\boriginal (?:\w+ )?(?:results?|performance|scores?) (?:reported|published)\b",
)
# First person: "we used X", "our pipeline runs X".
_FIRST_PERSON = re.compile(
    r"\b(?:we|our|us)\b[^.;]{0,80}?\b(?:use[ds]?|using|appl(?:y|ied|ies)|employ(?:ed|s)?|train(?:ed|s)?|"
    r"fine-?tun(?:e|ed)|implement(?:ed)?|adopt(?:ed)?|ran|run|predict(?:ed)?|obtain(?:ed)?|generat(?:e|ed)|"
    r"model(?:l?ed)|built|buil[dt]|develop(?:ed)?|leverag(?:e|ed)|extract(?:ed)?|retrain(?:ed)?|modif(?:y|ied)|"
    r"segment(?:ed)?|compar(?:e|ed)|perform(?:ed)?|select(?:ed)?|chose|follow(?:ed|ing)?|benchmark(?:ed)?|"
    r"evaluat(?:e|ed)|test(?:ed)?|download(?:ed)?|install(?:ed)?|re-?implement(?:ed)?|utili[sz](?:e|ed))\b",
)
# Other people's work: reviews of the literature, "has been shown", "X et al. (2019) proposed", "DeepX [12] uses a
# CNN to ...". Read before the passive cues below, which describe others' methods as often as the authors'.
_OTHERS = re.compile(
    r"\b(?i:previous(?:ly)?|prior|recent(?:ly)?|earlier|other|existing|state-of-the-art|several|many|numerous|"
    r"various|multiple|some)\s+(?:studies|works?|research|approaches|methods|authors|groups|efforts|tools|models|"
    r"benchmarks?|papers|publications|reviews|reports|surveys)\b|"
    r"\b(?i:previous(?:ly)?|prior|recent(?:ly)?|earlier|other|existing)\s+(?:leading|published|popular|successful|"
    r"related|competing|proposed|available|similar)\s+(?:studies|works?|approaches|methods|tools|models)\b|"
    r"\b(?i:a|one) recent (?:study|benchmark|paper|publication|review|report|survey)\b|\b(?i:related) works?\b|"
    r"\b(?:has|have|had|was|were) (?:been )?(?:shown|demonstrated|proven|successfully|widely|increasingly|recently|"
    r"emerged|revolutioni[sz]ed|become|achieved|gained|attracted|proposed|developed|introduced|reported|released)\b|"
    r"\b(?:has|have) been (?:widely |successfully |extensively |recently )?(?:used|applied|implemented|employed|"
    r"adopted|utili[sz]ed)\b|"
    r"\b(?:[A-Z][\w'-]+ et al\.?|they|the authors|these researchers|the researchers)(?:,? \(?\d{4}[a-z]?\)?)?"
    r"(?: \([^)]{0,60}\))?[^.;]{0,40}?\b(?:used|uses|applied|applies|trained|trains|developed|develops|proposed|"
    r"proposes|presented|presents|introduced|introduces|designed|showed|reported|built|created|implement|"
    r"implements|implemented|employ|employs|employed|provide|provides|describe|describes|"
    r"explored|explore|explores)\b|"
    r"^In [A-Z][\w-]+ ?(?:\[\d|\([A-Z])|"
    r"\b[A-Z][\w-]+ (?:\[\d+(?:[,\u2013-]\d+)*\]|\([A-Z][\w'-]+ et al\.?,? \d{4}[a-z]?\)) (?:is|uses|builds|built|"
    r"employs|employed|applies|adopts|adopted|combines|combined|utili[sz]es|utili[sz]ed|proposed|developed|"
    r"introduced|consists|extracts|learns|predicts|achieved|achieves|integrates|treats|takes|relies|using)\b",
)
# A passive "was used/trained/compared", or "using X": the study's own work unless the sentence is about others'.
_PASSIVE_USE = re.compile(
    r"\b(?:was|were|has been|have been|is|are)\s+(?:then\s+|first\s+|also\s+|subsequently\s+|further\s+|"
    r"additionally\s+)?(?:used|applied|employed|trained|fine-?tuned|implemented|adopted|run|performed|predicted|"
    r"generated|modell?ed|computed|obtained|retrained|segmented|detected|initiali[sz]ed|built|constructed|"
    r"downloaded|extracted|calculated|estimated|annotated|processed|analy[sz]ed|tested|evaluated|optimi[sz]ed|"
    r"compared|benchmarked|executed|basecalled|base-called|called|aligned|assembled)\b|"
    r"\b(?:using|with the help of|by means of|(?:predicted|generated|computed|obtained|identified|called|"
    r"basecalled|base-called|segmented|detected) (?:by|with|using|via))\b",
)
_EXAMPLES = re.compile(r"\b(?:inspired by|such as|e\.g\.|for example|for instance)\b")

# Cues right around one mention (lower case, read on the lower-cased sentence). Just before it: the model is
# described or compared in design ("similar to X", "inspired by X", "ColabFold, a notebook-based implementation of
# AlphaFold2", "an extension to X"), someone else's use ("a data set utilised by X", "a similar idea was used in
# X"), an example in a list ("tools
# such as X", "e.g. X"), or an alternative the authors turned down ("we chose ProtT5 over models such as X").
_DESCRIBED_BEFORE = re.compile(
    r"\b(?:similar to|inspired by|analogous to|unlike|in contrast to|differs? from|different from|related to|"
    r"identical to|equivalent to)\s[^;:]{0,50}$|"
    r"\bas (?:employed|used|implemented|described|proposed|introduced|done|applied) (?:in|by)\s(?:the\s)?$|"
    r"(?:,\s|\()(?:a|an)\s[^,;]{0,40}\b(?:implementation|version|wrapper|extension|variant|successor|port|"
    r"adaptation) (?:of|to)\s(?:the\s)?$|\(based on\s(?:the\s)?$|"
    r"\b(?:used|utili[sz]ed|employed|adopted|proposed|developed|introduced|described) by\s[^;]{0,80}$|"
    r"\b(?:was|were|is|are|has been|have been) (?:also )?(?:used|proposed|introduced|applied|adopted) in\s$",
)
_EXAMPLE_BEFORE = re.compile(
    r"(?:\bsuch as|\be\.g\.,?|\bfor (?:instance|example),?|\b(?:software|tool|method|model|approach|program|"
    r"package)s?,? like|\b[a-z][a-z-]*s,? like|, like)\s[^.;]{0,150}$"
)
_OTHER_TOOL_BEFORE = re.compile(
    r"\b[A-Z][\w-]*\s?(?:\[\d[\d,\s\u2013-]*\]|\(\d{1,3}(?:[,\u2013-]\s?\d{1,3})*\))\s(?:which\s)?(?:also\s)?(?:using|uses|used|"
    r"is based on|based on|built on|relies on|relying on)\s(?:the\s|an?\s)?(?:pre-?trained\s)?$"
)
# Data taken from a tool's distribution ("datasets are downloaded from iDeepS (Pan et al. 2018) and DeepBind"):
# its data, not its model.
_DATA_SOURCE_BEFORE = re.compile(
    r"\b(?:data ?sets?|data|benchmarks?|sequences|samples|labels|annotations)\b[^.;]{0,60}\b(?:downloaded|obtained|"
    r"retrieved|collected|taken|derived) from\s(?:the\s)?(?:[^.;]{0,60}?\s(?:and|or)\s)?$"
)
_REJECTED_BEFORE = re.compile(r"\b(?:chose|choose|selected|preferred|picked)\b[^.;]{0,60}\bover\b[^.;]{0,60}$")
# Just after it: a design likeness ("an AlexNet-like architecture", "a BERT-style loss"), numbers or results quoted
# for it ("SSD (53.3% mAP)", "the DeepTrio results [15]"), an aside that it is older work ("R-CNN, a previous
# detection algorithm"), or a building block of the authors' network ("our ResNet blocks", "the BERT objective").
_LIKENESS_AFTER = re.compile(r"^-(?:like|inspired|style|type)\b")
_NUMBERS_AFTER = re.compile(
    r"^\s?\((?:[^()]{0,40}?\d+(?:\.\d+)?\s?%|[^()]{0,40}?\b(?:m?ap|auc|auroc|accuracy|f1|mae|rmse|mse|pcc)\b"
    r"\s?(?:of|=|:)?\s?\d)"
)
_RESULTS_AFTER = re.compile(
    r"^\s(?:results?|performances?|scores?|accurac(?:y|ies))\s?(?:\[\d|\(\d|\([a-z][\w'-]+ et al)"
)
_EARLIER_WORK_AFTER = re.compile(r"^,\s(?:a|an|the)\s(?:previous|earlier|existing|older|classical|traditional|prior)\b")
_PART_BEFORE = re.compile(r"\b(?:layers?|blocks?|modules?) of\s(?:the\s|a\s)?(?:pre-?trained\s)?$")
_PART_AFTER = re.compile(
    r"^(?:\s?\([^()]{1,20}\))?(?:-style|-like)?\s(?:blocks?|layers?|modules?|units?|cells?|objective|loss)\b"
)


# Abbreviation dots that do not end a clause ("Graving et al., 2019, LEAP"): read as commas (same length).
_ABBREVIATION_DOT = re.compile(r"\b(al|fig|figs|eq|vs|ref|refs|approx|ca|resp)\.", re.IGNORECASE)


def _without_abbreviation_dots(text: str) -> str:
    return _ABBREVIATION_DOT.sub(r"\1,", text) if "." in text else text


def first_person(folded: str) -> bool:
    """Does the sentence say the authors did something ("we used", "our pipeline runs")?"""
    return bool(_FIRST_PERSON.search(_without_abbreviation_dots(lower_same_length(folded))))


def reading(folded: str, position: int | None = None) -> Reading:
    """How to read a sentence, or one mention in it at `position`: a negation covers what follows it only
    ("we used X rather than Y" negates Y, not X)."""
    negation, rest = _sentence_reading(folded)
    if negation is not None and (position is None or position >= negation):
        return Reading.NEGATED
    return rest


def mention_reading(folded: str, start: int, end: int) -> Reading:
    """How to read one model mention at folded[start:end]: the sentence's reading at it, unless the words right
    around the mention say it is a likeness, an example, someone else's use, quoted numbers or a building block."""
    how = reading(folded, start)
    if how in (Reading.NEGATED, Reading.HYPOTHETICAL):
        return how
    cased_before = _without_abbreviation_dots(folded[max(0, start - 160) : start])
    before = lower_same_length(cased_before)
    after = lower_same_length(folded[end : end + 60])
    if _PART_AFTER.match(after) or _PART_BEFORE.search(before):
        return Reading.PART
    if _REJECTED_BEFORE.search(before):
        return Reading.NEGATED
    if (
        _DESCRIBED_BEFORE.search(before)
        or _DATA_SOURCE_BEFORE.search(before)
        or _OTHER_TOOL_BEFORE.search(cased_before)
        or _LIKENESS_AFTER.match(after)
        or _NUMBERS_AFTER.match(after)
        or _RESULTS_AFTER.match(after)
        or _EARLIER_WORK_AFTER.match(after)
        # an example is the authors' own use only when they say so before it ("we used tools such as X")
        or (_EXAMPLE_BEFORE.search(before) and not _FIRST_PERSON.search(before))
    ):
        return Reading.CITED
    return how


@lru_cache(maxsize=256)  # a sentence is read once for itself and once per model it names
def _sentence_reading(folded: str) -> tuple[int | None, Reading]:
    """Where a negation starts (if any), and how the sentence reads apart from it."""
    folded = _without_abbreviation_dots(folded)
    lowered = lower_same_length(folded)
    negation = _NEGATED.search(lowered)
    start = negation.start() if negation else None
    if _HYPOTHETICAL.search(lowered):
        return start, Reading.HYPOTHETICAL
    if _REPORTED.search(lowered):
        return start, Reading.CITED
    if _FIRST_PERSON.search(lowered):
        return start, Reading.OWN_USE
    if _OTHERS.search(folded):
        return start, Reading.CITED
    if _PASSIVE_USE.search(lowered):
        return start, Reading.OWN_USE
    if _EXAMPLES.search(folded):
        return start, Reading.CITED
    return start, Reading.PLAIN
