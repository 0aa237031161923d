"""Tar archives as corpora (PubMed Central's bulk packages are .tar.gz): the same listing rules as a zip, the same
rows as the files loaded one by one, and guards against a tar bomb and a damaged archive.

The archives are SYNTHETIC packages made by the test from real articles of the bundled corpus (and filler).
"""

from __future__ import annotations

import io
import tarfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ingestion.jats.files import MAX_COMPRESSION_RATIO, Corpus, CorpusError, Entry, SourceFile, UnreadableFile
from ingestion.jats.pipeline import ingest_jats_corpus
from ptmreuse.cli import app
from tests.duck import query

ARTICLES = ("docling/pone.0234687.nxml", "docling/elife-56337.nxml", "biohackathon2024-pmc/PMC10025408.xml")


def _member(archive: tarfile.TarFile, name: str, data: bytes = b"", kind: bytes = tarfile.REGTYPE) -> None:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(data) if kind == tarfile.REGTYPE else 0
    if kind == tarfile.SYMTYPE:
        info.linkname = "PMC001/" + Path(ARTICLES[0]).name
    archive.addfile(info, io.BytesIO(data) if kind == tarfile.REGTYPE else None)


def _package(path: Path, read_member, mode: str) -> Path:
    """Three articles in a folder, and what a package may also hold: a README, a macOS fork, a link under an
    article's name, the first article again."""
    with tarfile.open(path, mode) as archive:
        _member(archive, "PMC001", kind=tarfile.DIRTYPE)
        for member in ARTICLES:
            _member(archive, f"PMC001/{Path(member).name}", read_member(member))
        _member(archive, "PMC001/README.txt", b"not an article")
        _member(archive, "__MACOSX/PMC001/._x.xml", b"fork")
        _member(archive, "PMC001/link.xml", kind=tarfile.SYMTYPE)
        _member(archive, f"PMC001/{Path(ARTICLES[0]).name}", read_member(ARTICLES[0]))
    return path


@pytest.mark.parametrize("mode", ["w", "w:gz", "w:bz2", "w:xz"])
def test_a_package_lists_and_reads_like_the_files_it_holds(tmp_path: Path, read_member, mode: str) -> None:
    corpus = Corpus(_package(tmp_path / "package.tar", read_member, mode))
    listing = corpus.listing()
    assert listing.skipped == {"not_jats": 1, "hidden": 1}
    read = [corpus.read(entry) if isinstance(entry, Entry) else entry for entry in listing.entries]
    corpus.close()
    articles = [item for item in read if isinstance(item, SourceFile)]
    assert [(a.name, a.data) for a in articles] == [(f"PMC001/{Path(m).name}", read_member(m)) for m in ARTICLES]
    refused = {(item.name, item.reason) for item in read if isinstance(item, UnreadableFile)}
    assert refused == {("PMC001/link.xml", "not_a_file"), (f"PMC001/{Path(ARTICLES[0]).name}#2", "duplicate_member")}


def test_ingesting_a_package_loads_its_articles_once(tmp_path: Path, read_member, db_path: Path) -> None:
    package = _package(tmp_path / "package.tar.gz", read_member, "w:gz")
    stats = ingest_jats_corpus(package, db_path)
    assert (stats.loaded, stats.rejected) == (3, 2)
    assert stats.rejects_by_reason == {"not_a_file": 1, "duplicate_member": 1}
    assert query(db_path, "select count(*), count(distinct doi) from raw.papers") == [(3, 3)]
    assert ingest_jats_corpus(package, db_path).unchanged == 3


def test_a_member_over_the_size_limit_is_refused(tmp_path: Path, read_member) -> None:
    sizes = {f"PMC001/{Path(member).name}": len(read_member(member)) for member in ARTICLES}
    limit = min(sizes.values())
    corpus = Corpus(_package(tmp_path / "package.tar.gz", read_member, "w:gz"), max_file_bytes=limit)
    entries = corpus.listing().entries
    admitted = {entry.name for entry in entries if isinstance(entry, Entry)}
    too_large = {entry.name for entry in entries if isinstance(entry, UnreadableFile) and entry.reason == "too_large"}
    assert admitted == {name for name, size in sizes.items() if size <= limit}
    assert too_large == {name for name, size in sizes.items() if size > limit} and too_large


def test_a_tar_bomb_stops_the_listing(tmp_path: Path, read_member) -> None:
    bomb = tmp_path / "bomb.tar.gz"
    with tarfile.open(bomb, "w:gz") as archive:
        _member(archive, "a.xml", read_member(ARTICLES[0]))
        _member(archive, "filler.bin", bytes(40 * 1024 * 1024))  # zeros: some 40 KB once compressed
    assert bomb.stat().st_size * MAX_COMPRESSION_RATIO < 40 * 1024 * 1024
    inflated = [0]
    real_read = tarfile._Stream.read  # the stream a one-pass listing ("r|*") inflates through

    def counted(stream: object, size: int) -> bytes:
        data = real_read(stream, size)
        inflated[0] += len(data)
        return data

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(tarfile._Stream, "read", counted)
        with pytest.raises(CorpusError, match="tar bomb"):
            Corpus(bomb).listing()
    assert 0 < inflated[0] < 1024 * 1024  # refused on the filler's header, before inflating its 40 MB
    result = CliRunner().invoke(app, ["ingest", "jats", str(bomb)], env={"PTMREUSE_DB": str(tmp_path / "w.duckdb")})
    assert result.exit_code == 2 and "tar bomb" in result.output


def test_a_truncated_package_is_a_damaged_archive(tmp_path: Path, read_member) -> None:
    package = _package(tmp_path / "package.tar.gz", read_member, "w:gz")
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(package.read_bytes()[: package.stat().st_size // 2])
    with pytest.raises(CorpusError, match="damaged tar archive"):
        Corpus(cut).listing()
