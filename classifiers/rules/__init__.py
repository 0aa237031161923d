"""The rules classifier: deterministic, offline, no model weights. The honest baseline and the demo's default.

`classify_paper(doc)` reads the paper's sentences with a deep-learning vocabulary, the model catalogue in
`seeds/ptm_catalogue.csv` / `seeds/ptm_aliases.csv`, reuse cues, section weights and negation/citation context,
and answers in the codebook's shapes (`classifiers.taxonomy.PaperLabels`). Evidence is always a verbatim sentence.
"""

from classifiers.rules.classify import classify_paper

__all__ = ["classify_paper"]
