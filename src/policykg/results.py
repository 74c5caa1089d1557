"""Show query answers to people: a table that puts labels beside IRIs and fits the terminal.

Machine formats (the W3C SPARQL results formats and RDF) come straight from the engines in
:mod:`policykg.query`; this module only renders for reading.
"""

from __future__ import annotations

import shutil
import sys

from .escape import printable
from .namespaces import PREFIXES, shorten
from .query import Answer, Engine

LABEL = "http://www.w3.org/2000/01/rdf-schema#label"


def fetch_labels(engine: Engine, iris: set[str], lang: str = "en") -> dict[str, str]:
    """Labels of the given IRIs in ``lang`` (else Dutch, else any), asked of the same engine."""
    labels: dict[str, dict[str, str]] = {}
    ordered = sorted(iris)
    for start in range(0, len(ordered), 200):
        values = " ".join(f"<{iri}>" for iri in ordered[start : start + 200])
        answer = engine.answer(f"SELECT ?s ?l WHERE {{ VALUES ?s {{ {values} }} ?s <{LABEL}> ?l }}")
        for row in answer.rows:
            labels.setdefault(row["s"]["value"], {})[row["l"].get("xml:lang", "")] = row["l"]["value"]
    return {
        iri: by_lang.get(lang) or by_lang.get("nl") or next(iter(by_lang.values()))
        for iri, by_lang in labels.items()
    }


def compact_iri(iri: str) -> str:
    """A short form of an IRI for a table: a prefixed name, with long instance paths cut to their end.

    >>> compact_iri("https://w3id.org/policykg/id/kernboodschap-digitalisering/priority/digitale-veiligheid")
    '…/priority/digitale-veiligheid'
    >>> compact_iri("https://w3id.org/policykg/def#Law")
    'pkg:Law'
    """
    if iri.startswith(PREFIXES["id"]):
        parts = iri[len(PREFIXES["id"]) :].split("/")
        return ("…/" if len(parts) > 2 else "id:") + "/".join(parts[-2:])
    return shorten(iri).strip("<>") if not shorten(iri).startswith("<") else iri


def render_cell(term: dict[str, str] | None, labels: dict[str, str]) -> str:
    """One value for reading: a label beside its IRI, a literal as its text; control characters from the
    data (a terminal would act on them) are shown as ``\\u`` and four hex digits.

    >>> render_cell({"type": "literal", "value": "a\\x1b[31mb\\nc"}, {})
    'a\\\\u001b[31mb c'
    """
    if term is None:
        return ""
    if term["type"] == "uri":
        label = labels.get(term["value"])
        short = compact_iri(term["value"])
        return printable(f"{label} ‹{short}›" if label else short)
    if term["type"] == "bnode":
        return "_:" + term["value"]
    return printable(term["value"].replace("\n", " ").replace("\t", " "))


def fit(widths: list[int], total: int) -> list[int]:
    """Shrink the widest columns until the row fits ``total`` characters (2 between columns).

    >>> fit([10, 50, 5], 40)
    [10, 21, 5]
    """
    widths = list(widths)
    budget = total - 2 * (len(widths) - 1)
    while sum(widths) > budget and max(widths) > 8:
        widest = widths.index(max(widths))
        widths[widest] -= 1
    return widths


def format_table(answer: Answer, labels: dict[str, str] | None = None, width: int | None = None) -> str:
    """The answer as an aligned text table that fits ``width`` columns.

    Without ``width`` it fits the terminal when writing to one, and keeps every value whole otherwise.
    """
    labels = labels or {}
    if answer.kind == "ask":
        return "yes" if answer.boolean else "no"
    if answer.kind == "graph":
        header = ["subject", "predicate", "object"]
        body = [line.rstrip(" .").split(" ", 2) for line in answer.triples]
        rows = [[_nt_cell(part, labels) for part in triple] for triple in body]
    else:
        header = answer.variables
        rows = [[render_cell(row.get(v), labels) for v in header] for row in answer.rows]
    natural = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(header)]
    if width is None and sys.stdout.isatty():
        width = shutil.get_terminal_size((120, 24)).columns
    widths = fit(natural, width) if width else natural

    def line(cells: list[str]) -> str:
        out = []
        for cell, w in zip(cells, widths, strict=True):
            out.append(cell if len(cell) <= w else cell[: w - 1] + "…")
        return "  ".join(c.ljust(w) for c, w in zip(out, widths, strict=True)).rstrip()

    lines = [line(header), "  ".join("─" * w for w in widths)]
    lines += [line(r) for r in rows]
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(lines)


def _nt_cell(term: str, labels: dict[str, str]) -> str:
    if term.startswith("<") and term.endswith(">"):
        return render_cell({"type": "uri", "value": term[1:-1]}, labels)
    return term


def answer_iris(answer: Answer) -> set[str]:
    """Every IRI in an answer, to look up labels for."""
    iris = set()
    for row in answer.rows:
        iris.update(t["value"] for t in row.values() if t and t["type"] == "uri")
    for line in answer.triples:
        iris.update(part[1:-1] for part in line.split(" ") if part.startswith("<") and part.endswith(">"))
    return iris
