"""Base URLs of every web service, overridable by environment variable so tests and mirrors point elsewhere."""

from __future__ import annotations

import os

DEFAULTS = {
    "OPENALEX_BASE_URL": "https://api.openalex.org",
    "PLOS_SEARCH_BASE_URL": "https://api.plos.org/search",
    "PLOS_JOURNALS_BASE_URL": "https://journals.plos.org",
    "EUROPEPMC_BASE_URL": "https://www.ebi.ac.uk/europepmc/webservices/rest",
}


def base_url(variable: str) -> str:
    """The URL in `variable` if set (read at call time, so tests can change it), else the public service."""
    return (os.environ.get(variable) or DEFAULTS[variable]).rstrip("/")


def is_default(variable: str) -> bool:
    return base_url(variable) == DEFAULTS[variable]
