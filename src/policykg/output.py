"""Write build products so that a failed or interrupted run never leaves a half-written folder behind."""

from __future__ import annotations

import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def staged_directory(target: Path) -> Iterator[Path]:
    """Yield an empty folder beside ``target``; when the block ends without error, it replaces ``target``.

    On error the staged folder is removed and ``target`` stays exactly as it was.

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
    target.parent.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:8]
    staged = target.with_name(f".{target.name}.new-{token}")
    staged.mkdir()
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
