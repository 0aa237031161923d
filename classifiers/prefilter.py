"""A cheap local check before any LLM call: a paper with no deep-learning vocabulary at all is labelled negative.

Conservative on purpose: any deep-learning word (even weak ones such as "neural network", "epochs",
"pre-trained") or any deep model name from the catalogue, anywhere in the title, abstract or body, keeps the
paper for the classifier. It only removes papers that could not possibly be positive by the codebook.
"""

from __future__ import annotations

from classifiers.document import PaperDocument
from classifiers.rules.catalogue import load_catalogue
from classifiers.rules.text import fold
from classifiers.rules.vocabulary import mentions_dl


def has_dl_vocabulary(doc: PaperDocument) -> bool:
    """False only when no deep-learning word and no deep model name appears anywhere in the paper."""
    catalogue = load_catalogue()
    texts = [doc.title or "", doc.abstract or "", *(section.text or "" for section in doc.sections)]
    for text in texts:
        folded = fold(text)
        if mentions_dl(folded):
            return True
        if any(hit.entry.is_deep and not hit.needs_dl_context for hit in catalogue.find(folded)):
            return True
    return False
