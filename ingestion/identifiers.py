"""Identifier normalisation shared by every source, so a DOI from JATS joins the same DOI from OpenAlex."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from urllib.parse import unquote

# The resolvers a DOI is written behind (doi.org and its aliases) and the `doi:` URI scheme.
_RESOLVER = re.compile(r"^(?:(?:https?://)?(?:dx\.|www\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
# DOI syntax (DOI handbook 2.2): directory indicator `10.`, a registrant code of ASCII digits, `/`, then a
# non-empty suffix. `\d` would admit any script's digits, hence [0-9]. (quality/assets.py checks the same shape.)
_DOI_SHAPE = re.compile(r"^10\.[0-9]{4,9}/\S+$")
# No real DOI comes near this (Crossref's longest are ~200 characters); longer values are junk or an attack.
MAX_DOI_LENGTH = 255


def _visible(text: str) -> str:
    """`text` without invisible characters: zero-width spaces and joiners, BOMs, soft hyphens, controls."""
    return "".join(c for c in text if unicodedata.category(c) not in ("Cf", "Cc"))


def normalize_doi(raw: str | None) -> str | None:
    """The DOI in canonical form (NFKC, no invisible characters, no resolver prefix, lowercase); None when the
    value is not a DOI.

    DOIs are case-insensitive by definition (the DOI handbook), and OpenAlex returns them lowercase. A DOI taken
    from a resolver URL is percent-decoded, as the URL form encodes it.
    """
    if not raw:
        return None
    text = _visible(unicodedata.normalize("NFKC", raw)).strip()
    doi, prefixed = _RESOLVER.subn("", text)
    if prefixed and "://" in text:
        doi = unquote(doi)
    doi = doi.strip().lower()
    return doi if len(doi) <= MAX_DOI_LENGTH and _DOI_SHAPE.match(doi) else None


def choose_doi(candidates: Iterable[str | None]) -> tuple[str | None, list[str]]:
    """The first valid DOI in document order, and the other distinct valid DOIs (kept as a record of the choice).

    Articles sometimes carry two DOI ids (a preprint and the version of record, or an empty placeholder first);
    document order is the tie-break because it is the publisher's own order and gives the same answer every run.
    """
    valid = list(dict.fromkeys(doi for doi in map(normalize_doi, candidates) if doi))
    return (valid[0], valid[1:]) if valid else (None, [])


def normalize_pmcid(raw: str | None) -> str | None:
    """`PMC1234567` form; None when absent or not numeric."""
    if not raw:
        return None
    digits = raw.strip().upper().removeprefix("PMC")
    return f"PMC{digits}" if digits.isascii() and digits.isdigit() else None
