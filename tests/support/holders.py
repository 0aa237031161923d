"""Real processes that hold a warehouse, as users' other programs do: a ptmreuse-style writer, a plain DuckDB writer
(plain `dbt build` takes no ptmreuse lock) and a notebook's read-only connection."""

from __future__ import annotations

import subprocess
import sys
import textwrap

# argv: the warehouse; "open" also opens the DuckDB file read-write, as a writer in the middle of its work does.
PTMREUSE_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from warehouse.lock import WriterLock
    lock = WriterLock(Path(sys.argv[1]), "ptmreuse build (test holder)").acquire()
    if sys.argv[2:] == ["open"]:
        import duckdb
        con = duckdb.connect(sys.argv[1])
    print("holding", flush=True)
    time.sleep(60)
    """
)
DUCKDB_WRITER = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1])
    print("holding", flush=True)
    time.sleep(60)
    """
)
NOTEBOOK_READER = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    print("holding", flush=True)
    time.sleep(60)
    """
)


def start_holder(script: str, *args: str) -> subprocess.Popen[str]:
    """Run `script` in a new Python process and return once it holds what it takes.

    The script comes on stdin (`python - ARGS`), so the holder's command line is short, like a notebook kernel's.
    """
    process = subprocess.Popen([sys.executable, "-", *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert process.stdin is not None and process.stdout is not None
    process.stdin.write(script)
    process.stdin.close()
    assert process.stdout.readline().strip() == "holding"
    return process


def stop(process: subprocess.Popen[str]) -> None:
    process.kill()
    process.wait()
