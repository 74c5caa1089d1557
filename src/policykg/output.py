"""Write build products so that a failed, interrupted or concurrent run never leaves a half-written
folder behind.

A product is written into a staged folder beside its target and put in place by one atomic step: on
Linux, ``renameat2(RENAME_EXCHANGE)`` swaps the two folders (https://man7.org/linux/man-pages/man2/rename.2.html);
elsewhere two renames, whose gap the next run repairs. A lock file (``flock``) keeps two runs from writing
the same target; holding it, a run removes what a killed run left and restores the old folder if only it
survived.
"""

from __future__ import annotations

import ctypes
import errno
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import EXIT_USAGE, PolicyKGError

MARKER = ".policykg-output"
"""A file in every folder policykg writes, so that it only ever replaces folders it wrote itself."""


def check_target(target: Path) -> None:
    """Refuse to replace a folder that policykg did not write, or one that holds the working folder.

    >>> import tempfile
    >>> mine = Path(tempfile.mkdtemp())
    >>> _ = (mine / "notes.txt").write_text("keep me")
    >>> check_target(mine)
    Traceback (most recent call last):
    policykg.errors.PolicyKGError: refusing to replace ... it holds files policykg did not write; choose an empty or new folder
    """
    resolved = target.resolve()
    if resolved == Path(resolved.anchor) or not resolved.name:
        raise PolicyKGError(f"refusing to write build products over {resolved}", exit_code=EXIT_USAGE)
    cwd = Path.cwd().resolve()
    if resolved == cwd or resolved in cwd.parents:
        raise PolicyKGError(
            f"refusing to replace {resolved}: it holds the working folder", exit_code=EXIT_USAGE
        )
    if resolved.exists() and not resolved.is_dir():
        raise PolicyKGError(
            f"refusing to replace {resolved}: it is a file, not a folder; choose an empty or new folder",
            exit_code=EXIT_USAGE,
        )
    ours = (resolved / MARKER).exists() or (resolved.parent / MARKER).exists()
    if resolved.exists() and any(resolved.iterdir()) and not ours:
        raise PolicyKGError(
            f"refusing to replace {resolved}: it holds files policykg did not write; choose an empty or new folder",
            exit_code=EXIT_USAGE,
        )


@contextmanager
def locked(target: Path) -> Iterator[None]:
    """Hold the lock of a target folder (``.{name}.lock`` beside it) for the block; refuse at once, with
    the holder's process id, when another run holds it. The kernel drops the lock of a killed run."""
    try:
        import fcntl
    except ImportError:  # no flock here: runs are not kept apart
        yield
        return
    target.parent.mkdir(parents=True, exist_ok=True)
    path = target.with_name(f".{target.name}.lock")
    with open(path, "a+", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise PolicyKGError(
                f"another policykg run is writing {target.name}/ (process {holder}); wait for it to finish "
                "or stop it, then run again",
                exit_code=EXIT_USAGE,
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def clean_debris(target: Path) -> None:
    """Remove the staged and old folders a killed run left beside ``target``; if ``target`` itself is
    gone and an old copy survived (a kill between two renames), put that copy back. Call holding the
    lock."""
    old = sorted(target.parent.glob(f".{target.name}.old-*"), key=lambda p: p.stat().st_mtime)
    if old and not target.exists():
        old.pop().rename(target)
    for debris in [*old, *target.parent.glob(f".{target.name}.new-*")]:
        shutil.rmtree(debris, ignore_errors=True)


def exchange(a: Path, b: Path) -> bool:
    """Swap two existing paths in one atomic step (Linux ``renameat2`` with ``RENAME_EXCHANGE``); False
    where the system cannot."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


@contextmanager
def staged_directory(target: Path, *, trusted: bool = False) -> Iterator[Path]:
    """Yield a new folder beside ``target``; when the block ends without error, it replaces ``target``
    in one atomic step.

    On error the staged folder is removed and ``target`` stays exactly as it was. Only folders that
    policykg wrote (they hold a marker file) or empty ones are ever replaced, unless ``trusted`` (the
    project's own ``dist/`` and its parts). A second run on the same target at the same time is refused.

    >>> import tempfile
    >>> root = Path(tempfile.mkdtemp())
    >>> with staged_directory(root / "out") as tmp:
    ...     _ = (tmp / "a.txt").write_text("one")
    >>> (root / "out" / "a.txt").read_text()
    'one'
    >>> try:
    ...     with staged_directory(root / "out") as tmp:
    ...         _ = (tmp / "a.txt").write_text("two")
    ...         raise RuntimeError("stop")
    ... except RuntimeError:
    ...     pass
    >>> (root / "out" / "a.txt").read_text(), sorted(p.name for p in root.iterdir())
    ('one', ['.out.lock', 'out'])
    """
    if not trusted:
        check_target(target)
    with locked(target):
        clean_debris(target)
        token = uuid.uuid4().hex[:8]
        staged = target.with_name(f".{target.name}.new-{token}")
        staged.mkdir()
        (staged / MARKER).write_text("written by policykg; replaced whole on every run\n", encoding="utf-8")
        try:
            yield staged
        except BaseException:
            shutil.rmtree(staged, ignore_errors=True)
            raise
        if not target.exists():
            staged.rename(target)
        elif exchange(staged, target):
            shutil.rmtree(staged, ignore_errors=True)  # it holds the old folder now
        else:
            old = target.with_name(f".{target.name}.old-{token}")
            target.rename(old)
            staged.rename(target)
            shutil.rmtree(old, ignore_errors=True)
