"""DOIs normalised by the DOI rules, and a recorded, deterministic choice when an article carries two."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from ingestion.identifiers import MAX_DOI_LENGTH, normalize_doi
from ingestion.jats.parse import RejectedArticle, parse_article
from ingestion.jats.pipeline import ingest_jats_corpus
from tests.duck import query

ELIFE = "docling/elife-56337.nxml"
ELIFE_DOI = "10.7554/elife.56337"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.7554/eLife.56337", ELIFE_DOI),
        ("https://doi.org/10.7554/eLife.56337", ELIFE_DOI),
        ("http://dx.doi.org/10.7554/eLife.56337", ELIFE_DOI),
        ("https://www.doi.org/10.7554/eLife.56337", ELIFE_DOI),
        ("doi.org/10.7554/eLife.56337", ELIFE_DOI),
        ("doi: 10.7554/eLife.56337", ELIFE_DOI),
        ("https://doi.org/10.7554%2FeLife.56337", ELIFE_DOI),  # the URL form percent-encodes
        ("10.7554/eLife\u200b.56337", ELIFE_DOI),  # zero-width space
        ("\ufeff10.7554/eLife.56337\u2060", ELIFE_DOI),  # BOM, word joiner
        ("10.7554/eLife.\u00ad56337", ELIFE_DOI),  # soft hyphen
        ("\uff11\uff10.7554/eLife.56337", ELIFE_DOI),  # fullwidth digits: NFKC makes them ASCII
        ("10.\u0667\u0665\u0665\u0664/eLife.56337", None),  # Arabic-Indic registrant digits are not ASCII
        ("10.7554/", None),
        ("11.7554/eLife.56337", None),
        ("10.7554/" + "x" * MAX_DOI_LENGTH, None),
        ("", None),
        (None, None),
    ],
)
def test_doi_rules(raw: str | None, expected: str | None) -> None:
    assert normalize_doi(raw) == expected


def _with_doi_ids(xml: bytes, *values: str) -> bytes:
    """The article with its DOI article-id replaced by `values`, in that order (SYNTHETIC variant of a real file)."""
    ids = b"".join(f'<article-id pub-id-type="doi">{v}</article-id>'.encode() for v in values)
    start = xml.index(b'<article-id pub-id-type="doi">')
    end = xml.index(b"</article-id>", start) + len(b"</article-id>")
    return xml[:start] + ids + xml[end:]


def _parse(data: bytes):
    return parse_article(data, "a.xml", hashlib.sha256(data).hexdigest())


def test_two_doi_ids_first_valid_wins_and_the_other_is_recorded(read_member) -> None:
    xml = read_member(ELIFE)
    paper = _parse(_with_doi_ids(xml, "", "10.7554/eLife.56337", "https://doi.org/10.1101/2020.01.01.000001")).paper
    assert paper["doi"] == ELIFE_DOI  # an empty first id does not reject the file
    assert paper["other_dois"] == ["10.1101/2020.01.01.000001"]
    swapped = _parse(_with_doi_ids(xml, "10.1101/2020.01.01.000001", "10.7554/eLife.56337")).paper
    assert (swapped["doi"], swapped["other_dois"]) == ("10.1101/2020.01.01.000001", [ELIFE_DOI])
    with pytest.raises(RejectedArticle, match="no_doi"):
        _parse(_with_doi_ids(xml, "", "not a doi"))


def test_invisible_characters_do_not_make_a_second_paper(tmp_path: Path, db_path: Path, read_member) -> None:
    xml = read_member(ELIFE)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.xml").write_bytes(xml)
    (corpus / "b.xml").write_bytes(_with_doi_ids(xml, "10.7554/eLife\u200b.56337", "10.1101/2020.01.01.000001"))
    stats = ingest_jats_corpus(corpus, db_path)
    assert (stats.loaded, stats.rejected) == (1, 1)
    assert query(db_path, "select doi, other_dois from raw.papers") == [(ELIFE_DOI, "[]")]
    rejects = query(db_path, "select source_file, reason, doi from raw.ingest_rejects")
    assert rejects == [("b.xml", "duplicate_doi", ELIFE_DOI)]
