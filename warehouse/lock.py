"""One writer at a time per warehouse: a lock file beside the DuckDB file, held by every writing command.

DuckDB itself refuses a second read-write process, but only when it opens the file, with a terse IO error, and
often in the middle of a run. Taking an OS file lock (flock) first turns that into a clear message before any work
starts. The OS releases the lock when its last holder dies, so a crashed run never leaves a lock behind; the holder
note (who, since when) is only for the message, and a note whose process is gone is reported as stale and replaced.

The lock is keyed by the file's real path, so a symlink to the warehouse shares the lock of its target. It is a
plain flock rather than a library lock because child processes that write the warehouse (dbt) must inherit it:
`held_lock_fds()` are passed to them, and the lock then lasts until the parent and every such child have exited.
"""

from __future__ import annotations

import fcntl
import json
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path


class WarehouseBusy(Exception):
    """Another process is writing (or holds) the same warehouse."""


@dataclass(frozen=True, slots=True)
class Holder:
    pid: int
    command: str
    since: str

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
        return True


def lock_path(db_path: Path) -> Path:
    real = db_path.resolve()
    return real.with_name(real.name + ".lock")


def _note_path(db_path: Path) -> Path:
    real = db_path.resolve()
    return real.with_name(real.name + ".writer.json")


def read_holder(db_path: Path) -> Holder | None:
    try:
        data = json.loads(_note_path(db_path).read_text())
        return Holder(int(data["pid"]), str(data["command"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


_held: set[int] = set()  # descriptors of the writer locks this process holds


def held_lock_fds() -> tuple[int, ...]:
    """Descriptors of the writer locks held here: pass them to a child that writes the warehouse."""
    return tuple(sorted(_held))


class WriterLock:
    """`with WriterLock(db_path, "ptmreuse build"):` — raises WarehouseBusy if another writer holds it."""

    def __init__(self, db_path: Path, command: str | None = None) -> None:
        self.db_path = db_path.resolve()  # a symlink and its target are one warehouse, with one lock
        self.command = command or " ".join(["ptmreuse", *sys.argv[1:]])
        self.stale_holder: Holder | None = None
        self._fd: int | None = None

    def acquire(self) -> WriterLock:
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock_path(self.db_path), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as busy:
            os.close(fd)
            holder = read_holder(self.db_path)
            who = f"`{holder.command}` (pid {holder.pid}, since {holder.since})" if holder else "another process"
            raise WarehouseBusy(
                f"{self.db_path} is being written by {who}. Let it finish (or stop it), then run this again; "
                "to read meanwhile, use the published copy (`ptmreuse publish`)."
            ) from busy
        self._fd = fd
        _held.add(fd)
        previous = read_holder(self.db_path)
        if previous is not None and previous.pid != os.getpid() and not previous.alive():
            self.stale_holder = previous  # it died without cleaning up; the OS freed the lock with its last holder
        note = {"pid": os.getpid(), "command": self.command, "since": datetime.now(UTC).isoformat(timespec="seconds")}
        _note_path(self.db_path).write_text(json.dumps(note))
        return self

    def release(self) -> None:
        if self._fd is None:
            return
        _note_path(self.db_path).unlink(missing_ok=True)
        _held.discard(self._fd)
        os.close(self._fd)  # frees the lock unless a child that inherited it still runs (then it still writes)
        self._fd = None

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
