"""Load a project's Turtle and source texts into the embedded store.

Every file goes into a named graph of its own (its ``file:`` IRI), so a message can say which file a
resource comes from; queries see the union of them all as their default graph. Turtle is read as the
W3C RDF 1.1 Turtle grammar, https://www.w3.org/TR/turtle/.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyoxigraph as ox
import rdflib

from .errors import PolicyKGError, Problem
from .namespaces import PKG
from .progress import progress
from .project import Project

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
        return canonical_ntriples(self.store)

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
            path = Path(graph.value[len("file://") :])
            line = find_line(path.read_text(encoding="utf-8"), iri)
            return path, line
        return None


def canonical_ntriples(store: ox.Store) -> bytes:
    """Every distinct triple of every graph in ``store`` as N-Triples lines, sorted, blank nodes labelled
    stably (see :func:`label_blank_nodes`)."""
    # kept as bytes, each line with its newline: only the lines with blank nodes are decoded, to be
    # relabelled, so the whole graph is held once as lines and once as the result
    lines: set[bytes] = set()
    for graph in [ox.DefaultGraph(), *store.named_graphs()]:
        lines.update(store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph).splitlines(keepends=True))
    blank = {line for line in lines if b"_:" in line}
    lines -= blank
    relabelled = label_blank_nodes({line.decode().rstrip("\n") for line in blank})
    lines.update(line.encode() + b"\n" for line in relabelled)
    del blank, relabelled
    return b"".join(sorted(lines))


def _triple(line: str) -> tuple[str, str, str]:
    """Subject, predicate and object of an N-Triples line (IRIs and blank node labels hold no spaces)."""
    subject, predicate, value = line[:-2].split(" ", 2)
    return subject, predicate, value


def label_blank_nodes(lines: set[str]) -> list[str]:
    """N-Triples lines sorted, blank nodes relabelled by a hash of their surroundings: one graph, one output.

    Each blank node starts from a digest of its triples with blank neighbours left anonymous; digests
    are then refined with the neighbours' digests until they stop telling more nodes apart (as in
    colour refinement). Remaining ties are nodes that nothing tells apart, so their order does not
    change the graph written. This is not a full canonicalisation such as https://www.w3.org/TR/rdf-canon/,
    but it is stable for the blank nodes of policykg graphs: selectors, list cells, union classes.

    >>> one = label_blank_nodes({"<http://e/p> <http://e/p> _:a .", '_:a <http://e/p> "x" .'})
    >>> two = label_blank_nodes({"<http://e/p> <http://e/p> _:b .", '_:b <http://e/p> "x" .'})
    >>> one == two, one[0].startswith("<http://e/p> <http://e/p> _:b")
    (True, True)
    """
    edges: dict[str, list[tuple[str, str, str]]] = {}
    blank = []
    for line in lines:
        if "_:" not in line:
            continue
        subject, predicate, value = _triple(line)
        if subject.startswith("_:"):
            edges.setdefault(subject, []).append((">", predicate, value))
        if value.startswith("_:"):
            edges.setdefault(value, []).append(("<", predicate, subject))
        if subject.startswith("_:") or value.startswith("_:"):
            blank.append(line)
    if not edges:
        return sorted(lines)

    def digest_all(previous: dict[str, str] | None) -> dict[str, str]:
        result = {}
        for node, links in edges.items():
            rows = sorted(
                f"{d} {p} {(previous[o] if previous else '_') if o.startswith('_:') else o}"
                for d, p, o in links
            )
            seed = previous[node] if previous else ""
            result[node] = hashlib.sha256((seed + "\n" + "\n".join(rows)).encode()).hexdigest()[:20]
        return result

    digests = digest_all(None)
    for _ in range(len(edges)):
        refined = digest_all(digests)
        if len(set(refined.values())) == len(set(digests.values())):
            break
        digests = refined
    labels: dict[str, str] = {}
    seen: dict[str, int] = {}
    for node in sorted(digests, key=lambda n: digests[n]):
        count = seen.get(digests[node], 0)
        seen[digests[node]] = count + 1
        labels[node] = f"_:b{digests[node]}" + (f"x{count}" if count else "")
    relabelled = set(lines).difference(blank)
    for line in blank:
        subject, predicate, value = _triple(line)
        relabelled.add(f"{labels.get(subject, subject)} {predicate} {labels.get(value, value)} .")
    return sorted(relabelled)


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


KEPT_STORES: list[ox.Store] | None = None
"""When a list (the command line makes it one), every store loaded is kept in it until the process ends:
see :func:`policykg.cli.run`."""


def load_project(project: Project) -> LoadedGraph:
    """Load ontology/ (not the shapes) and graphs/ into a fresh in-memory store.

    Every Turtle syntax error in every file is collected before giving up, so one run shows them all.
    """
    store = ox.Store()
    if KEPT_STORES is not None:
        KEPT_STORES.append(store)
    files = project.ontology_files() + project.graph_files()
    if not project.graph_files():
        raise PolicyKGError(f"no Turtle files under {project.relative(project.graphs_dir)}/")
    problems: list[Problem] = []
    for path in progress(files, "loading"):
        uri = path.resolve().as_uri()
        try:
            # parsed and stored on the Rust side: no Python object per triple
            store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=uri, to_graph=ox.NamedNode(uri))
        except SyntaxError as error:
            problems.append(parse_problem(project, path, error))
        except OSError as error:
            problems.append(Problem(project.relative(path), f"cannot read: {error.strerror}"))
    if problems:
        raise PolicyKGError(f"{len(problems)} file(s) are not valid Turtle", problems)
    loaded = LoadedGraph(project, store)
    add_source_texts(loaded)
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
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError as error:
            problems.append(
                Problem(project.relative(path), f"not UTF-8 text (byte {error.start} is not valid UTF-8)")
            )
            continue
        loaded.store.add(ox.Quad(doc, ox.NamedNode(str(PKG.sourceText)), ox.Literal(text), SOURCES_GRAPH))
    if problems:
        raise PolicyKGError("a document's source text is missing", problems)
