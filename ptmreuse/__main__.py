"""The `ptmreuse` command's entry point (also `python -m ptmreuse`).

Loading the command takes a second or two (dbt, dlt, pyarrow); a Ctrl-C meanwhile (or while typer parses the
arguments) ends it with one line, like a Ctrl-C later on (ptmreuse.failures), instead of a traceback through the
imports or a silent exit.
"""

from __future__ import annotations

import signal
import sys
from typing import Any


def _interrupted_while_loading(signum: int, frame: Any) -> None:
    sys.stderr.write("interrupted: nothing is half-done (the command had not started, or had finished)\n")
    raise SystemExit(130)


def main() -> None:
    # until the command group takes over Ctrl-C (ptmreuse.failures.PipelineGroup), and again after it
    signal.signal(signal.SIGINT, _interrupted_while_loading)
    from ptmreuse.cli import app

    app()


if __name__ == "__main__":
    main()
