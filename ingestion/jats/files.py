"""List and read the JATS files of a corpus — a directory, a zip, a tar archive (plain, .gz, .bz2 or .xz: PubMed
Central's bulk packages are .tar.gz) or one XML file — with size and bomb guards.

Memory holds one file at a time: nothing here reads a whole corpus, so a 2 GB zip costs what its largest article
costs. The listing decides, before anything is inflated, what every entry of the corpus is:

- a candidate to read and parse (a regular `.xml`/`.nxml` file);
- a refusal, which becomes a reject row: an oversized member, a member compressed beyond any real article, a zip
  whose members together would inflate beyond any real corpus, a member whose data overlaps another's (the shape
  of a zip bomb that points many entries at one payload), a repeated member name, a FIFO or device file;
- a counted skip, shown in the summary: a file that is not JATS (images, PDFs, READMEs) or a hidden one (`.git`,
  macOS `__MACOSX/._*` resource forks).

A zip member cannot inflate beyond its declared size (zipfile stops there and checks the CRC), so the declared
sizes bound the work; a member is also read with a cap in case a header lies. A tar archive is listed in one
forward pass (its headers sit between the members), which stops at the first header whose member would take the
archive beyond MAX_COMPRESSION_RATIO times its size, before inflating it; a member is then read by seeking the
decompressed stream to its data, and each parse worker reads its members in corpus order, so the stream only ever
moves forward.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import lzma
import os
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

JATS_SUFFIXES = (".xml", ".nxml")
DEFAULT_MAX_FILE_BYTES = 25 * 1024 * 1024
# Real JATS compresses 4-12x; a ratio this high only comes from repeated filler (a zip bomb). It bounds each
# large member, and the whole archive: its admitted members may inflate to at most this many times its size.
MAX_COMPRESSION_RATIO = 100
_RATIO_CHECK_ABOVE_BYTES = 1024 * 1024
_LOCAL_HEADER_BYTES = 30  # fixed part of a zip local file header: a member's data starts at least this far in
_CHUNK = 1024 * 1024
_CORPUS_KINDS = "a directory of JATS files, a zip or tar archive of them, or one JATS file"
# How a tar archive is compressed, by its first bytes, and how to open its decompressed stream.
_TAR_COMPRESSIONS = ((b"\x1f\x8b", gzip.open), (b"BZh", bz2.open), (b"\xfd7zXZ\x00", lzma.open))
_DECOMPRESSION_ERRORS = (OSError, EOFError, ValueError, lzma.LZMAError, zlib.error, tarfile.TarError)


@dataclass(frozen=True, slots=True)
class Entry:
    """A file to read: `name` as reported, `key` how to find it (zip entry index or path), `size` in bytes."""

    name: str
    key: int | str  # zip: entry index; tar: offset of its data in the decompressed stream; else its path
    size: int


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


@dataclass(slots=True)
class Listing:
    """Every entry of a corpus in a stable order (candidates and refusals), and what was skipped, by reason."""

    entries: list[Entry | UnreadableFile] = field(default_factory=list)
    skipped: dict[str, int] = field(default_factory=dict)

    def skip(self, reason: str) -> None:
        self.skipped[reason] = self.skipped.get(reason, 0) + 1


class CorpusError(Exception):
    """The corpus itself (not one article) cannot be read."""


def _hidden(parts: list[str]) -> bool:
    return any(part.startswith(".") or part == "__MACOSX" for part in parts)


def _is_jats(name: str) -> bool:
    return name.lower().endswith(JATS_SUFFIXES)


def _skipped(listing: Listing, path: str) -> bool:
    """A hidden file, or one that is not JATS, is counted among the listing's skips instead of listed."""
    if _hidden(path.split("/")):
        listing.skip("hidden")
        return True
    if not _is_jats(path):
        listing.skip("not_jats")
        return True
    return False


def _duplicate(name: str, occurrence: int) -> UnreadableFile:
    """An archive entry named like an earlier one (zips and tars allow it): only the first is read."""
    return UnreadableFile(
        f"{name}#{occurrence}", "duplicate_member", f"entry {occurrence} named {name}; the first is read"
    )


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
    """A directory, a zip or a single JATS file: list its entries once, then read any candidate."""

    def __init__(
        self, path: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES, part: tuple[int, int] | None = None
    ) -> None:
        self.path = Path(path)
        self.max_file_bytes = max_file_bytes
        self.part = part  # a shard: only entries [start, stop) of the listing (a worker's share of the corpus)
        self._zip: zipfile.ZipFile | None = None
        self._tar_open: Callable[..., BinaryIO] | None = None  # opens a tar archive's decompressed stream
        self._tar_stream: BinaryIO | None = None
        self._listing: Listing | None = None
        if self.path.is_dir():
            return
        if not self.path.exists():
            raise CorpusError(f"{self.path} does not exist: give {_CORPUS_KINDS}")
        if not self.path.is_file():
            raise CorpusError(f"{self.path} is not a regular file: give {_CORPUS_KINDS}")
        if zipfile.is_zipfile(self.path):
            try:
                self._zip = zipfile.ZipFile(self.path)
            except (zipfile.BadZipFile, OSError) as error:
                raise CorpusError(f"{self.path} is a damaged zip file ({error})") from error
        elif _is_tar(self.path):
            self._tar_open = _tar_opener(self.path)
        elif not _is_jats(self.path.name):
            raise CorpusError(
                f"{self.path} is neither a directory, a JATS file (.xml, .nxml) nor a readable zip or tar archive"
            )

    def listing(self) -> Listing:
        """What each entry of the corpus is (computed once); CorpusError when it holds no JATS file at all."""
        if self._listing is None:
            if self._zip is not None:
                listing = self._list_zip(self._zip)
            elif self._tar_open is not None:
                listing = self._list_tar()
            elif self.path.is_dir():
                listing = self._list_directory()
            else:
                listing = Listing([self._sized(Entry(self.path.name, str(self.path), self.path.stat().st_size))])
            if self.part is not None:
                start, stop = self.part
                skipped = listing.skipped if start == 0 else {}  # counted once, by the first shard
                listing = Listing(listing.entries[start:stop], dict(skipped))
            if not listing.entries:
                skipped = ", ".join(f"{count} {reason}" for reason, count in sorted(listing.skipped.items()))
                raise CorpusError(
                    f"{self.path} holds no JATS files (.xml, .nxml){f'; skipped: {skipped}' if skipped else ''}"
                )
            self._listing = listing
        return self._listing

    def _sized(self, entry: Entry) -> Entry | UnreadableFile:
        return _too_large(entry.name, entry.size, self.max_file_bytes) if entry.size > self.max_file_bytes else entry

    def _list_directory(self) -> Listing:
        listing = Listing()
        for folder, dirs, files in os.walk(self.path):
            relative = Path(folder).relative_to(self.path)
            for name in sorted(dirs):
                if _hidden([name]):
                    listing.skip("hidden")
                elif (Path(folder) / name).is_symlink():  # os.walk does not follow it: say so
                    listing.skip("linked_directory")
            dirs[:] = sorted(d for d in dirs if not _hidden([d]))
            for name in sorted(files):
                if not _skipped(listing, name):
                    listing.entries.append(self._list_file(Path(folder) / name, (relative / name).as_posix()))
        return listing

    def _list_file(self, file: Path, name: str) -> Entry | UnreadableFile:
        try:
            info = file.stat()  # follows a symlink to the file it names
        except OSError as error:
            return UnreadableFile(name, "unreadable", str(error))
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
            return UnreadableFile(name, "not_a_file", f"not a regular file (mode {stat.filemode(info.st_mode)})")
        return self._sized(Entry(name, name, info.st_size))

    def _list_zip(self, archive: zipfile.ZipFile) -> Listing:
        listing = Listing()
        members = [(index, info) for index, info in enumerate(archive.infolist()) if not info.is_dir()]
        overlapping = _overlapping(members)
        seen: dict[str, int] = {}
        budget = MAX_COMPRESSION_RATIO * self.path.stat().st_size
        admitted = 0
        for index, info in members:
            name = info.filename
            if _skipped(listing, name):
                continue
            seen[name] = seen.get(name, 0) + 1
            refusal = self._refuse_member(info, seen[name], index in overlapping)
            if refusal is None and admitted + info.file_size > budget:
                refusal = UnreadableFile(
                    name, "zip_bomb", f"the archive's members would inflate beyond {MAX_COMPRESSION_RATIO}x its size"
                )
            if refusal is None:
                admitted += info.file_size
            listing.entries.append(refusal or Entry(name, index, info.file_size))
        return listing

    def _list_tar(self) -> Listing:
        listing = Listing()
        seen: dict[str, int] = {}
        budget = MAX_COMPRESSION_RATIO * self.path.stat().st_size
        try:
            with tarfile.open(self.path, "r|*") as archive:  # one forward pass over headers and data
                for info in archive:
                    if info.offset_data + info.size > budget:  # judged on its header, before its data is inflated
                        raise CorpusError(
                            f"{self.path} inflates beyond {MAX_COMPRESSION_RATIO}x its size (a tar bomb, not a corpus)"
                        )
                    entry = self._tar_entry(info, seen, listing)
                    if entry is not None:
                        listing.entries.append(entry)
        except _DECOMPRESSION_ERRORS as error:
            raise CorpusError(f"{self.path} is a damaged tar archive ({error})") from error
        return listing

    def _tar_entry(
        self, info: tarfile.TarInfo, seen: dict[str, int], listing: Listing
    ) -> Entry | UnreadableFile | None:
        """What one tar member is: a candidate, a refusal, or nothing to list (a folder, a counted skip)."""
        name = info.name
        if info.isdir() or _skipped(listing, name):
            return None
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            return _duplicate(name, seen[name])
        if not info.isreg():  # a link, device or FIFO stored under an article's name
            return UnreadableFile(name, "not_a_file", "not a regular file in the archive (a link or special file)")
        return self._sized(Entry(name, info.offset_data, info.size))

    def _refuse_member(self, info: zipfile.ZipInfo, occurrence: int, overlaps: bool) -> UnreadableFile | None:
        name = info.filename
        if occurrence > 1:
            return _duplicate(name, occurrence)
        if overlaps:
            return UnreadableFile(name, "zip_bomb", "its data overlaps another member's (a crafted zip)")
        if info.file_size > self.max_file_bytes:
            return _too_large(name, info.file_size, self.max_file_bytes)
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _RATIO_CHECK_ABOVE_BYTES and ratio > MAX_COMPRESSION_RATIO:
            return UnreadableFile(name, "zip_bomb", f"compression ratio {ratio:.0f}:1 is beyond any real article")
        return None

    def read(self, entry: Entry) -> SourceFile | UnreadableFile:
        if self._zip is not None:
            data_or_refusal = self._read_zip(entry)
        elif self._tar_open is not None:
            data_or_refusal = self._read_tar(entry)
        else:
            data_or_refusal = self._read_file(entry)
        if isinstance(data_or_refusal, UnreadableFile):
            return data_or_refusal
        return SourceFile(entry.name, data_or_refusal, hashlib.sha256(data_or_refusal).hexdigest())

    def __iter__(self) -> Iterator[SourceFile | UnreadableFile]:
        for entry in self.listing().entries:
            yield self.read(entry) if isinstance(entry, Entry) else entry

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()
        if self._tar_stream is not None:
            self._tar_stream.close()
            self._tar_stream = None

    def _read_zip(self, entry: Entry) -> bytes | UnreadableFile:
        assert self._zip is not None and isinstance(entry.key, int)
        limit = self.max_file_bytes
        try:
            with self._zip.open(self._zip.infolist()[entry.key]) as stream:
                data = _bounded_read(stream, limit)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
            return UnreadableFile(entry.name, "unreadable", f"cannot decompress this member: {error}")
        return _too_large(entry.name, f"more than {limit} (declared {entry.size})", limit) if data is None else data

    def _read_tar(self, entry: Entry) -> bytes | UnreadableFile:
        assert self._tar_open is not None and isinstance(entry.key, int)
        try:
            if self._tar_stream is None:
                self._tar_stream = self._tar_open(self.path, "rb")
            self._tar_stream.seek(entry.key)  # forward in corpus order; backwards restarts the decompression
            data = self._tar_stream.read(entry.size)  # the listing refused members over the size limit
        except _DECOMPRESSION_ERRORS as error:
            return UnreadableFile(entry.name, "unreadable", f"cannot decompress this member: {error}")
        if len(data) != entry.size:
            return UnreadableFile(entry.name, "unreadable", f"the archive ends {entry.size - len(data)} bytes early")
        return data

    def _read_file(self, entry: Entry) -> bytes | UnreadableFile:
        file = self.path if self.path.is_file() else self.path / str(entry.key)
        try:
            # O_NONBLOCK: a file swapped for a FIFO since the listing must not hang the ingest
            descriptor = os.open(file, os.O_RDONLY | os.O_NONBLOCK)
            with os.fdopen(descriptor, "rb") as stream:
                if not stat.S_ISREG(os.fstat(descriptor).st_mode):
                    return UnreadableFile(entry.name, "not_a_file", "not a regular file")
                data = _bounded_read(stream, self.max_file_bytes)
        except OSError as error:
            return UnreadableFile(entry.name, "unreadable", str(error))
        return _too_large(entry.name, f"more than {self.max_file_bytes}", self.max_file_bytes) if data is None else data


def _is_tar(path: Path) -> bool:
    try:
        return tarfile.is_tarfile(path)
    except _DECOMPRESSION_ERRORS:
        return False


def _tar_opener(path: Path) -> Callable[..., BinaryIO]:
    """How to open the decompressed stream of the tar archive at `path`: gzip, bz2 or xz by its first bytes."""
    with path.open("rb") as stream:
        head = stream.read(6)
    return next((opener for magic, opener in _TAR_COMPRESSIONS if head.startswith(magic)), open)


def _overlapping(members: list[tuple[int, zipfile.ZipInfo]]) -> set[int]:
    """Indexes of the members whose data starts inside another member's (the first in archive order is kept)."""
    overlapping: set[int] = set()
    end = -1
    for index, info in sorted(members, key=lambda member: member[1].header_offset):
        if info.header_offset < end:
            overlapping.add(index)
        else:
            end = info.header_offset + _LOCAL_HEADER_BYTES + info.compress_size
    return overlapping


def iter_corpus(path: Path, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES) -> Iterator[SourceFile | UnreadableFile]:
    """Every JATS entry of `path` (a directory, a zip, a tar archive or one file), read one at a time, in order."""
    corpus = Corpus(path, max_file_bytes)
    try:
        yield from corpus
    finally:
        corpus.close()
