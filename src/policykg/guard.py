"""Decide what a SPARQL request may do before any engine sees it, with a real parser.

Two steps, both on the query as the engine will read it (https://www.w3.org/TR/sparql11-query/#grammar):

1. :func:`scan` walks the text by the grammar's terminals (strings, IRIs, comments, escapes) and bounds its
   size and the nesting of ``{``, ``(`` and ``[``, so that no parser meets a text deep enough to exhaust its
   stack. It returns a copy of the same length and lines in which comments are blank and the insides of
   strings, of IRIs written with escapes and of escaped names are plain letters: what remains has the same
   structure for any SPARQL parser, whatever it makes of carriage returns in comments or ``\\u`` escapes,
   and an error's line and column are those of the text as written.
2. :func:`inspect_query` parses that copy with RDFLib's SPARQL 1.1 grammar and reports the query form,
   whether it calls ``SERVICE`` (federation, https://www.w3.org/TR/sparql11-federated-query/) and whether it
   is an update (https://www.w3.org/TR/sparql11-update/), which are refused.

>>> inspect_query("SELECT * WHERE {\\n#\\rSERVICE <http://127.0.0.1/> { ?s ?p ?o }\\n}").service
True
>>> inspect_query('SELECT ?from WHERE { ?from ?p "SERVICE"@from } # SERVICE').service
False
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import pyoxigraph as ox

from .errors import EXIT_USAGE, PolicyKGError

MAX_DEPTH = 128
"""Groups, brackets and parentheses a query may nest (the library's deepest query nests 6)."""
MAX_QUERY_BYTES = 1_000_000
"""The longest query text, in UTF-8 bytes."""

_LOCAL_ESCAPES = frozenset("_~.-!$&'()*+,;=/?#@%")
"""Characters a prefixed name may escape with a backslash (PN_LOCAL_ESC)."""
_IRI_FORBIDDEN = frozenset('<>"{}|^`\\')
_OPEN = {"{": "}", "(": ")", "[": "]"}


class QueryRefused(PolicyKGError):
    """A query refused before it runs; ``status`` is the HTTP status an endpoint answers with."""

    def __init__(
        self, message: str, status: int = 400, line: int | None = None, column: int | None = None
    ) -> None:
        super().__init__(message, exit_code=EXIT_USAGE)
        self.status = status
        self.line = line
        self.column = column


@dataclass(frozen=True)
class Verdict:
    """What a query is: its form (``select``, ``ask``, ``construct``, ``describe``) and whether it calls
    SERVICE or names its dataset (FROM, FROM NAMED)."""

    form: str
    service: bool
    dataset: bool

    @property
    def kind(self) -> str:
        """``select``, ``ask`` or ``graph`` (CONSTRUCT and DESCRIBE)."""
        return self.form if self.form in ("select", "ask") else "graph"


def scan(
    text: str,
    max_depth: int = MAX_DEPTH,
    max_bytes: int = MAX_QUERY_BYTES,
    *,
    less_than: bool = False,
) -> str:
    """The query's structure: comments blanked, strings and escaped IRIs replaced; refuses a text longer
    than ``max_bytes``, nested deeper than ``max_depth``, or with more than :data:`MAX_ITEMS` items in
    one pair of parentheses.

    ``<`` starts an IRI where the engine would read one: when what follows up to ``>`` is a valid IRI
    (relative ones too once the query declares a BASE), else it is less-than, as in ``1 <'>'``. With
    ``less_than`` an IRI holding ``#`` or ``'`` is read as less-than followed by code: the other reading
    of such a text, which :func:`check_query` weighs too.

    >>> scan("SELECT ?x { ?x ?p 'a # b' } # SERVICE")
    'SELECT ?x { ?x ?p "sssss" }          '
    >>> scan("SELECT * {" + "{" * 200)
    Traceback (most recent call last):
    policykg.guard.QueryRefused: the query nests groups, brackets or parentheses 129 deep at character 138; at most 128 are allowed
    """
    if len(text) > max_bytes or len(text.encode("utf-8", "surrogatepass")) > max_bytes:
        raise QueryRefused(f"the query is longer than {max_bytes} bytes", status=413)
    out: list[str] = []
    groups: list[list[int]] = []  # per open bracket: [kind, items in it]
    word: list[str] = []
    based = False
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if word and not (c.isalnum() or c == "_"):
            based = based or "".join(word).upper() == "BASE"
            word.clear()
        if c == "#":
            end = i
            while end < n and text[end] not in "\r\n":
                end += 1
            out.append(" " * (end - i))
            i = end
        elif c in "\"'":
            end = _skip_string(text, i)
            out.append(_blank_string(text[i:end]))
            _count(groups, i)
            i = end
        elif c == "<" and (end := _iri_end(text, i, based)) is not None:
            iri = text[i:end]
            if less_than and ("#" in iri or "'" in iri):
                cut = min(p for p in (iri.find("#"), iri.find("'")) if p >= 0)
                out.append("<" + " " * (cut - 1))
                i += cut
                continue
            out.append("<urn:" + "x" * (len(iri) - 6) + ">" if "\\" in iri else iri)
            _count(groups, i)
            i = end
        elif c == "\\" and not less_than:
            if i + 1 < n and text[i + 1] in _LOCAL_ESCAPES:
                out.append("__")
                i += 2
            else:
                raise QueryRefused(
                    f"not valid SPARQL: a backslash outside a string or IRI at character {i + 1}"
                )
        else:
            if c in _OPEN:
                _count(groups, i)
                groups.append([ord(c), 0])
                if len(groups) > max_depth:
                    raise QueryRefused(
                        f"the query nests groups, brackets or parentheses {len(groups)} deep at character "
                        f"{i + 1}; at most {max_depth} are allowed"
                    )
            elif c in "})]":
                if groups:
                    groups.pop()
            elif not c.isspace() and (
                c in _OPERATORS or i == 0 or text[i - 1].isspace() or text[i - 1] in _OPEN
            ):
                _count(groups, i)
            if c.isalnum() or c == "_":
                word.append(c)
            out.append(c)
            i += 1
    return "".join(out)


MAX_ITEMS = 1000
"""Terms and operators one pair of parentheses may hold: the engine parses a long collection or a long
chain of ``||`` or ``+`` by recursion, and 5,000 of them exhaust its stack."""
_OPERATORS = frozenset("|&+-*/=!<>,")


def _count(groups: list[list[int]], at: int) -> None:
    """One more item in the innermost pair of parentheses; refuse past :data:`MAX_ITEMS`."""
    if groups and groups[-1][0] == ord("("):
        groups[-1][1] += 1
        if groups[-1][1] > MAX_ITEMS:
            raise QueryRefused(
                f"the query holds more than {MAX_ITEMS} terms or operators in one pair of parentheses (at "
                f"character {at + 1}): split the list or the expression"
            )


def _skip_string(text: str, start: int) -> int:
    """The index after the string literal that starts at ``start`` (STRING_LITERAL1/2, _LONG1/2); an
    unterminated string runs to the end of the text (the engine reports it)."""
    quote = text[start]
    n = len(text)
    if text.startswith(quote * 3, start):
        i = start + 3
        while i < n:
            if text[i] == "\\":
                i += 2
            elif text.startswith(quote * 3, i):
                return i + 3
            else:
                i += 1
        return n
    i = start + 1
    while i < n:
        if text[i] == "\\":
            i += 2
        elif text[i] == quote or text[i] in "\r\n":
            return i + 1
        else:
            i += 1
    return n


def _blank_string(literal: str) -> str:
    """A string literal with the same delimiters, length and line breaks, its inside plain letters.

    >>> _blank_string("'a b'"), _blank_string("'a")
    ('"sss"', '"s')
    """
    width = 3 if literal.startswith(literal[0] * 3) else 1
    closed = len(literal) >= 2 * width and literal.endswith(literal[0] * width)
    inside = literal[width : len(literal) - width if closed else len(literal)]
    blank = "".join("\n" if ch in "\r\n" else "s" for ch in inside)
    return '"' * width + blank + ('"' * width if closed else "")


def _iri_end(text: str, start: int, based: bool = False) -> int | None:
    """The index after the IRI that starts at ``start``, or None where ``<`` is the less-than operator:
    what follows must have the characters of an IRIREF and be a valid IRI once its escapes are read (any
    IRI reference after a BASE declaration), as the engine decides."""
    i = start + 1
    n = len(text)
    while i < n:
        c = text[i]
        if c == ">":
            break
        if c == "\\" and text.startswith(("\\u", "\\U"), i):
            i += 2
            continue
        if c in _IRI_FORBIDDEN or ord(c) <= 0x20:
            return None
        i += 1
    else:
        return None
    if based:
        return i + 1
    try:
        ox.NamedNode(_unescape(text[start + 1 : i]))
    except ValueError:
        return None
    return i + 1


def _unescape(iri: str) -> str:
    """An IRI's text with its ``\\u`` (four hex digits) and ``\\U`` (eight) escapes read; a bad escape stays as it is."""
    out, i = [], 0
    while i < len(iri):
        width = {"\\u": 4, "\\U": 8}.get(iri[i : i + 2])
        digits = iri[i + 2 : i + 2 + width] if width else ""
        if width and len(digits) == width and all(d in "0123456789abcdefABCDEF" for d in digits):
            code = int(digits, 16)
            out.append(chr(code) if code <= 0x10FFFF else iri[i : i + 2 + width])
            i += 2 + width
        else:
            out.append(iri[i])
            i += 1
    return "".join(out)


def inspect_query(text: str, max_depth: int = MAX_DEPTH, max_bytes: int = MAX_QUERY_BYTES) -> Verdict:
    """The form of a read-only query and what it reaches for; raises :class:`QueryRefused` for an update
    (status 403), a text too long or too deep, or one this check cannot parse.

    >>> inspect_query("PREFIX e: <http://e/> CONSTRUCT { ?s ?p ?o } FROM <urn:g> WHERE { ?s ?p ?o }")
    Verdict(form='construct', service=False, dataset=True)
    >>> inspect_query("DELETE WHERE { ?s ?p ?o }")
    Traceback (most recent call last):
    policykg.guard.QueryRefused: this endpoint is read-only: updates are refused (SELECT, ASK, CONSTRUCT and DESCRIBE are answered)
    """
    return _verdict(scan(text, max_depth, max_bytes))


def _verdict(structure: str) -> Verdict:
    return _inspect_cached(structure) if len(structure) <= _CACHED_UPTO else _inspect(structure)


_CACHED_UPTO = 16_384
"""Verdicts on texts up to this length are remembered (512 of them, 8 MB at most): a parse costs 5–100 ms."""


@lru_cache(maxsize=512)
def _inspect_cached(structure: str) -> Verdict:
    return _inspect(structure)


def _inspect(structure: str) -> Verdict:
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 40 * MAX_DEPTH + 2000))  # the grammar recurses a few dozen calls a level
    try:
        try:
            tree = parseQuery(structure)
        except ParseException as query_error:
            try:
                parseUpdate(structure)
            except ParseException:
                raise QueryRefused(
                    f"not valid SPARQL: line {query_error.lineno}, column {query_error.col}: "
                    f"{_expected(query_error)}",
                    line=query_error.lineno,
                    column=query_error.col,
                ) from None
            raise QueryRefused(
                "this endpoint is read-only: updates are refused (SELECT, ASK, CONSTRUCT and DESCRIBE are "
                "answered)",
                status=403,
            ) from None
    finally:
        sys.setrecursionlimit(limit)
    query = tree[1]
    form = query.name.removesuffix("Query").lower()
    return Verdict(
        form=form, service=_contains(query, "ServiceGraphPattern"), dataset="datasetClause" in query
    )


def _contains(node: Any, name: str) -> bool:
    """Whether a parse tree holds a node called ``name`` (iteratively: a deep tree is no risk here)."""
    stack = [node]
    while stack:
        item = stack.pop()
        if getattr(item, "name", None) == name:
            return True
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, (list, tuple)) or type(item).__name__ == "ParseResults":
            stack.extend(list(item))
    return False


def _expected(error: Any) -> str:
    """What the grammar expected where a parse stopped, without the parser's own position notes."""
    found = error.line[error.col - 1 : error.col + 19].split()
    return f"{error.msg}, found {found[0]!r}" if found else f"{error.msg}, found the end of the query"


def check_query(text: str, *, allow_service: bool = False, **limits: int) -> str:
    """Refuse a query that is too long or too deep, or that calls SERVICE (unless ``allow_service``);
    returns its structure (:func:`scan`).

    The word can only be a keyword where the structure spells it, outside comments, strings and IRIs: a
    query whose structure never spells it is let through without a parse, any other is parsed. Where an
    IRI holding ``#`` or ``'`` could also be read as less-than (the engine decides by context), the other
    reading must not spell the word more often.

    >>> check_query("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    Traceback (most recent call last):
    policykg.guard.QueryRefused: SERVICE is not allowed: the query would fetch from another endpoint over the network
    >>> check_query("SELECT ?service { ?service a ?type }", allow_service=False)
    'SELECT ?service { ?service a ?type }'
    """
    structure = scan(text, **limits)
    if allow_service:
        return structure
    lowered = text.lower()
    if "service" not in lowered and "\\u" not in lowered:
        # no reading can spell the keyword: without a \u or \U escape it must be written out
        return structure
    spelled = structure.lower().count("service")
    if spelled and _verdict(structure).service:
        raise QueryRefused(
            "SERVICE is not allowed: the query would fetch from another endpoint over the network"
        )
    if scan(text, **limits, less_than=True).lower().count("service") > spelled:
        raise QueryRefused(
            "SERVICE is not allowed, and this query may call it: an IRI in it holding # or ' can also be "
            "read as less-than; write less-than with spaces around it, or the IRI with a prefix"
        )
    return structure


def is_update(text: str) -> bool:
    """Whether a text the query parser refused is a SPARQL Update, so that it is refused as such (403).

    >>> is_update("PREFIX e: <http://e/> INSERT DATA { e:a e:b e:c }"), is_update("SELECT * {")
    (True, False)
    """
    try:
        inspect_query(text)
    except QueryRefused as refused:
        return refused.status == 403
    return False
