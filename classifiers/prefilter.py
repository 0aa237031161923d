"""A cheap local check before any LLM call: a paper with no deep-learning vocabulary at all is labelled negative.

Conservative on purpose: any deep-learning word (even weak ones such as "neural network", "epochs",
"pre-trained") or any deep model name from the catalogue, anywhere in the title, abstract or body, keeps the
paper for the classifier. It only removes papers that could not possibly be positive by the codebook.
"""

from __future__ import annotations

from classifiers.document import PaperDocument
from classifiers.rules.lexicon import mentions_dl
from classifiers.rules.text import fold


def has_dl_vocabulary(doc: PaperDocument) -> bool:
    """False only when no deep-learning word and no deep model name appears anywhere in the paper."""
    texts = [doc.title or "", doc.abstract or "", *(section.text or "" for section in doc.sections)]
    return mentions_dl(fold("\n".join(texts)))
