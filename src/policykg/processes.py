"""Processes that end with the process that started them, even when it is killed, and processes closed
off from the network."""

from __future__ import annotations

import ctypes
import errno
import os
import signal
import socket

try:  # imported here, before any worker is forked
    import pyseccomp as seccomp
except (ImportError, OSError):  # not Linux, or no libseccomp
    seccomp = None

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


def isolate() -> bool:
    """Refuse this process any IPv4 or IPv6 socket from now on (a seccomp filter,
    https://man7.org/linux/man-pages/man2/seccomp.2.html), so that no query it runs can reach another
    host whatever the query says; False where seccomp is not available."""
    if seccomp is None:
        return False
    try:
        rules = seccomp.SyscallFilter(seccomp.ALLOW)
        for family in (socket.AF_INET, socket.AF_INET6):
            rules.add_rule(seccomp.ERRNO(errno.EACCES), "socket", seccomp.Arg(0, seccomp.EQ, family))
        rules.load()
    except Exception:  # a kernel without seccomp filters
        return False
    return True
