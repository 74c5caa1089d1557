"""Run SPARQL 1.1 queries (https://www.w3.org/TR/sparql11-query/) on the embedded store or any endpoint.

Both engines answer in the W3C result formats: SPARQL 1.1 Query Results JSON, XML, CSV and TSV for SELECT
and ASK, and RDF (Turtle, N-Triples) for CONSTRUCT and DESCRIBE. The endpoint engine speaks the SPARQL 1.1
Protocol (https://www.w3.org/TR/sparql11-protocol/) through SPARQLWrapper. Updates are refused.
"""

from __future__ import annotations

import contextlib
import difflib
import json
import re
import socket
import urllib.error
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import pyoxigraph as ox

from .errors import EXIT_USAGE, PolicyKGError, Problem
from .escape import printable
from .guard import QueryRefused, check_query, inspect_query, is_update
from .library import QueryFile, format_term, list_queries, read_query, syntax_problem
from .namespaces import RDF_PREFIXES, sparql_prologue
from .project import Project

RESULT_FORMATS = {
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "csv": ("text/csv", ox.QueryResultsFormat.CSV),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
}
GRAPH_FORMATS = {
    "turtle": ("text/turtle", ox.RdfFormat.TURTLE),
    "ntriples": ("application/n-triples", ox.RdfFormat.N_TRIPLES),
}
_HTTP_CODES = {
    "QueryBadFormed": 400,
    "Unauthorized": 401,
    "EndPointNotFound": 404,
    "URITooLong": 414,
    "EndPointInternalError": 500,
}
"""The HTTP status behind each SPARQLWrapper exception."""


@dataclass
class Answer:
    """A query's answer: ``kind`` is ``select``, ``ask`` or ``graph``.

    A SELECT answer has ``variables`` and ``rows`` of SPARQL JSON terms (``{"type", "value", "xml:lang",
    "datatype"}``); an ASK answer has ``boolean``; a graph answer has ``triples`` as N-Triples lines.
    """

    kind: str
    variables: list[str] = field(default_factory=list)
    rows: list[dict[str, dict[str, str]]] = field(default_factory=list)
    boolean: bool | None = None
    triples: list[str] = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Answer:
        """An answer from SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/)."""
        if "boolean" in data:
            return cls("ask", boolean=bool(data["boolean"]))
        return cls("select", list(data["head"].get("vars", [])), list(data["results"]["bindings"]))

    def to_json(self) -> dict[str, Any]:
        """The answer as SPARQL 1.1 Query Results JSON."""
        if self.kind == "ask":
            return {"head": {}, "boolean": self.boolean}
        return {"head": {"vars": self.variables}, "results": {"bindings": self.rows}}


def binding(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple) -> dict[str, str]:
    """A term as a binding of SPARQL 1.1 Query Results JSON (https://www.w3.org/TR/sparql11-results-json/).

    >>> binding(ox.Literal("3", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))
    {'type': 'literal', 'value': '3', 'datatype': 'http://www.w3.org/2001/XMLSchema#integer'}
    >>> binding(ox.Literal("wet", language="nl")), binding(ox.NamedNode("http://e/x"))
    ({'type': 'literal', 'value': 'wet', 'xml:lang': 'nl'}, {'type': 'uri', 'value': 'http://e/x'})
    """
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        if term.language:
            return {"type": "literal", "value": term.value, "xml:lang": term.language}
        if term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
            return {"type": "literal", "value": term.value, "datatype": term.datatype.value}
        return {"type": "literal", "value": term.value}
    return {"type": "triple", "value": str(term)}


class Engine(Protocol):
    """Something that runs SPARQL: the embedded store or a remote endpoint."""

    def answer(self, sparql: str) -> Answer: ...

    def serialize(self, sparql: str, fmt: str) -> bytes: ...


def refuse(sparql: str, where: str, prologue_lines: int = 0, *, allow_service: bool = False) -> None:
    """Raise for a query that may not run here: too long or too deep to parse safely, or calling SERVICE
    (federation reaches the network) unless ``allow_service``; see :mod:`policykg.guard`."""
    try:
        check_query(sparql, allow_service=allow_service)
    except QueryRefused as refused:
        if "SERVICE" in str(refused):
            raise PolicyKGError(
                f"{where}: SERVICE is refused: the query would fetch from another endpoint over the network; "
                "pass --allow-service to let it",
                exit_code=EXIT_USAGE,
            ) from None
        raise PolicyKGError(f"{where}: {refused}", exit_code=EXIT_USAGE) from None


def refuse_update(sparql: str, error: SyntaxError, where: str, prologue_lines: int = 0) -> PolicyKGError:
    """The error for a text the query parser refused: an update is refused as such, anything else is a
    syntax error with its line and column.

    >>> print(refuse_update("DELETE WHERE { ?s ?p ?o }", SyntaxError("x"), "q.rq"))
    updates are refused: policykg query runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE)
    """
    if is_update(sparql):
        return PolicyKGError(
            "updates are refused: policykg query runs read-only queries (SELECT, ASK, CONSTRUCT, DESCRIBE)",
            exit_code=EXIT_USAGE,
        )
    return syntax_error(where, error, prologue_lines)


def query_form_of(sparql: str) -> str:
    """The query form keyword: SELECT, ASK, CONSTRUCT or DESCRIBE, as the SPARQL grammar reads it.

    >>> query_form_of("# description: what to address\\nPREFIX e: <http://e/#> ASK { ?s ?p ?o }")
    'ASK'
    """
    try:
        return inspect_query(sparql).form.upper()
    except QueryRefused:
        return "SELECT"


def query_form(sparql: str) -> str:
    """``select``, ``ask`` or ``graph``, from the first query keyword after the prologue.

    >>> query_form("PREFIX e: <http://e/> CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
    'graph'
    """
    return {"SELECT": "select", "ASK": "ask"}.get(query_form_of(sparql), "graph")


class EmbeddedEngine:
    """Queries on an Oxigraph store in this process, over the union of its graphs."""

    def __init__(
        self, store: ox.Store, where: str = "query", prologue_lines: int = 0, *, allow_service: bool = False
    ) -> None:
        self.store = store
        self.where = where
        self.prologue_lines = prologue_lines
        self.allow_service = allow_service

    def _run(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        refuse(sparql, self.where, self.prologue_lines, allow_service=self.allow_service)
        try:
            return self.store.query(sparql, use_default_graph_as_union=True)
        except SyntaxError as error:
            raise refuse_update(sparql, error, self.where, self.prologue_lines) from None

    def answer(self, sparql: str) -> Answer:
        with self._running():
            return self._answer(self._run(sparql))

    @contextlib.contextmanager
    def _running(self) -> Iterator[None]:
        """An error while the engine evaluates (a SERVICE that answered badly, a store that failed) as one
        line naming the query."""
        try:
            yield
        except (RuntimeError, OSError) as error:
            reason = (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
            raise PolicyKGError(f"{self.where}: the query failed while it ran: {reason}") from None

    def _answer(self, result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples) -> Answer:
        if isinstance(result, ox.QueryTriples):
            lines = ox.serialize(result, format=ox.RdfFormat.N_TRIPLES).decode("utf-8").splitlines()
            return Answer("graph", triples=lines)
        return Answer.from_json(json.loads(result.serialize(format=ox.QueryResultsFormat.JSON)))

    def answer_first(self, sparql: str, rows: int) -> tuple[Answer, int]:
        """The first ``rows`` rows of a SELECT answer and how many rows it has (other answers whole, with
        a count of 1). Only the rows kept are turned into Python objects, so a long answer costs little
        memory."""
        with self._running():
            result = self._run(sparql)
            if not isinstance(result, ox.QuerySolutions):
                return self._answer(result), 1
            names = [v.value for v in result.variables]
            kept, total = [], 0
            for total, solution in enumerate(result, start=1):
                if total <= rows:
                    kept.append({n: binding(solution[n]) for n in names if solution[n] is not None})
            return Answer("select", names, kept), total

    def serialize(self, sparql: str, fmt: str) -> bytes:
        with self._running():
            return self._serialize(self._run(sparql), fmt)

    def _serialize(self, result: ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples, fmt: str) -> bytes:
        if isinstance(result, ox.QueryTriples):
            if fmt not in GRAPH_FORMATS:
                raise PolicyKGError(
                    f"a CONSTRUCT or DESCRIBE answer is RDF: use --format turtle or ntriples, not {fmt}",
                    exit_code=EXIT_USAGE,
                )
            prefixes = RDF_PREFIXES if fmt == "turtle" else None
            return ox.serialize(result, format=GRAPH_FORMATS[fmt][1], prefixes=prefixes) or b""
        if fmt not in RESULT_FORMATS:
            raise PolicyKGError(
                f"a SELECT or ASK answer is a table: use --format table, csv, tsv, json or xml, not {fmt}",
                exit_code=EXIT_USAGE,
            )
        return result.serialize(format=RESULT_FORMATS[fmt][1])


class EndpointEngine:
    """Queries on any SPARQL 1.1 Protocol endpoint, through SPARQLWrapper."""

    def __init__(
        self, url: str, timeout: float = 30.0, where: str = "query", prologue_lines: int = 0
    ) -> None:
        if not re.match(r"^https?://", url):
            raise PolicyKGError(f"--endpoint must be an http(s) URL, not {url!r}", exit_code=EXIT_USAGE)
        self.url = url
        self.timeout = timeout
        self.where = where
        self.prologue_lines = prologue_lines

    def _request(self, sparql: str, accept: str) -> tuple[bytes, str]:
        from SPARQLWrapper import SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        check_syntax(sparql, self.where, self.prologue_lines)
        client = SPARQLWrapper(self.url)
        client.setQuery(sparql)
        # SPARQLWrapper guesses the query form from keywords, and words in comments can fool it
        # ("address" reads as ADD, an update); the form is known here, so say it.
        client.queryType = query_form_of(sparql)
        client.setMethod("POST")
        client.setTimeout(int(max(1, self.timeout)))
        client.setOnlyConneg(True)
        client.addCustomHttpHeader("Accept", accept)
        try:
            response = client.query().response
            return response.read(), response.headers.get("Content-Type", "")
        except urllib.error.HTTPError as error:
            detail = error.read().decode("utf-8", "replace").strip().splitlines()
            reason = f": {detail[0][:200]}" if detail else ""
            raise PolicyKGError(f"the endpoint {self.url} answered HTTP {error.code}{reason}") from None
        except SPARQLWrapperException as error:
            code = _HTTP_CODES.get(type(error).__name__)
            detail = str(error).split("Response:", 1)[-1].strip().splitlines()
            reason = f": {detail[0][:200]}" if len(detail) and "Response:" in str(error) else ""
            if code:
                raise PolicyKGError(f"the endpoint {self.url} answered HTTP {code}{reason}") from None
            message = str(error).strip().splitlines()[0][:200]
            raise PolicyKGError(f"the endpoint {self.url} refused the query: {message}") from None
        except TimeoutError:
            raise PolicyKGError(f"the endpoint {self.url} did not answer within {self.timeout:g} s") from None
        except urllib.error.URLError as error:
            reason = error.reason
            if isinstance(reason, (TimeoutError, socket.timeout)):
                raise PolicyKGError(
                    f"the endpoint {self.url} did not answer within {self.timeout:g} s"
                ) from None
            raise PolicyKGError(f"cannot reach the endpoint {self.url}: {reason}") from None
        except (ConnectionError, OSError) as error:
            raise PolicyKGError(f"cannot reach the endpoint {self.url}: {error}") from None

    def answer(self, sparql: str) -> Answer:
        if query_form(sparql) == "graph":
            body, _type = self._request(sparql, "application/n-triples")
            triples = ox.parse(body, format=ox.RdfFormat.N_TRIPLES)
            return Answer("graph", triples=[f"{t} ." for t in triples])
        body, _type = self._request(sparql, RESULT_FORMATS["json"][0])
        try:
            return Answer.from_json(json.loads(body))
        except (ValueError, KeyError) as error:
            raise PolicyKGError(
                f"the endpoint {self.url} did not answer with SPARQL JSON results: {error}"
            ) from None

    def serialize(self, sparql: str, fmt: str) -> bytes:
        graph = query_form(sparql) == "graph"
        formats = GRAPH_FORMATS if graph else RESULT_FORMATS
        if fmt not in formats:
            kinds = "turtle or ntriples" if graph else "table, csv, tsv, json or xml"
            raise PolicyKGError(
                f"this query's answer needs --format {kinds}, not {fmt}", exit_code=EXIT_USAGE
            )
        body, _type = self._request(sparql, formats[fmt][0])
        return body


def check_syntax(sparql: str, where: str, prologue_lines: int = 0) -> None:
    """Refuse locally what no endpoint should run (too long or deep, an update) and say where a syntax error
    is before any request; SERVICE is for the endpoint to allow or refuse."""
    refuse(sparql, where, prologue_lines, allow_service=True)
    try:
        inspect_query(sparql)
    except QueryRefused as refused:
        if refused.status == 403:
            raise refuse_update(sparql, SyntaxError(str(refused)), where, prologue_lines) from None
        raise PolicyKGError(
            "the query is not valid SPARQL",
            [
                Problem(
                    where,
                    str(refused).split(": ", 2)[-1],
                    line=_in_file(refused.line, prologue_lines),
                    column=refused.column,
                )
            ],
        ) from None


def _in_file(line: int | None, prologue_lines: int) -> int | None:
    return line - prologue_lines if line else None


def syntax_error(where: str, error: SyntaxError, prologue_lines: int = 0) -> PolicyKGError:
    """A SPARQL syntax error with its line and column in the query as the person wrote it."""
    return PolicyKGError("the query is not valid SPARQL", [syntax_problem(where, error, prologue_lines)])


def find_query(project: Project, name: str) -> QueryFile:
    """A library query by name (``overlaps/institutions-across-priorities``), or a ``.rq`` file by path.

    An unknown name fails with the closest names in the library.
    """
    path = Path(name)
    if name.endswith(".rq") and path.is_file():
        return read_query(path, path.stem)
    library = {q.name: q for q in list_queries(project.queries_dir)}
    if name in library:
        return library[name]
    by_stem = [q for q in library.values() if q.name.rsplit("/", 1)[-1] == name]
    if len(by_stem) == 1:
        return by_stem[0]
    if name.endswith(".rq"):
        raise PolicyKGError(f"no query file {name}", exit_code=EXIT_USAGE)
    close = difflib.get_close_matches(name, list(library), n=3, cutoff=0.4) or difflib.get_close_matches(
        name, [q.rsplit("/", 1)[-1] for q in library], n=3, cutoff=0.4
    )
    hint = f"; did you mean {', '.join(close)}?" if close else "; policykg queries lists them"
    raise PolicyKGError(
        f"no query named {name!r} in {project.relative(project.queries_dir)}/{hint}", exit_code=EXIT_USAGE
    )


def prepare(query: QueryFile, values: dict[str, str] | None = None) -> tuple[str, int]:
    """The full SPARQL text of a library query and how many prologue lines precede the file's own."""
    prologue = sparql_prologue()
    return query.sparql(values), prologue.count("\n")


def review_query(
    sparql: str, project: Project | None, where: str, prologue_lines: int = 0, *, strict: bool = False
) -> list[str]:
    """The warnings about a query before it runs (:func:`policykg.diagnose.diagnose_query`: undeclared
    ``pkg:`` terms, when there is a project's ontology to check them on, and selected variables nothing
    binds), one line each. Raises PolicyKGError for an undeclared prefix (the query cannot run) and, with
    ``strict``, for any warning.
    """
    from .diagnose import declared_terms, diagnose_query

    declared = declared_terms(project) if project is not None else None
    found = diagnose_query(sparql, declared or None)  # no ontology: nothing to check terms on
    for diagnostic in found:
        if diagnostic.fatal:
            raise PolicyKGError(str(diagnostic.problem(where, prologue_lines)))
    problems = [d.problem(where, prologue_lines) for d in found]
    if strict and problems:
        raise PolicyKGError(f"--strict: {len(problems)} warning(s); the query was not run", problems)
    return [str(p) for p in problems]


def require_document(engine: Engine, value: str, option: str = "--param document=") -> None:
    """Refuse a document (given as ``option`` followed by ``value``) that is not a policy document in the
    graph queried: a query or product limited to it would come out empty without saying why. ``UNDEF``
    (every document) passes."""
    term = format_term(value)
    if term == "UNDEF":
        return
    said = f"{option}{printable(value)}"
    if not term.startswith("<"):
        raise PolicyKGError(
            f"{said}: not an IRI; a document is named by its IRI, in full or as id:{{its name}}",
            exit_code=EXIT_USAGE,
        )
    if engine.answer(f"{sparql_prologue()}ASK {{ {term} a pkg:PolicyDocument }}").boolean:
        return
    known = engine.answer(
        f"{sparql_prologue()}SELECT ?d WHERE {{ ?d a pkg:PolicyDocument }} ORDER BY ?d LIMIT 6"
    )
    names = [row["d"]["value"] for row in known.rows]
    shown = ", ".join(names[:5]) + (" and more" if len(names) > 5 else "")
    raise PolicyKGError(
        f"{said}: no policy document with that IRI in the graph (documents: {shown or 'none'})",
        exit_code=EXIT_USAGE,
    )


def open_engine(
    project: Project | None,
    endpoint: str | None,
    *,
    where: str = "query",
    prologue_lines: int = 0,
    timeout: float = 30.0,
    allow_service: bool = False,
) -> Engine:
    """The engine to run on: the endpoint when given, else the project's graph in the embedded store."""
    if endpoint:
        return EndpointEngine(endpoint, timeout=timeout, where=where, prologue_lines=prologue_lines)
    from .load import load_project

    if project is None:
        raise PolicyKGError("no project to query: pass --root or --endpoint", exit_code=EXIT_USAGE)
    return EmbeddedEngine(
        load_project(project, entailed=True).store,
        where=where,
        prologue_lines=prologue_lines,
        allow_service=allow_service,
    )
