"""Progress for long work: a bar with counts on a terminal, nothing when output is not a terminal."""

from __future__ import annotations

import sys
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import TextIO, TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
    """Iterate over ``items`` showing a bar on stderr when it is a terminal (tqdm's ``disable=None``).

    >>> list(progress([1, 2, 3], "counting"))
    [1, 2, 3]
    """
    yield from tqdm(items, desc=label, total=total, unit="", disable=None, leave=False, dynamic_ncols=True)


@contextmanager
def step(label: str, after: float = 2.0, stream: TextIO | None = None) -> Iterator[None]:
    """Say on stderr what is being done when it takes longer than ``after`` seconds, and how long it took,
    so that no long step runs in silence (short ones say nothing).

    >>> with step("counting", after=60):
    ...     pass
    """
    out = stream or sys.stderr
    started = time.monotonic()
    said = threading.Event()

    def announce() -> None:
        said.set()
        print(f"  {label}…", file=out, flush=True)

    timer = threading.Timer(after, announce)
    timer.daemon = True
    timer.start()
    try:
        yield
    finally:
        timer.cancel()
        if said.is_set():
            print(f"  {label}: {time.monotonic() - started:.1f} s", file=out, flush=True)
