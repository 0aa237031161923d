"""One writer at a time per warehouse: a lock file beside the DuckDB file, held by every writing command.

DuckDB itself refuses a second read-write process, but only when it opens the file, with a terse IO error, and
often in the middle of a run. Taking an OS file lock first turns that into a clear message before any work starts.
The OS releases the lock when its holder dies, so a crashed run never leaves a lock behind; the holder note
(who, since when) is only for the message, and a note whose process is gone is reported as stale and replaced.
"""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout


class WarehouseBusy(Exception):
    """Another process is writing the same warehouse."""


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
    return db_path.with_name(db_path.name + ".lock")


def _note_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".writer.json")


def read_holder(db_path: Path) -> Holder | None:
    try:
        data = json.loads(_note_path(db_path).read_text())
        return Holder(int(data["pid"]), str(data["command"]), str(data["since"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class WriterLock:
    """`with WriterLock(db_path, "ptmreuse build"):` — raises WarehouseBusy if another writer holds it."""

    def __init__(self, db_path: Path, command: str | None = None, timeout: float = 0.0) -> None:
        self.db_path = db_path
        self.command = command or " ".join(["ptmreuse", *sys.argv[1:]])
        self.timeout = timeout
        self.stale_holder: Holder | None = None
        db_path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(lock_path(db_path))

    def acquire(self) -> WriterLock:
        try:
            self._lock.acquire(timeout=self.timeout)
        except Timeout as busy:
            holder = read_holder(self.db_path)
            who = f"`{holder.command}` (pid {holder.pid}, since {holder.since})" if holder else "another process"
            raise WarehouseBusy(
                f"{self.db_path} is being written by {who}. Wait for it to finish (or stop it), then run this "
                "again; to read meanwhile, open the published copy (`ptmreuse publish`) or the file read-only."
            ) from busy
        previous = read_holder(self.db_path)
        if previous is not None and previous.pid != os.getpid() and not previous.alive():
            self.stale_holder = previous  # its process died without cleaning up; the OS already freed the lock
        note = {"pid": os.getpid(), "command": self.command, "since": datetime.now(UTC).isoformat(timespec="seconds")}
        _note_path(self.db_path).write_text(json.dumps(note))
        return self

    def release(self) -> None:
        if self._lock.is_locked:
            _note_path(self.db_path).unlink(missing_ok=True)
            self._lock.release()

    def __enter__(self) -> WriterLock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()
