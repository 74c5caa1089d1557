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
    return unicodedata.normalize("NFKC", char)


def fold(text: str) -> tuple[str, list[int]]:
    """``text`` with typographic variants folded away, and for each folded character the index of the
    character of ``text`` it comes from.

    Runs of white space become one space; a soft hyphen (or ``¬``) and the white space after it vanish;
    curly quotes become straight; dashes become hyphens; ligatures become their letters.

    >>> fold("l’ef\\ufb01ciëntie")[0]
    "l'efficiëntie"
    >>> fold("digi¬\\n  taal  —  nu")[0]
    'digitaal - nu'
    """
    text = unicodedata.normalize("NFC", text)
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
        return (
            f"line {self.line}, column {self.column} ({self.score:.0%} alike): the quote has {_show(self.quoted)}"
            f" where the source has {_show(self.found)}; the source reads «{self.text}»"
        )


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

    def lines(self, first: int, last: int) -> str:
        """The text of lines ``first`` to ``last`` (1-based, inclusive), white space at both ends removed."""
        if not 1 <= first <= last <= len(self.line_starts):
            raise QuoteError(
                f"lines {first}-{last} are not in the source, which has {len(self.line_starts)} lines", []
            )
        end = self.line_starts[last] if last < len(self.line_starts) else len(self.text)
        return self.text[self.line_starts[first - 1] : end].strip()

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
        exact = self.text[start:end]
        prefix = suffix = ""
        if self.count_exact(exact) > 1:
            prefix = self.text[max(0, start - CONTEXT) : start]
            suffix = self.text[end : end + CONTEXT]
            if self.count_exact(prefix + exact + suffix) != 1:
                raise QuoteError(f"the quote {_excerpt(quote)} cannot be told apart from its repeats", [])
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
        for at in range(0, max(1, len(self.folded) - len(needle) // 2), step):
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

    def _describe(self, quote: str, needle: str, origin: list[int], at: int, score: float) -> Near:
        """Align ``needle`` with the folded source from ``at`` and name the first character that differs."""
        window = self.folded[at : at + len(needle) + 3 * max(1, len(needle) // 4)]
        ops = difflib.SequenceMatcher(None, needle, window, autojunk=False).get_opcodes()
        begin = ops[0][4] if ops and ops[0][0] == "insert" else 0
        differs = next(
            (
                (i1, j1)
                for tag, i1, _, j1, _ in ops
                if tag != "equal" and 0 < i1 < len(needle) or tag in ("replace", "delete")
            ),
            (len(needle), len(window)),
        )
        quoted = quote[origin[differs[0]]] if differs[0] < len(needle) else ""
        where = min(at + differs[1], len(self.origin) - 1)
        source_index = self.origin[where] if at + differs[1] < len(self.origin) else len(self.text)
        found = self.text[source_index] if source_index < len(self.text) else ""
        start = self.origin[min(at + begin, len(self.origin) - 1)]
        return Near(
            line=self.line_of(min(source_index, len(self.text) - 1)),
            column=self.column_of(min(source_index, len(self.text) - 1)),
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
