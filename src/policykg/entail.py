"""Materialise what the ontology's class and property hierarchy entails, in a named graph of its own.

The store does no inference: a query for ``?x a pkg:PolicyFramework`` finds only what is typed so, not
the laws and strategies, and ``?i pkg:refersTo ?f`` misses ``pkg:implements``. This module adds the
triples that the RDFS entailment rules rdfs9 (``rdfs:subClassOf``) and rdfs7 (``rdfs:subPropertyOf``)
derive, through any number of steps, together with the transitive closure of both hierarchies (rdfs11
and rdfs5): https://www.w3.org/TR/rdf11-mt/#rdfs-entailment. It adds nothing else: no
``rdfs:Resource`` or ``owl:Thing`` for everything, no domains and ranges, nothing from vocabularies
whose axioms are not in the graph.

The triples go into :data:`ENTAILED_GRAPH`, so that a query can tell them from those asserted in the
project's files with ``GRAPH``; a triple already asserted in any graph is not added again.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyoxigraph as ox

ENTAILED_GRAPH = ox.NamedNode("https://w3id.org/policykg/graph/entailed")
"""The named graph that holds the entailed triples, apart from the asserted ones."""
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
SUBCLASS_OF = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subClassOf")
SUBPROPERTY_OF = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#subPropertyOf")
TRIVIAL = frozenset(
    {
        "http://www.w3.org/2000/01/rdf-schema#Resource",
        "http://www.w3.org/2002/07/owl#Thing",
        "http://www.w3.org/2002/07/owl#topObjectProperty",
        "http://www.w3.org/2002/07/owl#topDataProperty",
    }
)
"""Superclasses and superproperties that hold of everything: stating them would tell nothing."""

Hierarchy = dict[ox.NamedNode, set[ox.NamedNode]]
"""Each class (or property) and every class above it, itself not included."""


def close_hierarchy(pairs: Iterable[tuple[ox.NamedNode, ox.NamedNode]]) -> Hierarchy:
    """The transitive closure of sub-to-super pairs (rdfs5, rdfs11), leaving out each term itself and
    the :data:`TRIVIAL` superterms; cycles are followed once.

    >>> a, b, c = (ox.NamedNode(f"http://e/{n}") for n in "abc")
    >>> sorted((k.value, sorted(s.value for s in v)) for k, v in close_hierarchy([(a, b), (b, c)]).items())
    [('http://e/a', ['http://e/b', 'http://e/c']), ('http://e/b', ['http://e/c'])]
    """
    direct: Hierarchy = {}
    for sub, sup in pairs:
        if sub != sup and sup.value not in TRIVIAL:
            direct.setdefault(sub, set()).add(sup)
    closed: Hierarchy = {}
    for term in direct:
        seen: set[ox.NamedNode] = set()
        todo = list(direct[term])
        while todo:
            sup = todo.pop()
            if sup in seen or sup == term:
                continue
            seen.add(sup)
            todo.extend(direct.get(sup, ()))
        closed[term] = seen
    return closed


def read_hierarchy(store: ox.Store, predicate: ox.NamedNode) -> Hierarchy:
    """The closed hierarchy that ``predicate`` (``rdfs:subClassOf`` or ``rdfs:subPropertyOf``) states
    between IRIs in the asserted graphs; axioms on blank nodes (OWL restrictions) are left out."""
    pairs = [
        (q.subject, q.object)
        for q in store.quads_for_pattern(None, predicate, None, None)
        if q.graph_name != ENTAILED_GRAPH
        and isinstance(q.subject, ox.NamedNode)
        and isinstance(q.object, ox.NamedNode)
    ]
    return close_hierarchy(pairs)


def _entailed(store: ox.Store) -> Iterator[ox.Triple]:
    """Every triple the hierarchies entail, possibly some already asserted."""
    classes = read_hierarchy(store, SUBCLASS_OF)
    properties = read_hierarchy(store, SUBPROPERTY_OF)
    for hierarchy, predicate in ((classes, SUBCLASS_OF), (properties, SUBPROPERTY_OF)):
        for sub, sups in hierarchy.items():
            for sup in sups:
                yield ox.Triple(sub, predicate, sup)  # rdfs11, rdfs5
    for cls, sups in classes.items():  # rdfs9
        for quad in store.quads_for_pattern(None, RDF_TYPE, cls, None):
            if quad.graph_name != ENTAILED_GRAPH:
                for sup in sups:
                    yield ox.Triple(quad.subject, RDF_TYPE, sup)
    for prop, sups in properties.items():  # rdfs7
        for quad in store.quads_for_pattern(None, prop, None, None):
            if quad.graph_name != ENTAILED_GRAPH:
                for sup in sups:
                    yield ox.Triple(quad.subject, sup, quad.object)
    # rdfs7 may make new rdf:type triples only if a property is a subproperty of rdf:type, and
    # rdfs9 new hierarchy triples only if a class is a subclass of rdfs:Class: neither is followed


def _asserted(store: ox.Store, triple: ox.Triple) -> bool:
    return any(
        q.graph_name != ENTAILED_GRAPH
        for q in store.quads_for_pattern(triple.subject, triple.predicate, triple.object, None)
    )


def entail_rdfs(store: ox.Store, graph: ox.NamedNode = ENTAILED_GRAPH) -> int:
    """Replace ``graph`` in ``store`` with the triples that rdfs9 and rdfs7 entail from the asserted
    graphs, transitively, that are not asserted already; return how many were added.

    >>> store = ox.Store()
    >>> e = "http://e/"
    >>> store.load(input=f"<{e}Law> <{SUBCLASS_OF.value}> <{e}Framework> . <{e}gdpr> a <{e}Law> .",
    ...            format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(f"{e}file"))
    >>> entail_rdfs(store)
    1
    >>> [str(q) for q in store.quads_for_pattern(None, None, None, ENTAILED_GRAPH)]
    ['<http://e/gdpr> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://e/Framework> <https://w3id.org/policykg/graph/entailed>']
    """
    store.clear_graph(graph) if graph in set(store.named_graphs()) else None
    added = {t for t in _entailed(store) if not _asserted(store, t)}
    store.extend(ox.Quad(t.subject, t.predicate, t.object, graph) for t in added)
    return len(added)
