"""Child processes that write the warehouse must not outlive the command that started them.

A child left running after its parent was killed (kill -9, a closed terminal) keeps writing the file while the
writer lock says nobody holds it. On Linux the kernel can kill the child when its parent dies
(`prctl(PR_SET_PDEATHSIG)`), which nothing in the parent can do once it is killed itself.
"""

from __future__ import annotations

import ctypes
import os
import signal
from collections.abc import Callable
from functools import partial

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
