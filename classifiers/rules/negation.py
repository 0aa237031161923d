"""Whose work a sentence describes: the authors' own use, someone else's (cited), a negation, or a wish.

The codebook labels what the authors did in this study; "unlike deep learning approaches [12]" or "future work
could use transformers" must not count. A sentence gets one reading, checked in this order: negated,
hypothetical, own use, cited (other people's work), plain.
"""

from __future__ import annotations

import re
from enum import StrEnum


class Reading(StrEnum):
    NEGATED = "negated"
    HYPOTHETICAL = "hypothetical"
    OWN_USE = "own_use"
    CITED = "cited"
    PLAIN = "plain"


_NEGATED = re.compile(
    r"\b(?:unlike|instead of|rather than|in contrast to|as opposed to|without (?:using|the need|requiring|relying)|"
    r"(?:do|does|did|was|were|is|are) not (?:use|used|using|require|rely|employ|involve|need|based)|"
    r"no (?:deep|neural|machine)|not (?:a |an )?(?:deep|neural)|alternative to|"
    r"outperform(?:s|ed)? (?:the )?(?:deep|neural))",
    re.IGNORECASE,
)
_HYPOTHETICAL = re.compile(
    r"\b(?:future (?:work|studies|research|versions?|efforts?|directions?)|in the future|"
    r"could (?:be|potentially|also|further)|would (?:be|allow|enable|benefit)|might (?:be|help|improve|allow)|"
    r"may (?:be (?:used|applied|useful)|help|allow|enable)|"
    r"promising|remains to be|we plan|we intend|is planned|will be (?:used|applied|explored))",
    re.IGNORECASE,
)
# First person or a passive "was used/trained" about the study's own work.
_OWN_USE = re.compile(
    r"\b(?:we|our|us)\b[^.;]{0,80}?\b(?:use[ds]?|using|appl(?:y|ied|ies)|employ(?:ed|s)?|train(?:ed|s)?|"
    r"fine-?tun(?:e|ed)|implement(?:ed)?|adopt(?:ed)?|ran|run|predict(?:ed)?|obtain(?:ed)?|generat(?:e|ed)|"
    r"model(?:l?ed)|built|buil[dt]|develop(?:ed)?|leverag(?:e|ed)|extract(?:ed)?|retrain(?:ed)?|modif(?:y|ied)|"
    r"segment(?:ed)?|compar(?:e|ed)|perform(?:ed)?|select(?:ed)?|chose|follow(?:ed|ing)?)\b|"
    r"\b(?:was|were|has been|have been|is|are)\s+(?:then\s+|first\s+|also\s+|subsequently\s+|further\s+)?"
    r"(?:used|applied|employed|trained|fine-?tuned|implemented|adopted|run|performed|predicted|generated|"
    r"modell?ed|computed|obtained|retrained|segmented|detected|initiali[sz]ed|built|constructed|downloaded|"
    r"extracted|calculated|estimated|annotated|processed|analy[sz]ed|tested|evaluated|optimi[sz]ed)\b|"
    r"\b(?:using|with the help of|by means of|predicted (?:by|with|using)|based on)\b",
    re.IGNORECASE,
)
# Other people's work: reviews of the literature, "has been shown", "previous studies".
_CITED = re.compile(
    r"\b(?:previous(?:ly)?|prior|recent(?:ly)?|earlier|other|existing|state-of-the-art|several|many|numerous|"
    r"various)\s+(?:studies|works?|research|approaches|methods|authors|groups|efforts|tools|models)\b|"
    r"\b(?:has|have) (?:been )?(?:shown|demonstrated|proven|successfully|widely|increasingly|recently|emerged|"
    r"revolutioni[sz]ed|become|achieved|gained|attracted|proposed|developed|introduced|reported)\b|"
    r"\b(?:[A-Z][a-z]+ et al\.?|they) (?:used|applied|trained|developed|proposed|showed|reported)\b",
)


def reading(folded: str, position: int | None = None) -> Reading:
    """How to read a sentence, or one mention in it at `position`: a negation covers what follows it only
    ("we used X rather than Y" negates Y, not X)."""
    negation = _NEGATED.search(folded)
    if negation and (position is None or position >= negation.start()):
        return Reading.NEGATED
    if _HYPOTHETICAL.search(folded):
        return Reading.HYPOTHETICAL
    if _OWN_USE.search(folded):
        return Reading.OWN_USE
    if _CITED.search(folded):
        return Reading.CITED
    return Reading.PLAIN
