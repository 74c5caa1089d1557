"""Progress for long work: a bar with counts on a terminal, nothing when output is not a terminal."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TypeVar

from tqdm import tqdm

T = TypeVar("T")


def progress(items: Iterable[T], label: str, total: int | None = None) -> Iterator[T]:
    """Iterate over ``items`` showing a bar on stderr when it is a terminal (tqdm's ``disable=None``).

    >>> list(progress([1, 2, 3], "counting"))
    [1, 2, 3]
    """
    yield from tqdm(items, desc=label, total=total, unit="", disable=None, leave=False, dynamic_ncols=True)
