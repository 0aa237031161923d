"""Stream JATS files out of a directory or a zip, one at a time, with size and zip-bomb guards.

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


def count_files(path: Path) -> int:
    """How many candidate files a corpus holds (for the progress bar); cheap: lists names only."""
    if path.is_dir():
        return sum(1 for p in path.rglob("*") if p.is_file() and _is_jats(p.name))
    with _open_zip(path) as archive:
        return sum(1 for info in archive.infolist() if not info.is_dir() and _is_jats(info.filename))


def _open_zip(path: Path) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise CorpusError(f"{path} is neither a directory nor a readable zip file ({error})") from error


def _bounded_read(stream, limit: int) -> bytes | None:  # type: ignore[no-untyped-def]
    """Read at most `limit` bytes; None when the stream holds more (the caller refuses the file)."""
    chunks: list[bytes] = []
    size = 0
    while chunk := stream.read(_CHUNK):
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _sourced(name: str, data: bytes) -> SourceFile:
    return SourceFile(name=name, data=data, content_hash=hashlib.sha256(data).hexdigest())


def _too_large(name: str, size: int | str, limit: int) -> UnreadableFile:
    return UnreadableFile(name, "too_large", f"{size} bytes exceeds the {limit}-byte limit per file")


def iter_zip(path: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Iterator[SourceFile | UnreadableFile]:
    with _open_zip(path) as archive:
        for info in archive.infolist():
            if info.is_dir() or not _is_jats(info.filename):
                continue
            name = info.filename
            if info.file_size > max_file_bytes:
                yield _too_large(name, info.file_size, max_file_bytes)
                continue
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > _RATIO_CHECK_ABOVE_BYTES and ratio > MAX_COMPRESSION_RATIO:
                yield UnreadableFile(name, "zip_bomb", f"compression ratio {ratio:.0f}:1 is beyond any real article")
                continue
            try:
                with archive.open(info) as stream:
                    data = _bounded_read(stream, max_file_bytes)
            except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
                yield UnreadableFile(name, "unreadable", f"cannot decompress this member: {error}")
                continue
            if data is None:
                yield _too_large(name, f"more than {max_file_bytes} (declared {info.file_size})", max_file_bytes)
                continue
            yield _sourced(name, data)


def iter_directory(path: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Iterator[SourceFile | UnreadableFile]:
    for file in sorted(p for p in path.rglob("*") if p.is_file() and _is_jats(p.name)):
        name = file.relative_to(path).as_posix()
        try:
            size = file.stat().st_size
            if size > max_file_bytes:
                yield _too_large(name, size, max_file_bytes)
                continue
            with file.open("rb") as stream:
                data = _bounded_read(stream, max_file_bytes)
        except OSError as error:
            yield UnreadableFile(name, "unreadable", str(error))
            continue
        yield _too_large(name, size, max_file_bytes) if data is None else _sourced(name, data)


def iter_corpus(path: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Iterator[SourceFile | UnreadableFile]:
    """Every JATS candidate in `path` (a directory or a zip), in a stable order."""
    if path.is_dir():
        return iter_directory(path, max_file_bytes)
    if not path.exists():
        raise CorpusError(f"{path} does not exist: give a directory of JATS files or a zip of them")
    return iter_zip(path, max_file_bytes)
