"""Anchor a quote in its source text: find it despite typographic variants, and say where it goes wrong.

A passage is a Web Annotation text quote selector (https://www.w3.org/TR/annotation-model/#text-quote-selector):
the exact characters of the source, with ``oa:prefix`` and ``oa:suffix`` where the same characters occur more
than once. People type quotes with straight apostrophes where the source has curly ones, copy a soft hyphen
as ``¬``, or break lines elsewhere; :func:`anchor_quote` folds those differences away on both sides, matches,
and hands back the source's own characters. When nothing matches, :func:`nearest_places` names the closest
places with their line and the first character that differs.

The nearest places are found with :mod:`difflib` from the standard library: it runs only when a quote does
not match, on one document's text (a few thousand characters), where it answers in milliseconds; a
dependency would buy speed that is not needed here.
"""

from __future__ import annotations

import bisect
import difflib
import unicodedata
from dataclasses import dataclass

CONTEXT = 32
"""Characters of ``oa:prefix`` and ``oa:suffix`` written when a quote occurs more than once."""

MAX_WINDOWS = 4000
"""At most this many places of a source are compared with a quote that did not match, so that a long source
answers in about a second: there, only the places around the quote's longest words."""

LABEL_WORDS = 8
"""Words of the quote a passage's label shows."""

_SINGLE = "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"
_DOUBLE = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_BREAKS = "\u00ad\u00ac"
"""A soft hyphen, and the not sign that text taken from PDF often shows in its place."""


def _fold_char(char: str) -> str:
    """How one character compares: quotes, dashes and compatibility forms (ligatures) made plain."""
    if char in _SINGLE:
        return "'"
    if char in _DOUBLE:
        return '"'
    if char in _DASHES:
        return "-"
    if char.isspace():
        return " "
    return unicodedata.normalize("NFKD", char)


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` with typographic variants folded away, and for each folded character the index of the
    character of ``text`` it comes from.

    Runs of white space become one space; a soft hyphen (or ``¬``) and the white space after it vanish;
    curly quotes become straight; dashes become hyphens; ligatures become their letters; every character
    is decomposed (NFKD), so that an accent written as one character or as a letter and a combining mark
    compare equal. The indices are into ``text`` as given.

    >>> fold("l’ef\\ufb01ciëntie")[0] == unicodedata.normalize("NFKD", "l'efficiëntie")
    True
    >>> fold("cafe\\u0301 café")[0].split() == [unicodedata.normalize("NFD", "café")] * 2
    True
    >>> fold("digi¬\\n  taal  —  nu")[0]
    'digitaal - nu'
    """
    out: list[str] = []
    origin: list[int] = []
    index, size = 0, len(text)
    while index < size:
        char = text[index]
        if char in _BREAKS:
            index += 1
            while index < size and text[index].isspace():
                index += 1
            continue
        folded = _fold_char(char)
        if folded == " " and out and out[-1] == " ":
            index += 1
            continue
        for piece in folded:
            out.append(piece)
            origin.append(index)
        index += 1
    return "".join(out), origin


def _fold_quote(quote: str) -> str:
    return fold(quote)[0].strip()


@dataclass(frozen=True)
class Anchor:
    """Where a quote is in its source: the exact characters, and the context that picks them out."""

    start: int
    end: int
    exact: str
    prefix: str = ""
    suffix: str = ""
    line: int = 0
    end_line: int = 0


@dataclass(frozen=True)
class Near:
    """A place in the source close to a quote that did not match, and the first character that differs."""

    line: int
    column: int
    score: float
    text: str
    quoted: str
    found: str

    def describe(self) -> str:
        """One line for a person: where, how close, and what differs."""
        if self.quoted and self.found:
            differs = f"the quote has {_show(self.quoted)} where the source has {_show(self.found)}"
        elif self.quoted:
            differs = f"the quote has {_show(self.quoted)}, which the source lacks there"
        elif self.found:
            differs = f"the source has {_show(self.found)}, which the quote lacks"
        else:
            differs = "the quote runs on past the end of the source"
        return f"line {self.line}, column {self.column} ({self.score:.0%} alike): {differs}; the source reads «{self.text}»"


def _show(char: str) -> str:
    if not char:
        return "nothing (it ends there)"
    return f"{char!r} (U+{ord(char):04X} {unicodedata.name(char, 'unnamed')})"


class QuoteError(ValueError):
    """A quote that does not pick out exactly one place; ``places`` tells a person where to look."""

    def __init__(self, message: str, places: list[str]) -> None:
        super().__init__(message)
        self.places = places


class SourceText:
    """A document's text, folded once, for anchoring many quotes.

    >>> text = SourceText("Wij gaan.\\nWij gaan ’s avonds.\\n")
    >>> a = text.anchor("gaan 's avonds")
    >>> a.exact, a.line
    ('gaan ’s avonds', 2)
    >>> text.anchor("Wij gaan", occurrence=2).prefix
    'Wij gaan.\\n'
    """

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded, self.origin = fold(text)
        self.line_starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def line_of(self, index: int) -> int:
        """The 1-based line of a character index."""
        return bisect.bisect_right(self.line_starts, index)

    def column_of(self, index: int) -> int:
        """The 1-based column of a character index."""
        return index - self.line_starts[self.line_of(index) - 1] + 1

    def spans(self, quote: str) -> list[tuple[int, int]]:
        """Every place (start, end in the source) where ``quote`` matches after folding."""
        needle = _fold_quote(quote)
        if not needle:
            return []
        found, at = [], self.folded.find(needle)
        while at >= 0:
            last = at + len(needle) - 1
            end = self.origin[last] + 1
            found.append((self.origin[at], end))
            at = self.folded.find(needle, at + 1)
        return found

    def count_exact(self, exact: str) -> int:
        """How often ``exact`` occurs in the source, overlapping occurrences included."""
        count, at = 0, self.text.find(exact)
        while at >= 0:
            count += 1
            at = self.text.find(exact, at + 1)
        return count

    def line_count(self) -> int:
        """How many lines the source has (a final line break ends the last line, it starts none)."""
        return self.text.count("\n") + (0 if self.text.endswith("\n") or not self.text else 1)

    def line_span(self, first: int, last: int) -> tuple[int, int]:
        """Where lines ``first`` to ``last`` (1-based, inclusive) are, white space at both ends left out."""
        count = self.line_count()
        if not 1 <= first <= last <= count:
            raise QuoteError(f"lines {first}-{last} are not in the source, which has {count} lines", [])
        start = self.line_starts[first - 1]
        end = self.line_starts[last] if last < len(self.line_starts) else len(self.text)
        piece = self.text[start:end]
        if not piece.strip():
            raise QuoteError(f"lines {first}-{last} are blank", [])
        lead = len(piece) - len(piece.lstrip())
        return start + lead, start + len(piece.rstrip())

    def lines(self, first: int, last: int) -> str:
        """The text of lines ``first`` to ``last`` (1-based, inclusive), white space at both ends removed."""
        start, end = self.line_span(first, last)
        return self.text[start:end]

    def anchor_lines(self, first: int, last: int) -> Anchor:
        """The passage that is lines ``first`` to ``last``, told apart from a repeat of its text elsewhere."""
        start, end = self.line_span(first, last)
        return self._at(start, end)

    def anchor(self, quote: str, occurrence: int | None = None) -> Anchor:
        """The one place ``quote`` picks out; ``occurrence`` (1-based) chooses among repeats.

        Raises :class:`QuoteError` when it matches nothing, or more than once without ``occurrence``.
        """
        spans = self.spans(quote)
        if not spans:
            near = self.nearest_places(quote)
            raise QuoteError(
                f"the quote {_excerpt(quote)} is not in the source, even ignoring quotes, dashes, soft "
                "hyphens, ligatures and line breaks",
                [place.describe() for place in near] or ["no place in the source is alike"],
            )
        if occurrence is None and len(spans) > 1:
            raise QuoteError(
                f"the quote {_excerpt(quote)} occurs {len(spans)} times; say which (occurrence 1 to "
                f"{len(spans)})",
                [
                    f"occurrence {n}: line {self.line_of(s)}, column {self.column_of(s)}"
                    for n, (s, _) in enumerate(spans, 1)
                ],
            )
        if occurrence is not None and not 1 <= occurrence <= len(spans):
            raise QuoteError(
                f"the quote {_excerpt(quote)} occurs {len(spans)} time(s), so there is no occurrence "
                f"{occurrence}",
                [],
            )
        start, end = spans[(occurrence or 1) - 1]
        return self._at(start, end)

    def _at(self, start: int, end: int) -> Anchor:
        """The anchor of the characters ``start`` to ``end``, with context where they repeat."""
        exact = self.text[start:end]
        prefix = suffix = ""
        if self.count_exact(exact) > 1:
            prefix = self.text[max(0, start - CONTEXT) : start]
            suffix = self.text[end : end + CONTEXT]
            if self.count_exact(prefix + exact + suffix) != 1:
                raise QuoteError(f"the quote {_excerpt(exact)} cannot be told apart from its repeats", [])
        return Anchor(start, end, exact, prefix, suffix, self.line_of(start), self.line_of(end - 1))

    def nearest_places(self, quote: str, limit: int = 3) -> list[Near]:
        """The places most like ``quote``, best first, each with the first character that differs."""
        folded, quote_origin = fold(quote)
        lead = len(folded) - len(folded.lstrip())
        needle = folded.strip()
        if not needle:
            return []
        step = max(1, len(needle) // 4)
        scored: list[tuple[float, int]] = []
        for at in self._candidates(needle, step):
            window = self.folded[at : at + len(needle) + step]
            matcher = difflib.SequenceMatcher(None, needle, window, autojunk=False)
            if matcher.real_quick_ratio() > 0.5 and matcher.quick_ratio() > 0.5:
                scored.append((matcher.ratio(), at))
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        places: list[Near] = []
        taken: list[int] = []
        for score, at in scored:
            if score < 0.5 or len(places) == limit:
                break
            if any(abs(at - other) < len(needle) for other in taken):
                continue
            taken.append(at)
            places.append(self._describe(quote, needle, quote_origin[lead:], max(0, at - step), score))
        return places

    def _candidates(self, needle: str, step: int) -> list[int]:
        """Where to compare a quote with the source: every ``step`` characters of a short source; in a long
        one, around each occurrence of the quote's longest words (at most :data:`MAX_WINDOWS` places)."""
        if len(self.folded) // step <= MAX_WINDOWS:
            return list(range(0, max(1, len(self.folded) - len(needle) // 2), step))
        words = sorted({w for w in needle.split() if len(w) > 3}, key=lambda w: (-len(w), w))[:4]
        starts: set[int] = set()
        for word in words:
            offset, at = needle.find(word), self.folded.find(word)
            while at >= 0 and len(starts) < MAX_WINDOWS:
                starts.add(max(0, at - offset - step // 2))
                at = self.folded.find(word, at + 1)
        return sorted(starts)

    def _describe(self, quote: str, needle: str, origin: list[int], at: int, score: float) -> Near:
        """Align ``needle`` with the folded source near ``at`` and name the first character that differs."""
        window = self.folded[at : at + len(needle) + 3 * max(1, len(needle) // 4)]
        blocks = [
            b
            for b in difflib.SequenceMatcher(None, needle, window, autojunk=False).get_matching_blocks()
            if b.size
        ]
        begin = max(0, blocks[0].b - blocks[0].a) if blocks else 0
        aligned = window[begin : begin + len(needle) + max(2, len(needle) // 4)]
        ops = difflib.SequenceMatcher(None, needle, aligned, autojunk=False).get_opcodes()
        differs = next(
            (
                (i1, j1, tag)
                for tag, i1, _, j1, _ in ops
                if tag != "equal" and not (tag == "insert" and i1 == len(needle))
            ),
            (len(needle), len(aligned), "equal"),
        )
        index, offset, tag = differs
        quoted = quote[origin[index]] if index < len(needle) and tag != "insert" else ""
        position = at + begin + offset
        source_index = self.origin[position] if position < len(self.origin) else len(self.text)
        found = self.text[source_index] if source_index < len(self.text) and tag != "delete" else ""
        where = min(source_index, max(0, len(self.text) - 1))
        start = self.origin[min(at + begin, len(self.origin) - 1)]
        return Near(
            line=self.line_of(where),
            column=self.column_of(where),
            score=score,
            text=_excerpt_plain(self.text[start : start + len(needle) + 10]),
            quoted=quoted,
            found=found,
        )


def _excerpt(quote: str, width: int = 60) -> str:
    return f"«{_excerpt_plain(quote, width)}»"


def _excerpt_plain(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1].rstrip() + "…"


def passage_labels(exact: str) -> dict[str, str]:
    """The labels of a passage, in nl and en: its first words in guillemets.

    >>> passage_labels("Een korte zin.")["en"]
    'Passage «Een korte zin.»'
    >>> passage_labels("een twee drie vier vijf zes zeven acht negen")["nl"]
    'Fragment «een twee drie vier vijf zes zeven acht …»'
    """
    words = exact.split()
    shown = " ".join(words[:LABEL_WORDS]) + (" …" if len(words) > LABEL_WORDS else "")
    return {"en": f"Passage «{shown}»", "nl": f"Fragment «{shown}»"}


def explain_quote(text: str, exact: str, prefix: str = "", suffix: str = "") -> list[str]:
    """What a person needs to fix a text quote selector that picks no place, or more than one, in ``text``:
    the nearest places with their line and first differing character, or the lines of every occurrence.

    >>> explain_quote("Een zin.\\nEen zin.\\n", "Een zin.")
    ['occurs at line 1, column 1', 'occurs at line 2, column 1']
    >>> explain_quote("Pijler I telt.\\n", "Pijler l telt.")[0].startswith("nearest: line 1, column 8")
    True
    """
    source = SourceText(text)
    if text.count(prefix + exact + suffix) == 0:
        folded = source.spans(exact)
        if folded:
            return [
                f"matches, ignoring typographic variants, at line {source.line_of(s)}, column "
                f"{source.column_of(s)}: «{_excerpt_plain(text[s:e])}» (policykg anchor writes the exact characters)"
                for s, e in folded
            ]
        return [f"nearest: {place.describe()}" for place in source.nearest_places(exact)]
    at, places = text.find(prefix + exact + suffix), []
    while at >= 0:
        start = at + len(prefix)
        places.append(f"occurs at line {source.line_of(start)}, column {source.column_of(start)}")
        at = text.find(prefix + exact + suffix, at + 1)
    return places
