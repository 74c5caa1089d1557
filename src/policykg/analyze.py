"""Overlap and dependency analytics: graphs projected from the store, measured with networkx.

Three graphs are projected with SPARQL: the intervention–actor graph (an intervention and each institution,
law or strategy, theme and target group it touches), the dependency graph (``pkg:dependsOn``), and the
intervention graph (two interventions linked by what they share). Edges, with their basis (stated, or a
reading with its reason), come from the library's ``provenance/edge-passages``, and each finding quotes
every passage that the edge's qualified relation cites, in the order of the text; which institutions a
priority involves comes from ``overlaps/institutions-per-priority`` (see docs/model.md). Every finding
names resources by label.

Every step costs time and memory in proportion to the graph (about 9 s and 400 MB over the loaded store
for a million triples), the exact computations staying exact at the size of real corpora. Two would grow
by the square of the corpus, and are estimated above a threshold, the report saying so in its summary
(``approximations``):

- betweenness, above SAMPLE_ABOVE nodes: from SAMPLE_SOURCES sources drawn with a fixed seed, the
  estimate networkx gives for the same seed, computed with arrays (:func:`sampled_betweenness`);
- entanglement, above PAIRS_ABOVE priorities: the TOP_PAIRS strongest pairs only, searched among the
  pairs of the ANCHORS priorities that share most with all others (:func:`find_entanglement`).

Neither estimate varies from run to run: the sample is seeded, the search has no chance in it.
"""

from __future__ import annotations

import html
import json
import random
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO

import networkx as nx
import numpy as np

from .escape import link_target, markdown_strings, visible
from .library import bind_params, read_query
from .load import LoadedGraph
from .namespaces import PKG, sparql_prologue

EDGE_PASSAGES = "provenance/edge-passages"
"""The library query that gives every edge of an intervention with its basis, reason and passage."""
INVOLVEMENT = "overlaps/institutions-per-priority"
"""The library query that says which institutions a priority involves."""
ACTOR_KINDS = {
    str(PKG.involves): "institution",
    str(PKG.refersTo): "framework",
    str(PKG.alignsWith): "framework",
    str(PKG.implements): "framework",
    str(PKG.enforces): "framework",
    str(PKG.buildsOn): "framework",
    str(PKG.addresses): "theme",
    str(PKG.targets): "target group",
}
"""The edges of the intervention–actor graph, and the kind of resource each reaches."""

INTERVENTIONS = """
SELECT ?intervention ?priority ?document WHERE {
  ?intervention a pkg:Intervention ; pkg:underPriority ?priority .
  OPTIONAL { ?document pkg:hasPriority ?priority . }
}
"""

LABELS = """
SELECT ?resource ?label WHERE {
  ?resource rdfs:label ?label .
  FILTER(LANG(?label) = "en")
  FILTER NOT EXISTS { ?resource a pkg:Passage }
}
"""

PASSAGES = """
SELECT ?passage ?exact WHERE { ?passage a pkg:Passage ; oa:hasSelector/oa:exact ?exact . }
"""

RELATION_PASSAGES = """
SELECT ?intervention ?predicate ?object ?passage WHERE {
  { SELECT ?priority WHERE { VALUES ?document { %s } ?document pkg:hasPriority ?priority . } }
  ?intervention pkg:underPriority ?priority .
  ?relation rdf:subject ?intervention ; rdf:predicate ?predicate ; rdf:object ?object ;
    prov:wasDerivedFrom ?passage .
}
"""
"""Every passage that the qualified relation of an intervention's edge cites: the evidence a finding
quotes (``provenance/edge-passages`` gives the first of them only)."""

QUOTES = """
SELECT ?passage ?document ?exact ?prefix WHERE {
  VALUES ?passage { %s }
  ?passage oa:hasSource ?document ; oa:hasSelector ?selector .
  ?selector oa:exact ?exact .
  OPTIONAL { ?selector oa:prefix ?prefix . }
}
"""
"""What passages quote, and from which document: to find where they stand in its text."""

SOURCE_TEXTS = "SELECT ?document ?text WHERE { VALUES ?document { %s } ?document pkg:sourceText ?text . }"

BUDGET = """
SELECT ?priority ?period ?amount WHERE {
  ?o qb:dataSet/qb:structure pkg:budgetStructure ; pkg:priority ?priority ;
     pkg:period/skos:notation ?period ; pkg:amount ?amount .
}
"""


@dataclass
class Projection:
    """What the analysis reads from the store, once."""

    labels: dict[str, str]
    passages: dict[str, str]
    priority_of: dict[str, str]
    actor_edges: list[dict[str, str]]
    dependencies: list[dict[str, str]]
    budget: dict[str, dict[str, Decimal]] = field(default_factory=dict)
    involvement: list[dict[str, str]] = field(default_factory=list)
    """The rows of ``overlaps/institutions-per-priority``."""


def _select(loaded: LoadedGraph, sparql: str) -> list[dict[str, str]]:
    """What ``loaded.select`` gives (rows as dicts of lexical values, unbound variables left out), read a
    solution at a time rather than a variable at a time, which halves the cost on large results."""
    solutions = loaded.query(sparql_prologue() + sparql)
    names = [v.value for v in solutions.variables]
    return [{n: t.value for n, t in zip(names, row, strict=True) if t is not None} for row in solutions]


def _pairs(loaded: LoadedGraph, sparql: str) -> dict[str, str]:
    """The first two variables of every solution, as a mapping."""
    return {row[0].value: row[1].value for row in loaded.query(sparql_prologue() + sparql)}


def _edge_order(r: dict[str, Any]) -> tuple[Any, ...]:
    """The order of the actor edges: by actor, intervention, kind, passages and property."""
    return (r["actor"], r["intervention"], r["kind"], r.get("passages", []), r["property"])


def library_query(loaded: LoadedGraph, name: str, document: str | None = None) -> str:
    """A query of the library, of every document or of one."""
    query = read_query(loaded.project.queries_dir / f"{name}.rq", name)
    return bind_params(query, {"document": f"<{document}>"} if document else None)


def _basis(row: dict[str, str], cited: dict[tuple[str, str, str], list[str]]) -> dict[str, Any]:
    """An edge's basis and a reading's reason, from a row of ``provenance/edge-passages``, and the
    passages its qualified relation cites (``cited``)."""
    found: dict[str, Any] = {"basis": row["basis"]}
    if row.get("reason") and row["basis"] == "reading":
        found["reason"] = row["reason"]
    passages = cited.get((row["intervention"], row["predicate"], row["object"]))
    if passages:
        found["passages"] = passages
    elif row.get("source"):
        found["passages"] = [row["source"]]
    return found


def cited_passages(loaded: LoadedGraph, document: str | None = None) -> dict[tuple[str, str, str], list[str]]:
    """For each edge of an intervention (of ``document``, or of every document), the passages its
    qualified relation cites: in the order of the source text, where the text is known, else by IRI."""
    cited: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for row in _select(loaded, RELATION_PASSAGES % (f"<{document}>" if document else "UNDEF")):
        cited[row["intervention"], row["predicate"], row["object"]].add(row["passage"])
    several = sorted({passage for passages in cited.values() if len(passages) > 1 for passage in passages})
    place = _places(loaded, several)
    return {
        edge: sorted(passages, key=lambda x: (place.get(x, (1, 0)), x)) for edge, passages in cited.items()
    }


def _places(loaded: LoadedGraph, passages: list[str], batch: int = 500) -> dict[str, tuple[int, int]]:
    """Where each passage's quote starts in its source text; passages without a text are left out."""
    quotes = []
    for start in range(0, len(passages), batch):
        values = " ".join(f"<{x}>" for x in passages[start : start + batch])
        quotes += _select(loaded, QUOTES % values)
    documents = sorted({row["document"] for row in quotes})
    texts: dict[str, str] = {}
    for start in range(0, len(documents), batch):
        values = " ".join(f"<{x}>" for x in documents[start : start + batch])
        texts |= _pairs(loaded, SOURCE_TEXTS % values)
    place: dict[str, tuple[int, int]] = {}
    for row in quotes:
        prefix = row.get("prefix", "")
        at = texts.get(row["document"], "").find(prefix + row["exact"])
        if at >= 0:
            place[row["passage"]] = (0, at + len(prefix))
    return place


def project_graphs(loaded: LoadedGraph, document: str | None = None) -> Projection:
    """Read labels, passages, interventions, actor edges, dependencies, budgets and which institutions
    each priority involves from the store; with ``document``, only that document's interventions and
    what they touch."""
    rows = [r for r in _select(loaded, INTERVENTIONS) if "document" in r]
    priority_of = {
        r["intervention"]: r["priority"] for r in rows if document is None or r["document"] == document
    }
    budget: dict[str, dict[str, Decimal]] = defaultdict(dict)
    priorities = set(priority_of.values())
    for row in _select(loaded, BUDGET):
        if document is None or row["priority"] in priorities:
            budget[row["priority"]][row["period"]] = Decimal(row["amount"])
    involvement = [
        r for r in loaded.select(library_query(loaded, INVOLVEMENT, document)) if r["priority"] in priorities
    ]
    involved = {(r["priority"], r["institution"]) for r in involvement}
    cited = cited_passages(loaded, document)
    edges, dependencies = [], []
    for row in _select(loaded, library_query(loaded, EDGE_PASSAGES, document)):
        intervention, predicate = row["intervention"], row["predicate"]
        if intervention not in priority_of:
            continue
        if predicate == str(PKG.dependsOn):
            dependencies.append({"from": intervention, "to": row["object"], **_basis(row, cited)})
            continue
        kind = ACTOR_KINDS.get(predicate)
        if kind is None:
            continue
        if kind == "institution" and (priority_of[intervention], row["object"]) not in involved:
            continue  # an institution is involved in a priority as overlaps/institutions-per-priority says
        edges.append(
            {
                "intervention": intervention,
                "property": predicate,
                "actor": row["object"],
                "kind": kind,
                **_basis(row, cited),
            }
        )
    labels = _pairs(loaded, LABELS)
    document_of = {r["priority"]: r["document"] for r in rows if r["priority"] in priorities}
    document_of |= {r["intervention"]: r["document"] for r in rows if r["intervention"] in priority_of}
    if len(set(document_of.values())) > 1:
        # documents may name their priorities and interventions alike (two editions of one policy): across
        # documents, their labels say whose they are
        for resource, owner in document_of.items():
            labels[resource] = f"{labels.get(resource, resource)} ({labels.get(owner, owner)})"
    return Projection(
        labels=labels,
        passages=_pairs(loaded, PASSAGES),
        priority_of=priority_of,
        actor_edges=sorted(edges, key=_edge_order),
        dependencies=sorted(dependencies, key=lambda r: sorted(r.items())),
        budget=dict(budget),
        involvement=involvement,
    )


def _ref(p: Projection, iri: str) -> dict[str, str]:
    label = p.labels.get(iri)
    return {"iri": iri, "label": iri.rsplit("/", 1)[-1] if label is None else label}


def _evidence(p: Projection, passages: list[str] | None) -> list[dict[str, str]]:
    """The passages an edge rests on, each with its quote."""
    return [{"passage": x, "quote": p.passages.get(x, "")} for x in passages or ()]


def _edge(p: Projection, edge: dict[str, Any]) -> dict[str, Any]:
    """An edge's basis (stated or reading), the reason of a reading, and the passages its qualified
    relation cites, in the order of the text."""
    return {
        "basis": edge.get("basis"),
        "reason": edge.get("reason"),
        "evidence": _evidence(p, edge.get("passages")),
    }


SAMPLE_ABOVE = 2000
"""Above this many nodes betweenness is estimated from a seeded sample of sources …"""
SAMPLE_SOURCES = 200
"""… of this many."""
PAIRS_ABOVE = 100
"""Above this many priorities only the strongest pairs are listed, found approximately …"""
TOP_PAIRS = 100
"""… this many …"""
ANCHORS = 200
"""… among the pairs of the priorities that share most with all others, this many of them (and the pairs
that dependencies cross)."""
HUB = 60
"""An actor shared by more interventions than this links none of them in the intervention graph of the
communities: a hub tells little about which interventions belong together, and would add edges by the
square of its size."""


def sampled_betweenness(graph: nx.Graph, k: int, seed: int) -> dict[Any, float]:
    """Normalised betweenness of an undirected, unweighted graph estimated from ``k`` sources: the estimate
    of networkx's ``betweenness_centrality(graph, k=k, normalized=True, seed=seed)`` (the same sources,
    drawn with ``random.Random(seed)``, the same rescaling as networkx 3.6, equal to it within float
    rounding), computed with arrays (see :func:`_sampled_betweenness`)."""
    nodes = list(graph)
    index = {v: i for i, v in enumerate(nodes)}
    edges = np.array([(index[u], index[v]) for u, v in graph.edges()], dtype=np.int64).reshape(-1, 2)
    return dict(zip(nodes, _sampled_betweenness(nodes, edges, k, seed).tolist(), strict=True))


def _sampled_betweenness(nodes: list[Any], edges: np.ndarray, k: int, seed: int) -> np.ndarray:
    """Brandes' breadth-first search and accumulation from ``k`` sources drawn from ``nodes`` with
    ``random.Random(seed)``, as networkx draws them, on the undirected graph of ``edges`` (pairs of
    indexes into ``nodes``, each once), one frontier at a time: a few array operations per level instead
    of Python work per edge, about 30 times faster than networkx. The cost is ``k`` times the edges."""
    n = len(nodes)
    index = {v: i for i, v in enumerate(nodes)}
    sources = [index[v] for v in random.Random(seed).sample(nodes, k)]
    tail = np.concatenate([edges[:, 0], edges[:, 1]])
    head = np.concatenate([edges[:, 1], edges[:, 0]])
    neighbours = head[np.argsort(tail, kind="stable")]
    degree = np.bincount(tail, minlength=n)
    start = np.cumsum(degree) - degree
    total = np.zeros(n)
    dist = np.empty(n, dtype=np.int64)
    sigma = np.empty(n)
    delta = np.empty(n)
    for s in sources:
        dist.fill(-1)
        sigma.fill(0.0)
        delta.fill(0.0)
        dist[s], sigma[s] = 0, 1.0
        frontier, layers = np.array([s]), []
        while True:
            counts = degree[frontier]
            reached = int(counts.sum())
            if reached == 0:
                break
            # every edge out of the frontier, as (predecessor, neighbour)
            offset = np.repeat(start[frontier] - (np.cumsum(counts) - counts), counts)
            w = neighbours[offset + np.arange(reached)]
            pred = np.repeat(frontier, counts)
            new = dist[w] == -1
            w, pred = w[new], pred[new]
            if w.size == 0:
                break
            paths = np.bincount(w, weights=sigma[pred], minlength=n)
            frontier = np.flatnonzero(paths)
            dist[frontier] = len(layers) + 1
            sigma += paths
            layers.append((pred, w))
        for pred, w in reversed(layers):
            delta += np.bincount(pred, weights=sigma[pred] * ((1 + delta[w]) / sigma[w]), minlength=n)
        delta[s] = 0.0
        total += delta
    # networkx's rescaling for sampled sources without endpoints: a source cannot be on its own paths
    pairs = n - 2
    scale = np.full(n, 1 / (k * pairs))
    scale[sources] = 1 / ((k - 1) * pairs)
    return total * scale


def find_bridges(p: Projection) -> list[dict[str, Any]]:
    """Actors that bridge priorities: participation across priorities and betweenness on the
    intervention–actor graph (networkx ``betweenness_centrality``, normalised; estimated above
    SAMPLE_ABOVE nodes, see :func:`sampled_betweenness`)."""
    # the nodes in the order networkx would hold them, and each edge once
    index: dict[tuple[str, str], int] = {}
    pairs: dict[tuple[int, int], None] = {}
    for edge in p.actor_edges:
        u = index.setdefault(("i", edge["intervention"]), len(index))
        v = index.setdefault(("a", edge["actor"]), len(index))
        pairs[u, v] = None
    nodes = list(index)
    # exact up to SAMPLE_ABOVE nodes; beyond, estimated from SAMPLE_SOURCES sampled sources (seeded, so
    # repeatable), which keeps the cost linear in the edges instead of quadratic
    betweenness: dict[tuple[str, str], float] = {}
    if len(nodes) > SAMPLE_ABOVE:
        edges = np.array(list(pairs), dtype=np.int64).reshape(-1, 2)
        estimate = _sampled_betweenness(nodes, edges, SAMPLE_SOURCES, seed=42)
        betweenness = dict(zip(nodes, estimate.tolist(), strict=True))
    elif len(nodes) > 2:
        graph = nx.Graph()
        graph.add_edges_from((nodes[u], nodes[v]) for u, v in pairs)
        betweenness = nx.betweenness_centrality(graph, normalized=True)
    by_actor: dict[str, list[dict[str, str]]] = defaultdict(list)
    kind_of: dict[str, str] = {}
    for edge in p.actor_edges:
        by_actor[edge["actor"]].append(edge)
        kind_of[edge["actor"]] = edge["kind"]
    bridges = []
    for actor, edges in by_actor.items():
        priorities = sorted(
            {p.priority_of[e["intervention"]] for e in edges if e["intervention"] in p.priority_of}
        )
        if len(priorities) < 2:
            continue
        links = sorted(
            (
                {
                    "intervention": _ref(p, e["intervention"]),
                    "priority": _ref(p, p.priority_of.get(e["intervention"], "")),
                    "relation": e["property"].rsplit("#", 1)[-1],
                    **_edge(p, e),
                }
                for e in edges
            ),
            key=lambda x: (x["priority"]["label"], x["intervention"]["label"]),
        )
        bridges.append(
            {
                **_ref(p, actor),
                "kind": kind_of[actor],
                "priorities": [_ref(p, x) for x in priorities],
                "interventions": len({e["intervention"] for e in edges}),
                "betweenness": round(betweenness.get(("a", actor), 0.0), 4),
                "links": links,
            }
        )
    bridges.sort(key=lambda b: (-len(b["priorities"]), -b["betweenness"], b["label"]))
    return bridges


def find_institutions(p: Projection) -> list[dict[str, Any]]:
    """Each institution and the priorities it is involved in, as ``overlaps/institutions-per-priority``
    says: per priority, how many of its interventions involve it, how many of those the text states and
    how many are readings."""
    by_institution: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in p.involvement:
        by_institution[row["institution"]].append(
            {
                **_ref(p, row["priority"]),
                **{k: int(row[k]) for k in ("interventions", "stated", "readings")},
            }
        )
    institutions = [
        {**_ref(p, iri), "priorities": sorted(rows, key=lambda r: (r["label"], r["iri"]))}
        for iri, rows in by_institution.items()
    ]
    institutions.sort(key=lambda x: (-len(x["priorities"]), x["label"], x["iri"]))
    return institutions


def _pair(p: Projection, a: str, b: str, shared: set[str], union: int, dependencies: int) -> dict[str, Any]:
    return {
        "a": _ref(p, a),
        "b": _ref(p, b),
        "shared": len(shared),
        "jaccard": round(len(shared) / union, 3) if union else 0.0,
        "dependencies": dependencies,
        "shared_resources": sorted((_ref(p, x) for x in shared), key=lambda r: (r["label"], r["iri"])),
    }


def _pair_key(x: dict[str, Any]) -> tuple[int, float, str, str]:
    return (-(x["shared"] + x["dependencies"]), -x["jaccard"], x["a"]["label"], x["b"]["label"])


def find_entanglement(p: Projection) -> list[dict[str, Any]]:
    """Pairs of priorities ranked by what they share (actors) and how they depend on each other.

    Up to PAIRS_ABOVE priorities every pair is listed. Beyond, the pairs grow by the square of the
    priorities, so only the TOP_PAIRS strongest are listed, searched among the pairs that involve one of
    the ANCHORS priorities that share the most with all others (the sum, over a priority's actors, of the
    priorities each touches), and the pairs that dependencies cross: a deterministic approximation whose
    cost is linear (ANCHORS rows of the pair matrix). On synthetic corpora of 1,000 and 2,000 priorities
    it finds 97 and 98 of the exact top 100.
    """
    actors: dict[str, set[str]] = defaultdict(set)
    for edge in p.actor_edges:
        if edge["intervention"] in p.priority_of:
            actors[p.priority_of[edge["intervention"]]].add(edge["actor"])
    crossing: Counter[tuple[str, str]] = Counter()
    for dep in p.dependencies:
        a, b = p.priority_of.get(dep["from"]), p.priority_of.get(dep["to"])
        if a and b and a != b:
            crossing[tuple(sorted((a, b)))] += 1
    priorities = sorted(set(p.priority_of.values()), key=lambda x: (p.labels.get(x, x), x))
    if len(priorities) > PAIRS_ABOVE:
        return _strongest_pairs(p, priorities, actors, crossing)
    pairs = []
    for i, a in enumerate(priorities):
        for b in priorities[i + 1 :]:
            shared = actors[a] & actors[b]
            union = len(actors[a] | actors[b])
            pairs.append(_pair(p, a, b, shared, union, crossing[tuple(sorted((a, b)))]))
    pairs.sort(key=_pair_key)
    return pairs


def _strongest_pairs(
    p: Projection,
    priorities: list[str],
    actors: dict[str, set[str]],
    crossing: Counter[tuple[str, str]],
) -> list[dict[str, Any]]:
    """The approximate top of find_entanglement above PAIRS_ABOVE priorities (see there)."""
    n = len(priorities)
    index = {x: i for i, x in enumerate(priorities)}
    holders: dict[str, list[int]] = defaultdict(list)
    for x in priorities:
        for actor in actors[x]:
            holders[actor].append(index[x])
    held = {actor: np.array(found, dtype=np.int64) for actor, found in holders.items()}
    size = np.array([len(actors[x]) for x in priorities], dtype=np.int64)
    touching: Counter[str] = Counter()
    for (a, b), count in crossing.items():
        touching[a] += count
        touching[b] += count
    mass = [sum(len(holders[actor]) for actor in actors[x]) + touching[x] for x in priorities]
    anchors = sorted(range(n), key=lambda i: (-mass[i], i))[:ANCHORS]
    # the anchors' rows of the matrix of shared actors, as (first, second, shared) with first < second
    firsts, seconds, counts = [], [], []
    others = np.arange(n)
    for i in anchors:
        row = np.bincount(
            np.concatenate([held[actor] for actor in actors[priorities[i]]] or [np.zeros(0, np.int64)]),
            minlength=n,
        )
        mask = others != i
        firsts.append(np.minimum(others[mask], i))
        seconds.append(np.maximum(others[mask], i))
        counts.append(row[mask])
    crossed = sorted((*sorted((index[a], index[b])), count) for (a, b), count in crossing.items())
    crossed_key = np.array([i * n + j for i, j, _ in crossed], dtype=np.int64)
    firsts.append(crossed_key // n)
    seconds.append(crossed_key % n)
    counts.append(np.array([len(actors[priorities[i]] & actors[priorities[j]]) for i, j, _ in crossed]))
    key, where = np.unique(np.concatenate(firsts) * n + np.concatenate(seconds), return_index=True)
    first, second, shared = key // n, key % n, np.concatenate(counts).astype(np.int64)[where]
    depends = np.zeros(len(key), dtype=np.int64)
    depends[np.searchsorted(key, crossed_key)] = [count for _, _, count in crossed]
    union = size[first] + size[second] - shared
    jaccard = np.round(np.where(union > 0, shared / np.maximum(union, 1), 0.0), 3)
    # rank with arrays, then rank the head again exactly as the full listing does
    head = np.lexsort((second, first, -jaccard, -(shared + depends)))[: 2 * TOP_PAIRS]
    pairs = []
    for h in head:
        a, b = priorities[first[h]], priorities[second[h]]
        pairs.append(_pair(p, a, b, actors[a] & actors[b], len(actors[a] | actors[b]), int(depends[h])))
    pairs.sort(key=_pair_key)
    return pairs[:TOP_PAIRS]


def dependency_graph(p: Projection) -> nx.DiGraph:
    """The directed graph of ``pkg:dependsOn``: an edge from what needs to what is needed."""
    graph = nx.DiGraph()
    for dep in p.dependencies:
        graph.add_edge(dep["from"], dep["to"], **{k: dep.get(k) for k in ("basis", "reason", "passages")})
    return graph


def _chain(p: Projection, graph: nx.DiGraph, nodes: list[str]) -> dict[str, Any]:
    steps = []
    for a, b in zip(nodes, nodes[1:], strict=False):
        if graph.has_edge(a, b):
            steps.append({"from": _ref(p, a), "to": _ref(p, b), **_edge(p, graph.edges[a, b])})
    return {"length": len(nodes) - 1, "nodes": [_ref(p, n) for n in nodes], "steps": steps}


def find_chains(p: Projection, graph: nx.DiGraph, top: int = 5) -> dict[str, Any]:
    """Cycles (all of them, reported, never hidden, each from its first IRI, with its steps) and the
    longest dependency chains.

    Chains are found on the graph's condensation (each cycle one node), so a cycle cannot make the search
    run away; only chains that start where nothing depends on them are listed, longest first.
    """
    if graph.number_of_nodes() == 0:
        return {"cycles": [], "longest": []}
    cycles = sorted(c[c.index(min(c)) :] + c[: c.index(min(c))] for c in nx.simple_cycles(graph))
    condensed = nx.condensation(graph)
    best: dict[int, list[int]] = {}
    for node in reversed(list(nx.topological_sort(condensed))):
        best[node] = [node, *max((best[s] for s in condensed.successors(node)), key=len, default=[])]

    def representative(component: int) -> str:
        return min(condensed.nodes[component]["members"])

    starts = sorted(
        (n for n in best if condensed.in_degree(n) == 0 and len(best[n]) > 1),
        key=lambda n: (-len(best[n]), representative(n)),
    )
    chains = [_chain(p, graph, [representative(c) for c in best[s]]) for s in starts[:top]]
    found = []
    for c in cycles:
        steps = _chain(p, graph, [*c, c[0]])["steps"]
        found.append({"length": len(c), "nodes": [_ref(p, n) for n in c], "steps": steps})
    return {"cycles": found, "longest": chains}


def find_impact(p: Projection, graph: nx.DiGraph) -> list[dict[str, Any]]:
    """For each thing something depends on: everything that depends on it, transitively (what stalls if
    it stalls), with the priorities behind them and those priorities' budget lines."""
    impact = []
    for node in graph.nodes:
        dependents = nx.ancestors(graph, node)
        if not dependents:
            continue
        priorities = sorted(
            {p.priority_of[d] for d in dependents if d in p.priority_of},
            key=lambda x: (p.labels.get(x, x), x),
        )
        budget = {
            p.labels.get(pr, pr): {
                period: str(amount) for period, amount in sorted(p.budget.get(pr, {}).items())
            }
            for pr in priorities
        }
        direct = sorted(graph.predecessors(node))
        impact.append(
            {
                **_ref(p, node),
                "dependents": sorted((_ref(p, d) for d in dependents), key=lambda r: (r["label"], r["iri"])),
                "direct": [{**_ref(p, d), **_edge(p, graph.edges[d, node])} for d in direct],
                "priorities": [_ref(p, x) for x in priorities],
                "budget": budget,
            }
        )
    impact.sort(key=lambda x: (-len(x["dependents"]), -len(x["priorities"]), x["label"]))
    return impact


def interventions_of(p: Projection) -> dict[str, set[str]]:
    """Each actor's interventions, actors in the order of their first edge: what a hub (more than
    HUB) is counted by, in the communities and in the summary's note on them."""
    members: dict[str, set[str]] = defaultdict(set)
    for edge in p.actor_edges:
        members[edge["actor"]].add(edge["intervention"])
    return members


def find_communities(p: Projection, seed: int = 42) -> list[dict[str, Any]]:
    """Groups of interventions that belong together (Louvain communities on the intervention graph, where
    two interventions are linked by the number of actors and dependencies they share), each named by what
    its members share most."""
    members_of = interventions_of(p)
    actors_of: dict[str, set[str]] = defaultdict(set)
    for edge in p.actor_edges:
        actors_of[edge["intervention"]].add(edge["actor"])
    rank = {actor: i for i, actor in enumerate(members_of)}
    graph = nx.Graph()
    graph.add_nodes_from(i for i in p.priority_of)
    for members in members_of.values():
        if len(members) > HUB:
            continue
        ordered = sorted(members)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1 :]:
                weight = graph.edges[a, b]["weight"] + 1 if graph.has_edge(a, b) else 1
                graph.add_edge(a, b, weight=weight)
    for dep in p.dependencies:
        if dep["from"] in graph and dep["to"] in graph:
            weight = (
                graph.edges[dep["from"], dep["to"]]["weight"] + 1
                if graph.has_edge(dep["from"], dep["to"])
                else 1
            )
            graph.add_edge(dep["from"], dep["to"], weight=weight)
    if graph.number_of_edges() == 0:
        return []
    # an intervention linked to none stays alone whatever Louvain does and is not reported; left in, it
    # would only cost time on every pass (on large corpora most are: their actors are hubs)
    graph.remove_nodes_from([node for node, degree in graph.degree() if degree == 0])
    groups = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    communities = []
    for group in groups:
        if len(group) < 2:
            continue
        # what the members share, counted from the members' side (in the order of members_of for ties)
        shared = Counter(actor for m in group for actor in actors_of.get(m, ()))
        # named after what links them in the graph: hubs link no one there
        naming = [
            a
            for a in sorted(shared, key=lambda a: (-shared[a], rank[a]))
            if shared[a] >= 2 and len(members_of[a]) <= HUB
        ][:3]
        priorities = sorted(
            {p.priority_of[m] for m in group if m in p.priority_of}, key=lambda x: (p.labels.get(x, x), x)
        )
        communities.append(
            {
                "name": " · ".join(p.labels.get(a, a) for a in naming) or "(nothing shared by two members)",
                "shared": [{**_ref(p, a), "members": shared[a]} for a in naming],
                "members": sorted(
                    ({**_ref(p, m), "priority": _ref(p, p.priority_of[m])} for m in group),
                    key=lambda r: (r["priority"]["label"], r["label"], r["iri"]),
                ),
                "priorities": [_ref(p, x) for x in priorities],
            }
        )
    communities.sort(key=lambda c: (-len(c["priorities"]), -len(c["members"]), c["name"]))
    return communities


def approximations(p: Projection) -> list[str]:
    """What the report estimates rather than computes exactly at this size, in words (none on a corpus
    of a few documents)."""
    notes = []
    nodes = len({e["intervention"] for e in p.actor_edges}) + len({e["actor"] for e in p.actor_edges})
    if nodes > SAMPLE_ABOVE:
        notes.append(
            f"Betweenness is estimated from {SAMPLE_SOURCES} sampled sources (seed 42): the intervention–actor "
            f"graph has {nodes:,} nodes, more than {SAMPLE_ABOVE:,}."
        )
    members = {actor: len(interventions) for actor, interventions in interventions_of(p).items()}
    hubs = sorted((a for a, n in members.items() if n > HUB), key=lambda a: (-members[a], p.labels.get(a, a)))
    if hubs:
        most = ", ".join(f"{p.labels.get(a, a)} ({members[a]:,})" for a in hubs[:3])
        notes.append(
            f"Groups of interventions leave out what {len(hubs):,} institutions, laws, strategies, themes or "
            f"target groups share, each taking part in more than {HUB} interventions (the most: {most}): "
            "they would link nearly everything, and tell little about what belongs together."
        )
    priorities = len(set(p.priority_of.values()))
    if priorities > PAIRS_ABOVE:
        notes.append(
            f"Entanglement lists the {TOP_PAIRS} strongest of {priorities * (priorities - 1) // 2:,} pairs of "
            f"priorities ({priorities:,} priorities, more than {PAIRS_ABOVE}), searched among the pairs of the "
            f"{ANCHORS} priorities that share most with all others and the pairs that dependencies cross."
        )
    return notes


def analyze_graph(loaded: LoadedGraph, document: str | None = None) -> dict[str, Any]:
    """Run every analysis, of every document or of one; the result is the JSON report."""
    p = project_graphs(loaded, document)
    graph = dependency_graph(p)
    return {
        "summary": {
            "interventions": len(p.priority_of),
            "priorities": len(set(p.priority_of.values())),
            "actor_edges": len(p.actor_edges),
            "actor_edge_readings": sum(e.get("basis") == "reading" for e in p.actor_edges),
            "dependencies": graph.number_of_edges(),
            "dependency_readings": sum(d.get("basis") == "reading" for d in p.dependencies),
            "approximations": approximations(p),
        },
        "bridges": find_bridges(p),
        "institutions": find_institutions(p),
        "entanglement": find_entanglement(p),
        "dependencies": {**find_chains(p, graph), "impact": find_impact(p, graph)},
        "communities": find_communities(p),
    }


# --------------------------------------------------------------------------- rendering


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


def _steps(n: int) -> str:
    return _count(n, "step", "steps")


def _quote(evidence: dict[str, str], limit: int = 140) -> str:
    """One passage's quote on one line, cut at ``limit`` characters."""
    text = " ".join(evidence["quote"].split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _quotes(evidence: list[dict[str, str]]) -> str:
    """The passages an edge rests on, each quoted, for Markdown."""
    return " ".join(f"“{_quote(x)}”" for x in evidence)


def _budget_words(budget: dict[str, dict[str, str]]) -> str:
    """The structural budget of the priorities behind a finding, or that none of them has figures."""
    if not any(budget.values()):
        return "no budget figures"
    return ", ".join(f"{k}: {v.get('structural', '–')}" for k, v in budget.items())


def _basis_words(edge: dict[str, Any]) -> str:
    """An edge's basis in words: "stated", or "reading: " and its reason."""
    basis = edge.get("basis") or "no basis given"
    return f"{basis}: {edge['reason']}" if edge.get("reason") else basis


def _readings(n: int) -> str:
    return f" ({_count(n, 'reading', 'readings')})" if n else ""


def render_markdown(report: dict[str, Any]) -> str:
    """The report for people, in Markdown; every text from the graph is escaped, so none is read as
    markup or HTML."""
    report = markdown_strings(report, keep=frozenset({"iri", "passage"}))
    s = report["summary"]
    out = [
        "# Overlaps and dependencies",
        "",
        f"{s['interventions']} interventions under {s['priorities']} priorities, {s['actor_edges']} links to "
        f"institutions, laws and strategies, themes and target groups{_readings(s.get('actor_edge_readings', 0))}, "
        f"{s['dependencies']} dependencies{_readings(s.get('dependency_readings', 0))}. Each link is stated by the "
        "text or is a reading, with its reason.",
        "",
        *(f"- {note}" for note in s.get("approximations", [])),
        *([""] if s.get("approximations") else []),
        "## What bridges the priorities",
        "",
        "| resource | kind | priorities | interventions | betweenness |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for b in report["bridges"]:
        out.append(
            f"| {b['label']} | {b['kind']} | {len(b['priorities'])} | {b['interventions']} | {b['betweenness']:.3f} |"
        )
    out += ["", "Each link, with its basis and the passage it rests on:", ""]
    for b in report["bridges"]:
        out.append(f"- **{b['label']}** ({', '.join(x['label'] for x in b['priorities'])})")
        for link in b["links"]:
            out.append(
                f"  - {link['priority']['label']}: {link['intervention']['label']} ({link['relation']}; "
                f"{_basis_words(link)}) — {_quotes(link['evidence'])}"
            )
    out += [
        "",
        "## Which institutions each priority involves",
        "",
        "| institution | priority | interventions | stated | readings |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for institution in report.get("institutions", []):
        for x in institution["priorities"]:
            out.append(
                f"| {institution['label']} | {x['label']} | {x['interventions']} | {x['stated']} | {x['readings']} |"
            )
    out += [
        "",
        "## Which priorities are most entangled",
        "",
        "| priority | priority | shared | Jaccard | dependencies between them |",
        "| --- | --- | ---: | ---: | ---: |",
    ]
    for e in report["entanglement"]:
        out.append(
            f"| {e['a']['label']} | {e['b']['label']} | {e['shared']} | {e['jaccard']:.3f} | {e['dependencies']} |"
        )
    deps = report["dependencies"]
    out += ["", "## Dependencies", "", "### Cycles", ""]
    for c in deps["cycles"]:
        out.append(f"- {' → '.join(n['label'] for n in c['nodes'])} → {c['nodes'][0]['label']}")
        for step in c["steps"]:
            out.append(
                f"  - {step['from']['label']} needs {step['to']['label']} ({_basis_words(step)}): {_quotes(step['evidence'])}"
            )
    if not deps["cycles"]:
        out.append("No cycles: the dependency graph is acyclic.")
    out += ["", "### Longest chains", ""]
    for chain in deps["longest"]:
        out.append(f"- {' → '.join(n['label'] for n in chain['nodes'])} ({_steps(chain['length'])})")
        for step in chain["steps"]:
            out.append(
                f"  - {step['from']['label']} needs {step['to']['label']} ({_basis_words(step)}): {_quotes(step['evidence'])}"
            )
    out += [
        "",
        "### If it stalls: what depends on it",
        "",
        "| resource | dependents | priorities | budget behind them (structural, € mln) |",
        "| --- | ---: | ---: | --- |",
    ]
    for item in deps["impact"]:
        budget = _budget_words(item["budget"])
        out.append(f"| {item['label']} | {len(item['dependents'])} | {len(item['priorities'])} | {budget} |")
    out += ["", "Direct dependents, with their passages:", ""]
    for item in deps["impact"]:
        out.append(f"- **{item['label']}**: {', '.join(d['label'] for d in item['dependents'])}")
        for d in item["direct"]:
            out.append(f"  - {d['label']} ({_basis_words(d)}): {_quotes(d['evidence'])}")
    out += ["", "## Interventions that belong together", ""]
    for c in report["communities"]:
        out.append(
            f"- **{c['name']}**, across {_count(len(c['priorities']), 'priority', 'priorities')} ({', '.join(x['label'] for x in c['priorities'])}):"
        )
        out += [f"  - {m['label']} ({m['priority']['label']})" for m in c["members"]]
    return "\n".join(out) + "\n"


def summarize_report(report: dict[str, Any]) -> str:
    """A few lines for the terminal: the strongest findings."""
    deps = report["dependencies"]
    bridges = ", ".join(f"{b['label']} ({len(b['priorities'])})" for b in report["bridges"][:5])
    pair = report["entanglement"][0] if report["entanglement"] else None
    lines = [
        f"bridges across priorities: {len(report['bridges'])}; strongest: {bridges}",
        f"most entangled: {pair['a']['label']} and {pair['b']['label']} ({pair['shared']} shared)"
        if pair
        else "",
        f"dependency cycles: {len(deps['cycles'])}; longest chain: "
        + (_steps(deps["longest"][0]["length"]) if deps["longest"] else "none"),
        f"most depended on: {deps['impact'][0]['label']} ({len(deps['impact'][0]['dependents'])} dependents)"
        if deps["impact"]
        else "",
        f"groups of interventions: {len(report['communities'])}",
    ]
    return "\n".join(line for line in lines if line)


def write_report(report: dict[str, Any], folder: Path) -> list[Path]:
    """Write report.json, report.md and report.html into ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "report.json").open("w", encoding="utf-8") as out:
        write_json_lines(report, out)
    (folder / "report.md").write_text(render_markdown(report), encoding="utf-8")
    (folder / "report.html").write_text(render_page(report), encoding="utf-8")
    return [folder / name for name in ("report.json", "report.md", "report.html")]


def write_json_lines(document: dict[str, Any], out: TextIO) -> None:
    """Write a JSON object (https://www.rfc-editor.org/rfc/rfc8259) with each top-level member, and each
    item of a top-level list, on a line of its own: readable and diffable, and encoded piece by piece
    by the C encoder, so that the report of a large corpus is never one string of tens of megabytes.

    >>> import io
    >>> buffer = io.StringIO()
    >>> write_json_lines({"a": [1, {"b": 2}], "c": "d"}, buffer)
    >>> print(buffer.getvalue(), end="")
    {
      "a": [
        1,
        {"b": 2}
      ],
      "c": "d"
    }
    >>> json.loads(buffer.getvalue())
    {'a': [1, {'b': 2}], 'c': 'd'}
    """

    def encode(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False)

    out.write("{")
    for n, (key, value) in enumerate(document.items()):
        out.write(("\n  " if n == 0 else ",\n  ") + encode(key) + ": ")
        if isinstance(value, list) and value:
            out.write("[")
            for m, item in enumerate(value):
                out.write(("\n    " if m == 0 else ",\n    ") + encode(item))
            out.write("\n  ]")
        else:
            out.write(encode(value))
    out.write("\n}\n")


def _e(text: Any) -> str:
    return html.escape(visible(str(text)), quote=True)


def _href(iri: str) -> str:
    """An IRI fit for a link: http(s) or mailto only, so no IRI from the data can become a script link."""
    target = link_target(iri)
    return _e(target) if target else "#"


def _html_basis(edge: dict[str, Any]) -> str:
    """An edge's basis as HTML: "stated", or "reading" and its reason."""
    basis = f"<em>{_e(edge.get('basis') or 'no basis given')}</em>"
    return f"{basis}: {_e(edge['reason'])}" if edge.get("reason") else basis


def _html_quote(evidence: list[dict[str, str]]) -> str:
    """The passages an edge rests on, each quoted and linked, as HTML."""
    if not evidence:
        return ""
    return " —" + "".join(f' <a href="{_href(x["passage"])}"><q>{_e(_quote(x))}</q></a>' for x in evidence)


def render_page(report: dict[str, Any]) -> str:
    """The report as one self-contained HTML page: styles inline, no script, no request, all text escaped."""
    s = report["summary"]
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        "<title>Overlaps and dependencies — policykg</title>",
        "<style>body{font:15px/1.5 system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}"
        "table{border-collapse:collapse;margin:1rem 0}th,td{border-bottom:1px solid #ddd;padding:.3rem .6rem;text-align:left;vertical-align:top}"
        "td.n{text-align:right}q{color:#444}details{margin:.3rem 0}summary{cursor:pointer}h2{margin-top:2.5rem}"
        # on a phone a table scrolls inside its own region, which the keyboard reaches; long names wrap
        ".scroll{overflow-x:auto;max-width:100%}.scroll table{margin:0}li,h1,h2,h3,summary{overflow-wrap:anywhere}"
        "a:focus-visible,.scroll:focus-visible{outline:2px solid #0b5cad;outline-offset:2px}</style>",
        "</head><body><main>",
        "<h1>Overlaps and dependencies</h1>",
        f"<p>{s['interventions']} interventions under {s['priorities']} priorities, {s['actor_edges']} links to institutions, "
        f"laws and strategies, themes and target groups{_readings(s.get('actor_edge_readings', 0))}, "
        f"{s['dependencies']} dependencies{_readings(s.get('dependency_readings', 0))}. Each link is stated by the "
        "text or is a reading, with its reason.</p>",
        *(
            ["<ul>" + "".join(f"<li>{_e(note)}</li>" for note in s["approximations"]) + "</ul>"]
            if s.get("approximations")
            else []
        ),
        '<h2 id="bridges">What bridges the priorities</h2>',
        '<div class="scroll" role="region" aria-labelledby="bridges" tabindex="0">'
        "<table><tr><th>resource</th><th>kind</th><th>priorities</th><th>interventions</th><th>betweenness</th></tr>",
    ]
    for b in report["bridges"]:
        parts.append(
            f'<tr><td><a href="{_href(b["iri"])}">{_e(b["label"])}</a></td><td>{_e(b["kind"])}</td>'
            f"<td class=n>{len(b['priorities'])}</td><td class=n>{b['interventions']}</td><td class=n>{b['betweenness']:.3f}</td></tr>"
        )
    parts.append("</table></div>")
    for b in report["bridges"]:
        parts.append(f"<details><summary>{_e(b['label'])}: {len(b['links'])} links</summary><ul>")
        for link in b["links"]:
            parts.append(
                f"<li>{_e(link['priority']['label'])}: {_e(link['intervention']['label'])} ({_e(link['relation'])}; "
                f"{_html_basis(link)}){_html_quote(link['evidence'])}</li>"
            )
        parts.append("</ul></details>")
    parts += [
        '<h2 id="institutions">Which institutions each priority involves</h2>',
        '<div class="scroll" role="region" aria-labelledby="institutions" tabindex="0">'
        "<table><tr><th>institution</th><th>priority</th><th>interventions</th><th>stated</th><th>readings</th></tr>",
    ]
    for institution in report.get("institutions", []):
        for x in institution["priorities"]:
            parts.append(
                f'<tr><td><a href="{_href(institution["iri"])}">{_e(institution["label"])}</a></td><td>{_e(x["label"])}</td>'
                f"<td class=n>{x['interventions']}</td><td class=n>{x['stated']}</td><td class=n>{x['readings']}</td></tr>"
            )
    parts.append("</table></div>")
    parts += [
        '<h2 id="entanglement">Which priorities are most entangled</h2>',
        '<div class="scroll" role="region" aria-labelledby="entanglement" tabindex="0">'
        "<table><tr><th>priority</th><th>priority</th><th>shared</th><th>Jaccard</th><th>dependencies</th></tr>",
    ]
    for e in report["entanglement"]:
        parts.append(
            f"<tr><td>{_e(e['a']['label'])}</td><td>{_e(e['b']['label'])}</td><td class=n>{e['shared']}</td>"
            f"<td class=n>{e['jaccard']:.3f}</td><td class=n>{e['dependencies']}</td></tr>"
        )
    parts.append("</table></div>")
    deps = report["dependencies"]
    parts.append("<h2>Dependencies</h2><h3>Cycles</h3>")
    if deps["cycles"]:
        parts.append("<ul>")
        for c in deps["cycles"]:
            labels = [n["label"] for n in c["nodes"]]
            parts.append(f"<li>{_e(' → '.join([*labels, labels[0]]))}<ul>")
            for step in c["steps"]:
                parts.append(
                    f"<li>{_e(step['from']['label'])} needs {_e(step['to']['label'])} ({_html_basis(step)})"
                    f"{_html_quote(step['evidence'])}</li>"
                )
            parts.append("</ul></li>")
        parts.append("</ul>")
    else:
        parts.append("<p>No cycles: the dependency graph is acyclic.</p>")
    parts.append("<h3>Longest chains</h3><ul>")
    for chain in deps["longest"]:
        parts.append(
            f"<li>{_e(' → '.join(n['label'] for n in chain['nodes']))} ({chain['length']} steps)<ul>"
        )
        for step in chain["steps"]:
            parts.append(
                f"<li>{_e(step['from']['label'])} needs {_e(step['to']['label'])} ({_html_basis(step)})"
                f"{_html_quote(step['evidence'])}</li>"
            )
        parts.append("</ul></li>")
    parts.append('</ul><h3 id="stalls">If it stalls: what depends on it</h3>')
    parts.append(
        '<div class="scroll" role="region" aria-labelledby="stalls" tabindex="0">'
        "<table><tr><th>resource</th><th>dependents</th><th>priorities</th><th>budget behind them (structural, € mln)</th></tr>"
    )
    for item in deps["impact"]:
        budget = _budget_words(item["budget"])
        dependents = ", ".join(d["label"] for d in item["dependents"])
        parts.append(
            f'<tr><td><a href="{_href(item["iri"])}">{_e(item["label"])}</a><br><small>{_e(dependents)}</small></td>'
            f"<td class=n>{len(item['dependents'])}</td><td class=n>{len(item['priorities'])}</td><td>{_e(budget)}</td></tr>"
        )
    parts.append("</table></div>")
    for item in deps["impact"]:
        parts.append(f"<details><summary>{_e(item['label'])}: what needs it directly</summary><ul>")
        parts += [
            f"<li>{_e(d['label'])} ({_html_basis(d)}){_html_quote(d['evidence'])}</li>"
            for d in item["direct"]
        ]
        parts.append("</ul></details>")
    parts.append("<h2>Interventions that belong together</h2>")
    for c in report["communities"]:
        parts.append(
            f"<h3>{_e(c['name'])}</h3><p>Across {_count(len(c['priorities']), 'priority', 'priorities')}: {_e(', '.join(x['label'] for x in c['priorities']))}</p><ul>"
        )
        parts += [
            f"<li>{_e(m['label'])} <small>({_e(m['priority']['label'])})</small></li>" for m in c["members"]
        ]
        parts.append("</ul>")
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"
