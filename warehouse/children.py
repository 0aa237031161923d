"""Child processes must not outlive the command that started them.

A child left running after its parent was killed (kill -9, a closed terminal) keeps writing the file while the
writer lock says nobody holds it. On Linux the kernel can kill the child when its parent dies
(`prctl(PR_SET_PDEATHSIG)`), which nothing in the parent can do once it is killed itself. Worker pools (the JATS
parser's, the rules labeller's) fork their workers here: they ignore Ctrl-C (the parent stops them) and exit by
themselves when the parent dies.
"""

from __future__ import annotations

import ctypes
import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial
from typing import Any

_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
# The running program's own symbols include libc's (find_library would start ldconfig at every import).
_libc = ctypes.CDLL(None, use_errno=True) if os.uname().sysname == "Linux" else None


def _die_with(parent: int) -> None:
    if _libc is None:
        return
    _libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died between fork and prctl: nobody will send the signal now
        os.kill(os.getpid(), signal.SIGKILL)


def die_with_this_process() -> Callable[[], None]:
    """A `preexec_fn` for subprocess.Popen: the child is killed (SIGKILL) when this process dies, however it dies.

    The kernel ties the signal to the *thread* that forks the child: start such children from a thread that lives
    as long as they should (the main thread).
    """
    return partial(_die_with, os.getpid())


PARENT_CHECK_SECONDS = 0.5


def default_workers() -> int:
    """Worker processes of a pool: one per core, at most 8."""
    return max(1, min(os.cpu_count() or 1, 8))


def _exit_with_parent(parent: int) -> None:
    """A worker whose parent is gone (reparented to init or a subreaper) exits at once."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(1)


def _start_worker(parent: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    threading.Thread(target=_exit_with_parent, args=(parent,), daemon=True).start()
    if initializer is not None:
        initializer(*initargs)


def forked_pool(
    workers: int, initializer: Callable[..., None] | None = None, initargs: tuple[Any, ...] = ()
) -> ProcessPoolExecutor:
    """`workers` forked processes, every one started now: fork before the caller starts threads (a progress bar,
    a reader), so no child inherits a lock another thread held. Shut it down with `shutdown(cancel_futures=True)`."""
    pool = ProcessPoolExecutor(
        workers,
        mp_context=multiprocessing.get_context("fork"),
        initializer=_start_worker,
        initargs=(os.getpid(), initializer, initargs),
    )
    pool.submit(int).result()
    return pool
