"""Load a project's Turtle and source texts into the embedded store.

Every file goes into a named graph of its own (its ``file:`` IRI), so a message can say which file a
resource comes from; queries see the union of them all as their default graph. Turtle is read as the
W3C RDF 1.1 Turtle grammar, https://www.w3.org/TR/turtle/, without a base IRI: every IRI must be
absolute, so none is made from where a file lies on this machine.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from urllib.request import url2pathname

import pyoxigraph as ox
import rdflib

from .blank_nodes import canonical_ntriples, label_blank_nodes  # noqa: F401 (label_blank_nodes: imported from here)
from .errors import PolicyKGError, Problem, os_message
from .namespaces import PKG
from .progress import progress
from .project import BOM, Project, read_file

SOURCES_GRAPH = ox.NamedNode("urn:policykg:sources")
"""The named graph that holds each document's full text, read from ``sources/``."""
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_PREFIX_RE = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([\w.-]*):\s*<([^>]*)>", re.MULTILINE | re.IGNORECASE)


@dataclass
class LoadedGraph:
    """The project's graph in an embedded store, with what is needed to point at where things came from."""

    project: Project
    store: ox.Store

    def query(self, sparql: str) -> ox.QuerySolutions | ox.QueryBoolean | ox.QueryTriples:
        """Run a SPARQL 1.1 query over the union of all loaded files."""
        return self.store.query(sparql, use_default_graph_as_union=True)

    def select(self, sparql: str) -> list[dict[str, str]]:
        """The rows of a SELECT query as dicts of lexical values (unbound variables left out); the
        library's prefixes are declared unless the query declares its own."""
        from .namespaces import sparql_prologue

        if not sparql.lstrip().upper().startswith("PREFIX"):
            sparql = sparql_prologue() + sparql
        solutions = self.query(sparql)
        names = [v.value for v in solutions.variables]
        return [{n: row[n].value for n in names if row[n] is not None} for row in solutions]

    def __len__(self) -> int:
        """The number of distinct triples over all files, counted in the store."""
        solutions = self.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT * WHERE { ?s ?p ?o } }")
        return int(next(iter(solutions))["n"].value)

    def triples(self) -> list[ox.Triple]:
        """The merged graph: every distinct triple of every file once, sorted, blank nodes labelled stably."""
        return self._triples

    @cached_property
    def _triples(self) -> list[ox.Triple]:
        return [q.triple for q in ox.parse(self.ntriples(), format=ox.RdfFormat.N_TRIPLES)]

    def ntriples(self) -> bytes:
        """The merged graph as canonical N-Triples (https://www.w3.org/TR/n-triples/#canonical-ntriples):
        distinct lines, sorted, blank nodes labelled stably. Cut from the store file by file, so that no
        Python object is made per triple but for those with blank nodes."""
        return self._ntriples

    @cached_property
    def _ntriples(self) -> bytes:
        from .entail import ENTAILED_GRAPH

        return canonical_ntriples(self.store, leave_out=ENTAILED_GRAPH)

    def dump_ntriples(self) -> bytes:
        """The graph as the dumps publish it: :meth:`ntriples` and what the ontology's class and
        property hierarchy entails (:func:`policykg.entail.entail_rdfs`), so that a store loaded from a
        dump answers ``?x a pkg:PolicyFramework`` with the laws and strategies too."""
        return self._dump

    def dump_size(self) -> int:
        """How many triples the dumps hold (:meth:`dump_ntriples`), as VoID and the summary count them."""
        return self._dump.count(b"\n")

    @cached_property
    def _dump(self) -> bytes:
        with self.entailments():
            return canonical_ntriples(self.store)

    @contextlib.contextmanager
    def entailments(self) -> Iterator[None]:
        """Within the block, the store holds what the class and property hierarchy entails, in its own
        graph (:func:`policykg.entail.entail_rdfs`), as the store researchers query does; after it, the
        store is as it was."""
        from .entail import ENTAILED_GRAPH, entail_rdfs

        if ENTAILED_GRAPH in set(self.store.named_graphs()):
            yield
            return
        entail_rdfs(self.store)
        try:
            yield
        finally:
            self.store.remove_graph(ENTAILED_GRAPH)

    def documents(self) -> list[str]:
        """The IRIs of the policy documents in the graph, sorted."""
        rows = self.select("SELECT DISTINCT ?d WHERE { ?d a pkg:PolicyDocument }")
        return sorted(r["d"] for r in rows)

    def require_document(self, iri: str) -> str:
        """``iri`` if it names a policy document in the graph; else an error that lists the documents."""
        from .query import EmbeddedEngine, require_document

        require_document(EmbeddedEngine(self.store), iri, option="--document ")
        return iri

    def label(self, iri: str) -> str | None:
        """The English label of a resource, else its Dutch one, else any."""
        solutions = self.query(
            f"SELECT ?l WHERE {{ <{iri}> <http://www.w3.org/2000/01/rdf-schema#label> ?l }}"
        )
        labels = {s["l"].language: s["l"].value for s in solutions}
        return labels.get("en") or labels.get("nl") or next(iter(labels.values()), None)

    def locate(self, iri: str) -> tuple[Path, int] | None:
        """The file and line where a resource is described, for messages."""
        if not iri.startswith(("http:", "https:", "urn:")):
            return None
        node = ox.NamedNode(iri)
        graphs = [q.graph_name for q in self.store.quads_for_pattern(node, None, None, None)]
        for graph in graphs:
            if not isinstance(graph, ox.NamedNode) or not graph.value.startswith("file:"):
                continue
            path = Path(url2pathname(graph.value[len("file://") :]))
            try:
                text = read_file(path).decode("utf-8", "replace")
            except OSError:
                return path, 1
            if text.startswith(GENERATED_MARK):
                from .curate.format import curator_line

                curated = path.parent / f"{path.parent.name}.yaml"
                line = curator_line(curated, iri)
                if line is not None:
                    return curated, line
            return path, find_line(text, iri)
        return None


GENERATED_MARK = "# Generated by policykg compile from "
"""How a Turtle file compiled from a curator's file begins (see :mod:`policykg.curate.compile`)."""


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> rdflib.term.Node:
    """Convert an Oxigraph term to the equal rdflib term (a plain literal for xsd:string).

    >>> to_rdflib(ox.Literal("x", language="nl"))
    rdflib.term.Literal('x', lang='nl')
    """
    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return rdflib.Literal(term.value)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(term.datatype.value))


def find_line(text: str, iri: str) -> int:
    """The first line of ``text`` that starts with ``iri`` as subject, written in full or prefixed.

    >>> find_line("@prefix e: <http://e/> .\\n\\ne:a e:b e:c .\\n", "http://e/a")
    3
    """
    spellings = [f"<{iri}>"]
    for prefix, ns in _PREFIX_RE.findall(text):
        if iri.startswith(ns):
            spellings.append(f"{prefix}:{iri[len(ns) :]}")
    lines = text.splitlines()
    for number, line in enumerate(lines, start=1):
        if any(line.startswith(s) and line[len(s) : len(s) + 1] in ("", " ", "\t") for s in spellings):
            return number
    for number, line in enumerate(lines, start=1):
        if any(s in line for s in spellings):
            return number
    return 1


def parse_problem(project: Project, path: Path, error: SyntaxError) -> Problem:
    """Turn a parser's SyntaxError into a Problem with file, line and column."""
    message = str(error.msg if hasattr(error, "msg") else error)
    message = re.sub(r"^Parser error (at|between) .*?: ", "", message)
    return Problem(project.relative(path), message, line=error.lineno, column=error.offset)


RELATIVE_IRI = "No scheme found in an absolute IRI"
"""What the parser says of a relative IRI when it is given no base IRI to resolve it against."""
MAX_ERRORS = 100
"""The most syntax errors reported for one file."""


def turtle_problems(project: Project, path: Path, data: bytes) -> list[Problem]:
    """The syntax errors of a Turtle file (no base IRI: a relative IRI is one), each with its line.

    Every relative IRI is reported, the parser going on after each (and saying nothing of the uses of a
    prefix declared with one); any other error is reported and ends the list, since what follows it
    may only be its echo.
    """
    problems: list[Problem] = []
    lines = data.decode("utf-8", "replace").split("\n")
    relative_prefixes: set[str] = set()
    quads = ox.parse(data, format=ox.RdfFormat.TURTLE)
    while True:
        if len(problems) == MAX_ERRORS:
            problems.append(Problem(project.relative(path), f"more errors may follow these {MAX_ERRORS}"))
            break
        try:
            next(quads)
        except StopIteration:
            break
        except SyntaxError as error:
            problem = parse_problem(project, path, error)
            undeclared = _UNDECLARED_RE.match(problem.message)
            if undeclared and undeclared.group(1) in relative_prefixes:
                continue
            if RELATIVE_IRI not in problem.message:
                problems.append(problem)
                break
            line = lines[error.lineno - 1] if error.lineno and error.lineno <= len(lines) else ""
            start, end = (error.offset or 1) - 1, (error.end_offset or 1) - 1
            declaration = _DECLARATION_RE.search(line[:start])
            if declaration:
                relative_prefixes.add(declaration.group(1))
            iri = line[start:end]
            iri = " " + iri if iri.startswith("<") and iri.endswith(">") else ""
            problems.append(
                Problem(
                    problem.where,
                    f"relative IRI{iri}: every IRI must be absolute (it is not resolved against the"
                    " file's location); write it in full or with a prefix",
                    line=problem.line,
                    column=problem.column,
                )
            )
    return problems


_UNDECLARED_RE = re.compile(r"The prefix ([\w.-]*): has not been declared")
_DECLARATION_RE = re.compile(r"(?:@prefix|PREFIX)\s+([\w.-]*):\s*$", re.IGNORECASE)


def read_turtle(path: Path) -> bytes:
    """The bytes of a Turtle file, without the byte order mark some editors put first."""
    return read_file(path).removeprefix(BOM)


KEPT_STORES: list[ox.Store] | None = None
"""When a list (the command line makes it one), every store loaded is kept in it until the process ends:
see :func:`policykg.cli.run`."""


def load_project(project: Project, *, entailed: bool = False) -> LoadedGraph:
    """Load ontology/ (not the shapes) and graphs/ into a fresh in-memory store; with ``entailed``, add
    what the class and property hierarchy entails in a graph of its own (:mod:`policykg.entail`), as
    the graph researchers query has it. Products built from the graph (views, site, analysis, exports)
    read what the files assert, so that every edge they show has its evidence.

    First every entry of ontology/, graphs/ and sources/ is checked (see
    :meth:`~policykg.project.Project.inputs`): one that cannot be read, or is not a regular file, is an
    error before any file is read. Then every Turtle syntax error in every file is collected before
    giving up, so one run shows them all. Files are parsed without a base IRI, so a relative IRI is an
    error rather than an IRI made from where the file lies on this machine.
    """
    inputs = project.check_inputs()
    files = project.ontology_files(inputs) + project.graph_files(inputs)
    if not project.graph_files(inputs):
        raise PolicyKGError(f"no Turtle files under {project.relative(project.graphs_dir)}/")
    store = ox.Store()
    if KEPT_STORES is not None:
        KEPT_STORES.append(store)
    problems: list[Problem] = []
    for path in progress(files, "loading"):
        uri = path.resolve().as_uri()
        try:
            data = read_turtle(path)
        except OSError as error:
            problems.append(Problem(project.relative(path), f"cannot read: {os_message(error)}"))
            continue
        try:
            # parsed and stored on the Rust side: no Python object per triple
            store.load(input=data, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(uri))
        except SyntaxError as error:
            problems.extend(turtle_problems(project, path, data) or [parse_problem(project, path, error)])
    if problems:
        files_at_fault = len({p.where for p in problems})
        raise PolicyKGError(f"{files_at_fault} file(s) are not valid Turtle", problems)
    loaded = LoadedGraph(project, store)
    add_source_texts(loaded)
    if entailed:
        from .entail import entail_rdfs

        entail_rdfs(store)
    return loaded


def add_source_texts(loaded: LoadedGraph) -> None:
    """Add ``pkg:sourceText`` to each document from the file its ``pkg:sourceFile`` names."""
    project = loaded.project
    problems = []
    rows = loaded.query(f"SELECT ?doc ?file WHERE {{ ?doc <{PKG.sourceFile}> ?file }}")
    for row in rows:
        doc, name = row["doc"], row["file"].value
        path = project.sources_dir / name
        if "/" in name or "\\" in name or not path.is_file():
            located = loaded.locate(doc.value)
            where, line = (project.relative(located[0]), located[1]) if located else ("graphs", None)
            problems.append(
                Problem(
                    where,
                    f"pkg:sourceFile names {name!r}, which is not a file in sources/",
                    line=line,
                    focus=doc.value,
                )
            )
            continue
        try:
            text = read_file(path).decode("utf-8")
        except UnicodeDecodeError as error:
            problems.append(
                Problem(project.relative(path), f"not UTF-8 text (byte {error.start} is not valid UTF-8)")
            )
            continue
        except OSError as error:
            problems.append(Problem(project.relative(path), f"cannot read: {os_message(error)}"))
            continue
        loaded.store.add(ox.Quad(doc, ox.NamedNode(str(PKG.sourceText)), ox.Literal(text), SOURCES_GRAPH))
    if problems:
        raise PolicyKGError("a document's source text is missing or cannot be read", problems)
