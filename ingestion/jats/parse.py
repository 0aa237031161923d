"""Parse one JATS article into a paper row and its section rows, safely.

Safety: the XML parser never loads a DTD, never resolves entities and never touches the network (most files
declare an external DTD we must not fetch). A document that declares entities in an internal DTD subset (the
billion-laughs and XXE shapes) is refused before lxml builds a tree, and again after parsing as a backstop.

Size: a document with more section, figure and table elements than any real article (a "section bomb" that would
cost gigabytes of rows) is refused before the tree is built.

Every dialect in the sample corpus goes through the same code: PLOS, eLife, bioRxiv (HighWire), PMC `.nxml`,
and PMC bodies whose `<article>` root was re-added (they carry no `article-type`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from lxml import etree

from ingestion.identifiers import choose_doi, normalize_pmcid
from ingestion.jats.sections import classify_heading

PARSER_VERSION = "jats-1.2"  # 1.1: DOIs normalised by the DOI rules, other DOIs recorded, section bound;
# 1.2: superscript citation numbers are bracketed ("Seurat18" -> "Seurat [18]")

_MML = "{http://www.w3.org/1998/Math/MathML}math"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
# Element subtrees whose text is not prose: formulas, table cells, media, reference lists. Tail text is kept.
_NON_PROSE = (_MML, "tex-math", "table", "graphic", "inline-graphic", "media", "alternatives", "object-id", "ref-list")
_CAPTIONED = {"fig": "figure_caption", "table-wrap": "table_caption"}
_SKIP_IN_SECTION = {"sec", "title", "label", "sec-meta", "fig", "table-wrap", "fig-group", "table-wrap-group"}
_ABSTRACT_TYPES_SKIPPED = {"graphical", "teaser", "toc", "executive-summary", "web-summary", "short"}
_PUB_DATE_PREFERENCE = ("epub", "pub", "electronic", "ppub", "print", "collection", "epreprint", "preprint")
_LICENSE_URL = re.compile(r"https?://(?:www\.)?creativecommons\.org/\S+", re.IGNORECASE)
_PROLOG_ENTITY = re.compile(rb"<!ENTITY", re.IGNORECASE)
_ROOT_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?article[\s>]")
# Real articles have at most a few hundred (the 3,000-paper PMC corpus: 279); each becomes a row.
MAX_SECTIONS = 5000
_SECTION_TAGS = (b"<sec", b"<fig", b"<table-wrap")
_CITATION_MARK = re.compile(r"[\d\s,;\u2013\u2014-]+")  # what a run of citation numbers is made of

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    load_dtd=False,
    dtd_validation=False,
    huge_tree=False,
    remove_comments=True,
    remove_pis=True,
)


class RejectedArticle(Exception):
    """A file that cannot become a paper row; `reason` is a stable code stored in raw.ingest_rejects."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(reason, detail)  # both in args, so the exception pickles across worker processes
        self.reason = reason
        self.detail = detail

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}"


@dataclass(slots=True)
class ParsedArticle:
    paper: dict[str, Any]
    sections: list[dict[str, Any]]


def _clean(text: str | None) -> str:
    return " ".join(text.split()) if text else ""


def _unique(values: Iterable[str]) -> list[str]:
    """Distinct non-empty values in first-seen order (PLOS repeats subject paths once per branch)."""
    return list(dict.fromkeys(v for v in values if v))


def _word_count(text: str | None) -> int:
    """Words of whitespace-normalised text (single spaces, non-empty lines): counted without splitting the string."""
    return text.count(" ") + text.count("\n") + 1 if text else 0


def _text(element: etree._Element | None) -> str:
    if element is None:
        return ""
    return _clean(etree.tostring(element, method="text", encoding="unicode", with_tail=False))


def _refuse_hostile_prolog(data: bytes) -> None:
    """Entity declarations live in the internal DTD subset, before the root element: look there only."""
    root_at = _ROOT_START.search(data)
    prolog = data[: root_at.start()] if root_at else data[:65536]
    if _PROLOG_ENTITY.search(prolog):
        raise RejectedArticle("hostile_content", "the document declares XML entities (entity expansion refused)")


def _refuse_section_bomb(data: bytes) -> None:
    """Count section-like start tags in the bytes (an upper bound, cheap) before lxml builds a tree of them."""
    found = sum(data.count(tag) for tag in _SECTION_TAGS)
    if found > MAX_SECTIONS:
        raise RejectedArticle(
            "too_many_sections", f"{found} section, figure and table elements (more than {MAX_SECTIONS})"
        )


def _parse_tree(data: bytes) -> etree._Element:
    _refuse_hostile_prolog(data)
    _refuse_section_bomb(data)
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise RejectedArticle("malformed_xml", str(error)) from error
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise RejectedArticle("hostile_content", "the document declares XML entities (entity expansion refused)")
    if etree.QName(root).localname != "article":
        raise RejectedArticle("not_an_article", f"root element is <{etree.QName(root).localname}>, not <article>")
    return root


def _article_ids(meta: etree._Element) -> dict[str, list[str]]:
    """Every article-id by type, in document order (an article may carry two DOIs, or an empty one first)."""
    ids: dict[str, list[str]] = {}
    for element in meta.iterfind("article-id"):
        kind = (element.get("pub-id-type") or "").lower()
        ids.setdefault(kind, []).append(_clean(element.text))
    return ids


def _first(values: list[str] | None) -> str | None:
    return next((value for value in values or () if value), None)


def _publication_date(meta: etree._Element) -> tuple[date | None, int | None]:
    candidates: dict[str, etree._Element] = {}
    for element in meta.iterfind("pub-date"):
        kind = element.get("pub-type") or element.get("date-type") or element.get("publication-format") or ""
        candidates.setdefault(kind.lower(), element)
    chosen = next((candidates[k] for k in _PUB_DATE_PREFERENCE if k in candidates), None)
    if chosen is None and candidates:
        chosen = next(iter(candidates.values()))
    if chosen is None:
        return None, None

    def number(tag: str) -> int | None:
        value = _clean(chosen.findtext(tag))
        return int(value) if value.isdigit() else None

    year, month, day = number("year"), number("month"), number("day")
    if year is None:
        return None, None
    try:
        return date(year, month or 1, day or 1), year
    except ValueError:
        return date(year, 1, 1), year


def _license(meta: etree._Element) -> tuple[str | None, str | None]:
    permissions = meta.find("permissions")
    if permissions is None:
        return None, None
    url = None
    for element in permissions.iter("license", "{http://www.niso.org/schemas/ali/1.0/}license_ref"):
        if etree.QName(element).localname == "license_ref":
            url = url or _clean(element.text) or None
        else:
            url = url or element.get(_XLINK_HREF)
    if url is None:  # older PLOS and PMC files link the licence only inside its text
        link = next((e.get(_XLINK_HREF) for e in permissions.iter("ext-link") if e.get(_XLINK_HREF)), None)
        found = _LICENSE_URL.search(link or _text(permissions.find("license")))
        url = found.group(0).rstrip(".,;)") if found else None
    license_text = _text(permissions.find("license")) or _text(permissions.find("copyright-statement"))
    return (url.strip() if url else None), (license_text[:2000] or None)


def _abstract(meta: etree._Element) -> str | None:
    for element in meta.iterfind("abstract"):
        if (element.get("abstract-type") or "").lower() not in _ABSTRACT_TYPES_SKIPPED:
            return _text(element) or None
    return None


def _journal(front: etree._Element) -> tuple[str | None, str | None]:
    journal_meta = front.find("journal-meta")
    if journal_meta is None:
        return None, None
    title = (
        _text(journal_meta.find("journal-title-group/journal-title"))
        or _text(journal_meta.find("journal-title"))
        or _text(journal_meta.find("journal-title-group/abbrev-journal-title"))
    )
    publisher = _text(journal_meta.find("publisher/publisher-name"))
    return title or None, publisher or None


def _block_text(section: etree._Element) -> str:
    """Prose directly inside a section: its paragraphs and lists, not its sub-sections or captions."""
    parts = [_text(child) for child in section if child.tag not in _SKIP_IN_SECTION]
    return "\n".join(part for part in parts if part)


def _sections(body: etree._Element, doi: str) -> list[dict[str, Any]]:
    etree.strip_elements(body, *_NON_PROSE, with_tail=False)
    rows: list[dict[str, Any]] = []

    def add(kind: str, heading: str | None, section_type: str, depth: int, text: str) -> None:
        if text or heading:
            rows.append(
                {
                    "doi": doi,
                    "ordinal": len(rows),
                    "depth": depth,
                    "heading": heading,
                    "section_type": section_type,
                    "kind": kind,
                    "text": text,
                    "char_count": len(text),
                }
            )

    def captions(container: etree._Element, section_type: str, depth: int) -> None:
        for element in container.iter("fig", "table-wrap"):
            caption = " ".join(p for p in (_text(element.find("label")), _text(element.find("caption"))) if p)
            add(_CAPTIONED[element.tag], None, section_type, depth, caption)

    def walk(section: etree._Element, inherited: str | None, depth: int) -> None:
        heading = _text(section.find("title")) or None
        own = classify_heading(heading, section.get("sec-type"))
        section_type = inherited if inherited not in (None, "other") else own
        add("section", heading, section_type, depth, _block_text(section))
        for child in section:
            if child.tag in _CAPTIONED or child.tag in ("fig-group", "table-wrap-group"):
                captions(child, section_type, depth)
        for child in section.iterfind("sec"):
            walk(child, section_type, depth + 1)

    loose: list[etree._Element] = []

    def flush_loose() -> None:
        if loose:
            add("section", None, "other", 0, "\n".join(t for t in (_text(e) for e in loose) if t))
            for element in loose:
                captions(element, "other", 0)
            loose.clear()

    for child in body:
        if child.tag == "sec":
            flush_loose()
            walk(child, None, 0)
        elif child.tag in _CAPTIONED:
            flush_loose()
            captions(child, "other", 0)
        else:
            loose.append(child)
    flush_loose()
    return rows


# Superscripts holding nothing but citation links, and citation links outside a superscript: found in C, since most
# of a paper's many links need no Python work.
_CITATION_SUPERSCRIPTS = etree.XPath("//sup[xref[@ref-type='bibr'] and not(*[not(self::xref[@ref-type='bibr'])])]")
_BARE_CITATIONS = etree.XPath(
    "//xref[@ref-type='bibr'][not(parent::sup)][starts-with(translate(., '0123456789', '##########'), '#')]"
)
_RENDERED = etree.XPath("string()")


def _text_before(element: etree._Element) -> str:
    previous = element.getprevious()
    if previous is not None:
        return previous.tail or _RENDERED(previous)
    parent = element.getparent()
    return (parent.text or "") if parent is not None else ""


def _glued(before: str) -> bool:
    """Text that a citation number follows without a space: a word, or a word's closing punctuation ("al.10")."""
    return before[-1:].isalnum() or (before[-1:] in ".,;:)" and before[-2:-1].isalnum())


def _bracket(mark: etree._Element, glued: bool) -> None:
    mark.text = (" [" if glued else "[") + (mark.text or "")
    if len(mark):
        mark[-1].tail = (mark[-1].tail or "") + "]"
    else:
        mark.text += "]"


def _bracket_citations(root: etree._Element) -> None:
    """Superscript citation numbers read as part of the name or version before them ("scArches28", "AlphaFold2 76",
    "Gibson et al.10"): write them as a bracketed citation ("scArches [28]", "AlphaFold2 [76]"). A citation link
    outside a superscript is bracketed only when run into a word (it is usually inside the paper's own brackets)."""
    for mark in _CITATION_SUPERSCRIPTS(root):
        rendered = _RENDERED(mark)
        if rendered[:1].isdigit() and _CITATION_MARK.fullmatch(rendered):
            before = _text_before(mark)
            glued = _glued(before)
            if glued or before[-1:].isspace():  # not "(<sup>…</sup>)": already set apart
                _bracket(mark, glued)
    for mark in _BARE_CITATIONS(root):
        if _glued(_text_before(mark)) and _CITATION_MARK.fullmatch(_RENDERED(mark)):
            _bracket(mark, glued=True)


def _drop_caption_text_from_paragraphs(body: etree._Element) -> None:
    """Captions become their own rows; remove figures/tables from paragraphs so their text is not counted twice."""
    for element in list(body.iter("fig", "table-wrap")):
        parent = element.getparent()
        if parent is not None and parent.tag not in ("sec", "body", "fig-group", "table-wrap-group"):
            # keep the element (captions() still needs it) but move it to the end of its section
            section = next((a for a in element.iterancestors("sec", "body")), None)
            if section is not None:
                tail = element.tail
                element.tail = None
                previous = element.getprevious()
                if previous is not None:
                    previous.tail = (previous.tail or "") + (tail or "")
                else:
                    parent.text = (parent.text or "") + (tail or "")
                section.append(element)


def parse_article(data: bytes, source_file: str, content_hash: str) -> ParsedArticle:
    """Turn one JATS document into a `raw.papers` row and `raw.paper_sections` rows, or raise RejectedArticle."""
    root = _parse_tree(data)
    front = root.find("front")
    meta = front.find("article-meta") if front is not None else None
    if meta is None:
        raise RejectedArticle("not_an_article", "no <front>/<article-meta>: not a JATS article")
    ids = _article_ids(meta)
    doi, other_dois = choose_doi(ids.get("doi", []))
    if doi is None:
        found = [value[:100] for value in ids.get("doi", [])][:5]
        raise RejectedArticle("no_doi", f"no usable DOI in <article-id pub-id-type='doi'> (found {found})")
    body = root.find("body")
    if body is None or not len(body):
        raise RejectedArticle("no_body", "no <body>: metadata only, no full text to classify")

    _bracket_citations(root)
    _drop_caption_text_from_paragraphs(body)
    sections = _sections(body, doi)
    body_text = "\n\n".join(
        f"{row['heading']}\n{row['text']}" if row["heading"] and row["kind"] == "section" else row["text"]
        for row in sections
    ).strip()
    if not body_text:
        raise RejectedArticle("no_body", "<body> holds no text")

    published, year = _publication_date(meta)
    journal, publisher = _journal(front)
    license_url, license_text = _license(meta)
    pmid = _first(ids.get("pmid"))
    paper = {
        "doi": doi,
        "other_dois": other_dois,
        "pmid": pmid if pmid and pmid.isascii() and pmid.isdigit() else None,
        "pmcid": normalize_pmcid(_first(ids.get("pmcid")) or _first(ids.get("pmc"))),
        "title": _text(meta.find("title-group/article-title")) or None,
        "abstract": _abstract(meta),
        "journal": journal,
        "publisher": publisher,
        "article_type": root.get("article-type"),
        "publication_date": published,
        "publication_year": year,
        "license_url": license_url,
        "license_text": license_text,
        "subjects": _unique(_clean(e.text) for e in meta.iterfind("article-categories//subject")),
        "keywords": _unique(_text(e) for e in meta.iterfind("kwd-group/kwd")),
        "body_text": body_text,
        "char_count": len(body_text),
        "word_count": sum(_word_count(row["heading"]) + _word_count(row["text"]) for row in sections),
        "section_count": sum(1 for row in sections if row["kind"] == "section"),
        "content_hash": content_hash,
        "source_file": source_file,
        "parser_version": PARSER_VERSION,
    }
    return ParsedArticle(paper=paper, sections=sections)
