"""A throwaway PostgreSQL server for the lake's catalog: `initdb` + `pg_ctl`, a unix socket in a temp folder.

Real enough for DuckLake (the catalog is ordinary PostgreSQL tables) and starts in a second or two. PostgreSQL
refuses to run as root, so as root the cluster belongs to the `postgres` user the Debian package creates. No TCP
port is opened: the socket's folder is private to the test run, so parallel runs never meet.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

INSTALL_HINT = "PostgreSQL is not installed (no initdb): run `make system-deps` (apt-get install postgresql)"


def postgres_bin() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH, else Debian's /usr/lib/postgresql/<version>/bin."""
    found = shutil.which("initdb")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    return Path(candidates[0]).parent if candidates else None


@dataclass(frozen=True, slots=True)
class Postgres:
    bin: Path
    socket_dir: Path
    user: str

    def url(self, database: str) -> str:
        """A libpq URL for `database` over the unix socket (DuckDB's postgres extension and dlt both take it)."""
        return f"postgresql://{self.user}@/{database}?host={self.socket_dir}"

    def create_database(self, name: str) -> str:
        """A new empty database; returns its URL."""
        self._run("createdb", "-h", str(self.socket_dir), "-U", self.user, name)
        return self.url(name)

    def _run(self, tool: str, *args: str) -> None:
        subprocess.run([str(self.bin / tool), *args], check=True, capture_output=True, text=True)


def _as_server_user(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


@contextmanager
def running_postgres() -> Iterator[Postgres]:
    """Start a fresh cluster; stop it (immediately, it holds nothing worth keeping) and delete it on exit."""
    bin_dir = postgres_bin()
    if bin_dir is None:
        raise FileNotFoundError(INSTALL_HINT)
    root = Path(tempfile.mkdtemp(prefix="ptmreuse-pg-"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")  # the server's own user owns its data and socket
    data, socket_dir, log = root / "data", root / "socket", root / "server.log"
    user = "postgres"
    try:
        run = _as_server_user
        subprocess.run(
            run([str(bin_dir / "initdb"), "-D", str(data), "-U", user, "--auth=trust", "--no-sync", "-E", "UTF8"]),
            check=True,
            capture_output=True,
            text=True,
        )
        subprocess.run(run(["mkdir", str(socket_dir)]), check=True)
        options = f"-k {socket_dir} -c listen_addresses='' -c fsync=off -c max_connections=200"
        started = subprocess.run(
            run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "start"]),
            capture_output=True,
            text=True,
        )
        if started.returncode != 0:
            raise RuntimeError(f"PostgreSQL did not start: {started.stderr.strip()} {log.read_text()[-2000:]}")
        try:
            yield Postgres(bin_dir, socket_dir, user)
        finally:
            subprocess.run(
                run([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]), capture_output=True
            )
    finally:
        shutil.rmtree(root, ignore_errors=True)
