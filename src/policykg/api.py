"""The Python API: open the graph with no server and ask it the library's questions, e.g. in a notebook.

>>> import policykg
>>> kg = policykg.load()
>>> rows = kg.query("budget/printed-totals")
>>> [(r.periodLabel, r.printed, r.addsUp) for r in rows][:2]
[('2026', Decimal('1705'), 'yes'), ('2027', Decimal('2605'), 'yes')]
>>> deps = kg.query("dependencies/depends-on-transitively",
...                 intervention="https://w3id.org/policykg/id/kernboodschap-digitalisering/intervention/protect")
>>> [d.dependencyLabel for d in deps]
['Targeted analyses of risky strategic dependencies']
>>> kg.query("ASK { ?s a pkg:PolicyDocument }")
True
"""

from __future__ import annotations

import datetime
import warnings
from collections import namedtuple
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from .curate.find import Hit, find_resources
from .errors import EXIT_USAGE, PolicyKGError
from .library import QueryFile, list_queries, parse_header, read_query
from .load import LoadedGraph, canonical_ntriples, load_project
from .namespaces import sparql_prologue
from .project import Project, find_project
from .query import Answer, EmbeddedEngine, find_query, review_query
from .results import label_answer

XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"
_NUMBERS = {
    XSD + "integer": int,
    XSD + "int": int,
    XSD + "long": int,
    XSD + "positiveInteger": int,
    XSD + "nonNegativeInteger": int,
    XSD + "decimal": Decimal,
    XSD + "double": float,
    XSD + "float": float,
}
_SYNTAXES = {".ttl": ox.RdfFormat.TURTLE, ".nt": ox.RdfFormat.N_TRIPLES, ".jsonld": ox.RdfFormat.JSON_LD}


class IRI(str):
    """An IRI in an answer: a ``str`` (equal to its text) that says what it is.

    >>> IRI("https://w3id.org/policykg/def#Law") == "https://w3id.org/policykg/def#Law"
    True
    """

    __slots__ = ()

    def __repr__(self) -> str:
        return f"IRI({str.__repr__(self)})"


class BlankNode(str):
    """A blank node in an answer, by its label in that answer."""

    __slots__ = ()

    def __repr__(self) -> str:
        return f"BlankNode({str.__repr__(self)})"


def to_python(term: dict[str, str] | None) -> Any:
    """A SPARQL JSON term (https://www.w3.org/TR/sparql11-results-json/#select-encode-terms) as a Python
    value: an IRI as an :class:`IRI` and a blank node as a :class:`BlankNode` (both ``str``, equal to
    their text, and told apart from text with ``isinstance``), numbers as int, Decimal or float, booleans as bool,
    dates as :class:`datetime.date`, any other literal as its text.

    >>> to_python({"type": "literal", "value": "2.5", "datatype": "http://www.w3.org/2001/XMLSchema#decimal"})
    Decimal('2.5')
    >>> iri = to_python({"type": "uri", "value": "https://w3id.org/policykg/def#Law"})
    >>> iri, isinstance(iri, IRI), iri == "https://w3id.org/policykg/def#Law"
    (IRI('https://w3id.org/policykg/def#Law'), True, True)
    >>> isinstance(to_python({"type": "literal", "value": "Law", "xml:lang": "en"}), IRI)
    False
    """
    if term is None:
        return None
    if term["type"] == "uri":
        return IRI(term["value"])
    if term["type"] == "bnode":
        return BlankNode(term["value"])
    if term["type"] != "literal":
        return term["value"]
    datatype = term.get("datatype", "")
    value = term["value"]
    try:
        if datatype in _NUMBERS:
            return _NUMBERS[datatype](value)
        if datatype == XSD + "boolean":
            return value in ("true", "1")
        if datatype == XSD + "date":
            return datetime.date.fromisoformat(value)
    except ValueError:
        return value
    return value


_INTEGERS = {t for t, kind in _NUMBERS.items() if kind is int}


def column_dtype(rows: list[dict[str, dict[str, str]]], variable: str) -> str:
    """The pandas dtype for a column of SPARQL JSON terms: whole numbers as nullable ``Int64``, other
    numbers as ``Float64``, booleans as ``boolean``, IRIs, dates and mixed terms as ``object`` (their
    Python values), text as ``string``; an unbound cell is missing (``<NA>``).

    >>> num = {"type": "literal", "datatype": XSD + "integer", "value": "3"}
    >>> dec = {"type": "literal", "datatype": XSD + "decimal", "value": "2.5"}
    >>> column_dtype([{"n": num}, {}], "n"), column_dtype([{"n": num}, {"n": dec}], "n")
    ('Int64', 'Float64')
    >>> column_dtype([{"n": {"type": "literal", "value": "a"}}], "n")
    'string'
    """
    kinds = set()
    for row in rows:
        term = row.get(variable)
        if term is None:
            continue
        datatype = term.get("datatype", "") if term["type"] == "literal" else term["type"]
        if datatype in _INTEGERS:
            kinds.add("int")
        elif datatype in _NUMBERS:
            kinds.add("float")
        elif datatype == XSD + "boolean":
            kinds.add("bool")
        elif term["type"] == "literal" and datatype in ("", XSD + "string", RDF_LANG_STRING):
            kinds.add("text")
        else:
            kinds.add("object")
    if kinds == {"int"}:
        return "Int64"
    if kinds and kinds <= {"int", "float"}:
        return "Float64"
    if kinds == {"bool"}:
        return "boolean"
    if kinds == {"text"}:
        return "string"
    return "object"


def _series(pandas: Any, values: list[Any], dtype: str) -> Any:
    """A column of ``dtype``; of Python objects where a value does not fit it (a malformed number)."""
    try:
        return pandas.Series(values, dtype=dtype)
    except (TypeError, ValueError):
        return pandas.Series(values, dtype="object")


class QueryWarning(UserWarning):
    """A query that would run but likely answer nothing or less than meant: a ``pkg:`` term the ontology
    does not declare, or a selected variable nothing binds (:mod:`policykg.diagnose`)."""


class KnowledgeGraph:
    """A policykg graph in an embedded store, with the project's query library at hand."""

    def __init__(self, store: ox.Store, project: Project | None = None, source: Path | None = None) -> None:
        self.store = store
        self.project = project
        self.source = source if source is not None else (project.root if project else None)
        self._engine = EmbeddedEngine(store, prologue_lines=sparql_prologue().count("\n"))

    def __len__(self) -> int:
        return len(self.store)

    def __repr__(self) -> str:
        where = f" from {self.source}" if self.source else ""
        return f"<KnowledgeGraph of {len(self)} quads{where}>"

    def queries(self) -> list[QueryFile]:
        """The queries of the library (empty when the graph was opened from a file alone)."""
        return list_queries(self.project.queries_dir) if self.project else []

    def _resolve(self, query: str | Path) -> QueryFile:
        """SPARQL text, a ``.rq`` file, or the name of a library query (``budget/printed-totals``)."""
        if isinstance(query, Path) or (query.endswith(".rq") and "{" not in query and "\n" not in query):
            path = Path(query)
            if not path.is_file():
                raise PolicyKGError(f"no query file {path}", exit_code=EXIT_USAGE)
            return read_query(path)
        if "{" in query or "\n" in query:
            header, params, helps = parse_header(query)
            return QueryFile("query", Path("query.rq"), query, header, params, helps)
        if self.project is None:
            raise PolicyKGError(
                f"{query!r} names a library query, and no project with a queries/ folder was found around"
                f" {self.source or 'the graph'} or the working folder; pass SPARQL text or a .rq file, or"
                " open the graph from inside a policykg project",
                exit_code=EXIT_USAGE,
            )
        return find_query(self.project, query)

    def _answer(self, query: str | Path, params: dict[str, Any], lang: str | None) -> Answer:
        """The answer to a query, after warning (:class:`QueryWarning`) about what would make it answer
        nothing without an error (:func:`policykg.query.review_query`); with ``lang``, every label column
        in that language and one added beside each IRI column (see :func:`policykg.results.label_answer`),
        named after it with ``_label``."""
        if lang not in (None, "nl", "en"):
            raise PolicyKGError(f"lang={lang!r}: choose 'nl' or 'en'", exit_code=EXIT_USAGE)
        prepared = self._resolve(query)
        sparql = prepared.sparql({k: str(v) for k, v in params.items()})
        where = str(prepared.path) if prepared.name != "query" else "query"
        for line in review_query(sparql, self.project, where, self._engine.prologue_lines):
            warnings.warn(line, QueryWarning, stacklevel=3)
        answer = self._engine.answer(sparql)
        if lang is None or answer.kind != "select":
            return answer
        labelled = label_answer(self._engine, answer, lang)
        names = [v.replace(" (label)", "_label") for v in labelled.variables]
        rows = [
            {n: row[v] for v, n in zip(labelled.variables, names, strict=True) if v in row}
            for row in labelled.rows
        ]
        return Answer("select", names, rows)

    def query(
        self, query: str | Path, *, lang: str | None = None, **params: Any
    ) -> list[tuple] | bool | rdflib.Graph:
        """Run a library query by name, a ``.rq`` file or SPARQL text, with parameters given as keywords.

        SELECT gives a list of named tuples (fields are the query's variables), ASK a bool, and
        CONSTRUCT or DESCRIBE an rdflib graph. With ``lang`` (``"nl"`` or ``"en"``) the query's label
        columns are in that language, and each IRI column has a label column beside it (``x_label``).
        Mistakes that make a query answer nothing are warned of as :class:`QueryWarning`; turn them into
        errors with ``warnings.simplefilter("error", policykg.QueryWarning)``.
        """
        answer = self._answer(query, params, lang)
        if answer.kind == "ask":
            return bool(answer.boolean)
        if answer.kind == "graph":
            graph = rdflib.Graph()
            graph.parse(data="\n".join(answer.triples), format="nt")
            return graph
        Row = namedtuple("Row", answer.variables, rename=True)
        return [Row(*(to_python(row.get(v)) for v in answer.variables)) for row in answer.rows]

    def to_dataframe(self, query: str | Path, *, lang: str | None = None, **params: Any) -> Any:
        """The rows of a SELECT query as a pandas DataFrame (needs the optional extra ``policykg[dataframe]``):
        integers as ``Int64``, decimals and doubles as ``Float64``, booleans as ``boolean``, text as
        ``string``, IRIs as :class:`IRI` objects; ``lang`` as for :meth:`query`."""
        try:
            import pandas
        except ImportError:
            raise PolicyKGError("to_dataframe needs pandas: pip install 'policykg[dataframe]'") from None
        answer = self._answer(query, params, lang)
        if answer.kind != "select":
            raise PolicyKGError("to_dataframe needs a SELECT query", exit_code=EXIT_USAGE)
        columns = {v: [to_python(row.get(v)) for row in answer.rows] for v in answer.variables}
        return pandas.DataFrame(
            {v: _series(pandas, values, column_dtype(answer.rows, v)) for v, values in columns.items()},
            columns=answer.variables,
        )

    def find(self, text: str, limit: int = 10) -> list[Hit]:
        """The resources whose labels (``rdfs:label``, ``skos:prefLabel``, ``skos:altLabel``, in any
        language) match ``text``, best first: exact, then whole words, a word begun, part of a label, and
        close spellings; case and accents do not count. Each hit has ``iri``, ``short``, ``types``,
        ``label_nl``, ``label_en``, what matched and how.

        >>> [h.short for h in load().find("NCSC")][:1]
        ['inst:ncsc']
        """
        return find_resources(LoadedGraph(self.project, self.store), text, limit, everything=True)

    @property
    def graph(self) -> rdflib.Graph:
        """The merged graph as an rdflib graph, for those who want rdflib's API."""
        graph = rdflib.Graph()
        for prefix, namespace in (
            ("pkg", "https://w3id.org/policykg/def#"),
            ("id", "https://w3id.org/policykg/id/"),
        ):
            graph.bind(prefix, namespace)
        graph.parse(data=canonical_ntriples(self.store), format="nt")
        return graph


def load(source: str | Path | None = None) -> KnowledgeGraph:
    """Open a policykg graph with no server.

    ``source`` is a project folder (default: the project around the working folder), or a graph file
    (``.ttl``, ``.nt``, ``.jsonld``) such as ``dist/policykg.nt``. A project is read from its built graph in
    ``dist/`` when that is newer than every source file, and from its sources otherwise.
    """
    path = Path(source) if source is not None else None
    if path is not None and path.is_file():
        if path.suffix not in _SYNTAXES:
            raise PolicyKGError(f"cannot read {path}: expected .ttl, .nt or .jsonld", exit_code=EXIT_USAGE)
        store = ox.Store()
        try:
            store.bulk_load(path=str(path), format=_SYNTAXES[path.suffix])
        except SyntaxError as error:
            raise PolicyKGError(f"{path} is not valid RDF: {error}") from None
        return KnowledgeGraph(store, library_project(path), source=path)
    project = find_project(path)
    built = project.dist_dir / "policykg.nt"
    sources = project.turtle_files() + sorted(project.sources_dir.glob("*"))
    if built.exists() and all(built.stat().st_mtime >= p.stat().st_mtime for p in sources):
        store = ox.Store()
        store.bulk_load(path=str(built), format=ox.RdfFormat.N_TRIPLES)
        return KnowledgeGraph(store, project)
    return KnowledgeGraph(load_project(project, entailed=True).store, project)


def library_project(path: Path) -> Project | None:
    """The project whose query library serves a graph opened from a file: the project the file lies in
    (a dump in ``dist/``, a release in ``dist/releases/VERSION/``), else the project around the working
    folder, else none."""
    for folder in path.resolve().parents:
        if (folder / "queries").is_dir() and (folder / "ontology").is_dir() and (folder / "graphs").is_dir():
            return Project(folder)
    try:
        return find_project()
    except PolicyKGError:
        return None
