"""Interactive views of the graph for strategists: pages that open from the file system, with no server.

Each view is assembled with pyvis (nodes, edges, options) and laid out ahead with networkx, so nothing
moves once drawn and the same graph gives the same picture. The page is our own template: vis-network and
every script and style ship beside it in ``lib/``, and text from the graph reaches the page only as JSON
data that the script sets with ``textContent`` (pyvis's own template writes titles as HTML and loads
Bootstrap from a CDN).
"""

from __future__ import annotations

import json
import math
import re
import shutil
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import markupsafe
import networkx as nx
from pyvis.edge import Edge
from pyvis.network import Network
from pyvis.node import Node

from .escape import visible
from .library import read_query
from .load import LoadedGraph
from .namespaces import PKG
from .progress import progress

ASSETS = Path(__file__).parent / "assets"

KINDS: dict[str, dict[str, str]] = {
    "priority": {"en": "Priority", "nl": "Opgave", "color": "#D55E00", "shape": "star", "class": "Priority"},
    "intervention": {
        "en": "Intervention",
        "nl": "Interventie",
        "color": "#0072B2",
        "shape": "dot",
        "class": "Intervention",
    },
    "institution": {
        "en": "Institution",
        "nl": "Instelling",
        "color": "#009E73",
        "shape": "square",
        "class": "Institution",
    },
    "law": {"en": "Law", "nl": "Wet", "color": "#CC79A7", "shape": "triangle", "class": "Law"},
    "strategy": {
        "en": "Strategy",
        "nl": "Strategie",
        "color": "#E69F00",
        "shape": "triangleDown",
        "class": "Strategy",
    },
    "framework": {
        "en": "Other framework",
        "nl": "Ander kader",
        "color": "#999999",
        "shape": "diamond",
        "class": "PolicyFramework",
    },
    "theme": {"en": "Theme", "nl": "Thema", "color": "#56B4E9", "shape": "hexagon", "class": "Theme"},
    "target-group": {
        "en": "Target group",
        "nl": "Doelgroep",
        "color": "#F0E442",
        "shape": "ellipse",
        "class": "TargetGroup",
    },
    "level": {
        "en": "Intervention level",
        "nl": "Interventieniveau",
        "color": "#444444",
        "shape": "diamond",
        "class": "InterventionLevel",
    },
}
"""Colour and shape per node kind (Okabe–Ito colours, safe for colour-blind readers)."""

RELATIONS: dict[str, dict[str, str]] = {
    "underPriority": {"en": "falls under", "nl": "valt onder", "color": "#D55E00", "style": "solid"},
    "contributesTo": {"en": "contributes to", "nl": "draagt bij aan", "color": "#D55E00", "style": "dotted"},
    "partOf": {"en": "is part of", "nl": "is onderdeel van", "color": "#0072B2", "style": "solid"},
    "involves": {"en": "involves", "nl": "betrekt", "color": "#009E73", "style": "solid"},
    "ledBy": {"en": "led by", "nl": "onder regie van", "color": "#009E73", "style": "dotted"},
    "carriedOutBy": {"en": "carried out by", "nl": "uitgevoerd door", "color": "#009E73", "style": "dotted"},
    "hasMember": {"en": "has member", "nl": "heeft als lid", "color": "#009E73", "style": "dotted"},
    "targets": {"en": "is for", "nl": "is voor", "color": "#B8A800", "style": "dotted"},
    "refersTo": {"en": "refers to", "nl": "verwijst naar", "color": "#CC79A7", "style": "dotted"},
    "implements": {"en": "implements", "nl": "voert uit", "color": "#CC79A7", "style": "solid"},
    "enforces": {"en": "enforces", "nl": "handhaaft", "color": "#A0527F", "style": "solid"},
    "buildsOn": {"en": "builds on", "nl": "bouwt voort op", "color": "#E69F00", "style": "solid"},
    "alignsWith": {"en": "aligns with", "nl": "sluit aan bij", "color": "#E69F00", "style": "dotted"},
    "addresses": {"en": "addresses", "nl": "gaat over", "color": "#56B4E9", "style": "dotted"},
    "level": {"en": "at level", "nl": "op niveau", "color": "#444444", "style": "solid"},
    "dependsOn": {"en": "depends on", "nl": "hangt af van", "color": "#000000", "style": "solid"},
    "references": {"en": "references", "nl": "beroept zich op", "color": "#999999", "style": "dotted"},
    "creator": {"en": "created by", "nl": "opgesteld door", "color": "#999999", "style": "solid"},
    "shares": {
        "en": "shares, via interventions",
        "nl": "deelt, via interventies",
        "color": "#777777",
        "style": "solid",
    },
}
"""Label, colour and line style per relation drawn (keyed by the property's local name). A reading is
drawn dashed whatever its relation's style, so no relation is dashed of its own."""

BASES: dict[str, dict[str, str]] = {
    "stated": {
        "en": "stated in the text",
        "nl": "staat in de tekst",
        "legend_en": "solid or dotted: stated in the text",
        "legend_nl": "doorgetrokken of gestippeld: staat in de tekst",
        "style": "solid",
    },
    "structure": {
        "en": "stated in the text (the document's structure)",
        "nl": "staat in de tekst (de opbouw van het document)",
    },
    "reading": {
        "en": "reading",
        "nl": "lezing",
        "legend_en": "dashed: a reading — the text does not state it; hover or open the edge for the reason",
        "legend_nl": "gestreept: een lezing — de tekst zegt het niet; wijs de lijn aan of open haar voor de reden",
        "style": "dashed",
    },
}
"""What each basis of an edge (``provenance/edge-passages``' ?basis) says in a tooltip and in the legend."""

_DASHES = {"solid": False, "dotted": [2, 5]}
READING_DASHES = [8, 6]
"""The dash pattern of a reading, on every relation."""

NODES = """
SELECT ?node ?class ?en ?nl WHERE {
  VALUES ?class { pkg:Priority pkg:Intervention pkg:Institution pkg:Law pkg:Strategy pkg:PolicyFramework
                  pkg:Theme pkg:TargetGroup pkg:InterventionLevel }
  ?node a ?class .
  OPTIONAL { ?node rdfs:label ?en . FILTER(LANG(?en) = "en") }
  OPTIONAL { ?node rdfs:label ?nl . FILTER(LANG(?nl) = "nl") }
}
"""

ALT_LABELS = "SELECT ?node ?alt WHERE { ?node skos:altLabel ?alt . }"
"""Other names of a resource (abbreviations such as NCSC, DSA, AVG), which a view's search also finds."""

PASSAGES = "SELECT ?passage ?exact WHERE { ?passage a pkg:Passage ; oa:hasSelector/oa:exact ?exact . }"

BUDGETS = """
SELECT ?priority (SUM(?amount) AS ?total) WHERE {
  ?o qb:dataSet/qb:structure pkg:budgetStructure ; pkg:priority ?priority ; pkg:amount ?amount ;
     pkg:period/pkg:year ?year .
} GROUP BY ?priority
"""

UNBUDGETED = """
SELECT ?priority ?document WHERE {
  ?document a pkg:PolicyDocument ; pkg:hasPriority ?priority .
  MINUS {
    SELECT DISTINCT ?document WHERE {
      ?document pkg:hasPriority ?other .
      ?o pkg:priority ?other ; qb:dataSet/qb:structure pkg:budgetStructure .
    }
  }
}
"""
"""The priorities of documents that have no budget at all: no row of a budget table for any priority."""

STRATEGY_PRIORITIES = "SELECT ?p WHERE { ?s a pkg:Strategy ; pkg:hasPriority ?p . }"


@dataclass
class ViewNode:
    """A resource as drawn: kind, labels in both languages, and a note for its tooltip."""

    id: str
    kind: str
    label_en: str
    label_nl: str
    note: str = ""
    budget: float = 0.0
    alt_labels: list[str] = field(default_factory=list)


@dataclass
class ViewEdge:
    """A relation as drawn, with the passage that justifies it and its basis: "stated", "reading" (with
    the reason) or "structure" (the document places an intervention under a priority)."""

    source: str
    target: str
    relation: str
    quote: str = ""
    note: str = ""
    weight: int = 1
    basis: str = ""
    reason: str = ""
    passage: str = ""


@dataclass
class Involvement:
    """How many of a priority's interventions involve an institution, and how many of those the text
    states or are readings (a row of ``overlaps/institutions-per-priority``)."""

    interventions: int
    stated: int = 0
    readings: int = 0


@dataclass
class ViewData:
    """Everything the views draw from, read from the store once."""

    nodes: dict[str, ViewNode] = field(default_factory=dict)
    edges: list[ViewEdge] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    document_labels: dict[str, str] = field(default_factory=dict)
    involvement: dict[str, dict[str, Involvement]] = field(default_factory=dict)
    """Per institution, the priorities it is involved in, as ``overlaps/institutions-per-priority`` says."""


@dataclass
class View:
    """One page: its file name, title, the sentence that says what it shows, and its graph."""

    slug: str
    title: str
    description: str
    group: str
    nodes: list[str]
    edges: list[ViewEdge]
    layout: str = "spring"
    directed: bool = False


def _clip(text: str, limit: int = 320) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _local_name(iri: str) -> str:
    """
    >>> _local_name("https://w3id.org/policykg/def#alignsWith"), _local_name("http://purl.org/dc/terms/references")
    ('alignsWith', 'references')
    """
    return re.split(r"[#/]", iri)[-1]


def _library(loaded: LoadedGraph, name: str) -> list[dict[str, str]]:
    query = read_query(loaded.project.queries_dir / f"{name}.rq", name)
    return loaded.select(query.text)


def project_view_data(loaded: LoadedGraph) -> ViewData:
    """Read the nodes; every edge with its passage and basis, from the library's ``provenance/edge-passages``;
    and which institutions each priority involves, from ``overlaps/institutions-per-priority``."""
    documents = loaded.documents()
    data = ViewData(documents=documents, document_labels={d: loaded.label(d) or d for d in documents})
    kind_of_class = {str(PKG[k["class"]]): name for name, k in KINDS.items()}
    strategy_priorities = {r["p"] for r in loaded.select(STRATEGY_PRIORITIES)}
    budgets = {r["priority"]: float(r["total"]) for r in loaded.select(BUDGETS)}
    unbudgeted = {r["priority"]: r["document"] for r in loaded.select(UNBUDGETED)}
    specific = ("law", "strategy")
    for row in sorted(loaded.select(NODES), key=lambda r: (r["node"], r["class"])):
        kind = kind_of_class[row["class"]]
        if row["node"] in strategy_priorities:
            continue
        existing = data.nodes.get(row["node"])
        if existing and existing.kind in specific:
            continue
        en = row.get("en") or row.get("nl") or row["node"].rsplit("/", 1)[-1]
        node = ViewNode(row["node"], kind, en, row.get("nl") or en)
        if kind == "priority":
            node.budget = budgets.get(row["node"], 0.0)
            if node.budget:
                node.note = f"2026–2030: € {node.budget:,.0f} mln"
            elif row["node"] in unbudgeted:
                owner = unbudgeted[row["node"]]
                node.note = f"{data.document_labels.get(owner, owner)} has no budget"
            else:
                node.note = "No figures of its own in the budget table"
        data.nodes[row["node"]] = node
    alternatives: dict[str, set[str]] = defaultdict(set)
    for row in loaded.select(ALT_LABELS):
        alternatives[row["node"]].add(" ".join(row["alt"].split()))
    for iri, names in alternatives.items():
        if iri in data.nodes:
            data.nodes[iri].alt_labels = sorted(names)
    passages = {r["passage"]: r["exact"] for r in loaded.select(PASSAGES)}
    for row in _library(loaded, "provenance/edge-passages"):
        source, target = row["intervention"], row["object"]
        if source not in data.nodes or target not in data.nodes:
            continue
        data.edges.append(
            ViewEdge(
                source,
                target,
                _local_name(row["predicate"]),
                _clip(passages.get(row.get("source", ""), "")),
                basis=row["basis"],
                reason=_clip(row.get("reason", "")),
                passage=row.get("source", ""),
            )
        )
    data.edges.sort(key=lambda e: (e.source, e.relation, e.target))
    involvement: dict[str, dict[str, Involvement]] = defaultdict(dict)
    for row in _library(loaded, "overlaps/institutions-per-priority"):
        if row["institution"] in data.nodes and row["priority"] in data.nodes:
            involvement[row["institution"]][row["priority"]] = Involvement(
                int(row["interventions"]), int(row["stated"]), int(row["readings"])
            )
    data.involvement = dict(involvement)
    return data


DOCUMENT_PARTS = """
SELECT ?part WHERE {
  VALUES ?document { %s }
  { ?document pkg:hasPriority ?part . } UNION { ?document pkg:hasPriority ?priority . ?part pkg:underPriority ?priority . }
}
"""


def limit_view_data(data: ViewData, loaded: LoadedGraph, document: str) -> ViewData:
    """The part of ``data`` that one document draws: its priorities and interventions, and the shared
    institutions, laws, themes and target groups they touch (other documents' are left out)."""
    own = {r["part"] for r in loaded.select(DOCUMENT_PARTS % f"<{document}>")}
    mine = ("priority", "intervention")
    nodes = {n: v for n, v in data.nodes.items() if v.kind not in mine or n in own}
    edges = [e for e in data.edges if e.source in own and e.target in nodes]
    involvement = {
        institution: {p: n for p, n in per.items() if p in own}
        for institution, per in data.involvement.items()
        if any(p in own for p in per)
    }
    return ViewData(
        nodes, edges, [document], {document: data.document_labels.get(document, document)}, involvement
    )


# --------------------------------------------------------------------------- the views


def _slugs(iris: list[str]) -> dict[str, str]:
    """File names for resources: the last part of the IRI, or more of its path where two would clash
    (two documents may both have a priority called ``digitale-veiligheid``).

    >>> _slugs(["https://w3id.org/policykg/id/a/priority/x", "https://w3id.org/policykg/id/b/priority/x"])
    {'https://w3id.org/policykg/id/a/priority/x': 'a-priority-x', 'https://w3id.org/policykg/id/b/priority/x': 'b-priority-x'}
    """
    short = {iri: _slug(iri) for iri in iris}
    counts: dict[str, int] = defaultdict(int)
    for slug in short.values():
        counts[slug] += 1
    for iri, slug in short.items():
        if counts[slug] > 1:
            path = iri.split("/id/", 1)[-1]
            short[iri] = re.sub(r"[^a-z0-9-]+", "-", path.lower()).strip("-")
    return short


def _slug(iri: str) -> str:
    return re.sub(r"[^a-z0-9-]+", "-", iri.rstrip("/").rsplit("/", 1)[-1].lower()).strip("-")


def define_views(data: ViewData) -> list[View]:
    """Every view: overview, per priority, overlaps, dependencies, per institution and per law or strategy."""
    nodes = data.nodes
    priority_of: dict[str, str] = {e.source: e.target for e in data.edges if e.relation == "underPriority"}
    by_kind: dict[str, list[str]] = defaultdict(list)
    for node in sorted(nodes.values(), key=lambda n: n.label_en.lower()):
        by_kind[node.kind].append(node.id)
    views: list[View] = []

    overview_kinds = {"priority", "intervention", "institution", "law", "strategy", "framework", "theme"}
    kept = {n for n, v in nodes.items() if v.kind in overview_kinds}
    keep = {x for e in data.edges if e.source in kept and e.target in kept for x in (e.source, e.target)}
    if len(keep) <= DRAW_AT_MOST:
        views.append(
            View(
                "overview",
                "Overview",
                "Every priority with its interventions and the institutions, laws, strategies and themes they touch.",
                "overview",
                sorted(keep),
                [e for e in data.edges if e.source in keep and e.target in keep],
            )
        )
    else:
        overview = overlap_view(data, priority_of, shared_by=1, most=DRAW_AT_MOST // 2)
        overview.slug, overview.title = "overview", "Overview (aggregated)"
        overview.description = (
            f"The graph has {len(keep)} nodes, too many to draw one by one: each priority is drawn with the "
            f"{DRAW_AT_MOST // 2} institutions, laws, strategies and themes its interventions touch most, each line "
            "standing for all the interventions behind it. The views per priority, institution and law show the "
            "interventions themselves."
        )
        views.append(overview)

    slugs: dict[str, str] = {}
    for members in by_kind.values():
        slugs.update(_slugs(members))
    # indexes, so that each view costs its own size rather than the whole corpus (data.edges is sorted by
    # source, and each index keeps that order)
    members_of: dict[str, set[str]] = defaultdict(set)
    for intervention, priority in priority_of.items():
        members_of[priority].add(intervention)
    from_source: dict[str, list[ViewEdge]] = defaultdict(list)
    to_target: dict[str, list[ViewEdge]] = defaultdict(list)
    for edge in data.edges:
        from_source[edge.source].append(edge)
        to_target[edge.target].append(edge)
    for priority in by_kind["priority"] if len(data.documents) <= PRIORITY_VIEWS_UPTO else []:
        members = members_of[priority]
        edges = [e for m in sorted(members) for e in from_source[m]]
        touched = {priority} | members | {e.target for e in edges}
        label = nodes[priority].label_en
        # documents may name their priorities alike: the title then says whose it is
        document = next((d for d in data.documents if priority.startswith(d + "/")), None)
        whose = (
            f" ({data.document_labels.get(document, document)})"
            if document and len(data.documents) > 1
            else ""
        )
        views.append(
            View(
                f"priority-{slugs[priority]}",
                f"Priority: {label}{whose}",
                f"The {len(members)} interventions under {label} and everything they touch.",
                "priorities",
                sorted(touched),
                edges,
            )
        )

    views.append(overlap_view(data, priority_of, most=DRAW_AT_MOST // 2))
    views.append(dependency_view(data))

    for kind, group, verb in (
        ("institution", "institutions", "involve"),
        ("law", "frameworks", "refer to, enforce or depend on"),
        ("strategy", "frameworks", "implement, build on, align with or depend on"),
        ("framework", "frameworks", "refer to, align with or depend on"),
    ):
        for actor in by_kind[kind]:
            incoming = to_target[actor]
            if not incoming:
                continue
            label = nodes[actor].label_en
            slug, title = f"{kind}-{slugs[actor]}", f"{KINDS[kind]['en']}: {label}"
            if kind == "institution":
                views.append(
                    institution_view(data, actor, incoming, from_source, priority_of, slug, title, group)
                )
                continue
            interventions = {e.source for e in incoming}
            up = [e for i in sorted(interventions) for e in from_source[i] if e.relation == "underPriority"]
            priorities = {e.target for e in up}
            if 1 + len(interventions) + len(priorities) > DRAW_AT_MOST:
                via: dict[str, list[ViewEdge]] = defaultdict(list)
                for edge in incoming:
                    if edge.source in priority_of:
                        via[priority_of[edge.source]].append(edge)
                views.append(
                    actor_by_priority(data, actor, via, len(interventions), slug, title, verb, group)
                )
                continue
            views.append(
                View(
                    slug,
                    title,
                    f"The interventions that {verb} {label}, across {_count(len(priorities), 'priority')}.",
                    group,
                    sorted({actor} | interventions | priorities),
                    incoming + up,
                )
            )
    return views


def _count(n: int, word: str) -> str:
    """
    >>> _count(1, "priority"), _count(3, "priority"), _count(2, "intervention")
    ('1 priority', '3 priorities', '2 interventions')
    """
    plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
    return f"{n} {word if n == 1 else plural}"


_OTHER_VERBS = {
    "dependsOn": "depend on",
    "references": "reference",
    "ledBy": "are led by",
    "targets": "are for",
}


def _involving(data: ViewData, priority_of: dict[str, str]) -> dict[tuple[str, str], list[ViewEdge]]:
    """The involves edges behind each (priority, institution) row of the involvement."""
    via: dict[tuple[str, str], list[ViewEdge]] = defaultdict(list)
    for edge in data.edges:
        if edge.relation == "involves" and edge.source in priority_of:
            via[(priority_of[edge.source], edge.target)].append(edge)
    return via


def _basis(via: list[ViewEdge], stated: int | None = None) -> tuple[str, str]:
    """The basis of a line that stands for the edges ``via``: stated when the text states any of them
    (or ``stated`` of them), else a reading, with their reasons."""
    if stated is None:
        stated = sum(1 for e in via if e.basis != "reading")
    if stated:
        return "stated", ""
    return "reading", _clip("; ".join(sorted({e.reason for e in via if e.reason})))


def _readings_note(readings: int) -> str:
    return f" ({readings} of them a reading)" if readings else ""


def institution_view(
    data: ViewData,
    actor: str,
    incoming: list[ViewEdge],
    from_source: dict[str, list[ViewEdge]],
    priority_of: dict[str, str],
    slug: str,
    title: str,
    group: str,
) -> View:
    """An institution: the interventions that involve it under the priorities ``data.involvement`` says
    (and those priorities only), and the interventions linked to it otherwise, drawn without a priority."""
    involved = data.involvement.get(actor, {})
    priorities = set(involved)
    involving = sorted({e.source for e in incoming if e.relation == "involves"})
    others = sorted({e.source for e in incoming} - set(involving))
    label = data.nodes[actor].label_en
    if 1 + len(involving) + len(others) + len(priorities) > DRAW_AT_MOST:
        via: dict[str, list[ViewEdge]] = defaultdict(list)
        for edge in incoming:
            if edge.relation == "involves" and priority_of.get(edge.source) in involved:
                via[priority_of[edge.source]].append(edge)
        return actor_by_priority(data, actor, via, len(involving), slug, title, "involve", group, involved)
    up = [
        e
        for i in involving
        for e in from_source[i]
        if e.relation == "underPriority" and e.target in priorities
    ]
    description = f"The interventions that involve {label}: {len(involving)}, under {_count(len(priorities), 'priority')}"
    if others:
        verbs = sorted(
            {_OTHER_VERBS.get(e.relation, "are linked to") for e in incoming if e.source in others}
        )
        description += (
            f"; and, drawn without their priority, those that {' or '.join(verbs)} it: {len(others)}"
        )
    return View(
        slug,
        title,
        description + ".",
        group,
        sorted({actor, *involving, *others, *priorities}),
        incoming + up,
    )


def actor_by_priority(
    data: ViewData,
    actor: str,
    via: dict[str, list[ViewEdge]],
    count: int,
    slug: str,
    title: str,
    verb: str,
    group: str,
    involved: dict[str, Involvement] | None = None,
) -> View:
    """An actor in too many interventions to draw one by one: one line per priority, weighted by the
    interventions behind it (``via``, or for an institution the ``involved`` counts), for the
    DRAW_AT_MOST - 1 priorities with the most."""
    weights = (
        {p: n.interventions for p, n in involved.items()}
        if involved is not None
        else {p: len({e.source for e in edges}) for p, edges in via.items()}
    )
    ranked = sorted((p for p in weights if weights[p]), key=lambda p: (-weights[p], p))
    shown = ranked[: DRAW_AT_MOST - 1]
    edges = []
    for p in sorted(shown):
        behind = via.get(p, [])
        if involved is not None:
            basis, reason = _basis(behind, involved[p].stated)
            readings = involved[p].readings
        else:
            basis, reason = _basis(behind)
            readings = len({e.source for e in behind if e.basis == "reading"})
        edges.append(
            ViewEdge(
                p,
                actor,
                "shares",
                note=_count(weights[p], "intervention") + _readings_note(readings),
                weight=weights[p],
                basis=basis,
                reason=reason,
            )
        )
    label = data.nodes[actor].label_en
    description = (
        f"The {count} interventions that {verb} {label} are too many to draw one by one: each line stands for "
        f"the interventions of one priority, the thicker the more"
    )
    if len(shown) < len(ranked):
        description += f"; the {len(shown)} priorities with the most of {len(ranked)} are drawn"
    return View(slug, title + " (aggregated)", description + ".", group, sorted({actor, *shown}), edges)


def overlap_view(
    data: ViewData, priority_of: dict[str, str], *, shared_by: int = 2, most: int | None = None
) -> View:
    """Priorities and what ``shared_by`` or more of them share, each link weighted by the interventions
    behind it; with ``most``, only that many of the most shared (large corpora are aggregated, not drawn
    node by node). An institution is linked to the priorities ``data.involvement`` says it is involved in."""
    links: dict[tuple[str, str], list[ViewEdge]] = defaultdict(list)
    for edge in data.edges:
        if edge.source not in priority_of or edge.relation in (
            "underPriority",
            "partOf",
            "level",
            "involves",
        ):
            continue
        if data.nodes[edge.target].kind != "institution":
            links[(priority_of[edge.source], edge.target)].append(edge)
    involving = _involving(data, priority_of)
    for institution, per in data.involvement.items():
        for priority in per:
            links[(priority, institution)] = involving.get((priority, institution), [])
    priorities_of_actor: dict[str, set[str]] = defaultdict(set)
    for priority, actor in links:
        priorities_of_actor[actor].add(priority)
    shared = {a for a, ps in priorities_of_actor.items() if len(ps) >= shared_by and a in data.nodes}
    if most is not None and len(shared) > most:
        ranked = sorted(shared, key=lambda a: (-len(priorities_of_actor[a]), a))
        shared = set(ranked[:most])
    edges = []
    for (priority, actor), via in sorted(links.items()):
        if actor not in shared:
            continue
        names = sorted({data.nodes[e.source].label_en for e in via})
        counts = data.involvement.get(actor, {}).get(priority)
        if counts is not None:
            weight, readings = counts.interventions, counts.readings
            basis, reason = _basis(via, counts.stated)
        else:
            weight, readings = len(names), len({e.source for e in via if e.basis == "reading"})
            basis, reason = _basis(via)
        edges.append(
            ViewEdge(
                priority,
                actor,
                "shares",
                via[0].quote if via else "",
                f"{_count(weight, 'intervention')}{_readings_note(readings)}: " + "; ".join(names),
                weight=weight,
                basis=basis,
                reason=reason,
            )
        )
    priorities = {p for p, _a in links}
    return View(
        "overlaps",
        "Where the priorities overlap",
        f"The {len(shared)} institutions, laws and strategies, themes, target groups and interventions that two or "
        "more priorities share (an institution when interventions of each involve it; an intervention when "
        "interventions of other priorities depend on it); the more priorities share one, the larger it is drawn, "
        "and the more interventions link a priority to it, the thicker the line; a dashed line is a reading.",
        "overview",
        sorted(priorities | shared),
        edges,
        layout="spring",
    )


def dependency_view(data: ViewData) -> View:
    """The dependency graph, directed, chains read top to bottom; stated solid, readings dashed.
    Above DRAW_AT_MOST nodes, the dependencies on the most depended-on resources, as many as fit."""
    edges = [e for e in data.edges if e.relation == "dependsOn"]
    members = sorted({e.source for e in edges} | {e.target for e in edges})
    readings = sum(1 for e in edges if e.basis == "reading")
    description = (
        f"The {len(edges)} dependencies between interventions, institutions, laws and strategies, read top to "
        f"bottom: {len(edges) - readings} stated by the text (solid), {readings} an analyst's reading (dashed)."
    )
    if len(members) > DRAW_AT_MOST:
        into: dict[str, list[ViewEdge]] = defaultdict(list)
        for edge in edges:
            into[edge.target].append(edge)
        kept: list[ViewEdge] = []
        drawn: set[str] = set()
        for target in sorted(into, key=lambda t: (-len(into[t]), t)):
            if len(drawn | {target}) >= DRAW_AT_MOST:
                break
            drawn.add(target)
            for edge in into[target]:
                if edge.source in drawn or len(drawn) < DRAW_AT_MOST:
                    drawn.add(edge.source)
                    kept.append(edge)
        description += (
            f" The {len(members)} resources involved are too many to draw: the {len(kept)} dependencies on the "
            f"most depended-on are drawn, {len(drawn)} resources."
        )
        edges = sorted(kept, key=lambda e: (e.source, e.relation, e.target))
        members = sorted(drawn)
    return View(
        "dependencies",
        "What depends on what",
        description,
        "overview",
        members,
        edges,
        layout="layered",
        directed=True,
    )


# --------------------------------------------------------------------------- layout


DRAW_AT_MOST = 3000
"""A view of more nodes than this is aggregated rather than drawn node by node."""
PRIORITY_VIEWS_UPTO = 50
"""Above this many documents the views per priority are written one document at a time (``views
--document``) rather than all at once."""
LARGE = 600
"""Above this many nodes a view gets the radial layout (linear time), not a spring layout (slow at scale)."""


def layout_positions(view: View, kinds: dict[str, str] | None = None) -> dict[str, tuple[float, float]]:
    """Positions computed ahead with networkx: a seeded spring layout, layers for directed chains, and for
    large views a radial layout that groups interventions around their priority."""
    graph = nx.DiGraph() if view.directed else nx.Graph()
    graph.add_nodes_from(view.nodes)
    for edge in view.edges:
        if edge.source in graph and edge.target in graph:
            graph.add_edge(edge.source, edge.target)
    if not graph.number_of_nodes():
        return {}
    if view.layout == "layered":
        return _layered(graph)
    scale = 140 * math.sqrt(graph.number_of_nodes())
    if graph.number_of_nodes() > LARGE:
        return _radial(view, graph, kinds or {})
    positions = nx.spring_layout(graph, seed=42, k=1.6 / math.sqrt(graph.number_of_nodes()), iterations=80)
    return {n: (round(float(x) * scale, 1), round(float(y) * scale, 1)) for n, (x, y) in positions.items()}


def _radial(view: View, graph: nx.Graph, kinds: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Priorities on a circle, each with its interventions in a sunflower around it, and everything else on
    outer rings at the mean angle of what it is linked to: linear in nodes and edges."""
    priorities = sorted(n for n in graph if kinds.get(n) == "priority")
    members: dict[str, list[str]] = defaultdict(list)
    for edge in view.edges:
        if edge.relation == "underPriority" and edge.target in graph and edge.source in graph:
            members[edge.target].append(edge.source)
    radius = 400.0 * math.sqrt(max(1, len(priorities))) + 25.0 * math.sqrt(graph.number_of_nodes())
    golden = math.pi * (3 - math.sqrt(5))
    positions: dict[str, tuple[float, float]] = {}
    for i, priority in enumerate(priorities):
        angle = 2 * math.pi * i / max(1, len(priorities))
        cx, cy = radius * math.cos(angle), radius * math.sin(angle)
        positions[priority] = (cx, cy)
        for k, node in enumerate(sorted(set(members[priority])), start=1):
            if node not in positions:
                r, theta = 22.0 * math.sqrt(k), k * golden
                positions[node] = (cx + r * math.cos(theta), cy + r * math.sin(theta))
    rest = sorted(n for n in graph if n not in positions)
    angles = {}
    for node in rest:
        placed = [positions[m] for m in graph.neighbors(node) if m in positions]
        if placed:
            angles[node] = math.atan2(sum(p[1] for p in placed), sum(p[0] for p in placed))
        else:
            angles[node] = 2 * math.pi * (len(angles) % 360) / 360
    for k, node in enumerate(sorted(rest, key=lambda n: (angles[n], n))):
        r = radius * 1.9 + 70.0 * (k % 6)
        positions[node] = (r * math.cos(angles[node]), r * math.sin(angles[node]))
    return {n: (round(x, 1), round(y, 1)) for n, (x, y) in positions.items()}


def _layered(graph: nx.DiGraph) -> dict[str, tuple[float, float]]:
    """Each connected group of dependencies as its own block of layers, dependents above what they need;
    blocks side by side, wrapping into rows, so long rows of unrelated nodes never form."""
    blocks = []
    for component in sorted(nx.weakly_connected_components(graph), key=lambda c: (-len(c), min(c))):
        sub = graph.subgraph(component)
        condensed = nx.condensation(sub)
        layer: dict[int, int] = {}
        for node in nx.topological_sort(condensed):
            layer[node] = 1 + max((layer[p] for p in condensed.predecessors(node)), default=-1)
        rows: dict[int, list[str]] = defaultdict(list)
        for node, members in condensed.nodes(data="members"):
            rows[layer[node]].extend(sorted(members))
        order: dict[str, float] = {}
        placed: dict[str, tuple[float, float]] = {}
        for depth in sorted(rows):
            names = sorted(rows[depth])
            if depth:
                names.sort(
                    key=lambda n: (
                        sum(order.get(p, 0) for p in sub.predecessors(n)) / max(1, sub.in_degree(n)),
                        n,
                    )
                )
            for i, name in enumerate(names):
                order[name] = i - (len(names) - 1) / 2
                placed[name] = (order[name] * 210.0, depth * 190.0)
        width = 210.0 * max(len(r) for r in rows.values())
        blocks.append((width, placed))
    positions: dict[str, tuple[float, float]] = {}
    x = y = row_height = 0.0
    limit = 2400.0
    for width, placed in blocks:
        if x and x + width > limit:
            x, y = 0.0, y + row_height + 260.0
            row_height = 0.0
        for name, (px, py) in placed.items():
            positions[name] = (round(x + width / 2 + px, 1), round(y + py, 1))
        row_height = max(row_height, max(py for _, py in placed.values()))
        x += width + 120.0
    return positions


# --------------------------------------------------------------------------- rendering


PAGE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=visible).from_string(
    """<!DOCTYPE html>
<html lang="{{ lang }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ view.title }} — policykg</title>
<link rel="stylesheet" href="lib/vis-network.min.css">
<link rel="stylesheet" href="lib/view.css">
<link rel="stylesheet" href="lib/view-print.css">
</head>
<body>
<header>
  <h1>{{ view.title }}</h1>
  <a href="index.html">All views</a>
  <div class="controls">
    <div class="combo">
      <input id="search" type="search" placeholder="Search a node" aria-label="Search a node" role="combobox"
        aria-autocomplete="list" aria-expanded="false" aria-controls="candidates" autocomplete="off">
      <ul id="candidates" role="listbox" aria-label="Matching nodes" hidden></ul>
    </div>
    <label>Reach <select id="reach-direction">
      <option value="both">neighbours</option>
      <option value="down">downstream: what stalls if this stalls</option>
      <option value="up">upstream: what this relies on</option>
    </select></label>
    <label>Steps <select id="reach-steps">
      <option value="1">1</option><option value="2">2</option><option value="3">3</option>
      <option value="all">all</option>
    </select></label>
    <button id="clear" type="button">Clear</button>
    <span>Labels: <label><input type="radio" name="lang" value="en"> English</label>
    <label><input type="radio" name="lang" value="nl"> Nederlands</label></span>
    <span id="status"></span>
  </div>
  <p>{{ view.description }}</p>
</header>
<main>
  <div id="graph" role="img" aria-label="{{ view.title }}: a graph of {{ view.nodes|length }} nodes and {{ view.edges|length }} relations" tabindex="0"></div>
  <aside id="inspect" aria-labelledby="inspect-title" hidden>
    <button id="inspect-close" type="button" aria-label="Close">×</button>
    <h2 id="inspect-title" tabindex="-1"></h2>
    <div id="inspect-body"></div>
  </aside>
  <aside id="legend" aria-label="Legend">
    <h2>Node types</h2><ul id="kinds"></ul>
    <h2>Relations</h2><ul id="relations"></ul>
    <h2>Basis</h2><ul id="bases"></ul>
    <p><small>Hover a node or a line for its labels in Dutch and English and, on lines, whether the text
    states it and the passage of the source it rests on; click one to keep that beside the graph. Untick a
    type, relation or basis to hide it.</small></p>
    <div id="details" aria-live="polite"></div>
  </aside>
</main>
<script type="application/json" id="graph-data">{{ payload }}</script>
<script src="lib/vis-network.min.js"></script>
<script src="lib/view.js"></script>
<script src="lib/view-tools.js"></script>
<script src="lib/view-labels.js"></script>
<script src="lib/view-share.js"></script>
</body>
</html>
"""
)


def safe_json(value: Any) -> str:
    """JSON that is safe inside a <script> element: no '<', '>' or '&' left to end it early.

    >>> safe_json({"t": "</script><b>"})
    '{"t": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def assemble(view: View, data: ViewData) -> dict[str, Any]:
    """The page's data: nodes and edges assembled with pyvis, positions fixed, physics off."""
    positions = layout_positions(view, {n: data.nodes[n].kind for n in view.nodes})
    degree: dict[str, int] = defaultdict(int)
    for edge in view.edges:
        degree[edge.source] += edge.weight
        degree[edge.target] += edge.weight
    shared_by: dict[str, int] = defaultdict(int)
    if view.slug == "overlaps":
        for edge in view.edges:
            shared_by[edge.target] += 1
    # pyvis's own add_node/add_edge scan every node and edge added before (quadratic at scale) and, in an
    # undirected network, drop a second relation between the same two nodes; so the views use pyvis's
    # Node and Edge models and fill the network's lists directly.
    net = Network(directed=True)
    for node_id in view.nodes:
        node = data.nodes[node_id]
        kind = KINDS[node.kind]
        if node.kind == "priority" and node.budget:
            size = 22 + math.sqrt(node.budget) / 4
        elif shared_by:
            size = 10 + 6 * shared_by.get(node_id, 1)
        else:
            size = 8 + 3 * math.sqrt(degree.get(node_id, 0))
        x, y = positions.get(node_id, (0.0, 0.0))
        pyvis_node = Node(
            node_id,
            kind["shape"],
            node.label_en,
            color=kind["color"],
            size=round(size, 1),
            x=x,
            y=y,
            physics=False,
            kind=node.kind,
            label_en=node.label_en,
            label_nl=node.label_nl,
            alt_labels=node.alt_labels,
            note=node.note,
        )
        net.nodes.append(pyvis_node.options)
        net.node_ids.append(node_id)
    for edge in view.edges:
        relation = RELATIONS[edge.relation]
        pyvis_edge = Edge(
            edge.source,
            edge.target,
            view.directed,
            relation=edge.relation,
            color=relation["color"],
            dashes=READING_DASHES if edge.basis == "reading" else _DASHES[relation["style"]],
            width=1 + (min(edge.weight, 8) if view.slug == "overlaps" else 0),
            quote=edge.quote,
            note=edge.note,
            basis=edge.basis,
            reason=edge.reason,
            passage=edge.passage,
            # every relation drawn is directed but the overlaps' "shares", which two priorities have alike
            arrows="" if edge.relation == "shares" else "to",
        )
        net.edges.append(pyvis_edge.options)
    nodes, edges, *_ = net.get_network_data()
    priorities = priorities_of_nodes(view, data)
    for node in nodes:
        node.pop("title", None)
        node["priorities"] = priorities.get(node["id"], [])
    present_kinds = [k for k in KINDS if any(n["kind"] == k for n in nodes)]
    present_relations = [r for r in RELATIONS if any(e["relation"] == r for e in edges)]
    drawn_bases = {"reading" if e["basis"] == "reading" else "stated" for e in edges if e["basis"]}
    present_bases = [b for b in ("stated", "reading") if b in drawn_bases]
    return {
        "nodes": nodes,
        "edges": edges,
        "kinds": KINDS,
        "relations": RELATIONS,
        "presentKinds": present_kinds,
        "presentRelations": present_relations,
        "bases": BASES,
        "presentBases": present_bases,
        "priorityList": [
            {"id": p, "label_en": data.nodes[p].label_en, "label_nl": data.nodes[p].label_nl}
            for p in sorted(view.nodes, key=lambda n: data.nodes[n].label_en.lower())
            if data.nodes[p].kind == "priority"
        ],
        "lang": "en",
        "options": {
            "physics": {"enabled": False},
            "interaction": {"hover": True, "tooltipDelay": 120, "hideEdgesOnDrag": len(edges) > 2000},
            "edges": {"smooth": False},
            "nodes": {
                "font": {"size": 13, "face": "system-ui, sans-serif"},
                "widthConstraint": {"maximum": 170},
            },
            "layout": {"improvedLayout": False},
        },
    }


def priorities_of_nodes(view: View, data: ViewData) -> dict[str, list[str]]:
    """The priorities each node of ``view`` belongs to, for the filter by priority: a priority its own; an
    intervention the one it falls under; any other node those of the interventions it is drawn linked to."""
    under = {e.source: e.target for e in data.edges if e.relation == "underPriority"}
    shown = set(view.nodes)
    of: dict[str, set[str]] = defaultdict(set)
    for node in view.nodes:
        if data.nodes[node].kind == "priority":
            of[node].add(node)
        elif node in under and under[node] in shown:
            of[node].add(under[node])
    for edge in view.edges:
        for one, other in ((edge.source, edge.target), (edge.target, edge.source)):
            if data.nodes[one].kind not in ("priority", "intervention"):
                of[one].update(of.get(other, ()))
    return {node: sorted(p) for node, p in of.items() if p}


def render_view(view: View, data: ViewData) -> str:
    """One view as an HTML page."""
    return PAGE.render(view=view, payload=markupsafe.Markup(safe_json(assemble(view, data))), lang="en")


VIEW_ASSETS = ("view.js", "view-tools.js", "view-labels.js", "view-share.js", "view.css", "view-print.css")
"""Our own script and style for the views, shipped beside vis-network in ``lib/``."""


def copy_assets(folder: Path) -> None:
    """vis-network (from the pyvis package) and our script and style, into ``folder/lib``."""
    import pyvis

    lib = folder / "lib"
    lib.mkdir(parents=True, exist_ok=True)
    vis = Path(pyvis.__file__).parent / "lib" / "vis-9.1.2"
    shutil.copyfile(vis / "vis-network.min.js", lib / "vis-network.min.js")
    shutil.copyfile(vis / "vis-network.css", lib / "vis-network.min.css")
    for name in VIEW_ASSETS:
        shutil.copyfile(ASSETS / name, lib / name)


INDEX = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, finalize=visible).from_string(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Views of the graph — policykg</title>
<link rel="stylesheet" href="lib/index.css">
</head>
<body>
<main>
<h1>Views of the graph</h1>
<p>Each view opens in your browser from these files, with no server and no connection to anywhere. Hover a
node or a line for its labels and the passage of the source it rests on; a dashed line is a reading, which
the text does not state, and says why.</p>
{% for group, title in groups %}
<h2>{{ title }}</h2>
{% if group == "priorities" and documents > per_document %}<p>The graph holds {{ documents }} documents: the
views per priority are written one document at a time, with <code>policykg views --document IRI</code>
(into <code>dist/views-{document}/</code>).</p>
{% endif %}<ul>
{% for view in views if view.group == group %}  <li><a href="{{ view.slug }}.html">{{ view.title }}</a>: {{ view.description }}</li>
{% endfor %}</ul>
{% endfor %}
{% if documents > 1 %}
<h2>The budget and who takes part</h2>
<p>The budget charts are drawn per document: <code>policykg views --document IRI</code>.</p>
{% endif %}{% if charts or tables %}
<h2>The budget and who takes part</h2>
{% for chart in charts %}
<figure>
  <img src="{{ chart.svg }}" alt="{{ chart.title }}" width="{{ chart.width }}" height="{{ chart.height }}">
  <figcaption>{{ chart.title }}: {{ chart.caption }} (<a href="{{ chart.svg }}">SVG</a>, <a href="{{ chart.png }}">PNG</a>)</figcaption>
</figure>
{% endfor %}
{% if tables %}<div class="scroll" role="region" aria-label="The budget in figures" tabindex="0">
{{ tables }}
</div>{% endif %}
{% endif %}
</main>
</body>
</html>
"""
)

INDEX_CSS = """body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
a{color:#0b5cad}figure{margin:1.5rem 0}img{max-width:100%;height:auto;border:1px solid #eee}
table{border-collapse:collapse;margin:1rem 0}th,td{border-bottom:1px solid #ddd;padding:.25rem .6rem;text-align:right}
th:first-child,td:first-child{text-align:left}caption{text-align:left;font-weight:600;margin-bottom:.3rem}
code,h1,li{overflow-wrap:anywhere}.scroll{overflow-x:auto;max-width:100%}
a:focus-visible,.scroll:focus-visible{outline:2px solid #0b5cad;outline-offset:2px}
"""

GROUPS = [
    ("overview", "The whole picture"),
    ("priorities", "One view per priority"),
    ("institutions", "One view per institution"),
    ("frameworks", "One view per law, strategy or framework"),
]


def view_members(views: list[View]) -> dict[str, list[tuple[str, str]]]:
    """Which views show each resource: their titles and file names."""
    members: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for view in views:
        for node in view.nodes:
            members[node].append((view.title, view.slug))
    return members


def plan_views(loaded: LoadedGraph, document: str | None = None) -> tuple[ViewData, list[View]]:
    """The data the views draw and their definitions; with ``document``, that document's only."""
    data = project_view_data(loaded)
    if document is not None:
        data = limit_view_data(data, loaded, loaded.require_document(document))
    return data, define_views(data)


def read_members(folder: Path) -> dict[str, list[tuple[str, str]]] | None:
    """Which views show each resource, as written views saved it in ``members.json``; None when there is
    no such file or it cannot be read."""
    try:
        saved = json.loads((folder / "members.json").read_text(encoding="utf-8"))
        return {iri: [(title, slug) for title, slug in shown] for iri, shown in saved.items()}
    except (OSError, ValueError, TypeError, AttributeError):
        return None


def write_views(
    loaded: LoadedGraph,
    folder: Path,
    *,
    with_charts: bool = True,
    document: str | None = None,
    planned: tuple[ViewData, list[View]] | None = None,
) -> list[Path]:
    """Write every view, the assets and the index (with the charts) into ``folder``; with ``document``,
    the views of that document only (its priorities, its interventions and the shared resources they
    touch). ``planned`` is what :func:`plan_views` returned, when the caller has it already."""
    if planned is not None and document is not None:
        raise ValueError("pass either a plan or a document, not both: the plan says which document it is of")
    data, views = planned or plan_views(loaded, document)
    folder.mkdir(parents=True, exist_ok=True)
    copy_assets(folder)
    (folder / "lib" / "index.css").write_text(INDEX_CSS, encoding="utf-8")
    written = []
    for view in progress(views, "views"):
        path = folder / f"{view.slug}.html"
        path.write_text(render_view(view, data), encoding="utf-8")
        written.append(path)
    # which views show each resource, for pages rendered on request (policykg serve)
    with (folder / "members.json").open("w", encoding="utf-8") as out:
        json.dump(view_members(views), out, ensure_ascii=False, sort_keys=True)
    charts, tables = [], ""
    # the charts are per priority, labelled by name: they speak of one document at a time
    if with_charts and len(data.documents) == 1:
        from .charts import render_charts

        charts, tables = render_charts(loaded, folder / "charts", document)
    index = folder / "index.html"
    page = INDEX.render(
        views=views,
        groups=GROUPS,
        charts=charts,
        tables=markupsafe.Markup(tables),
        documents=len(data.documents),
        per_document=PRIORITY_VIEWS_UPTO,
    )
    index.write_text(page, encoding="utf-8")
    return [index, *written]
