"""What the views draw, read from the store once: the resources, every edge with its passage, basis and
line in the source, and which institutions each priority involves."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from ..library import read_query
from ..lines import find_passage_line
from ..load import LoadedGraph
from ..namespaces import PKG
from .palette import KINDS

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

PASSAGES = """
SELECT ?passage ?exact ?prefix ?suffix ?source WHERE {
  ?passage a pkg:Passage ; oa:hasSelector ?selector .
  ?selector oa:exact ?exact .
  OPTIONAL { ?selector oa:prefix ?prefix . }
  OPTIONAL { ?selector oa:suffix ?suffix . }
  OPTIONAL { ?passage oa:hasSource ?source . }
}
"""
"""Each passage's quote selectors and source, to quote it and find its line."""

SOURCE_TEXTS = "SELECT ?document ?text WHERE { ?document pkg:sourceText ?text . }"

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
    """A relation as drawn, with the passage that justifies it (and the line of its source it starts on)
    and its basis: "stated", "reading" (with the reason) or "structure" (the document places an
    intervention under a priority)."""

    source: str
    target: str
    relation: str
    quote: str = ""
    note: str = ""
    weight: int = 1
    basis: str = ""
    reason: str = ""
    passage: str = ""
    line: int | None = None


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
    """One page: its file name, title and the sentence that says what it shows (in English and Dutch),
    and its graph. ``about`` is the resource a view of one institution, law or strategy is about;
    ``shared_by`` says, for the overlaps, how many priorities share each node."""

    slug: str
    title: str
    description: str
    group: str
    nodes: list[str]
    edges: list[ViewEdge]
    layout: str = "spring"
    directed: bool = False
    title_nl: str = ""
    description_nl: str = ""
    about: str = ""
    shared_by: dict[str, int] = field(default_factory=dict)


def clip(text: str, limit: int = 320) -> str:
    """
    >>> clip("a  b\\n c"), clip("abcdef", 4)
    ('a b c', 'abc…')
    """
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


def _read_nodes(loaded: LoadedGraph, data: ViewData) -> None:
    """The resources drawn, with their labels, other names and, for priorities, their budget."""
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


def read_passages(loaded: LoadedGraph, wanted: set[str]) -> dict[str, tuple[str, int | None]]:
    """The quote of each passage in ``wanted`` and the line of its source it starts on (None when the
    source text does not hold it). Of several quote selectors, the first in order, as the site shows."""
    selectors: dict[str, tuple[str, str, str, str]] = {}
    for row in loaded.select(PASSAGES):
        passage = row["passage"]
        if passage not in wanted:
            continue
        found = (row["exact"], row.get("prefix", ""), row.get("suffix", ""), row.get("source", ""))
        selectors[passage] = min(selectors.get(passage, found), found)
    sources = {s for *_rest, s in selectors.values() if s}
    texts = {r["document"]: r["text"] for r in loaded.select(SOURCE_TEXTS) if r["document"] in sources}
    return {
        passage: (exact, find_passage_line(texts.get(source, ""), exact, prefix, suffix))
        for passage, (exact, prefix, suffix, source) in selectors.items()
    }


def project_view_data(loaded: LoadedGraph) -> ViewData:
    """Read the nodes; every edge with its passage and basis, from the library's ``provenance/edge-passages``;
    and which institutions each priority involves, from ``overlaps/institutions-per-priority``."""
    documents = loaded.documents()
    data = ViewData(documents=documents, document_labels={d: loaded.label(d) or d for d in documents})
    _read_nodes(loaded, data)
    rows = [
        row
        for row in _library(loaded, "provenance/edge-passages")
        if row["intervention"] in data.nodes and row["object"] in data.nodes
    ]
    passages = read_passages(loaded, {row.get("source", "") for row in rows})
    for row in rows:
        quote, line = passages.get(row.get("source", ""), ("", None))
        data.edges.append(
            ViewEdge(
                row["intervention"],
                row["object"],
                _local_name(row["predicate"]),
                clip(quote),
                basis=row["basis"],
                reason=clip(row.get("reason", "")),
                passage=row.get("source", ""),
                line=line,
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
