"""Where a passage stands in its source: its character offsets and the lines it spans.

One definition serves the data (``policykg compile`` writes it as an ``oa:TextPositionSelector`` and
``pkg:startLine``/``pkg:endLine``), the site and the views. Offsets count characters (Unicode code points)
of the source text from 0, the end excluded, as a Web Annotation text position selector does
(https://www.w3.org/TR/annotation-model/#text-position-selector). Lines count from 1; a line ends at a line
feed (U+000A) and at nothing else, so a carriage return before it belongs to the line.
"""

from __future__ import annotations


def find_passage_span(text: str, exact: str, prefix: str = "", suffix: str = "") -> tuple[int, int] | None:
    """The offsets (start, end; end excluded) of the quote ``exact`` in ``text``, at the first place where
    the text around it reads ``prefix`` and ``suffix`` (a W3C text quote selector,
    https://www.w3.org/TR/annotation-model/#text-quote-selector); None when the text does not hold it.

    >>> find_passage_span("een twee een drie", "een", "twee ", "")
    (9, 12)
    >>> find_passage_span("een", "twee") is None
    True
    """
    index = text.find(prefix + exact + suffix)
    if index < 0:
        return None
    start = index + len(prefix)
    return start, start + len(exact)


def passage_lines(text: str, start: int, end: int) -> tuple[int, int]:
    """The first and the last line (from 1) of ``text`` that the characters ``start`` to ``end`` (end
    excluded) touch: the line of the first character and the line of the last one.

    >>> passage_lines("one\\ntwo three\\nfour", 4, 13)
    (2, 2)
    >>> passage_lines("one\\ntwo three\\nfour", 8, 19)
    (2, 3)
    >>> passage_lines("one\\ntwo\\n", 0, 4)
    (1, 1)
    """
    first = text.count("\n", 0, start) + 1
    return first, first + text.count("\n", start, max(start, end - 1))


def find_passage_line(text: str, exact: str, prefix: str = "", suffix: str = "") -> int | None:
    """The line (from 1) of ``text`` on which the quote ``exact`` starts, found with the text around it
    (a W3C text quote selector's prefix and suffix); None when the text does not hold it.

    >>> find_passage_line("one\\ntwo three\\nfour", "three", "two ", "\\n")
    2
    >>> find_passage_line("one", "two") is None
    True
    """
    span = find_passage_span(text, exact, prefix, suffix)
    return passage_lines(text, *span)[0] if span else None
