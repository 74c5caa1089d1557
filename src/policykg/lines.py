"""Where a passage stands in its source: the line its quote starts on, as the site and the views show it."""

from __future__ import annotations


def find_passage_line(text: str, exact: str, prefix: str = "", suffix: str = "") -> int | None:
    """The line (from 1) of ``text`` on which the quote ``exact`` starts, found with the text around it
    (a W3C text quote selector's prefix and suffix); None when the text does not hold it.

    >>> find_passage_line("one\\ntwo three\\nfour", "three", "two ", "\\n")
    2
    >>> find_passage_line("one", "two") is None
    True
    """
    index = text.find(prefix + exact + suffix)
    return text.count("\n", 0, index + len(prefix)) + 1 if index >= 0 else None
