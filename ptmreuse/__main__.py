"""The `ptmreuse` command's entry point (also `python -m ptmreuse`).

Loading the command takes a second or two (dbt, dlt, pyarrow); a Ctrl-C meanwhile (or while typer parses the
arguments) ends it with one line, like a Ctrl-C later on (ptmreuse.failures), instead of a traceback through the
imports or a silent exit.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any


def _interrupted_while_loading(signum: int, frame: Any) -> None:
    sys.stderr.write("interrupted: nothing is half-done (the command had not started, or had finished)\n")
    sys.stderr.flush()
    sys.stdout.flush()
    # Not SystemExit: raised inside a C extension's initialisation (DuckDB's), it becomes an ImportError and the
    # interpreter can crash on the way out. Nothing is open for writing here, so ending at once loses nothing.
    os._exit(130)


def main() -> None:
    # until the command group takes over Ctrl-C (ptmreuse.failures.PipelineGroup), and again after it
    signal.signal(signal.SIGINT, _interrupted_while_loading)
    from ptmreuse.cli import app

    app()


if __name__ == "__main__":
    main()
