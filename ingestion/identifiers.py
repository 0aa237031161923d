"""Identifier normalisation shared by every source, so a DOI from JATS joins the same DOI from OpenAlex."""

from __future__ import annotations

import re

_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_DOI_SHAPE = re.compile(r"^10\.\d{4,9}/\S+$")


def normalize_doi(raw: str | None) -> str | None:
    """Lowercase, trimmed DOI without URL or `doi:` prefix; None when the value is not a DOI.

    DOIs are case-insensitive by definition (the DOI handbook), and OpenAlex returns them lowercase.
    """
    if not raw:
        return None
    doi = _DOI_PREFIX.sub("", raw.strip()).strip().lower()
    return doi if _DOI_SHAPE.match(doi) else None


def normalize_pmcid(raw: str | None) -> str | None:
    """`PMC1234567` form; None when absent or not numeric."""
    if not raw:
        return None
    digits = raw.strip().upper().removeprefix("PMC")
    return f"PMC{digits}" if digits.isdigit() else None
