"""Export the network of interventions for other tools: GraphML and GEXF for Gephi, yEd or igraph, a CSV
matrix for R and UCINET, and a CSV edge list.

The edges are the rows of the library's ``provenance/edge-passages``: every relation from an intervention
with its basis ("stated", "reading" with its reason, or "structure" for ``pkg:underPriority``) and the
first of its passages, the same edges the views and the report draw. The nodes are the interventions
(of one document, or of all) and every other end of an edge, each with its most specific class, its
labels in Dutch and English and its priorities.

Formats: GraphML (http://graphml.graphdrawing.org/specification.html) and GEXF 1.2
(https://gexf.net/schema.html), both written by networkx; CSV as RFC 4180
(https://www.rfc-editor.org/rfc/rfc4180).
"""

from __future__ import annotations

import csv
import difflib
import io
import re
import sys
from collections import defaultdict
from collections.abc import Iterable
from contextlib import nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import EXIT_USAGE, PolicyKGError
from .expect import write_atomically
from .library import bind_params, format_term, read_query
from .load import LoadedGraph
from .namespaces import PKG, shorten

if TYPE_CHECKING:
    import networkx as nx

FORMATS = {"graphml": ".graphml", "gexf": ".gexf", "csv-matrix": ".csv", "edges-csv": ".csv"}
"""Each export format and the suffix of its file."""
STRUCTURE = str(PKG.underPriority)
"""The one relation that is the document's structure rather than an edge with evidence."""
EXPORTS = "exports"
"""The folder under ``dist/`` that exports go to when no ``--out`` is given."""

RELATIONS = "SELECT ?relation WHERE { pkg:evidencedProperties rdfs:member ?relation . }"
INTERVENTIONS = """
SELECT ?intervention ?priority WHERE {
  ?intervention a pkg:Intervention ; pkg:underPriority ?priority .
  { SELECT ?priority WHERE { VALUES ?document { %s } ?document pkg:hasPriority ?priority . } }
}
"""
"""The interventions of a document (``UNDEF``: of every document), as ``provenance/edge-passages`` picks
them, with the priorities they fall under."""
CLASSES = "SELECT ?node ?class WHERE { ?node a ?class . FILTER(isIRI(?node) && isIRI(?class)) }"
SUPERCLASSES = "SELECT ?class ?super WHERE { ?class rdfs:subClassOf+ ?super . FILTER(isIRI(?super)) }"
LABELS = """
SELECT ?node ?lang (MIN(STR(?label)) AS ?text) WHERE {
  ?node rdfs:label ?label . BIND(LANG(?label) AS ?lang) FILTER(?lang IN ("en", "nl"))
} GROUP BY ?node ?lang
"""
QUOTES = """
SELECT ?passage (MIN(STR(?exact)) AS ?quote) WHERE {
  ?passage a pkg:Passage ; oa:hasSelector/oa:exact ?exact .
} GROUP BY ?passage
"""
"""Each passage's quote: of several quote selectors the first in order, as the views and the site show."""


@dataclass
class ExportNode:
    """A node: its IRI, most specific class and all its classes (compact), labels and priorities."""

    iri: str
    type: str = ""
    types: list[str] = field(default_factory=list)
    label_en: str = ""
    label_nl: str = ""
    priorities: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The label a tool shows: English, else Dutch, else the IRI."""
        return self.label_en or self.label_nl or self.iri


@dataclass
class ExportEdge:
    """An edge: a row of ``provenance/edge-passages``, with the quote of its passage."""

    source: str
    target: str
    relation: str
    basis: str
    reason: str = ""
    passage: str = ""
    quote: str = ""


@dataclass
class Network:
    """What an export holds: nodes by IRI (sorted) and edges in order."""

    nodes: dict[str, ExportNode]
    edges: list[ExportEdge]
    relations: list[str]
    document: str | None = None


def list_relations(loaded: LoadedGraph) -> list[str]:
    """The relations an export can carry, sorted: those of ``pkg:evidencedProperties`` and
    ``pkg:underPriority``."""
    return sorted({r["relation"] for r in loaded.select(RELATIONS)} | {STRUCTURE})


def _local_name(iri: str) -> str:
    """
    >>> _local_name("https://w3id.org/policykg/def#involves"), _local_name("http://purl.org/dc/terms/creator")
    ('involves', 'creator')
    """
    return re.split(r"[#/]", iri)[-1]


def resolve_relations(loaded: LoadedGraph, names: Iterable[str]) -> list[str]:
    """The IRIs of relations named as ``involves``, ``pkg:involves``, ``<IRI>`` or a full IRI; a name the
    export cannot carry is an error that lists those it can."""
    available = list_relations(loaded)
    compact = [shorten(r) for r in available]
    resolved: list[str] = []
    for name in (part.strip() for raw in names for part in raw.split(",")):
        if not name:
            continue
        by_name = [r for r in available if _local_name(r) == name]
        try:
            term = format_term(name)
        except ValueError:
            term = ""
        iri = by_name[0] if len(by_name) == 1 else term[1:-1] if term.startswith("<") else ""
        if iri not in available:
            close = difflib.get_close_matches(name, compact + [_local_name(r) for r in available], 1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise PolicyKGError(
                f"--relation {name}: not a relation an export can carry; {hint}available: {', '.join(compact)}",
                exit_code=EXIT_USAGE,
            )
        if iri not in resolved:
            resolved.append(iri)
    return resolved


def _most_specific(classes: set[str], supers: dict[str, set[str]]) -> str:
    """The class of ``classes`` that no other of them is a subclass of; of several, a pkg: one first.

    >>> _most_specific({"o:Org", "p:Inst", "p:Actor"}, {"p:Actor": {"p:Inst", "o:Org"}, "p:Inst": {"o:Org"}})
    'p:Actor'
    """
    implied = set().union(*(supers.get(c, set()) for c in classes)) if classes else set()
    candidates = sorted(classes - implied) or sorted(classes)
    candidates.sort(key=lambda c: not c.startswith(str(PKG)))
    return candidates[0] if candidates else ""


def read_network(
    loaded: LoadedGraph, relations: list[str] | None = None, document: str | None = None
) -> Network:
    """The nodes and edges of an export: every relation of the interventions (of ``document``, or of all
    documents) that is among ``relations`` (all when None or empty)."""
    query = read_query(loaded.project.queries_dir / "provenance/edge-passages.rq", "provenance/edge-passages")
    scope = f"<{document}>" if document else "UNDEF"
    rows = loaded.select(bind_params(query, {"document": scope}))
    wanted = set(relations or [])
    quotes = {r["passage"]: " ".join(r["quote"].split()) for r in loaded.select(QUOTES)}
    edges = [
        ExportEdge(
            r["intervention"],
            r["object"],
            r["predicate"],
            r["basis"],
            " ".join(r.get("reason", "").split()),
            r.get("source", ""),
            quotes.get(r.get("source", ""), ""),
        )
        for r in rows
        if not wanted or r["predicate"] in wanted
    ]
    edges.sort(key=lambda e: (e.source, e.relation, e.target, e.basis, e.reason))
    own: dict[str, set[str]] = defaultdict(set)
    for row in loaded.select(INTERVENTIONS % scope):
        own[row["intervention"]].add(row["priority"])
    iris = set(own) | {e.target for e in edges} | {e.source for e in edges}
    nodes = {iri: ExportNode(iri) for iri in sorted(iris)}
    _describe_nodes(loaded, nodes)
    linked: dict[str, set[str]] = defaultdict(set)
    for edge in edges:
        linked[edge.target] |= own.get(edge.source, set())
    for iri, node in nodes.items():
        if iri in own:
            node.priorities = sorted(own[iri])
        elif node.type == shorten(str(PKG.Priority)):
            node.priorities = [iri]
        else:
            node.priorities = sorted(linked.get(iri, set()))
    return Network(nodes, edges, sorted(wanted), document)


def _describe_nodes(loaded: LoadedGraph, nodes: dict[str, ExportNode]) -> None:
    """Set each node's classes and labels from the store."""
    supers: dict[str, set[str]] = defaultdict(set)
    for row in loaded.select(SUPERCLASSES):
        supers[row["class"]].add(row["super"])
    classes: dict[str, set[str]] = defaultdict(set)
    for row in loaded.select(CLASSES):
        if row["node"] in nodes:
            classes[row["node"]].add(row["class"])
    for iri, found in classes.items():
        nodes[iri].type = shorten(_most_specific(found, supers))
        nodes[iri].types = sorted(shorten(c) for c in found)
    for row in loaded.select(LABELS):
        node = nodes.get(row["node"])
        if node is not None:
            setattr(node, f"label_{row['lang']}", " ".join(row["text"].split()))


def build_graph(network: Network) -> nx.MultiDiGraph:
    """The network as a directed multigraph whose every attribute is a string or an int (never None), as
    the GraphML and GEXF writers need. Edge keys are ``e0``, ``e1``, … in the order of the edges."""
    import networkx as nx  # only the graph formats need it: the CSV ones start faster without

    graph = nx.MultiDiGraph(name="policykg network")
    for node in network.nodes.values():
        graph.add_node(
            node.iri,
            label=node.label,
            label_en=node.label_en,
            label_nl=node.label_nl,
            type=node.type,
            types=" ".join(node.types),
            priority=" ".join(node.priorities),
            priority_count=len(node.priorities),
        )
    for number, edge in enumerate(network.edges):
        relation = shorten(edge.relation)
        graph.add_edge(
            edge.source,
            edge.target,
            key=f"e{number}",
            label=relation,
            relation=relation,
            basis=edge.basis,
            reason=edge.reason,
            passage=edge.passage,
            quote=edge.quote,
        )
    return graph


def render_graphml(network: Network) -> bytes:
    """The network as GraphML (networkx's writer)."""
    import networkx as nx

    buffer = io.BytesIO()
    nx.write_graphml(build_graph(network), buffer, encoding="utf-8")
    return buffer.getvalue()


def render_gexf(network: Network) -> bytes:
    """The network as GEXF 1.2 (networkx's writer; it also writes the day of writing in ``meta``)."""
    import networkx as nx

    graph = build_graph(network)
    for _u, _v, key, data in graph.edges(keys=True, data=True):
        data["id"] = key  # networkx numbers GEXF edges itself unless told their id
    buffer = io.BytesIO()
    nx.write_gexf(graph, buffer, encoding="utf-8")
    return buffer.getvalue()


def _csv(rows: Iterable[list[str | int]]) -> bytes:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue().encode("utf-8")


EDGE_COLUMNS = [
    "source",
    "target",
    "relation",
    "basis",
    "reason",
    "passage",
    "quote",
    "source_type",
    "target_type",
    "source_label_en",
    "source_label_nl",
    "target_label_en",
    "target_label_nl",
]


def render_edges_csv(network: Network) -> bytes:
    """One row per edge, with a header row (:data:`EDGE_COLUMNS`)."""
    nodes = network.nodes
    rows: list[list[str | int]] = [list(EDGE_COLUMNS)]
    for e in network.edges:
        s, t = nodes[e.source], nodes[e.target]
        rows.append(
            [e.source, e.target, shorten(e.relation), e.basis, e.reason, e.passage, e.quote]
            + [s.type, t.type, s.label_en, s.label_nl, t.label_en, t.label_nl]
        )
    return _csv(rows)


LABEL_COLUMNS = ["iri", "role", "type", "label_en", "label_nl", "priority"]


def render_matrix(network: Network) -> tuple[bytes, bytes]:
    """The intervention × other-end matrix and its labels file.

    Rows are the interventions, columns the other ends of the edges (both sorted by IRI); when every other
    end is an intervention (``dependsOn``, ``partOf``) the columns are the rows, a square one-mode matrix.
    A cell counts the relations exported that link its row to its column: 0 or 1 for one relation. The
    first row holds an empty cell and the column IRIs; the first column the row IRIs."""
    intervention = shorten(str(PKG.Intervention))
    rows = [iri for iri, node in network.nodes.items() if node.type == intervention]
    targets = sorted({e.target for e in network.edges})
    square = all(network.nodes[t].type == intervention for t in targets)
    columns = rows if square else targets
    linked: dict[tuple[str, str], set[str]] = defaultdict(set)
    for edge in network.edges:
        linked[edge.source, edge.target].add(edge.relation)
    matrix: list[list[str | int]] = [["", *columns]]
    matrix += [[row, *(len(linked.get((row, column), ())) for column in columns)] for row in rows]
    labels: list[list[str | int]] = [list(LABEL_COLUMNS)]
    role = {iri: "row" for iri in rows}
    for column in columns:
        role[column] = "both" if column in role else "column"
    for iri in sorted(role):
        node = network.nodes[iri]
        labels.append([iri, role[iri], node.type, node.label_en, node.label_nl, " ".join(node.priorities)])
    return _csv(matrix), _csv(labels)


def render_export(network: Network, fmt: str) -> list[bytes]:
    """The files of an export in ``fmt``: one, or for ``csv-matrix`` the matrix and its labels."""
    if fmt == "graphml":
        return [render_graphml(network)]
    if fmt == "gexf":
        return [render_gexf(network)]
    if fmt == "edges-csv":
        return [render_edges_csv(network)]
    if fmt == "csv-matrix":
        return list(render_matrix(network))
    raise PolicyKGError(f"no export format {fmt!r} (formats: {', '.join(FORMATS)})", exit_code=EXIT_USAGE)


def name_export(fmt: str, relations: list[str], document: str | None) -> str:
    """The file name of an export under ``dist/exports/``.

    >>> name_export("csv-matrix", ["https://w3id.org/policykg/def#involves"], None)
    'matrix-involves.csv'
    >>> name_export("gexf", [], "https://w3id.org/policykg/id/kernboodschap-digitalisering")
    'network-kernboodschap-digitalisering.gexf'
    """
    stem = {"csv-matrix": "matrix", "edges-csv": "edges"}.get(fmt, "network")
    if relations:
        stem += "-" + "+".join(_local_name(r) for r in relations)
    if document:
        stem += "-" + document.rstrip("/").rsplit("/", 1)[-1]
    return stem + FORMATS[fmt]


def labels_path(path: Path) -> Path:
    """Where the labels of a matrix go: beside it, ``.labels.csv`` for its suffix.

    >>> labels_path(Path("out/matrix.csv")).as_posix(), labels_path(Path("m")).as_posix()
    ('out/matrix.labels.csv', 'm.labels.csv')
    """
    stem = path.name[: -len(".csv")] if path.name.lower().endswith(".csv") else path.name
    return path.with_name(stem + ".labels.csv")


def export_network(
    loaded: LoadedGraph,
    fmt: str,
    relations: list[str] | None = None,
    document: str | None = None,
    out: str | Path | None = None,
) -> list[Path]:
    """Export the network in ``fmt`` (see :data:`FORMATS`), limited to ``relations`` (names or IRIs) and
    ``document`` (an IRI); write it to ``out``, to standard output when ``out`` is ``-``, or to
    ``dist/exports/`` when None. Every file is written whole through a temporary file and renamed into
    place, never left half-written. Returns the files written."""
    if fmt not in FORMATS:
        raise PolicyKGError(f"no export format {fmt!r} (formats: {', '.join(FORMATS)})", exit_code=EXIT_USAGE)
    if document:
        loaded.require_document(document)
    chosen = resolve_relations(loaded, relations or [])
    if str(out) == "-" and fmt == "csv-matrix":
        raise PolicyKGError(
            "csv-matrix writes two files (the matrix and its labels); give --out FILE.csv, not -",
            exit_code=EXIT_USAGE,
        )
    files = render_export(read_network(loaded, chosen, document), fmt)
    if str(out) == "-":
        sys.stdout.buffer.write(files[0])
        sys.stdout.flush()
        return []
    project = loaded.project
    target = Path(out) if out else project.dist_dir / EXPORTS / name_export(fmt, chosen, document)
    if target.is_dir():
        raise PolicyKGError(f"--out {target}: is a folder; give a file name", exit_code=EXIT_USAGE)
    paths = [target, labels_path(target)][: len(files)]
    from .output import locked

    # inside dist/, a build swapping dist/ whole must not run while an export writes into it
    with nullcontext() if out else locked(project.dist_dir):
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            for path, data in zip(paths, files, strict=True):
                write_atomically(path, data)
        except OSError as error:
            raise PolicyKGError(
                f"cannot write {error.filename or target}: {error.strerror or error}", exit_code=EXIT_USAGE
            ) from error
    return paths
