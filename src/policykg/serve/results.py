"""Answers in the W3C formats, cut at a row cap: SPARQL 1.1 Query Results JSON
(https://www.w3.org/TR/sparql11-results-json/), XML (https://www.w3.org/TR/rdf-sparql-XMLres/), CSV and TSV
(https://www.w3.org/TR/sparql11-results-csv-tsv/); graphs in every RDF syntax Oxigraph writes."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from ..namespaces import RDF_PREFIXES
from ..query import binding

SOLUTIONS = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
"""Media types of SELECT and ASK answers, the preferred first."""
GRAPHS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/ld+json": ox.RdfFormat.JSON_LD,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "text/n3": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "application/json": ox.RdfFormat.JSON_LD,
    "application/xml": ox.RdfFormat.RDF_XML,
}
"""Media types of RDF (CONSTRUCT and DESCRIBE answers, resource data), the preferred first; the last five
are other names clients use for the same syntaxes."""
SENT_AS = {"text/n3": "text/turtle", "application/x-turtle": "text/turtle"}
"""Media types answered under their registered name (Turtle is the subset of N3 this server writes)."""
CHARSET = ("text/", "application/sparql-results+xml", "application/xml")


def content_type(media: str) -> str:
    """The Content-Type header of a media type: text is UTF-8, and says so.

    >>> content_type("text/csv"), content_type("application/n-triples")
    ('text/csv; charset=utf-8', 'application/n-triples')
    """
    media = SENT_AS.get(media, media)
    return f"{media}; charset=utf-8" if media.startswith(CHARSET) else media


def render_graph(
    triples: Iterable[ox.Triple], media: str, max_rows: int, max_bytes: int = 1 << 62
) -> tuple[bytes, bool]:
    """Triples in the syntax of ``media``, at most ``max_rows`` of them and about ``max_bytes`` of text,
    and whether any were left out."""
    kept: list[ox.Triple] = []
    truncated = False
    size = 0
    for triple in triples:
        size += len(str(triple))
        if len(kept) >= max_rows or size > max_bytes:
            truncated = True
            break
        kept.append(triple)
    fmt = GRAPHS[media]
    prefixes = RDF_PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML) else None
    return ox.serialize(kept, format=fmt, prefixes=prefixes) or b"", truncated


def render_solutions(
    result: ox.QuerySolutions | ox.QueryBoolean, media: str, max_rows: int, max_bytes: int = 1 << 62
) -> tuple[bytes, bool]:
    """A SELECT or ASK answer in the format of ``media``, at most ``max_rows`` rows and about
    ``max_bytes`` of text, and whether any were left out."""
    fmt = SOLUTIONS[media]
    if isinstance(result, ox.QueryBoolean):
        return render_boolean(bool(result), fmt), False
    variables = [v.value for v in result.variables]
    rows: list[dict[str, dict[str, str]]] = []
    truncated = False
    size = 0
    for solution in result:
        row = {v: binding(solution[v]) for v in variables if solution[v] is not None}
        size += sum(len(t["value"]) + 40 for t in row.values())
        if len(rows) >= max_rows or size > max_bytes:
            truncated = True
            break
        rows.append(row)
    return render_rows(variables, rows, fmt), truncated


def render_boolean(value: bool, fmt: str) -> bytes:
    """An ASK answer.

    >>> render_boolean(True, "json"), render_boolean(False, "csv")
    (b'{"head": {}, "boolean": true}', b'_askResult\\r\\nfalse\\r\\n')
    """
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if fmt == "xml":
        word = "true" if value else "false"
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n'
            f"<head></head>\n<boolean>{word}</boolean>\n</sparql>\n"
        ).encode()
    separator = "\r\n" if fmt == "csv" else "\n"
    name = "_askResult" if fmt == "csv" else "?_askResult"
    return f"{name}{separator}{'true' if value else 'false'}{separator}".encode()


def render_rows(variables: list[str], rows: list[dict[str, dict[str, str]]], fmt: str) -> bytes:
    """SELECT rows (SPARQL JSON bindings; an unbound variable is absent) in a results format.

    >>> rows = [{"x": {"type": "literal", "value": "€ 1"}}, {}]
    >>> render_rows(["x", "y"], rows, "csv").decode()
    'x,y\\r\\n€ 1,\\r\\n,\\r\\n'
    """
    if fmt == "json":
        return json.dumps(
            {"head": {"vars": variables}, "results": {"bindings": rows}}, ensure_ascii=False
        ).encode()
    if fmt == "xml":
        return _xml(variables, rows).encode()
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        for row in rows:
            writer.writerow([_csv(row.get(v)) for v in variables])
        return buffer.getvalue().encode()
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join(_tsv(row.get(v)) for v in variables) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _csv(term: dict[str, str] | None) -> str:
    if term is None:
        return ""
    return "_:" + term["value"] if term["type"] == "bnode" else term["value"]


def _tsv(term: dict[str, str] | None) -> str:
    if term is None:
        return ""
    if term["type"] == "uri":
        return f"<{term['value']}>"
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    value = term["value"].replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    value = value.replace("\r", "\\r")
    if "xml:lang" in term:
        return f'"{value}"@{term["xml:lang"]}'
    if "datatype" in term:
        return f'"{value}"^^<{term["datatype"]}>'
    return f'"{value}"'


_NOT_XML = {c: "\ufffd" for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF]}
"""Characters XML 1.0 cannot carry (https://www.w3.org/TR/xml/#charsets), written as U+FFFD."""


def _x(text: str) -> str:
    return xml_escape(text.translate(_NOT_XML))


def _xml(variables: list[str], rows: list[dict[str, dict[str, str]]]) -> str:
    out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in variables] + ["</head>", "<results>"]
    for row in rows:
        out.append("<result>")
        for name, term in row.items():
            if term["type"] == "uri":
                inner = f"<uri>{_x(term['value'])}</uri>"
            elif term["type"] == "bnode":
                inner = f"<bnode>{_x(term['value'])}</bnode>"
            else:
                attrs = ""
                if "xml:lang" in term:
                    attrs = f" xml:lang={quoteattr(term['xml:lang'])}"
                elif "datatype" in term:
                    attrs = f" datatype={quoteattr(term['datatype'])}"
                inner = f"<literal{attrs}>{_x(term['value'])}</literal>"
            out.append(f"<binding name={quoteattr(name)}>{inner}</binding>")
        out.append("</result>")
    out += ["</results>", "</sparql>"]
    return "\n".join(out) + "\n"
