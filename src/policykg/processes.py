"""Worker processes that end with the process that started them, even when it is killed."""

from __future__ import annotations

import ctypes
import os
import signal

PR_SET_PDEATHSIG = 1


def die_with_parent(parent: int) -> bool:
    """Ask the kernel to kill this process when its parent ends (Linux ``prctl(PR_SET_PDEATHSIG)``,
    https://man7.org/linux/man-pages/man2/prctl.2.html); False where that cannot be asked. Call it first
    thing in a forked worker, with the parent's process id as it knew it before the fork: if the parent is
    already gone, the worker ends at once."""
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (AttributeError, OSError):
        return False
    if prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) != 0:
        return False
    if os.getppid() != parent:  # the parent ended before the request was made
        os._exit(1)
    return True
