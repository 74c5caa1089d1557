"""Write build products so that a failed or interrupted run never leaves a half-written folder behind."""

from __future__ import annotations

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
def staged_directory(target: Path, *, trusted: bool = False) -> Iterator[Path]:
    """Yield a new folder beside ``target``; when the block ends without error, it replaces ``target``.

    On error the staged folder is removed and ``target`` stays exactly as it was. Only folders that
    policykg wrote (they hold a marker file) or empty ones are ever replaced, unless ``trusted`` (the
    project's own ``dist/`` and its parts).

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
    ('one', ['out'])
    """
    if not trusted:
        check_target(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:8]
    staged = target.with_name(f".{target.name}.new-{token}")
    staged.mkdir()
    (staged / MARKER).write_text("written by policykg; replaced whole on every run\n", encoding="utf-8")
    try:
        yield staged
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
    old = target.with_name(f".{target.name}.old-{token}")
    if target.exists():
        target.rename(old)
    staged.rename(target)
    shutil.rmtree(old, ignore_errors=True)
