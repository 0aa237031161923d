"""Hostile and odd corpora: zip amplification, section bombs, and entries that are not loaded are never silent.

Every crafted file here is SYNTHETIC, made by the test from a real article of the bundled corpus or from filler.
"""

from __future__ import annotations

import hashlib
import os
import struct
import subprocess
import sys
import warnings
import zipfile
from pathlib import Path

import pytest

import ingestion.jats.workers as workers
from ingestion.jats.files import MAX_COMPRESSION_RATIO, Corpus
from ingestion.jats.parse import MAX_SECTIONS, RejectedArticle, parse_article
from ingestion.jats.pipeline import ingest_jats_corpus
from tests.duck import query

ELIFE = "docling/elife-56337.nxml"
PLOS = "docling/pone.0234687.nxml"
FILLER = b"<article>" + b" " * 1_000_000 + b"</article>"  # just under 1 MiB: below the per-member ratio check


def _reasons(db: Path) -> dict[str, int]:
    return dict(query(db, "select reason, count(*) from raw.ingest_rejects group by all"))


def _many_entries_one_payload(path: Path, entries: int) -> Path:
    """A zip whose central directory lists `entries` members that all point at one deflated ~1 MB payload."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("m00000.xml", FILLER)
    data = path.read_bytes()
    eocd = data.rindex(b"PK\x05\x06")
    cd_size, cd_offset = struct.unpack("<II", data[eocd + 12 : eocd + 20])
    record = data[cd_offset : cd_offset + cd_size]
    directory = b"".join(record[:46] + f"m{i:05d}.xml".encode() + record[56:] for i in range(entries))
    end = data[eocd : eocd + 8] + struct.pack("<HHII", entries, entries, len(directory), cd_offset) + data[eocd + 20 :]
    path.write_bytes(data[:cd_offset] + directory + end)
    return path


def test_entries_pointing_at_one_payload_are_refused_unread(tmp_path: Path, db_path: Path) -> None:
    corpus = _many_entries_one_payload(tmp_path / "overlap.zip", 5000)
    assert len(zipfile.ZipFile(corpus).infolist()) == 5000 and corpus.stat().st_size < 400_000
    stats = ingest_jats_corpus(corpus, db_path)
    # one payload is read once (and refused: filler is not an article); the 4,999 other entries are refused unread
    assert stats.rejects_by_reason == {"zip_bomb": 4999, "not_an_article": 1}
    assert _reasons(db_path) == {"zip_bomb": 4999, "not_an_article": 1}
    detail = query(db_path, "select error from raw.ingest_rejects where source_file = 'm04999.xml'")[0][0]
    assert "overlaps another member" in detail


def test_an_archive_cannot_inflate_beyond_its_budget(tmp_path: Path, db_path: Path, read_member) -> None:
    corpus = tmp_path / "filler.zip"
    with zipfile.ZipFile(corpus, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("a-real.xml", read_member(ELIFE))
        for i in range(150):  # each ~430:1, under 1 MiB: only the archive's total gives them away
            archive.writestr(f"filler/{i:03d}.xml", FILLER)
    budget = MAX_COMPRESSION_RATIO * corpus.stat().st_size
    stats = ingest_jats_corpus(corpus, db_path)
    assert stats.loaded == 1
    admitted = stats.rejects_by_reason["not_an_article"]  # filler that was read, then refused
    assert admitted * len(FILLER) <= budget < (admitted + 1) * len(FILLER) + len(read_member(ELIFE))
    assert stats.rejects_by_reason == {"not_an_article": admitted, "zip_bomb": 150 - admitted}
    assert 0 < admitted < 150


def test_section_bomb_is_refused_before_its_tree_is_built(tmp_path: Path, read_member) -> None:
    """A real article whose body is 500,000 <sec> (10 MB, under the size limit): refused with a reason, in little
    memory. Parsed, it took ~475 MB (500,000 section rows)."""
    article = read_member(ELIFE)
    body = article.index(b"<body>")
    bomb = tmp_path / "bomb.xml"
    bomb.write_bytes(article[:body] + b"<body>" + b"<sec><p>x</p></sec>" * 500_000 + b"</body></article>")
    assert bomb.stat().st_size < 25 * 2**20
    code = (  # VmHWM: this process's peak RSS (getrusage would include the test runner's, inherited at fork)
        "import re, sys, hashlib\n"
        "from ingestion.jats.parse import parse_article, RejectedArticle\n"
        "data = open(sys.argv[1], 'rb').read()\n"
        "try:\n    parse_article(data, 'bomb.xml', hashlib.sha256(data).hexdigest())\n"
        "except RejectedArticle as refused:\n    print(refused.reason)\n"
        "print(int(re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read())[1]) // 1024)\n"
    )
    out = subprocess.run([sys.executable, "-c", code, str(bomb)], capture_output=True, text=True, check=True)
    reason, peak_mb = out.stdout.split()
    assert reason == "too_many_sections"
    assert int(peak_mb) < 250  # the interpreter with its imports (~130 MB) and the bytes


def test_a_real_article_is_far_below_the_section_bound(read_member) -> None:
    data = read_member(PLOS)
    assert len(parse_article(data, PLOS, hashlib.sha256(data).hexdigest()).sections) < MAX_SECTIONS / 50
    with pytest.raises(RejectedArticle, match="too_many_sections"):
        bomb = data.replace(b"<body>", b"<body>" + b"<sec/>" * MAX_SECTIONS, 1)
        parse_article(bomb, PLOS, "h")


def test_parse_results_waiting_in_the_parent_are_bounded_by_bytes(
    tmp_path: Path, read_member, monkeypatch: pytest.MonkeyPatch
) -> None:
    article = read_member(ELIFE)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for i in range(12):
        (corpus / f"{i:02d}.xml").write_bytes(article)
    monkeypatch.setattr(workers, "TASK_FILES", 1)
    monkeypatch.setattr(workers, "BYTES_IN_FLIGHT", int(1.5 * len(article)))  # under the cap on tasks in flight
    parsed: list[str] = []
    original = workers._process
    monkeypatch.setattr(
        workers, "_process", lambda entries: parsed.extend(e.name for e in entries) or original(entries)
    )
    with workers.ParsePool(Corpus(corpus), workers=1) as pool:  # in-process: a task is parsed when submitted
        for handed_out, _ in enumerate(pool.outcomes(), start=1):
            assert len(parsed) - handed_out <= 1  # one file's results wait at most
    assert len(parsed) == 12


def test_entries_not_loaded_are_rejects_or_counted_skips(tmp_path: Path, db_path: Path, read_member) -> None:
    corpus = tmp_path / "mixed.zip"
    with zipfile.ZipFile(corpus, "w") as archive, warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name we write on purpose
        archive.writestr("a/elife.xml", read_member(ELIFE))
        archive.writestr("a/elife.xml", read_member(PLOS))  # same name again: the first is read
        archive.writestr(".hidden.xml", read_member(PLOS))
        archive.writestr("__MACOSX/a/._elife.xml", b"\x00\x05\x16\x07 resource fork")
        archive.writestr("a/figure1.png", b"\x89PNG")
        archive.writestr("README.txt", b"about this corpus")
        archive.writestr("a/", b"")  # a folder entry is not an input
    stats = ingest_jats_corpus(corpus, db_path)
    assert (stats.loaded, stats.rejected) == (1, 1)
    assert stats.skipped == {"hidden": 2, "not_jats": 2}
    assert query(db_path, "select source_file, reason from raw.ingest_rejects") == [
        ("a/elife.xml#2", "duplicate_member")
    ]
    assert query(db_path, "select doi from raw.papers") == [("10.7554/elife.56337",)]


def test_fifos_and_hidden_folders_in_a_directory(tmp_path: Path, db_path: Path, read_member) -> None:
    corpus = tmp_path / "corpus"
    (corpus / ".git").mkdir(parents=True)
    (corpus / ".git" / "old.xml").write_bytes(read_member(PLOS))
    (corpus / "real.nxml").write_bytes(read_member(ELIFE))
    (tmp_path / "elsewhere.xml").write_bytes(read_member(PLOS))
    (corpus / "linked.xml").symlink_to(tmp_path / "elsewhere.xml")  # a link to a file is read
    os.mkfifo(corpus / "pipe.xml")  # opening it would block for ever
    (corpus / "notes.md").write_text("not an article")
    stats = ingest_jats_corpus(corpus, db_path)
    assert (stats.loaded, stats.rejected) == (2, 1)
    assert stats.skipped == {"hidden": 1, "not_jats": 1}
    assert query(db_path, "select source_file, reason from raw.ingest_rejects") == [("pipe.xml", "not_a_file")]
