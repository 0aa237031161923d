"""Read JATS files out of a directory or a zip, one at a time, with size and zip-bomb guards.

Memory holds one file at a time: nothing here reads a whole corpus, so a 2 GB zip costs what its largest
article costs. A member's declared size is checked before reading and its real size while reading (a zip can
lie about its sizes), so an oversized or bomb-like member is refused without being inflated.
"""

from __future__ import annotations

import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

JATS_SUFFIXES = (".xml", ".nxml")
DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024
# Real JATS compresses 4-12x; a ratio this high only comes from repeated filler (a zip bomb).
MAX_COMPRESSION_RATIO = 100
_RATIO_CHECK_ABOVE_BYTES = 1024 * 1024
_CHUNK = 1024 * 1024


@dataclass(frozen=True, slots=True)
class SourceFile:
    name: str  # path inside the corpus (zip member or path relative to the directory)
    data: bytes
    content_hash: str  # sha256 of the bytes: the idempotency key


@dataclass(frozen=True, slots=True)
class UnreadableFile:
    name: str
    reason: str
    detail: str
    content_hash: str | None = None


class CorpusError(Exception):
    """The corpus itself (not one article) cannot be read."""


def _is_jats(name: str) -> bool:
    return name.lower().endswith(JATS_SUFFIXES) and not name.rsplit("/", 1)[-1].startswith(".")


def _bounded_read(stream: BinaryIO, limit: int) -> bytes | None:
    """Read at most `limit` bytes; None when the stream holds more (the caller refuses the file)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(name: str, size: int | str, limit: int) -> UnreadableFile:
    return UnreadableFile(name, "too_large", f"{size} bytes exceeds the {limit}-byte limit per file")


class Corpus:
    """A directory or a zip of JATS files: list the candidates, then read any of them by name."""

    def __init__(self, path: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> None:
        self.path = Path(path)
        self.max_file_bytes = max_file_bytes
        self._zip: zipfile.ZipFile | None = None
        if self.path.is_dir():
            return
        if not self.path.exists():
            raise CorpusError(f"{self.path} does not exist: give a directory of JATS files or a zip of them")
        try:
            self._zip = zipfile.ZipFile(self.path)
        except (zipfile.BadZipFile, OSError) as error:
            raise CorpusError(f"{self.path} is neither a directory nor a readable zip file ({error})") from error

    def names(self) -> list[str]:
        """Candidate files in a stable order (zip order, or sorted paths for a directory)."""
        if self._zip is not None:
            return [i.filename for i in self._zip.infolist() if not i.is_dir() and _is_jats(i.filename)]
        files = (p for p in self.path.rglob("*") if p.is_file() and _is_jats(p.name))
        return sorted(p.relative_to(self.path).as_posix() for p in files)

    def read(self, name: str) -> SourceFile | UnreadableFile:
        data_or_refusal = self._read_zip(name) if self._zip is not None else self._read_file(name)
        if isinstance(data_or_refusal, UnreadableFile):
            return data_or_refusal
        return SourceFile(name, data_or_refusal, hashlib.sha256(data_or_refusal).hexdigest())

    def __iter__(self) -> Iterator[SourceFile | UnreadableFile]:
        for name in self.names():
            yield self.read(name)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def _read_zip(self, name: str) -> bytes | UnreadableFile:
        assert self._zip is not None
        limit = self.max_file_bytes
        info = self._zip.getinfo(name)
        if info.file_size > limit:
            return _too_large(name, info.file_size, limit)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_CHECK_ABOVE_BYTES and ratio > MAX_COMPRESSION_RATIO:
            return UnreadableFile(name, "zip_bomb", f"compression ratio {ratio:.0f}:1 is beyond any real article")
        try:
            with self._zip.open(info) as stream:
                data = _bounded_read(stream, limit)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            return UnreadableFile(name, "unreadable", f"cannot decompress this member: {error}")
        return _too_large(name, f"more than {limit} (declared {info.file_size})", limit) if data is None else data

    def _read_file(self, name: str) -> bytes | UnreadableFile:
        file = self.path / name
        try:
            size = file.stat().st_size
            if size > self.max_file_bytes:
                return _too_large(name, size, self.max_file_bytes)
            with file.open("rb") as stream:
                data = _bounded_read(stream, self.max_file_bytes)
        except OSError as error:
            return UnreadableFile(name, "unreadable", str(error))
        return _too_large(name, size, self.max_file_bytes) if data is None else data


def count_files(path: Path) -> int:
    """How many candidate files a corpus holds (for the progress bar); cheap: lists names only."""
    corpus = Corpus(path)
    try:
        return len(corpus.names())
    finally:
        corpus.close()


def iter_corpus(path: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Iterator[SourceFile | UnreadableFile]:
    """Every JATS candidate in `path` (a directory or a zip), read one at a time, in a stable order."""
    corpus = Corpus(path, max_file_bytes)
    try:
        yield from corpus
    finally:
        corpus.close()
