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
from collections import namedtuple
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib

from .errors import EXIT_USAGE, PolicyKGError
from .library import QueryFile, list_queries, parse_header
from .load import canonical_ntriples, load_project
from .namespaces import sparql_prologue
from .project import Project, find_project
from .query import EmbeddedEngine, find_query

XSD = "http://www.w3.org/2001/XMLSchema#"
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


def to_python(term: dict[str, str] | None) -> Any:
    """A SPARQL JSON term as a Python value: IRIs as str, numbers as int, Decimal or float, booleans as bool.

    >>> to_python({"type": "literal", "value": "2.5", "datatype": "http://www.w3.org/2001/XMLSchema#decimal"})
    Decimal('2.5')
    >>> to_python({"type": "uri", "value": "https://w3id.org/policykg/def#Law"})
    'https://w3id.org/policykg/def#Law'
    """
    if term is None:
        return None
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


class KnowledgeGraph:
    """A policykg graph in an embedded store, with the project's query library at hand."""

    def __init__(self, store: ox.Store, project: Project | None = None) -> None:
        self.store = store
        self.project = project
        self._engine = EmbeddedEngine(store, prologue_lines=sparql_prologue().count("\n"))

    def __len__(self) -> int:
        return len(self.store)

    def __repr__(self) -> str:
        where = f" from {self.project.root}" if self.project else ""
        return f"<KnowledgeGraph of {len(self)} quads{where}>"

    def queries(self) -> list[QueryFile]:
        """The queries of the library (empty when the graph was opened from a file alone)."""
        return list_queries(self.project.queries_dir) if self.project else []

    def _resolve(self, query: str) -> QueryFile:
        if "{" in query or "\n" in query:
            header, params, helps = parse_header(query)
            return QueryFile("query", Path("query.rq"), query, header, params, helps)
        if self.project is None:
            raise PolicyKGError(
                "a query name needs a project; pass SPARQL text instead", exit_code=EXIT_USAGE
            )
        return find_query(self.project, query)

    def query(self, query: str, **params: Any) -> list[tuple] | bool | rdflib.Graph:
        """Run a library query by name, or SPARQL text, with parameters given as keywords.

        SELECT gives a list of named tuples (fields are the query's variables), ASK a bool, and
        CONSTRUCT or DESCRIBE an rdflib graph.
        """
        prepared = self._resolve(query)
        answer = self._engine.answer(prepared.sparql({k: str(v) for k, v in params.items()}))
        if answer.kind == "ask":
            return bool(answer.boolean)
        if answer.kind == "graph":
            graph = rdflib.Graph()
            graph.parse(data="\n".join(answer.triples), format="nt")
            return graph
        Row = namedtuple("Row", answer.variables, rename=True)
        return [Row(*(to_python(row.get(v)) for v in answer.variables)) for row in answer.rows]

    def to_dataframe(self, query: str, **params: Any) -> Any:
        """The rows of a SELECT query as a pandas DataFrame (needs the optional extra ``policykg[dataframe]``)."""
        try:
            import pandas
        except ImportError:
            raise PolicyKGError("to_dataframe needs pandas: pip install 'policykg[dataframe]'") from None
        rows = self.query(query, **params)
        if not isinstance(rows, list):
            raise PolicyKGError("to_dataframe needs a SELECT query", exit_code=EXIT_USAGE)
        if rows:
            return pandas.DataFrame([row._asdict() for row in rows])
        variables = self._engine.answer(
            self._resolve(query).sparql({k: str(v) for k, v in params.items()})
        ).variables
        return pandas.DataFrame(columns=variables)

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
        return KnowledgeGraph(store)
    project = find_project(path)
    built = project.dist_dir / "policykg.nt"
    sources = project.turtle_files() + sorted(project.sources_dir.glob("*"))
    if built.exists() and all(built.stat().st_mtime >= p.stat().st_mtime for p in sources):
        store = ox.Store()
        store.bulk_load(path=str(built), format=ox.RdfFormat.N_TRIPLES)
        return KnowledgeGraph(store, project)
    return KnowledgeGraph(load_project(project).store, project)
