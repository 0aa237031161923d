"""The parser on real articles of every dialect in the bundled corpus, and on hostile or broken input."""

from __future__ import annotations

import hashlib

import pytest

from ingestion.jats.parse import RejectedArticle, parse_article
from ingestion.jats.sections import classify_heading


def parse(read_member, name: str):
    data = read_member(name)
    return parse_article(data, name, hashlib.sha256(data).hexdigest())


@pytest.mark.parametrize(
    ("member", "doi", "year", "article_type", "license_url", "journal"),
    [
        (  # PLOS, PMC .nxml flavour
            "docling/pone.0234687.nxml",
            "10.1371/journal.pone.0234687",
            2020,
            "research-article",
            "https://creativecommons.org/publicdomain/zero/1.0/",
            "PLoS ONE",
        ),
        (  # eLife: the DOI is stored lowercase
            "docling/elife-56337.nxml",
            "10.7554/elife.56337",
            2020,
            "research-article",
            "http://creativecommons.org/publicdomain/zero/1.0/",
            "eLife",
        ),
        (  # bioRxiv via eLife's enhanced-preprints (HighWire namespaces)
            "elife-enhanced-preprints-data/2020.04.07.030213.xml",
            "10.1101/2020.04.07.030213",
            2020,
            "article",
            "http://creativecommons.org/licenses/by/4.0/",
            "bioRxiv",
        ),
        (  # PMC body whose <article> root was re-added: no article-type
            "biohackathon2024-pmc/PMC10025408.xml",
            "10.3389/fpls.2023.1112973",
            2023,
            None,
            "https://creativecommons.org/licenses/by/4.0/",
            "Frontiers in Plant Science",
        ),
        (  # PMC OA via Europe PMC, no DOCTYPE, licence only as an ext-link inside the text
            "pyeuropepmc-benchmark/PMC13239955.xml",
            "10.1002/pro.70651",
            2026,
            "brief-report",
            "https://creativecommons.org/licenses/by-nc-nd/4.0/",
            "Protein Science : A Publication of the Protein Society",
        ),
    ],
)
def test_metadata_of_each_dialect(read_member, member, doi, year, article_type, license_url, journal) -> None:
    paper = parse(read_member, member).paper
    assert paper["doi"] == doi
    assert paper["publication_year"] == year
    assert paper["article_type"] == article_type
    assert paper["license_url"] == license_url
    assert paper["journal"] == journal
    assert paper["title"] and paper["body_text"]
    assert paper["word_count"] == len(paper["body_text"].split())
    assert paper["char_count"] == len(paper["body_text"])


def test_sections_of_a_plos_article_are_typed_in_order(read_member) -> None:
    article = parse(read_member, "docling/pone.0234687.nxml")
    top = [(s["section_type"], s["heading"]) for s in article.sections if s["kind"] == "section" and s["depth"] == 0]
    assert top == [
        ("introduction", "Introduction"),
        ("methods", "Materials and methods"),
        ("results", "Results and discussion"),
        ("conclusion", "Conclusions"),
    ]
    # sub-sections inherit their top-level type; ordinals follow document order
    assert [s["ordinal"] for s in article.sections] == list(range(len(article.sections)))
    system_boundary = next(s for s in article.sections if s["heading"] == "System boundary")
    assert system_boundary["section_type"] == "methods" and system_boundary["depth"] == 1


def test_captions_are_kept_once_and_marked(read_member) -> None:
    article = parse(read_member, "docling/pone.0234687.nxml")
    captions = [s for s in article.sections if s["kind"] != "section"]
    assert {s["kind"] for s in captions} == {"figure_caption", "table_caption"}
    fig1 = next(s for s in captions if s["text"].startswith("Fig 1 "))
    assert "system boundary" in fig1["text"].lower()
    # a caption's text is not repeated inside the paragraphs of its section
    section_text = "\n".join(s["text"] for s in article.sections if s["kind"] == "section")
    assert fig1["text"][6:60] not in section_text


def test_reference_lists_and_formulas_are_not_body_text(read_member) -> None:
    # This PMC file carries a REFERENCES section inside <body>; its <ref-list> must not leak into the text.
    article = parse(read_member, "pyeuropepmc-benchmark/PMC13239955.xml")
    references = [s for s in article.sections if (s["heading"] or "").upper() == "REFERENCES"]
    assert references and all(not s["text"] for s in references)


@pytest.mark.parametrize(
    ("heading", "sec_type", "expected"),
    [
        ("Materials and methods", None, "methods"),
        ("Methods summary", None, "methods"),
        ("STAR★Methods", None, "methods"),
        ("2.1 Results", None, "results"),
        ("IV. Discussion", None, "discussion"),
        ("Results and Discussion", None, "results"),
        ("Discussion", "conclusions", "discussion"),  # PLOS mis-tags Discussion; the heading wins
        (None, "materials|methods", "methods"),
        ("Supporting information", "supplementary-material", "other"),
        ("Background & Summary", None, "introduction"),
        ("Enzyme screening", None, "other"),
    ],
)
def test_heading_normalisation(heading, sec_type, expected) -> None:
    assert classify_heading(heading, sec_type) == expected


MINIMAL = (
    b'<article article-type="research-article"><front><article-meta>'
    b'<article-id pub-id-type="doi">%s</article-id><title-group><article-title>T</article-title></title-group>'
    b"</article-meta></front><body>%s</body></article>"
)


def reason_for(data: bytes) -> str:
    with pytest.raises(RejectedArticle) as refused:
        parse_article(data, "x.xml", "h")
    return refused.value.reason


def test_xxe_is_refused_without_reading_the_file() -> None:
    data = b'<?xml version="1.0"?><!DOCTYPE article [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>' + MINIMAL % (
        b"10.1234/x",
        b"<p>&xxe;</p>",
    )
    assert reason_for(data) == "hostile_content"


def test_billion_laughs_is_refused() -> None:
    entities = b'<!ENTITY lol "lol">' + b"".join(
        b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"&lol;") * 10) for i in range(1, 10)
    )
    data = b"<?xml version='1.0'?><!DOCTYPE article [" + entities + b"]>" + MINIMAL % (b"10.1234/x", b"<p>&lol9;</p>")
    assert reason_for(data) == "hostile_content"


def test_external_dtd_is_not_fetched() -> None:
    # Most real files declare an external DTD; parsing must neither fetch nor need it.
    data = b'<!DOCTYPE article PUBLIC "-//NLM//DTD JATS//EN" "http://127.0.0.1:9/never-fetched.dtd">' + MINIMAL % (
        b"https://doi.org/10.1234/ABC",
        b"<p>Text.</p>",
    )
    assert parse_article(data, "x.xml", "h").paper["doi"] == "10.1234/abc"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (MINIMAL % (b"10.1234/x", b"<p>cut off"), "malformed_xml"),
        (b"\x89PNG\r\n\x1a\n not xml at all", "malformed_xml"),
        (b"<dataset><item/></dataset>", "not_an_article"),
        (MINIMAL % (b"not-a-doi", b"<p>Text.</p>"), "no_doi"),
        (MINIMAL.replace(b"<body>%s</body>", b"") % b"10.1234/x", "no_body"),
    ],
)
def test_broken_input_gets_a_reason(data: bytes, reason: str) -> None:
    assert reason_for(data) == reason


def test_superscript_citations_are_bracketed(read_member) -> None:
    # Nature-style superscripts: without brackets "RNAcentral4" reads as a versioned name.
    text = "\n".join(s["text"] for s in parse(read_member, "biohackathon2024-pmc/PMC6881452.xml").sections)
    assert "collected in RNAcentral [4] having" in text and "RNAcentral4" not in text
    assert "as proposed in He et al. [30]. The initial" in text


@pytest.mark.parametrize(
    ("paragraph", "expected"),
    [
        (b'ESM<sup><xref ref-type="bibr">5</xref>,<xref ref-type="bibr">6</xref></sup> was', "ESM [5,6] was"),
        (b'U-Net<xref ref-type="bibr">12</xref> was', "U-Net [12] was"),
        (b'U-Net [<xref ref-type="bibr">12</xref>] was', "U-Net [12] was"),  # already bracketed
        (b'U-Net <sup><xref ref-type="bibr">12</xref></sup> was', "U-Net [12] was"),  # a superscript after a space
        (b'U-Net <xref ref-type="bibr">12</xref> was', "U-Net 12 was"),  # a plain link after a space: as written
        (b'ESM-2<sup><xref ref-type="fig">a</xref></sup> and', "ESM-2a and"),  # not a citation
        (b"CO<sub>2</sub> and Fe<sup>3+</sup>", "CO2 and Fe3+"),
    ],
)
def test_which_citation_numbers_are_bracketed(paragraph: bytes, expected: str) -> None:
    sections = parse_article(MINIMAL % (b"10.1234/x", b"<p>" + paragraph + b"</p>"), "x.xml", "h").sections
    assert sections[0]["text"] == expected
