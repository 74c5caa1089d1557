"""Show query answers to people: a table with each IRI's label beside it, fitted to the terminal.

Machine formats (the W3C SPARQL results formats and RDF) come straight from the engines in
:mod:`policykg.query`; this module only renders for reading, with the labels that
:mod:`policykg.labels` looks up.

The table shows every IRI compactly and its label once, in a column beside it: the query's own label
column where it projects one (``?x`` with ``?xLabel``, ``?x_label``, or a column holding the labels of
``?x``'s values), else a column the table adds (``x (label)``). With a language asked for, every label
column is in it: a label of the query's in another language is looked up again in that one.
"""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
from collections.abc import Iterable

import pyoxigraph as ox

from .escape import printable
from .labels import Term, fetch_labels, lang_matches, literal_key, pick_label, translate_labels
from .namespaces import shorten
from .query import Answer, Engine, binding

FIT_STEPS = (("iri", 20), ("text", 20))
"""How a table narrows: IRI columns to 20 characters, then the others (labels, values) to 20; the
widest of them first at each step. An answer that does not fit then is shown as
records, one line per value."""

_LABEL_NAME = re.compile(r"^(.*?)_?[Ll]abel$")


def _columns_of(answer: Answer, kind: str) -> list[str]:
    """The variables bound to a term of ``kind`` in some row (``uri``) or in every row that binds them
    (``literal``)."""
    if kind == "uri":
        return [v for v in answer.variables if any(_is(row.get(v), "uri") for row in answer.rows)]
    return [
        v
        for v in answer.variables
        if any(row.get(v) for row in answer.rows)
        and all(_is(row.get(v), "literal") for row in answer.rows if row.get(v))
    ]


def _is(term: Term | None, kind: str) -> bool:
    if term is None:
        return False
    if kind == "literal":
        return term["type"] in ("literal", "typed-literal")
    return term["type"] == kind


def _labels_column(answer: Answer, column: str, iri_column: str, labels: dict[str, list[Term]]) -> bool:
    """Whether, in every row that binds both, ``column`` holds a label of ``iri_column``'s value."""
    both = [row for row in answer.rows if row.get(column) and _is(row.get(iri_column), "uri")]
    return bool(both) and all(
        literal_key(row[column]) in {literal_key(t) for t in labels.get(row[iri_column]["value"], [])}
        for row in both
    )


def pair_label_columns(answer: Answer, labels: dict[str, list[Term]]) -> dict[str, str | None]:
    """The label columns of a SELECT answer, each with the IRI column it labels, or None when the query
    did not project that IRI.

    A literal column labels an IRI column when its name is the IRI column's with ``Label`` or ``_label``
    after it, or else when it holds a label of the IRI column's value in every row that binds both. A
    literal column named so without its IRI column is a label column of its own. An IRI column has at
    most one label column.
    """
    iri_columns = _columns_of(answer, "uri")
    literal_columns = _columns_of(answer, "literal")
    pairs: dict[str, str | None] = {}
    for column in literal_columns:
        named = _LABEL_NAME.match(column)
        if named and named.group(1) in iri_columns and named.group(1) not in pairs.values():
            pairs[column] = named.group(1)
    for column in literal_columns:
        if column in pairs:
            continue
        for iri_column in iri_columns:
            if iri_column not in pairs.values() and _labels_column(answer, column, iri_column, labels):
                pairs[column] = iri_column
                break
        else:
            if _LABEL_NAME.match(column):
                pairs[column] = None
    return pairs


def graph_as_rows(answer: Answer) -> Answer:
    """A CONSTRUCT or DESCRIBE answer as a table of subject, predicate and object."""
    triples = ox.parse("\n".join(answer.triples).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES)
    rows = [
        {"subject": binding(t.subject), "predicate": binding(t.predicate), "object": binding(t.object)}
        for t in triples
    ]
    return Answer("select", ["subject", "predicate", "object"], rows)


def label_answer(engine: Engine, answer: Answer, lang: str | None = None) -> Answer:
    """The answer as the table shows it: each IRI column followed by its label column, the query's own
    (see :func:`pair_label_columns`) or one added and named ``x (label)``.

    With ``lang``, every label is in that language where the resource has one in it: a label of the
    query's in another language is looked up again, through the IRI beside it, or where the query
    projects none, through the resources that bear that label (see :func:`policykg.labels.translate_labels`); one with no
    label in ``lang`` stays as it is. Without, the query's labels stay as they are and the added ones
    are in English."""
    if answer.kind == "ask":
        return answer
    if answer.kind == "graph":
        answer = graph_as_rows(answer)
    labels = fetch_labels(engine, answer_iris(answer))
    pairs = pair_label_columns(answer, labels)
    relabel, lang = lang is not None, lang or "en"
    tagged = [
        c
        for c in _columns_of(answer, "literal")
        if c not in pairs and all(row[c].get("xml:lang") for row in answer.rows if row.get(c))
    ]
    unpaired = [c for c, iri_column in pairs.items() if iri_column is None] + tagged if relabel else []
    strays = {
        c: {
            literal_key(row[c])
            for row in answer.rows
            if row.get(c) and not lang_matches(row[c].get("xml:lang", ""), lang)
        }
        for c in unpaired
    }
    translations = {}
    if any(strays.values()):
        translations = translate_labels(engine, strays, labels, lang, only_labels=set(tagged))

    by_iri = {iri_column: c for c, iri_column in pairs.items() if iri_column is not None}
    layout: list[tuple[str, str, str]] = []  # (header, what the cell holds, the variable it starts from)
    for v in answer.variables:
        if pairs.get(v) is None:
            layout.append((v, "label" if v in unpaired else "value", v))
        if v in by_iri:
            layout.append((by_iri[v], "own", v))
        elif v not in pairs and any(
            _is(row.get(v), "uri") and row[v]["value"] in labels for row in answer.rows
        ):
            layout.append((f"{v} (label)", "added", v))

    def cell(row: dict[str, Term], header: str, holds: str, v: str) -> Term | None:
        iri = row.get(v) if _is(row.get(v), "uri") else None
        if holds == "value":
            return row.get(v)
        if holds == "added":
            return pick_label(labels.get(iri["value"], []), lang) if iri else None
        term = row.get(header)
        if term is None or not relabel or lang_matches(term.get("xml:lang", ""), lang):
            return term
        if holds == "label":
            return translations.get(header, {}).get(literal_key(term), term)
        return (pick_label(labels.get(iri["value"], []), lang, strict=True) if iri else None) or term

    rows = []
    for row in answer.rows:
        cells = {header: cell(row, header, holds, v) for header, holds, v in layout}
        rows.append({header: term for header, term in cells.items() if term is not None})
    return Answer("select", [header for header, _, _ in layout], rows)


def compact_iri(iri: str) -> str:
    """An IRI as a prefixed name where a known prefix fits, else whole.

    >>> compact_iri("https://w3id.org/policykg/id/kernboodschap-digitalisering/priority/digitale-veiligheid")
    'id:kernboodschap-digitalisering/priority/digitale-veiligheid'
    >>> compact_iri("https://w3id.org/policykg/def#Law"), compact_iri("https://example.org/x")
    ('pkg:Law', 'https://example.org/x')
    """
    short = shorten(iri)
    return iri if short.startswith("<") else short


def render_cell(term: Term | None) -> str:
    """One value for reading: an IRI compactly, a literal as its text; control characters from the data
    (a terminal would act on them) are shown as ``\\u`` and four hex digits.

    >>> render_cell({"type": "literal", "value": "a\\x1b[31mb\\nc"})
    'a\\\\u001b[31mb c'
    """
    if term is None:
        return ""
    if term["type"] == "uri":
        return printable(compact_iri(term["value"]))
    if term["type"] == "bnode":
        return "_:" + printable(term["value"])
    return printable(term["value"].replace("\n", " ").replace("\t", " "))


def clip(cell: str, width: int, *, middle: bool = False) -> str:
    """A cell cut to ``width`` with a mark: at its end, or for an IRI in the middle, keeping its prefix
    and its last part.

    >>> clip("Digital Services Act", 10), clip("id:kernboodschap-digitalisering/intervention/promote", 20, middle=True)
    ('Digital S…', 'id:…/promote')
    """
    if len(cell) <= width:
        return cell
    if not middle or width < 8:
        return cell[: width - 1] + "…"
    colon = cell.find(":")
    head = cell[: colon + 1] if 0 < colon < width // 3 else ""
    tail = cell[len(cell) - (width - len(head) - 1) :]
    boundary = max(tail.find("/"), tail.find("#"))
    return head + "…" + (tail[boundary:] if boundary > 0 else tail)


def fit(widths: list[int], total: int, iri_columns: Iterable[int] = ()) -> list[int]:
    """Shrink the widest columns until the row fits ``total`` characters (2 between columns), step by
    step as :data:`FIT_STEPS` says: the IRI columns give way before the labels people read.

    >>> fit([10, 50, 5], 40), fit([30, 30], 50, iri_columns=[1]), fit([30, 30], 30, iri_columns=[1])
    ([10, 21, 5], [28, 20], [20, 20])
    """
    widths = list(widths)
    budget = total - 2 * (len(widths) - 1)
    iri = set(iri_columns)
    groups = {"iri": sorted(iri), "text": [i for i in range(len(widths)) if i not in iri]}
    for group, floor in FIT_STEPS:
        shrinkable = groups[group]
        while sum(widths) > budget and shrinkable and max(widths[i] for i in shrinkable) > floor:
            widest = max(shrinkable, key=lambda i: (widths[i], -i))
            widths[widest] -= 1
    return widths


def format_table(answer: Answer, width: int | None = None) -> str:
    """The answer as an aligned text table that fits ``width`` columns; IRIs compactly, with no labels
    added (:func:`label_answer` adds them).

    Without ``width`` it fits the terminal when writing to one, and keeps every value whole otherwise.
    """
    if answer.kind == "ask":
        return "yes" if answer.boolean else "no"
    if answer.kind == "graph":
        answer = graph_as_rows(answer)
    header = answer.variables
    iri_columns = {i for i, v in enumerate(header) if any(_is(row.get(v), "uri") for row in answer.rows)}
    rows = [[render_cell(row.get(v)) for v in header] for row in answer.rows]
    natural = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    if width is None and sys.stdout.isatty():
        width = shutil.get_terminal_size((120, 24)).columns
    widths = fit(natural, width, iri_columns) if width else natural
    if width and sum(widths) + 2 * (len(widths) - 1) > width:
        return format_records(header, rows, width)

    def line(cells: list[str], *, body: bool = True) -> str:
        out = [
            clip(c, w, middle=body and i in iri_columns)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ]
        return "  ".join(c.ljust(w) for c, w in zip(out, widths, strict=True)).rstrip()

    lines = [line(header, body=False), "  ".join("─" * w for w in widths)]
    lines += [line(r) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def format_records(header: list[str], rows: list[list[str]], width: int) -> str:
    """Rows too wide for a table, each as a record: a rule with its number, then one line per value
    beside its column's name, long values wrapped.

    >>> print(format_records(["a", "b (label)"], [["x", "one two three four five six seven"]], 30))
    ── 1 ─────────────────────────
    a          x
    b (label)  one two three four
               five six seven
    (1 row)
    """
    names = max(len(h) for h in header)
    room = max(width - names - 2, 16)
    lines = []
    for number, cells in enumerate(rows, start=1):
        lines.append(f"── {number} ".ljust(width, "─"))
        for name, cell in zip(header, cells, strict=True):
            parts = textwrap.wrap(cell, room, break_on_hyphens=False) or [""]
            lines += [f"{name if i == 0 else '':<{names}}  {part}".rstrip() for i, part in enumerate(parts)]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def answer_iris(answer: Answer) -> set[str]:
    """Every IRI in the rows of an answer, to look up labels for."""
    return {t["value"] for row in answer.rows for t in row.values() if _is(t, "uri")}
