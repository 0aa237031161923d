"""Where each service keeps an article's JATS, and whether an answer really is an article with a body."""

from __future__ import annotations

from lxml import etree

# PLOS DOI journal code → journal path on journals.plos.org (the site serves the XML under the right journal).
PLOS_JOURNALS = {
    "pone": "plosone",
    "pbio": "plosbiology",
    "pmed": "plosmedicine",
    "pgen": "plosgenetics",
    "pcbi": "ploscompbiol",
    "ppat": "plospathogens",
    "pntd": "plosntds",
    "pctr": "plosclinicaltrials",
    "pdig": "digitalhealth",
    "pclm": "climate",
    "pgph": "globalpublichealth",
    "pwat": "water",
    "pstr": "sustainabilitytransformation",
    "pmen": "mentalhealth",
    "pcsy": "complexsystems",
}

# No DTDs, no entities, no network: an answer is data, never instructions to the parser.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


def plos_request(doi: str) -> tuple[str, dict[str, str]] | None:
    """(path, params) of the PLOS article XML for a PLOS DOI (`10.1371/journal.pone.0111629`), else None."""
    prefix, _, suffix = doi.partition("/")
    parts = suffix.split(".")
    if prefix != "10.1371" or len(parts) < 3 or parts[0] != "journal":
        return None
    journal = PLOS_JOURNALS.get(parts[1], "plosone")
    return f"/{journal}/article/file", {"id": doi, "type": "manuscript"}


def europepmc_path(pmcid: str) -> str:
    return f"/{pmcid}/fullTextXML"


def body_status(data: bytes) -> str:
    """`article` when the XML has a non-empty <body>, `no_full_text` when it parses but has none, else `malformed`.

    Europe PMC (and NCBI) can answer 200 with front matter only for articles outside the open-access subset.
    """
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError:
        return "malformed"
    if root is None:
        return "malformed"
    for body in root.iter("{*}body", "body"):
        if "".join(body.itertext()).strip():
            return "article"
    return "no_full_text"
