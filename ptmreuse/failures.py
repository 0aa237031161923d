"""How `ptmreuse` ends when a command does not finish: one line saying what happened and what to do, no traceback.

The full traceback goes to a log file beside the warehouse (`logs/ptmreuse.log`), and to the terminal with
`--verbose`. Exit codes: 0 done, 1 failed (a check, a build, an unexpected error), 2 refused input or nothing to
work on, 3 the warehouse is held by another process, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
import threading
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperGroup

from warehouse.connect import WarehouseMissing, busy_message, is_lock_conflict
from warehouse.lock import WarehouseBusy
from warehouse.paths import database_path
from warehouse.secrets import redact

EXIT_FAILED, EXIT_REFUSED, EXIT_BUSY, EXIT_INTERRUPTED = 1, 2, 3, 130

# `--help` lists the commands in the order a pipeline runs them.
PIPELINE_ORDER = (
    "ingest",
    "search",
    "fetch-fulltext",
    "fetch-gold-texts",
    "classify",
    "check",
    "build",
    "eval",
    "publish",
    "report",
    "demo",
)

# What a Ctrl-C leaves behind, per command: each step keeps what it finished, so a re-run continues.
KEPT_AFTER_INTERRUPT = {
    "ingest": "every chunk or batch loaded before it is kept, and a re-run skips what is already loaded",
    "search": "finished queries are kept, and a re-run skips them",
    "fetch-fulltext": "fetched articles are kept, and a re-run skips them",
    "fetch-gold-texts": "fetched articles are kept, and a re-run skips them",
    "classify": "finished labels are kept, and a re-run reuses them (no call is paid twice)",
    "build": "the models dbt finished are kept and the one it was writing is rolled back",
    "publish": "the previous published copy is untouched",
    "demo": "the steps finished so far are kept",
}

errors = Console(stderr=True, soft_wrap=True, highlight=False)


def log_path() -> Path:
    return database_path().resolve().parent / "logs" / "ptmreuse.log"


def _log_traceback(what: str) -> Path | None:
    """Append the current exception's traceback to the log; None when the log cannot be written."""
    path = log_path()
    logger = logging.getLogger("ptmreuse.failures")
    logger.propagate = False
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=2**20, backupCount=1, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(_RedactingFormatter("%(asctime)s %(message)s"))
    logger.addHandler(handler)
    try:
        logger.error("%s: %s", what, " ".join(["ptmreuse", *sys.argv[1:]]), exc_info=True)
    finally:
        logger.removeHandler(handler)
        handler.close()
    return path


class _RedactingFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record)) or ""


class _Interrupted:
    """Remembers a Ctrl-C: whatever error follows it (a broken worker pool, a cancelled query) is its consequence.

    A terminal sends Ctrl-C to every process of the command, forked workers included (they inherit this handler);
    only the ptmreuse process acts on it, and stops its workers itself, so they print no tracebacks of their own.
    """

    seen = False
    owner = os.getpid()

    @classmethod
    def handler(cls, signum: int, frame: Any) -> None:
        if os.getpid() != cls.owner:
            return  # a forked worker: its parent is being interrupted and will stop it
        cls.seen = True
        signal.default_int_handler(signum, frame)  # raises KeyboardInterrupt, as Python does by default


class PipelineGroup(TyperGroup):
    """The `ptmreuse` command group: pipeline order in `--help`, and one line instead of a traceback."""

    def list_commands(self, ctx: Any) -> list[str]:
        names = super().list_commands(ctx)
        order = {name: position for position, name in enumerate(PIPELINE_ORDER)}
        return sorted(names, key=lambda name: order.get(name, len(order)))

    def invoke(self, ctx: Any) -> Any:
        command = (ctx._protected_args or ctx.args or [""])[0]  # the sub-command, before TyperGroup.invoke pops it
        verbose = bool(ctx.params.get("verbose"))
        _Interrupted.seen = False
        handles_signals = threading.current_thread() is threading.main_thread()  # Python's rule for handlers
        previous = signal.getsignal(signal.SIGINT)
        if handles_signals:
            _Interrupted.owner = os.getpid()
            signal.signal(signal.SIGINT, _Interrupted.handler)
        try:
            result = super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise  # a command's own exit, or a usage error typer prints itself
        except Exception as error:
            raise _one_line(error, command, verbose) from error
        except KeyboardInterrupt:
            raise _one_line(None, command, verbose) from None
        finally:
            if handles_signals:
                signal.signal(signal.SIGINT, previous)
        if _Interrupted.seen:  # a library swallowed the KeyboardInterrupt: the run is still reported as interrupted
            raise _one_line(None, command, verbose)
        return result


def _one_line(error: Exception | None, command: str, verbose: bool) -> typer.Exit:
    """Print what happened in one line (the traceback too with --verbose) and return the exit to raise."""
    if error is not None and not _Interrupted.seen and isinstance(error, WarehouseBusy | WarehouseMissing):
        label, code = ("warehouse busy", EXIT_BUSY) if isinstance(error, WarehouseBusy) else ("error", EXIT_REFUSED)
        errors.print(f"[red]{label}[/red]: {escape(str(error))}")
        return typer.Exit(code)
    if error is not None and not _Interrupted.seen and is_lock_conflict(error):
        errors.print(f"[red]warehouse busy[/red]: {escape(busy_message(database_path(), error))}")
        return typer.Exit(EXIT_BUSY)
    interrupted = error is None or _Interrupted.seen
    log = _log_traceback("interrupted" if interrupted else "failed")
    if verbose and sys.exc_info()[0] is not None:
        errors.print_exception()
    where = f"traceback in {log}" if log else "the log could not be written"
    if interrupted:
        kept = KEPT_AFTER_INTERRUPT.get(command, "nothing was changed")
        errors.print(f"[yellow]interrupted[/yellow]: {kept}; re-run the same command to continue ({where}).")
        return typer.Exit(EXIT_INTERRUPTED)
    errors.print(
        f"[red]failed[/red]: {type(error).__name__}: {escape(_first_line(error))} ({where};"
        " `ptmreuse --verbose …` shows it here)"
    )
    return typer.Exit(EXIT_FAILED)


def _first_line(error: BaseException | None, limit: int = 200) -> str:
    """The error's first non-empty line, secrets blanked out (dlt's messages run over many lines)."""
    lines = [line.strip() for line in str(error).splitlines() if line.strip()]
    text = redact(lines[0] if lines else "") or ""
    return text if len(text) <= limit else text[: limit - 1] + "…"
