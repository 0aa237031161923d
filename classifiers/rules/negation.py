"""Whose work a sentence describes: the authors' own use, someone else's (cited), a negation, or a wish.

The codebook labels what the authors did in this study; "unlike deep learning approaches [12]", "X is based on a
CNN [3]", "we compared with the accuracy reported for X" or "future work could use transformers" must not count.
A mention gets one reading, checked in this order: negated (a negation earlier in the sentence covers everything
after it), hypothetical, reported (numbers quoted from other papers), own use, cited, plain.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Reading(StrEnum):
    NEGATED = "negated"
    HYPOTHETICAL = "hypothetical"
    CITED = "cited"  # other people's work, or their published numbers
    OWN_USE = "own_use"
    PLAIN = "plain"


_NEGATED = re.compile(
    r"\b(?:unlike|instead of|rather than|in contrast to|as opposed to|without (?:using|the need|requiring|relying)|"
    r"(?:do|does|did|was|were|is|are|could|can|cannot) not (?:use|used|using|require|rely|employ|involve|need|"
    r"based|apply|applied|run)|cannot be (?:used|applied|run)|"
    r"no (?:deep|neural|machine)|not (?:a |an )?(?:deep|neural)|alternative to|"
    r"outperform(?:s|ed)? (?:the )?(?:deep|neural))",
    re.IGNORECASE,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:future (?:work|studies|research|versions?|efforts?|directions?|releases?)|in the future|"
    r"could (?:be|potentially|also|further)|would (?:be|allow|enable|benefit)|might (?:be|help|improve|allow)|"
    r"may (?:be (?:used|applied|useful|integrated|extended)|help|allow|enable)|"
    r"promising|remains to be|we plan|we intend|is planned|will be (?:used|applied|explored|integrated|added))",
    re.IGNORECASE,
)
# Numbers or results taken from other papers: a comparison the authors did not run.
_REPORTED = re.compile(
    r"\b(?:as |were |was )?(?:reported|published) (?:in|by)\b|\btaken from (?:the|their|its)\b|"
    r"\b(?:results|values|scores|numbers|performances?) (?:were |are )?(?:obtained |quoted |copied )?from (?:the )?"
    r"(?:original|respective|corresponding) (?:papers?|publications?|studies|articles?)\b|"
    r"\bpreviously (?:reported|published)\b|\bpublished (?:results|performance|benchmarks?)\b|"
    r"\bfrom the original (?:\w+ )?(?:results?|papers?|publications?|study|studies|work)\b|"
    r"\boriginal (?:\w+ )?(?:results?|performance|scores?) (?:reported|published)\b",
    re.IGNORECASE,
)
# First person, or a passive "was used/trained/compared" about the study's own work.
_OWN_USE = re.compile(
    r"\b(?:we|our|us)\b[^.;]{0,80}?\b(?:use[ds]?|using|appl(?:y|ied|ies)|employ(?:ed|s)?|train(?:ed|s)?|"
    r"fine-?tun(?:e|ed)|implement(?:ed)?|adopt(?:ed)?|ran|run|predict(?:ed)?|obtain(?:ed)?|generat(?:e|ed)|"
    r"model(?:l?ed)|built|buil[dt]|develop(?:ed)?|leverag(?:e|ed)|extract(?:ed)?|retrain(?:ed)?|modif(?:y|ied)|"
    r"segment(?:ed)?|compar(?:e|ed)|perform(?:ed)?|select(?:ed)?|chose|follow(?:ed|ing)?|benchmark(?:ed)?|"
    r"evaluat(?:e|ed)|test(?:ed)?|download(?:ed)?|install(?:ed)?|re-?implement(?:ed)?|utili[sz](?:e|ed))\b|"
    r"\b(?:was|were|has been|have been|is|are)\s+(?:then\s+|first\s+|also\s+|subsequently\s+|further\s+|"
    r"additionally\s+)?(?:used|applied|employed|trained|fine-?tuned|implemented|adopted|run|performed|predicted|"
    r"generated|modell?ed|computed|obtained|retrained|segmented|detected|initiali[sz]ed|built|constructed|"
    r"downloaded|extracted|calculated|estimated|annotated|processed|analy[sz]ed|tested|evaluated|optimi[sz]ed|"
    r"compared|benchmarked|executed|basecalled|base-called|called|aligned|assembled)\b|"
    r"\b(?:using|with the help of|by means of|(?:predicted|generated|computed|obtained|identified|called|"
    r"basecalled|base-called|segmented|detected) (?:by|with|using|via)|compared (?:with|to|against)|"
    r"in comparison (?:with|to)|outperform(?:s|ed|ing)?|benchmark(?:ed|ing)? against)\b",
    re.IGNORECASE,
)
# Other people's work: reviews of the literature, "has been shown", "previous studies", "X et al. used".
_CITED = re.compile(
    r"\b(?:previous(?:ly)?|prior|recent(?:ly)?|earlier|other|existing|state-of-the-art|several|many|numerous|"
    r"various|multiple|some)\s+(?:studies|works?|research|approaches|methods|authors|groups|efforts|tools|models)\b|"
    r"\b(?:has|have) (?:been )?(?:shown|demonstrated|proven|successfully|widely|increasingly|recently|emerged|"
    r"revolutioni[sz]ed|become|achieved|gained|attracted|proposed|developed|introduced|reported)\b|"
    r"\b(?:[A-Z][a-z]+ et al\.?|they) (?:used|applied|trained|developed|proposed|showed|reported|introduced)\b|"
    r"\b(?:inspired by|such as|e\.g\.|for example|for instance)\b",
)


def reading(folded: str, position: int | None = None) -> Reading:
    """How to read a sentence, or one mention in it at `position`: a negation covers what follows it only
    ("we used X rather than Y" negates Y, not X)."""
    negation = _NEGATED.search(folded)
    if negation and (position is None or position >= negation.start()):
        return Reading.NEGATED
    if _HYPOTHETICAL.search(folded):
        return Reading.HYPOTHETICAL
    if _REPORTED.search(folded):
        return Reading.CITED
    if _OWN_USE.search(folded):
        return Reading.OWN_USE
    if _CITED.search(folded):
        return Reading.CITED
    return Reading.PLAIN
