"""The rules classifier: deterministic, offline, no model weights. The honest baseline and the demo's default.

`classify_paper(doc)` reads the paper with a deep-learning vocabulary and the model catalogue in
`seeds/ptm_catalogue.csv` / `seeds/ptm_aliases.csv` (one automaton pass, `lexicon.py`), finds models the catalogue
does not know in the text (`names.py`), reads each mention for own vs cited use (`negation.py`), the reuse pattern
(`patterns.py`) and the stage (`stages.py`), and answers in the codebook's shapes (`classifiers.taxonomy.PaperLabels`).
Evidence is always a verbatim sentence.
"""

from classifiers.rules.classify import classify_paper

__all__ = ["classify_paper"]
