"""The static linked-data site: a page for every resource at its IRI's path, the ontology's documentation,
the query gallery, the downloads with a VoID and DCAT description, and the views.

IRIs follow https://www.w3.org/TR/cooluris/: ``https://w3id.org/policykg/id/{path}`` is a resource; its page
is ``id/{path}.html`` and its data ``id/{path}.ttl``, ``.jsonld`` and ``.nt`` (linked with
``rel="alternate"``). ``policykg serve`` answers the IRI itself with a 303 to the right one by the Accept
header; a static host serves the files as they are. Every link is relative, so the site works from any
folder of any static host, and from the file system. Above :data:`STATIC_PAGES_UPTO` resources only
documents and what they share get written pages; ``policykg serve`` renders the rest from the store with
:class:`StoreGraph` (``--all-pages`` writes them all).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import os
import re
import shutil
from abc import ABC, abstractmethod
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
import pyoxigraph as ox

from . import __version__
from .escape import link_target, visible
from .library import list_queries
from .lines import find_passage_line
from .load import SOURCES_GRAPH, LoadedGraph, label_blank_nodes
from .namespaces import ONTOLOGY_IRI, PREFIXES, RDF_PREFIXES, shorten
from .progress import progress
from .query import EmbeddedEngine, prepare

BASE = "https://w3id.org/policykg/"
"""Where the site is published: every IRI under it has a page."""
DATASET = BASE + "dataset"
ENDPOINT = BASE + "sparql"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
COMMENT = "http://www.w3.org/2000/01/rdf-schema#comment"
DERIVED = "http://www.w3.org/ns/prov#wasDerivedFrom"
SOURCE_TEXT = "https://w3id.org/policykg/def#sourceText"
SUBCLASS_OF = "http://www.w3.org/2000/01/rdf-schema#subClassOf"
SUBPROPERTY_OF = "http://www.w3.org/2000/01/rdf-schema#subPropertyOf"
START_LINE = "https://w3id.org/policykg/def#startLine"
BASIS = "https://w3id.org/policykg/def#basis"
EVIDENCED = "https://w3id.org/policykg/def#evidencedProperties"
QUALIFIED_RELATION = "https://w3id.org/policykg/def#QualifiedRelation"
READING = "https://w3id.org/policykg/def#reading"
MEMBER = "http://www.w3.org/2000/01/rdf-schema#member"
RDF_SUBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#subject"
RDF_PREDICATE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#predicate"
RDF_OBJECT = "http://www.w3.org/1999/02/22-rdf-syntax-ns#object"
SYNTAXES = {
    "ttl": ox.RdfFormat.TURTLE,
    "jsonld": ox.RdfFormat.JSON_LD,
    "nt": ox.RdfFormat.N_TRIPLES,
    "rdf": ox.RdfFormat.RDF_XML,
}
MEDIA_TYPES = {
    "ttl": "text/turtle",
    "jsonld": "application/ld+json",
    "nt": "application/n-triples",
    "rdf": "application/rdf+xml",
}
_BASE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{% block title %}{% endblock %}</title>
{% block head %}{% endblock %}
</head>
<body>
<header><nav aria-label="Site">{% block nav %}<a href="{{ root }}index.html">policykg</a>{% endblock %}</nav></header>
<main>
{% block body %}{% endblock %}
</main>
</body>
</html>
"""
_ENV = jinja2.Environment(
    loader=jinja2.DictLoader({"base.html": _BASE}),
    autoescape=True,
    finalize=visible,  # control characters from the data are shown, never written raw
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)
"""Every page of the site extends ``base.html``: one doctype and head for all."""


def site_path(iri: str) -> str | None:
    """The path of an IRI's page within the site, without extension; None for IRIs outside it.

    >>> site_path("https://w3id.org/policykg/id/law/dsa")
    'id/law/dsa'
    >>> site_path("https://w3id.org/policykg/def#Law"), site_path("https://example.org/x")
    ('def', None)
    """
    if iri.startswith(ONTOLOGY_IRI) and iri[len(ONTOLOGY_IRI) : len(ONTOLOGY_IRI) + 1] in ("", "#"):
        return "def"
    if iri.startswith(PREFIXES["id"]) and "#" not in iri:
        path = iri[len(BASE) :]
        if re.fullmatch(r"[A-Za-z0-9._~/-]+", path) and ".." not in path.split("/"):
            return path
    return None


def relative(from_page: str, to_path: str) -> str:
    """A relative link from one site page (path with extension) to another.

    >>> relative("id/law/dsa.html", "id/institution/ncsc.html")
    '../institution/ncsc.html'
    >>> relative("index.html", "views/index.html"), relative("id/a/b.html", "id/a/c.html")
    ('views/index.html', 'c.html')

    Site paths are relative, with no ``.`` or ``..`` parts, so this is string work (``os.path.relpath``
    resolves against the working folder, which costs more than the page around it on a large gallery).
    """
    folder = from_page.split("/")[:-1]
    target = to_path.split("/")
    common = 0
    while common < len(folder) and common < len(target) - 1 and folder[common] == target[common]:
        common += 1
    return "/".join([".."] * (len(folder) - common) + target[common:])


@dataclass
class Term:
    """An RDF term as shown on a page: text, an optional link, and a language or datatype."""

    text: str
    href: str | None = None
    note: str = ""
    external: str | None = None


@dataclass
class Evidence:
    """What an edge rests on, from its qualified relation: the basis (stated or reading) in English and
    Dutch, a reading's reason (its comments), and the passages."""

    relation: Term
    basis: Term
    basis_nl: str
    reasons: list[tuple[str, str]] = field(default_factory=list)
    passages: list[Term] = field(default_factory=list)


@dataclass
class Edge:
    """What a qualified relation's own page shows above its statements: the edge and its evidence."""

    subject: Term
    predicate: Term
    object: Term
    evidence: Evidence


@dataclass
class Page:
    """What one resource's page shows."""

    iri: str
    path: str
    label_en: str
    label_nl: str
    types: list[Term] = field(default_factory=list)
    comments: list[tuple[str, str]] = field(default_factory=list)
    outgoing: list[tuple[Term, Term, Evidence | None]] = field(default_factory=list)
    incoming: list[tuple[Term, Term, Evidence | None]] = field(default_factory=list)
    more_incoming: int = 0
    passages: list[dict[str, Any]] = field(default_factory=list)
    views: list[tuple[str, str]] = field(default_factory=list)
    edge: Edge | None = None


class Described(ABC):
    """What both graphs a page is built from share: a resource's concise bounded description
    (https://www.w3.org/submissions/CBD/), from its triples and those of its blank nodes."""

    @abstractmethod
    def label(self, iri: str, lang: str = "en") -> str: ...

    @abstractmethod
    def outgoing(self, iri: str) -> list[ox.Triple]: ...

    @abstractmethod
    def incoming(self, iri: str) -> list[ox.Triple]: ...

    @abstractmethod
    def pointing_at(self, node: ox.BlankNode) -> list[ox.Triple]: ...

    @abstractmethod
    def blank_triples(self, node: ox.BlankNode) -> list[ox.Triple]: ...

    @abstractmethod
    def subjects_with(self, predicate: str, value: str) -> list[str]:
        """The IRIs that have ``value`` (an IRI) for ``predicate``, sorted."""
        ...

    @abstractmethod
    def relations_from(self, subject: str) -> list[str]:
        """The qualified relations (IRIs) whose ``rdf:subject`` is ``subject``, sorted."""
        ...

    _evidenced: frozenset[str] | None = None

    def evidenced(self) -> frozenset[str]:
        """The properties whose edges have a qualified relation (``pkg:evidencedProperties``)."""
        if self._evidenced is None:
            self._evidenced = frozenset(
                t.object.value
                for t in self.outgoing(EVIDENCED)
                if t.predicate.value == MEMBER and isinstance(t.object, ox.NamedNode)
            )
        return self._evidenced

    def relation(self, subject: str, predicate: str, value: str) -> str | None:
        """The qualified relation of the edge ``subject predicate value``, if it has one (the first by
        IRI, should there be more)."""
        for relation in self.relations_from(subject):
            about = {(t.predicate.value, t.object.value) for t in self.outgoing(relation)}
            if (RDF_PREDICATE, predicate) in about and (RDF_OBJECT, value) in about:
                return relation
        return None

    def bounded(self, iri: str) -> list[ox.Triple]:
        """The resource's triples and, recursively, those of the blank nodes they point at, with the
        blank node labels of the graph they come from."""
        out, stack = [], list(self.outgoing(iri))
        seen: set[ox.BlankNode] = set()
        while stack:
            t = stack.pop()
            out.append(t)
            if isinstance(t.object, ox.BlankNode) and t.object not in seen:
                seen.add(t.object)
                stack.extend(self.blank_triples(t.object))
        return out

    def symmetric(self, iri: str) -> list[ox.Triple]:
        """:meth:`bounded`, and the triples that point at the resource, with what surrounds the blank nodes
        they come from up to the resources that hold them: the symmetric concise bounded description
        (https://www.w3.org/submissions/CBD/#alternatives), so that a client following links can walk from
        a document to its priorities and interventions, and from them to their evidence."""
        out = self.bounded(iri)
        seen: set[ox.BlankNode] = set()
        up: list[ox.BlankNode] = []
        down: list[ox.Triple] = []
        for t in self.incoming(iri):
            out.append(t)
            if isinstance(t.subject, ox.BlankNode):
                up.append(t.subject)
        while up:
            node = up.pop()
            if node in seen:
                continue
            seen.add(node)
            down.extend(self.blank_triples(node))
            for t in self.pointing_at(node):
                out.append(t)
                if isinstance(t.subject, ox.BlankNode):
                    up.append(t.subject)
        while down:
            t = down.pop()
            out.append(t)
            if isinstance(t.object, ox.BlankNode) and t.object not in seen:
                seen.add(t.object)
                down.extend(self.blank_triples(t.object))
        return list(dict.fromkeys(out))

    def description(self, iri: str) -> list[ox.Triple]:
        """:meth:`symmetric`, sorted, its blank nodes labelled by what surrounds them within it
        (:func:`stable_blank_nodes`): the same data whichever graph it is read from and whatever else the
        graph holds."""
        return stable_blank_nodes(self.symmetric(iri))


class SiteGraph(Described):
    """The loaded graph indexed for page writing: triples by subject and object, labels, line numbers."""

    def __init__(self, loaded: LoadedGraph) -> None:
        # the dumps' triples, with what the hierarchy entails (a page's data is what the dumps say of
        # it); the pages leave the entailed ones out (shown_triples)
        self.triples = [q.triple for q in ox.parse(loaded.dump_ntriples(), format=ox.RdfFormat.N_TRIPLES)]
        self.by_subject: dict[str, list[ox.Triple]] = defaultdict(list)
        self.by_object: dict[str, list[ox.Triple]] = defaultdict(list)
        self.blank: dict[str, list[ox.Triple]] = defaultdict(list)
        self.blank_in: dict[str, list[ox.Triple]] = defaultdict(list)
        for t in self.triples:
            if isinstance(t.subject, ox.BlankNode):
                self.blank[t.subject.value].append(t)
            else:
                self.by_subject[t.subject.value].append(t)
            if isinstance(t.object, ox.NamedNode):
                self.by_object[t.object.value].append(t)
            elif isinstance(t.object, ox.BlankNode):
                self.blank_in[t.object.value].append(t)
        self.labels: dict[str, dict[str, str]] = defaultdict(dict)
        for t in self.triples:
            if (
                t.predicate.value == LABEL
                and isinstance(t.object, ox.Literal)
                and not isinstance(t.subject, ox.BlankNode)
            ):
                self.labels[t.subject.value][t.object.language or ""] = t.object.value
        self.texts = {
            q.subject.value: q.object.value
            for q in loaded.store.quads_for_pattern(None, None, None, SOURCES_GRAPH)
        }
        self.relations: dict[str, list[str]] = defaultdict(list)
        for t in self.triples:
            if (
                t.predicate.value == RDF_SUBJECT
                and isinstance(t.subject, ox.NamedNode)
                and isinstance(t.object, ox.NamedNode)
            ):
                self.relations[t.object.value].append(t.subject.value)
        for subject, found in self.relations.items():
            self.relations[subject] = sorted(set(found))

    def label(self, iri: str, lang: str = "en") -> str:
        labels = self.labels.get(iri, {})
        return labels.get(lang) or labels.get("en") or labels.get("nl") or shorten(iri).strip("<>")

    def outgoing(self, iri: str) -> list[ox.Triple]:
        """The triples about a resource."""
        return self.by_subject.get(iri, [])

    def incoming(self, iri: str) -> list[ox.Triple]:
        """The triples pointing at a resource."""
        return self.by_object.get(iri, [])

    def blank_triples(self, node: ox.BlankNode) -> list[ox.Triple]:
        """The triples about a blank node."""
        return self.blank.get(node.value, [])

    def pointing_at(self, node: ox.BlankNode) -> list[ox.Triple]:
        """The triples whose object is a blank node."""
        return self.blank_in.get(node.value, [])

    def subjects_with(self, predicate: str, value: str) -> list[str]:
        return sorted(
            {
                t.subject.value
                for t in self.by_object.get(value, [])
                if t.predicate.value == predicate and isinstance(t.subject, ox.NamedNode)
            }
        )

    def relations_from(self, subject: str) -> list[str]:
        return self.relations.get(subject, [])

    def text_of(self, document: str) -> str:
        """A document's full text, read from sources/."""
        return self.texts.get(document, "")


class StoreGraph(Described):
    """The same questions as :class:`SiteGraph` answered from a store, one resource at a time, whatever
    the size of the graph: what the site of a large corpus is written from, and what ``policykg serve``
    renders the pages it left out from, on request."""

    LABELS_KEPT = 200_000
    """Labels remembered: a page looks up the label of everything it links, and many pages link the same."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._labels: dict[str, dict[str, str]] = {}

    def _triples(self, subject: Any = None, predicate: Any = None, value: Any = None) -> list[ox.Triple]:
        return sorted(
            {q.triple for q in self.store.quads_for_pattern(subject, predicate, value, None)}, key=str
        )

    def has(self, iri: str) -> bool:
        """Whether the graph says anything about ``iri``."""
        return next(iter(self.store.quads_for_pattern(ox.NamedNode(iri), None, None, None)), None) is not None

    def label(self, iri: str, lang: str = "en") -> str:
        labels = self._labels.get(iri)
        if labels is None:
            # as SiteGraph reads them: of two labels in one language, the last in N-Triples order
            found = sorted(
                (str(q.object), q.object)
                for q in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(LABEL), None, None)
                if isinstance(q.object, ox.Literal)
            )
            labels = {value.language or "": value.value for _, value in found}
            if len(self._labels) >= self.LABELS_KEPT:
                self._labels.clear()
            self._labels[iri] = labels
        return labels.get(lang) or labels.get("en") or labels.get("nl") or shorten(iri).strip("<>")

    def outgoing(self, iri: str) -> list[ox.Triple]:
        return self._triples(ox.NamedNode(iri))

    def incoming(self, iri: str) -> list[ox.Triple]:
        return self._triples(None, None, ox.NamedNode(iri))

    def blank_triples(self, node: ox.BlankNode) -> list[ox.Triple]:
        return self._triples(node)

    def pointing_at(self, node: ox.BlankNode) -> list[ox.Triple]:
        return self._triples(None, None, node)

    def subjects_with(self, predicate: str, value: str) -> list[str]:
        return sorted(
            {
                q.subject.value
                for q in self.store.quads_for_pattern(
                    None, ox.NamedNode(predicate), ox.NamedNode(value), None
                )
                if isinstance(q.subject, ox.NamedNode)
            }
        )

    def relations_from(self, subject: str) -> list[str]:
        return sorted(
            {
                q.subject.value
                for q in self.store.quads_for_pattern(
                    None, ox.NamedNode(RDF_SUBJECT), ox.NamedNode(subject), None
                )
                if isinstance(q.subject, ox.NamedNode)
            }
        )

    def text_of(self, document: str) -> str:
        texts = self._triples(ox.NamedNode(document), ox.NamedNode(SOURCE_TEXT))
        return texts[0].object.value if texts else ""


def stable_blank_nodes(triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples sorted, their blank nodes labelled by what surrounds them within these triples
    (:func:`~policykg.load.label_blank_nodes`): the same triples give the same labels from load to load.
    The labels are not those of the dumps, which are labelled within the whole graph."""
    if not any(isinstance(t.subject, ox.BlankNode) or isinstance(t.object, ox.BlankNode) for t in triples):
        return sorted(triples, key=str)
    lines = label_blank_nodes({str(t) + " ." for t in triples})
    parsed = ox.parse("\n".join(lines).encode(), format=ox.RdfFormat.N_TRIPLES)
    return sorted((q.triple for q in parsed), key=str)


def _term(graph: Described, node: ox.NamedNode | ox.BlankNode | ox.Literal, page: str) -> Term:
    if isinstance(node, ox.NamedNode):
        target = site_path(node.value)
        if target:
            anchor = "#" + node.value.split("#", 1)[1] if "#" in node.value else ""
            return Term(
                graph.label(node.value), relative(page, target + ".html") + anchor, shorten(node.value)
            )
        return Term(shorten(node.value).strip("<>"), None, "", external=link_target(node.value))
    if isinstance(node, ox.BlankNode):
        return Term(_blank_text(graph, node))
    note = f"@{node.language}" if node.language else ""
    if not node.language and node.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        note = shorten(node.datatype.value)
    return Term(node.value, None, note)


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def _blank_text(graph: Described, node: ox.BlankNode, depth: int = 0) -> str:
    """What a blank node says, in words rather than by its label, which is arbitrary: its properties and
    values, a list as its members in parentheses, nested blank nodes in brackets."""
    triples = graph.blank_triples(node)
    members: list[str] = []
    cell, about = node, triples
    while True:
        first = [t.object for t in about if t.predicate.value == RDF + "first"]
        rest = [t.object for t in about if t.predicate.value == RDF + "rest"]
        if len(first) != 1 or len(rest) != 1:
            break
        members.append(_value_text(graph, first[0], depth))
        if rest[0] == ox.NamedNode(RDF + "nil"):
            return "(" + ", ".join(members) + ")"
        if not isinstance(rest[0], ox.BlankNode) or rest[0] == cell or len(members) == 100:
            return "(" + ", ".join(members) + ", …)"
        cell = rest[0]
        about = graph.blank_triples(cell)
    parts = [
        f"{shorten(t.predicate.value)} {_value_text(graph, t.object, depth)}"
        for t in triples
        if t.predicate.value != RDF_TYPE
    ]
    return "; ".join(sorted(parts)) or "(blank node)"


def _value_text(graph: Described, value: ox.NamedNode | ox.BlankNode | ox.Literal, depth: int) -> str:
    if isinstance(value, ox.Literal):
        return value.value
    if isinstance(value, ox.BlankNode):
        text = _blank_text(graph, value, depth + 1) if depth < 4 else "…"
        return text if text.startswith("(") else "[" + text + "]"
    return shorten(value.value)


def _text(graph: Described, node: ox.NamedNode) -> str:
    """The text of an IRI's link, as :func:`_term` writes it."""
    return graph.label(node.value) if site_path(node.value) else shorten(node.value).strip("<>")


def _passage(graph: Described, passage: str, page: str) -> dict[str, Any]:
    # the passage's source, and the first of its quote selectors (https://www.w3.org/TR/annotation-model/#text-quote-selector)
    # and its line: pkg:startLine where the data records it (compiled passages), else found in the source
    quotes: dict[Any, dict[str, str]] = defaultdict(dict)
    source = ""
    line: int | None = None
    for t in graph.bounded(passage):
        name = t.predicate.value.rsplit("#", 1)[-1]
        if name in ("exact", "prefix", "suffix"):
            quotes[t.subject][name] = t.object.value
        elif name == "hasSource":
            source = t.object.value
        elif t.predicate.value == START_LINE and t.object.value.isdigit():
            line = int(t.object.value)
    exact, prefix, suffix = min(
        ((q.get("exact", ""), q.get("prefix", ""), q.get("suffix", "")) for q in quotes.values()),
        default=("", "", ""),
    )
    if line is None:
        text = graph.text_of(source) if source else ""  # a passage may name no source
        line = find_passage_line(text, exact, prefix, suffix)
    target = site_path(passage)
    return {
        "exact": exact,
        "line": line,
        "document": graph.label(source) if source else "",
        "href": relative(page, target + ".html") if target else None,
    }


def _evidence(graph: Described, relation: str, page: str) -> Evidence | None:
    """What a qualified relation says of its edge's evidence; None without a basis."""
    basis = None
    reasons: list[tuple[str, str]] = []
    passages: list[Term] = []
    for t in graph.outgoing(relation):
        p = t.predicate.value
        if p == BASIS and isinstance(t.object, ox.NamedNode):
            basis = min(basis or t.object.value, t.object.value)
        elif p == COMMENT and isinstance(t.object, ox.Literal):
            reasons.append((t.object.language or "", t.object.value))
        elif p == DERIVED and isinstance(t.object, ox.NamedNode):
            passages.append(_term(graph, t.object, page))
    if basis is None:
        return None
    return Evidence(
        relation=_term(graph, ox.NamedNode(relation), page),
        basis=_term(graph, ox.NamedNode(basis), page),
        basis_nl=graph.label(basis, "nl"),
        reasons=sorted(reasons) if basis == READING else [],
        passages=sorted(passages, key=lambda x: (x.text, x.href or "")),
    )


def _edge_evidence(graph: Described, subject: str, predicate: str, value: Any, page: str) -> Evidence | None:
    """The evidence of an edge between resources, from its qualified relation."""
    if predicate not in graph.evidenced() or not isinstance(value, ox.NamedNode):
        return None
    relation = graph.relation(subject, predicate, value.value)
    return _evidence(graph, relation, page) if relation else None


def _own_edge(graph: Described, iri: str, page: str) -> Edge | None:
    """The edge a qualified relation qualifies, with its evidence; None for any other resource."""
    about = graph.outgoing(iri)
    if not any(t.predicate.value == RDF_TYPE and t.object.value == QUALIFIED_RELATION for t in about):
        return None
    ends = {}
    for t in sorted(about, key=str):
        if t.predicate.value in (RDF_SUBJECT, RDF_PREDICATE, RDF_OBJECT):
            ends.setdefault(t.predicate.value, t.object)
    evidence = _evidence(graph, iri, page)
    if len(ends) < 3 or evidence is None:
        return None
    return Edge(
        _term(graph, ends[RDF_SUBJECT], page),
        _term(graph, ends[RDF_PREDICATE], page),
        _term(graph, ends[RDF_OBJECT], page),
        evidence,
    )


def _broader(graph: Described, term: ox.NamedNode, predicate: str) -> set[str]:
    """Every class above a class, or property above a property (``predicate`` is rdfs:subClassOf or
    rdfs:subPropertyOf), through any number of steps, as the graph's ontology states them."""
    found: set[str] = set()
    todo = [term.value]
    while todo:
        for t in graph.outgoing(todo.pop()):
            if (
                t.predicate.value == predicate
                and isinstance(t.object, ox.NamedNode)
                and t.object.value not in found | {term.value}
            ):
                found.add(t.object.value)
                todo.append(t.object.value)
    return found


def shown_triples(graph: Described, triples: list[ox.Triple]) -> list[ox.Triple]:
    """The triples a page shows: not those the class and property hierarchy entails from others in the
    list (:mod:`policykg.entail`): a type above another of the resource's types, a class or property
    above another it is stated under, or an edge whose property is above that of another edge between the
    same two nodes. They add nothing for a reader and have no evidence of their own.
    """
    hidden: set[tuple[str, str, str]] = set()
    for t in triples:
        if not isinstance(t.object, ox.NamedNode):
            continue
        if t.predicate.value == RDF_TYPE:
            for broader in _broader(graph, t.object, SUBCLASS_OF):
                hidden.add((t.subject.value, RDF_TYPE, broader))
        elif t.predicate.value in (SUBCLASS_OF, SUBPROPERTY_OF):  # the hierarchy's own closure
            for broader in _broader(graph, t.object, t.predicate.value):
                hidden.add((t.subject.value, t.predicate.value, broader))
        else:
            for broader in _broader(graph, t.predicate, SUBPROPERTY_OF):
                hidden.add((t.subject.value, broader, t.object.value))
    if not hidden:
        return triples
    return [t for t in triples if (t.subject.value, t.predicate.value, t.object.value) not in hidden]


def build_page(graph: SiteGraph | StoreGraph, iri: str, views: dict[str, list[tuple[str, str]]]) -> Page:
    """Gather what a resource's page shows."""
    path = site_path(iri) or ""
    page_file = path + ".html"
    page = Page(iri, path, graph.label(iri, "en"), graph.label(iri, "nl"))
    page.edge = _own_edge(graph, iri, page_file)
    for t in shown_triples(graph, graph.outgoing(iri)):
        p = t.predicate.value
        if p == RDF_TYPE:
            page.types.append(_term(graph, t.object, page_file))
        elif p == COMMENT and isinstance(t.object, ox.Literal):
            if (
                page.edge is None or not page.edge.evidence.reasons
            ):  # a reading's reason is shown with its basis
                page.comments.append((t.object.language or "", t.object.value))
        elif p == SOURCE_TEXT:
            continue
        else:
            page.outgoing.append(
                (
                    _term(graph, t.predicate, page_file),
                    _term(graph, t.object, page_file),
                    _edge_evidence(graph, iri, p, t.object, page_file),
                )
            )
            if p == DERIVED and isinstance(t.object, ox.NamedNode):
                page.passages.append(_passage(graph, t.object.value, page_file))
    # ordered by property and resource, by the text their links show; only the first SHOW_AT_MOST
    # become links, as a shared resource can be referred to by hundreds of thousands
    incoming = sorted(
        (
            (_text(graph, t.predicate), _text(graph, t.subject), t)
            for t in shown_triples(graph, graph.incoming(iri))
            if isinstance(t.subject, ox.NamedNode)
        ),
        key=lambda x: (x[0], x[1]),
    )
    page.incoming = [
        (
            _term(graph, t.subject, page_file),
            _term(graph, t.predicate, page_file),
            _edge_evidence(graph, t.subject.value, t.predicate.value, t.object, page_file),
        )
        for _, _, t in incoming[:SHOW_AT_MOST]
    ]
    page.more_incoming = max(0, len(incoming) - SHOW_AT_MOST)
    page.types.sort(key=lambda x: x.text)
    page.comments.sort()
    page.outgoing.sort(key=lambda x: (x[0].text, x[1].text))
    page.passages.sort(key=lambda x: (x["line"] or 0, x["exact"]))
    page.views = [(title, relative(page_file, f"views/{slug}.html")) for title, slug in views.get(iri, [])]
    return page


RESOURCE = _ENV.from_string(
    """{% extends "base.html" %}
{% block title %}{{ page.label_en }} — policykg{% endblock %}
{% block head %}<link rel="stylesheet" href="{{ root }}site.css">
{% for ext, media in alternates %}
<link rel="alternate" type="{{ media }}" href="{{ name }}.{{ ext }}">
{% endfor %}
{% endblock %}
{% block nav %}<a href="{{ root }}index.html">policykg</a> · <a href="{{ root }}def.html">ontology</a> · <a href="{{ root }}queries/index.html">queries</a> · <a href="{{ root }}downloads/index.html">downloads</a>{% if has_views %} · <a href="{{ root }}views/index.html">views</a>{% endif %}{% endblock %}
{% block body %}
{% macro link(t) %}{% if t.href %}<a href="{{ t.href }}">{{ t.text }}</a>{% elif t.external %}<a href="{{ t.external }}" rel="external">{{ t.text }}</a>{% else %}{{ t.text }}{% endif %}{% endmacro %}
{% macro basis(e) %}<span class="basis">{{ link(e.basis) }}</span>{% if e.basis_nl != e.basis.text %} · <span class="basis" lang="nl">{{ e.basis_nl }}</span>{% endif %}{% endmacro %}
{% macro evidence(e) %}{% if e %}{{ basis(e) }}{% if e.relation.href %} <small>(<a href="{{ e.relation.href }}">relation</a>)</small>{% endif %}
{% for lang, text in e.reasons %}<div class="reason" lang="{{ lang }}">{{ text }}</div>{% endfor %}
{% if e.passages %}<div class="from">{% for p in e.passages %}{{ link(p) }}{% if not loop.last %}, {% endif %}{% endfor %}</div>{% endif %}{% endif %}{% endmacro %}
<h1>{{ page.label_en }}</h1>
{% if page.label_nl != page.label_en %}<p class="nl" lang="nl">{{ page.label_nl }}</p>{% endif %}
<p class="iri"><code>{{ page.iri }}</code></p>
<p>{% for t in page.types %}{% if t.href %}<a class="type" href="{{ t.href }}">{{ t.text }}</a>{% else %}<span class="type">{{ t.text }}</span>{% endif %} {% endfor %}</p>
{% for lang, text in page.comments %}<p lang="{{ lang }}" class="comment">{{ text }}</p>{% endfor %}
{% if page.edge %}{% set e = page.edge.evidence %}
<h2>Basis</h2>
<p class="edge">{{ link(page.edge.subject) }} — {{ link(page.edge.predicate) }} — {{ link(page.edge.object) }}</p>
<p>Basis: <strong>{{ basis(e) }}</strong></p>
{% for lang, text in e.reasons %}<p class="reason" lang="{{ lang }}"><strong>{{ "Reden" if lang == "nl" else "Reason" }}:</strong> {{ text }}</p>{% endfor %}
{% if e.passages %}<p>It rests on {% for p in e.passages %}{{ link(p) }}{% if not loop.last %}, {% endif %}{% endfor %}.</p>{% endif %}
{% endif %}
{% if page.passages %}
<h2>In the source</h2>
{% for p in page.passages %}
<blockquote>{{ p.exact }}<footer>{{ p.document }}{% if p.line %}, line {{ p.line }}{% endif %}{% if p.href %} · <a href="{{ p.href }}">passage</a>{% endif %}</footer></blockquote>
{% endfor %}
{% endif %}
<h2>Statements</h2>
<div class="scroll" role="region" aria-label="Statements" tabindex="0"><table>
<tr><th>property</th><th>value</th><th>basis</th></tr>
{% for p, o, e in page.outgoing %}
<tr><td>{% if p.href %}<a href="{{ p.href }}" title="{{ p.note }}">{{ p.text }}</a>{% else %}{{ p.text }}{% endif %}</td><td>{% if o.href %}<a href="{{ o.href }}">{{ o.text }}</a>{% elif o.external %}<a href="{{ o.external }}" rel="external">{{ o.text }}</a>{% else %}{{ o.text }}{% endif %}{% if o.note %} <small>{{ o.note }}</small>{% endif %}</td><td>{{ evidence(e) }}</td></tr>
{% endfor %}
</table></div>
{% if page.incoming %}
<h2>Referred to by</h2>
<div class="scroll" role="region" aria-label="Referred to by" tabindex="0"><table>
<tr><th>resource</th><th>property</th><th>basis</th></tr>
{% for s, p, e in page.incoming %}
<tr><td>{% if s.href %}<a href="{{ s.href }}">{{ s.text }}</a>{% else %}{{ s.text }}{% endif %}</td><td>{% if p.href %}<a href="{{ p.href }}">{{ p.text }}</a>{% else %}{{ p.text }}{% endif %}</td><td>{{ evidence(e) }}</td></tr>
{% endfor %}
</table></div>
{% if page.more_incoming %}<p>And {{ page.more_incoming }} more; ask for them all with the query
<code>provenance/statements-about</code> (<code>policykg query provenance/statements-about --param resource=&lt;{{ page.iri }}&gt;</code>).</p>
{% endif %}
{% endif %}
{% if page.views %}
<h2>Views that show it</h2>
<ul>{% for title, href in page.views %}<li><a href="{{ href }}">{{ title }}</a></li>{% endfor %}</ul>
{% endif %}
<h2>Data</h2>
<p>{% for ext, media in alternates %}<a href="{{ name }}.{{ ext }}" type="{{ media }}">{{ ext }}</a> {% endfor %}</p>
{% endblock %}
"""
)

CSS = """body{font:15px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;max-width:72rem;margin:1.5rem auto;padding:0 1rem;color:#1b1b1b}
a{color:#0b5cad}nav{margin-bottom:1rem}h1{margin-bottom:.2rem}.nl{margin-top:0;color:#555}.iri code{font-size:.85rem;color:#555}
.type{display:inline-block;background:#eef3fa;border-radius:3px;padding:0 .4rem;margin-right:.3rem;text-decoration:none}
table{border-collapse:collapse;width:100%;margin:.5rem 0}th,td{border-bottom:1px solid #e4e4e4;padding:.25rem .5rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
blockquote{margin:.6rem 0;padding:.3rem .8rem;border-left:4px solid #bbb;background:#fafafa}blockquote footer{font-size:.85rem;color:#555}
pre{background:#f6f6f6;padding:.6rem;white-space:pre-wrap;overflow-wrap:anywhere}small{color:#666}.comment{color:#333}
code,.iri,h1{overflow-wrap:anywhere}img{max-width:100%;height:auto}
.scroll{overflow-x:auto;max-width:100%}.scroll>table{margin:0}.scroll{margin:.5rem 0}
a:focus-visible,.scroll:focus-visible{outline:2px solid #0b5cad;outline-offset:2px}
.basis{font-weight:600}.reason{color:#444;font-size:.9rem}.from{font-size:.85rem;color:#555}
"""


def render_resource(
    graph: SiteGraph | StoreGraph, iri: str, views: dict[str, list[tuple[str, str]]], *, has_views: bool
) -> str:
    """A resource's page, as HTML."""
    page = build_page(graph, iri, views)
    return RESOURCE.render(
        page=page,
        root="../" * page.path.count("/"),
        name=page.path.rsplit("/", 1)[-1],
        alternates=list(MEDIA_TYPES.items()),
        has_views=has_views,
    )


def resource_data(triples: list[ox.Triple], ext: str) -> bytes:
    """A resource's description in the syntax of a file extension (ttl, jsonld, nt)."""
    fmt = SYNTAXES[ext]
    return (
        ox.serialize(
            triples,
            format=fmt,
            prefixes=RDF_PREFIXES if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML) else None,
        )
        or b""
    )


def _write_rdf(path_stem: Path, triples: list[ox.Triple]) -> None:
    for ext in SYNTAXES:
        path_stem.with_name(path_stem.name + "." + ext).write_bytes(resource_data(triples, ext))


def view_index(
    views_folder: Path | None, loaded: LoadedGraph, views: list[Any] | None = None
) -> dict[str, list[tuple[str, str]]]:
    """Which views show each resource, when the views are there to link to: from the views' definitions
    when the caller has them, else from the ``members.json`` written views have, else defined anew."""
    if views_folder is None:
        return {}
    from .views import define_views, project_view_data, read_members, view_members

    if views is not None:
        return view_members(views)
    saved = read_members(views_folder)
    return saved if saved is not None else view_members(define_views(project_view_data(loaded)))


SHOW_AT_MOST = 1000
"""Rows a page shows of a long list (what refers to a resource, a query's results); it says how many
more there are and how to get them all."""

STATIC_PAGES_UPTO = 20_000
"""Above this many resources, only documents and what they share get a written page (unless all pages
are asked for); ``policykg serve`` renders the others on request."""


def static_resources(loaded: LoadedGraph, subjects: list[str]) -> list[str]:
    """The resources that are not part of one document: the documents themselves, and the institutions,
    laws, themes and the like that documents share."""
    documents = tuple(d + "/" for d in loaded.documents())
    return [iri for iri in subjects if not iri.startswith(documents)]


def site_iris(loaded: LoadedGraph) -> list[str]:
    """The IRIs the graph describes that have a page in the site, sorted: the ontology and its terms
    (which share ``def.html``) and the resources under ``id/``."""
    rows = loaded.query("SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) }")
    return sorted(iri for row in rows if site_path(iri := row["s"].value))


def write_site(
    loaded: LoadedGraph,
    folder: Path,
    dist: Path | None = None,
    *,
    views_coming: bool = False,
    all_pages: bool = False,
    views: list[Any] | None = None,
) -> list[Path]:
    """Write the site into ``folder``; ``dist`` holds the dumps, views and analysis to include.

    With ``views_coming`` the pages link the views although ``dist/views`` is still being written (the
    caller passes their definitions as ``views`` and copies them in when they are done). Every resource
    gets a page when there are at most :data:`STATIC_PAGES_UPTO` or ``all_pages`` is set, written from
    an index of the whole graph in memory; above that only the documents and the resources they share do,
    written from the store one resource at a time, as ``policykg serve`` renders the parts of documents
    on request.
    """
    described = site_iris(loaded)
    subjects = [iri for iri in described if site_path(iri) != "def"]
    every_page = all_pages or len(subjects) <= STATIC_PAGES_UPTO
    graph: SiteGraph | StoreGraph = SiteGraph(loaded) if every_page else StoreGraph(loaded.store)
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "site.css").write_text(CSS, encoding="utf-8")
    copy_editor_assets(folder)
    views_ready = bool(dist and (dist / "views" / "index.html").exists())
    views_folder = dist / "views" if dist and (views_ready or views_coming) else None
    shown = view_index(views_folder, loaded, views)
    written = []
    # the pages and their data say what the dumps say, what the hierarchy entails included (the
    # pages leave that out: shown_triples); the gallery answers as policykg query does
    with loaded.entailments():
        static = subjects if every_page else static_resources(loaded, subjects)
        for iri in progress(static, "resource pages"):
            path = site_path(iri) or ""
            target = folder / (path + ".html")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(
                render_resource(graph, iri, shown, has_views=views_folder is not None), encoding="utf-8"
            )
            _write_rdf(folder / path, graph.description(iri))
            written.append(target)
        written.append(write_ontology_page(graph, folder))
        from .release import write_ontology_version  # the page of the ontology's versionIRI, from def.*

        written += write_ontology_version(graph, folder)
        written += write_gallery(loaded, graph, folder)
    counts = count_dataset(loaded, entities=len(described))
    written += write_downloads(loaded, folder, dist, subjects, counts)
    if views_folder is not None and views_ready and not views_coming:  # else the build copies them, once
        shutil.copytree(views_folder, folder / "views")
    if dist and (dist / "analysis").is_dir():
        shutil.copytree(dist / "analysis", folder / "analysis")
    written.append(
        write_home(
            loaded,
            graph,
            folder,
            subjects,
            views_folder is not None,
            dist,
            triples=counts["triples"],
            on_request=len(subjects) - len(static),
        )
    )
    (folder / "404.html").write_text(NOT_FOUND, encoding="utf-8")
    return written


YASGUI = Path(__file__).parent / "assets" / "yasgui"
"""YASGUI's browser bundle, shipped with the package: its ``README.md`` names the version and how to refresh it."""


def copy_editor_assets(folder: Path) -> None:
    """YASGUI's script, style and licence into ``folder/yasgui``, for the query editor ``sparql.html``."""
    target = folder / "yasgui"
    target.mkdir(parents=True, exist_ok=True)
    for name in ("yasgui.min.js", "yasgui.min.css", "LICENSE"):
        shutil.copyfile(YASGUI / name, target / name)


NOT_FOUND = f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Not found — policykg</title>
<style>body{{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}}
a{{color:#0b57d0}}</style></head>
<body><main><h1>Not found</h1><p>There is no resource or page at this address. Start from
<a href="{BASE}">the home page</a>.</p></main></body></html>
"""
"""The page a static host shows for a missing address: it may be served at any depth, so it carries its
own style and links the site by its canonical address (``policykg serve`` writes its own, with relative
links)."""


ONTOLOGY = _ENV.from_string(
    """{% extends "base.html" %}
{% block title %}{{ title }} — policykg{% endblock %}
{% block head %}<link rel="stylesheet" href="site.css">
{% for ext, media in alternates %}<link rel="alternate" type="{{ media }}" href="def.{{ ext }}">
{% endfor %}
{% endblock %}
{% block nav %}<a href="index.html">policykg</a> · <a href="queries/index.html">queries</a> · <a href="downloads/index.html">downloads</a>{% endblock %}
{% block body %}<h1>{{ title }}</h1>
<p class="iri"><code>{{ iri }}</code> · version {{ version }} · prefix <code>pkg:</code> · <code>{{ namespace }}</code></p>
{% for lang, text in descriptions %}<p lang="{{ lang }}">{{ text }}</p>{% endfor %}
<p>Data: {% for ext, media in alternates %}<a href="def.{{ ext }}" type="{{ media }}">{{ ext }}</a> {% endfor %}</p>
{% for section, terms in sections %}
<h2>{{ section }}</h2>
<ul>{% for t in terms %}<li><a href="#{{ t.name }}">{{ t.name }}</a></li>{% endfor %}</ul>
{% for t in terms %}
<section id="{{ t.name }}">
<h3>pkg:{{ t.name }} <small>{{ t.label_en }} · <span lang="nl">{{ t.label_nl }}</span></small></h3>
{% for lang, text in t.comments %}<p lang="{{ lang }}">{{ text }}</p>{% endfor %}
<table>{% for key, values in t.rows %}<tr><th>{{ key }}</th><td>{% for v in values %}{% if v.href %}<a href="{{ v.href }}">{{ v.text }}</a>{% else %}{{ v.text }}{% endif %}{% if not loop.last %}, {% endif %}{% endfor %}</td></tr>{% endfor %}</table>
</section>
{% endfor %}
{% endfor %}
{% endblock %}
"""
)


def write_ontology_page(graph: SiteGraph | StoreGraph, folder: Path) -> Path:
    """The ontology's documentation at ``def.html`` (one anchor per term), and its data beside it."""
    terms = graph.subjects_with("http://www.w3.org/2000/01/rdf-schema#isDefinedBy", ONTOLOGY_IRI)
    kinds = {
        "Classes": "http://www.w3.org/2002/07/owl#Class",
        "Object properties": "http://www.w3.org/2002/07/owl#ObjectProperty",
        "Datatype properties": "http://www.w3.org/2002/07/owl#DatatypeProperty",
    }
    shown = {
        "http://www.w3.org/2000/01/rdf-schema#subClassOf": "subclass of",
        "http://www.w3.org/2000/01/rdf-schema#subPropertyOf": "subproperty of",
        "http://www.w3.org/2000/01/rdf-schema#domain": "domain",
        "http://www.w3.org/2000/01/rdf-schema#range": "range",
        RDF_TYPE: "type",
    }
    sections: dict[str, list[dict[str, Any]]] = {name: [] for name in [*kinds, "Individuals"]}
    for iri in terms:
        about = shown_triples(graph, graph.outgoing(iri))
        types = {t.object.value for t in about if t.predicate.value == RDF_TYPE}
        section = next((name for name, kind in kinds.items() if kind in types), "Individuals")
        rows: dict[str, list[Term]] = defaultdict(list)
        comments = []
        for t in about:
            if t.predicate.value in shown:
                rows[shown[t.predicate.value]].append(_term(graph, t.object, "def.html"))
            elif t.predicate.value == COMMENT:
                comments.append((t.object.language or "", t.object.value))
        sections[section].append(
            {
                "name": iri.split("#", 1)[-1],
                "label_en": graph.label(iri, "en"),
                "label_nl": graph.label(iri, "nl"),
                "comments": sorted(comments),
                "rows": [(k, sorted(v, key=lambda x: x.text)) for k, v in sorted(rows.items())],
            }
        )
    ontology_triples = graph.outgoing(ONTOLOGY_IRI)
    descriptions = sorted(
        (t.object.language or "", t.object.value)
        for t in ontology_triples
        if t.predicate.value == "http://purl.org/dc/terms/description"
    )
    version = next(
        (t.object.value for t in ontology_triples if t.predicate.value.endswith("versionInfo")), ""
    )
    target = folder / "def.html"
    target.write_text(
        ONTOLOGY.render(
            title=graph.label(ONTOLOGY_IRI)
            if any(t.predicate.value == LABEL for t in ontology_triples)
            else "The policykg ontology",
            iri=ONTOLOGY_IRI,
            namespace=ONTOLOGY_IRI + "#",
            version=version,
            descriptions=descriptions,
            sections=[(name, items) for name, items in sections.items() if items],
            alternates=list(MEDIA_TYPES.items()),
        ),
        encoding="utf-8",
    )
    closure: set[ox.Triple] = set()
    for iri in [ONTOLOGY_IRI, *terms]:
        # each term's own blank nodes, labelled once over the whole closure so that no two share a label
        closure.update(graph.bounded(iri))
    _write_rdf(folder / "def", stable_blank_nodes(list(closure)))
    return target


GALLERY = _ENV.from_string(
    """{% extends "base.html" %}
{% block title %}{{ title }} — policykg{% endblock %}
{% block head %}<link rel="stylesheet" href="{{ root }}site.css">
{% endblock %}
{% block nav %}<a href="{{ root }}index.html">policykg</a> · <a href="{{ root }}queries/index.html">queries</a> · <a href="{{ root }}sparql.html">query editor</a>{% endblock %}
{% block body %}<h1>{{ title }}</h1>
{% if query %}
<p>{{ query.description }}</p>
<p lang="en"><em>{{ query.header.get("question-en", "") }}</em><br><span lang="nl"><em>{{ query.header.get("question-nl", "") }}</em></span></p>
{% if query.params %}<p>Parameters: {% for k, v in query.params.items() %}<code>{{ k }}</code> = <code>{{ v }}</code>{% if query.param_help.get(k) %} ({{ query.param_help[k] }}){% endif %} {% endfor %}</p>{% endif %}
<p><a href="{{ root }}sparql.html?query={{ encoded }}">Open it in the query editor</a> · run it yourself: <code>policykg query {{ query.name }}</code></p>
<pre>{{ query.text }}</pre>
<h2>Current results ({{ total }} row{{ "" if total == 1 else "s" }}{% if total > rows|length %}, the first {{ rows|length }} shown{% endif %})</h2>
<div class="scroll" role="region" aria-label="Current results" tabindex="0"><table><tr>{% for v in variables %}<th>{{ v }}</th>{% endfor %}</tr>
{% for row in rows %}<tr>{% for cell in row %}<td>{% if cell.href %}<a href="{{ cell.href }}">{{ cell.text }}</a>{% else %}{{ cell.text }}{% endif %}</td>{% endfor %}</tr>
{% endfor %}</table></div>
{% else %}
<p>The query library: every question the graph answers in SPARQL, with its current results. Run any of
them in the <a href="{{ root }}sparql.html">query editor</a> (served by <code>policykg serve</code>) or with
<code>policykg query NAME</code>.</p>
{% for category, queries in categories %}
<h2>{{ category }}</h2>
<ul>{% for q in queries %}<li><a href="{{ q.name }}.html">{{ q.title }}</a>: {{ q.description }}</li>{% endfor %}</ul>
{% endfor %}
{% endif %}
{% endblock %}
"""
)


def _cell(graph: Described, store: StoreGraph, term: dict[str, str] | None, page: str) -> Term:
    if term is None:
        return Term("")
    if term["type"] == "bnode":
        # the answer's blank nodes are the store's: say what they say, from the store
        return Term(_blank_text(store, ox.BlankNode(term["value"])))
    if term["type"] == "uri":
        target = site_path(term["value"])
        label = graph.label(term["value"])
        if target:
            anchor = "#" + term["value"].split("#", 1)[1] if "#" in term["value"] else ""
            return Term(label, relative(page, target + ".html") + anchor)
        return Term(shorten(term["value"]).strip("<>"))
    return Term(term["value"])


def write_gallery(loaded: LoadedGraph, graph: SiteGraph | StoreGraph, folder: Path) -> list[Path]:
    """A page per query of the library with its current results, an index by category, and the editor."""
    import urllib.parse

    engine = EmbeddedEngine(loaded.store)
    store = graph if isinstance(graph, StoreGraph) else StoreGraph(loaded.store)
    queries = list_queries(loaded.project.queries_dir)
    written = []
    by_category: dict[str, list[Any]] = defaultdict(list)
    for query in queries:
        by_category[query.category or "other"].append(query)
        page_file = f"queries/{query.name}.html"
        answer, total = engine.answer_first(prepare(query)[0], SHOW_AT_MOST)
        rows = [[_cell(graph, store, row.get(v), page_file) for v in answer.variables] for row in answer.rows]
        target = folder / page_file
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(
            GALLERY.render(
                title=query.title,
                query=query,
                root="../" * page_file.count("/"),
                encoded=urllib.parse.quote(query.text),
                variables=answer.variables,
                rows=rows if answer.kind == "select" else [[Term("yes" if answer.boolean else "no")]],
                total=total if answer.kind == "select" else 1,
            ),
            encoding="utf-8",
        )
        written.append(target)
    index = folder / "queries" / "index.html"
    index.write_text(
        GALLERY.render(title="Query gallery", query=None, root="../", categories=sorted(by_category.items())),
        encoding="utf-8",
    )
    examples = [{"name": q.name, "title": q.title, "text": q.text} for q in queries]
    editor = folder / "sparql.html"
    page = EDITOR.replace("/*EXAMPLES*/[]", _safe_json(examples))
    editor.write_text(page.replace("/*PREFIXES*/{}", _safe_json(PREFIXES)), encoding="utf-8")
    return [index, editor, *written]


def _safe_json(value: Any) -> str:
    return (
        json.dumps(value, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )


EDITOR = r"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>SPARQL query editor — policykg</title>
<link rel="stylesheet" href="site.css">
<link rel="stylesheet" href="yasgui/yasgui.min.css">
<style>
#examples{display:block;box-sizing:border-box;width:100%;max-width:40rem;margin:.25rem 0 1rem;padding:.3rem;font:inherit}
.keys{font-size:.9rem;color:#444}
/* one endpoint, the site's own (see requestConfig below): YASGUI's field to pick another is hidden */
.yasgui .controlbar .autocompleteWrapper,.yasgui .controlbar .clearEndpointBtn{display:none}
.yasr .yasr_results{overflow-x:auto}
#examples:focus-visible,#yasgui :focus-visible,#yasgui .CodeMirror-focused{outline:2px solid #0b5cad;outline-offset:1px}
/* one query at a time: the tab list holds its tab only (a button among the tabs is no tab) */
.yasgui .tabsList .addTab{display:none}
/* syntax colours with a contrast of 4.5:1 at least on the editor's white */
.yasqe .cm-s-default .cm-string-2{color:#c40}.yasqe .cm-s-default .cm-bracket{color:#663}
.yasqe .cm-s-default .cm-hr{color:#666}.yasqe .CodeMirror-linenumber{color:#666}
</style>
</head>
<body>
<header><nav aria-label="Site"><a href="index.html">policykg</a> · <a href="def.html">ontology</a> · <a href="queries/index.html">queries</a> · <a href="downloads/index.html">downloads</a></nav></header>
<main>
<h1>SPARQL query editor</h1>
<p>Runs read-only SPARQL 1.1 queries on this site's endpoint, <code id="endpoint">sparql</code> (served by
<code>policykg serve</code>), and sends nothing anywhere else. The library's prefixes (<code>pkg:</code>,
<code>rdfs:</code>, <code>skos:</code> and the others) are declared for you: typing one adds its declaration.</p>
<p class="keys">Ctrl+Enter (⌘+Enter on a Mac) or the run button runs the query; Ctrl+Space completes a prefix
or a variable. In the editor Tab indents: press Esc, then Tab, to move on.</p>
<label for="examples">A query of the library</label>
<select id="examples"><option value="">choose one to load it into the editor</option></select>
<div id="yasgui"></div>
<noscript><p>The editor needs JavaScript. The endpoint answers any SPARQL client: GET
<code>sparql?query=…</code>, or POST.</p></noscript>
</main>
<script type="application/json" id="examples-data">/*EXAMPLES*/[]</script>
<script type="application/json" id="prefixes-data">/*PREFIXES*/{}</script>
<script src="yasgui/yasgui.min.js"></script>
<script>
(function () {
  "use strict";
  var examples = JSON.parse(document.getElementById("examples-data").textContent);
  var prefixes = JSON.parse(document.getElementById("prefixes-data").textContent);
  var endpoint = new URL("sparql", location.href).href;
  var select = document.getElementById("examples");
  var Yasqe = Yasgui.Yasqe, Yasr = Yasgui.Yasr;
  document.getElementById("endpoint").textContent = endpoint;

  // Nothing may reach beyond this site. YASQE's class and property completers ask Linked Open
  // Vocabularies over the network, and its prefix completer offers prefix.cc's list: only the variable
  // completer stays, with one for the library's prefixes.
  Yasqe.forkAutocompleter("prefixes", {
    name: "library-prefixes",
    get: Object.keys(prefixes).map(function (p) { return p + ": <" + prefixes[p] + ">"; }),
    persistenceId: null
  }, false);
  var completers = ["variables", "library-prefixes"];
  Object.keys(Yasqe.Autocompleters).forEach(function (name) {
    if (completers.indexOf(name) < 0) delete Yasqe.Autocompleters[name];
  });
  Yasqe.defaults.autocompleters.splice.apply(Yasqe.defaults.autocompleters, [0, Infinity].concat(completers));
  // Results are drawn from the answer alone: no plugin that loads code from elsewhere (charts, maps).
  var plugins = ["table", "response", "boolean", "error"];
  Object.keys(Yasr.plugins).forEach(function (name) {
    if (plugins.indexOf(name) < 0) delete Yasr.plugins[name];
  });

  // The library's prefixes a query uses and does not declare, declared after its leading comments (the
  // endpoint would add them as well; here the editor shows them).
  function withPrefixes(text) {
    var declared = {};
    (text.match(/PREFIX\s+[\w.-]*:/gi) || []).forEach(function (d) {
      declared[d.replace(/^PREFIX\s+/i, "").slice(0, -1).toLowerCase()] = true;
    });
    var lines = Object.keys(prefixes).filter(function (p) {
      return !declared[p.toLowerCase()] && new RegExp("(^|[^\\w.:-])" + p + ":").test(text);
    }).map(function (p) { return "PREFIX " + p + ": <" + prefixes[p] + ">\n"; }).join("");
    var comments = /^(?:[ \t]*#.*\n)*/.exec(text)[0];
    return comments + lines + text.slice(comments.length);
  }

  // The query to start from: a link's (?query=, as the gallery's pages give it, or #query=, as the
  // editor's share button does), else the first of the library.
  var given = new URLSearchParams(location.hash.slice(1)).get("query") ||
    new URLSearchParams(location.search).get("query");
  var start = given ? -1 : 0;
  examples.forEach(function (q, i) {
    var option = document.createElement("option");
    option.value = String(i);
    option.textContent = q.name + " — " + q.title;
    select.appendChild(option);
    if (given && q.text === given && start < 0) start = i;
  });
  if (start >= 0 && examples[start]) select.value = String(start);
  var query = given || (examples[start] ? examples[start].text : "SELECT * WHERE { ?s ?p ?o } LIMIT 10");

  var yasgui = new Yasgui(document.getElementById("yasgui"), {
    requestConfig: {
      // a function, asked at every request, wins over any endpoint a tab holds
      endpoint: function () { return endpoint; },
      method: "POST",
      acceptHeaderSelect: "application/sparql-results+json",
      acceptHeaderGraph: "text/turtle"
    },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    copyEndpointOnNewTab: false,
    // a link's endpoint, headers or arguments are not taken, nor is a link's query run on its own
    populateFromUrl: false,
    // tabs kept in localStorage would hide a link's query, and show answers from another site served
    // earlier at the same address
    persistenceId: null,
    autofocus: false,
    // the text is edited in the scrolled area itself, so that the keyboard reaches what scrolls
    yasqe: {
      value: withPrefixes(query), autocompleters: completers, screenReaderLabel: "SPARQL query",
      inputStyle: "contenteditable"
    },
    yasr: { prefixes: prefixes }
  });
  select.addEventListener("change", function () {
    if (select.value !== "") yasgui.getTab().setQuery(withPrefixes(examples[+select.value].text));
  });
})();
</script>
</body>
</html>
"""


DOWNLOADS = _ENV.from_string(
    """{% extends "base.html" %}
{% block title %}Downloads — policykg{% endblock %}
{% block head %}<link rel="stylesheet" href="../site.css">
<link rel="alternate" type="text/turtle" href="void.ttl">
{% endblock %}
{% block nav %}<a href="../index.html">policykg</a> · <a href="../def.html">ontology</a> · <a href="../queries/index.html">queries</a>{% endblock %}
{% block body %}<h1>Downloads</h1>
<p>The whole graph ({{ triples }} triples), and a description of the dataset in
<a href="void.ttl">VoID and DCAT</a> (DCAT-AP 3.0).</p>
<div class="scroll" role="region" aria-label="Files to download" tabindex="0"><table><tr><th>file</th><th>media type</th><th>bytes</th></tr>
{% for d in dumps %}<tr><td><a href="{{ d.name }}">{{ d.name }}</a></td><td>{{ d.media }}</td><td>{{ d.size }}</td></tr>
{% endfor %}</table></div>
{% endblock %}
"""
)

IANA = "http://www.iana.org/assignments/media-types/"
FILE_TYPES = {
    "ttl": "http://publications.europa.eu/resource/authority/file-type/RDF_TURTLE",
    "nt": "http://publications.europa.eu/resource/authority/file-type/RDF_N_TRIPLES",
    "jsonld": "http://publications.europa.eu/resource/authority/file-type/JSON_LD",
}


def release_date() -> str:
    """The date the build describes as modified: ``$SOURCE_DATE_EPOCH`` where set (reproducible builds),
    else today (UTC)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    moment = (
        datetime.datetime.fromtimestamp(int(epoch), datetime.UTC)
        if epoch
        else datetime.datetime.now(datetime.UTC)
    )
    return moment.date().isoformat()


def count_dataset(loaded: LoadedGraph, entities: int) -> dict[str, int]:
    """The dataset's size as VoID counts it (https://www.w3.org/TR/void/#statistics): distinct triples
    and classes used in the dumps, and ``entities``, the IRIs described that have a page in the site (:func:`site_iris`)."""
    rdf_type = b" <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> "
    dump = loaded.dump_ntriples()  # what the dumps hold, the entailed types among it
    classes = {line.split(rdf_type, 1)[1] for line in dump.splitlines() if rdf_type in line}
    return {"triples": loaded.dump_size(), "classes": len(classes), "entities": entities}


def describe_dataset(counts: dict[str, int], dumps: list[dict[str, Any]], examples: list[str]) -> str:
    """The dataset's description in Turtle: VoID (https://www.w3.org/TR/void/) and DCAT-AP 3.0
    (https://semiceu.github.io/DCAT-AP/releases/3.0.0/); ``counts`` as :func:`count_dataset` gives them."""
    modified = release_date()
    lines = [
        "@prefix dcat: <http://www.w3.org/ns/dcat#> .",
        "@prefix dct: <http://purl.org/dc/terms/> .",
        "@prefix foaf: <http://xmlns.com/foaf/0.1/> .",
        "@prefix void: <http://rdfs.org/ns/void#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"<{DATASET}> a dcat:Dataset, void:Dataset ;",
        '    dct:title "policykg: government policy as a knowledge graph"@en, "policykg: overheidsbeleid als kennisgraaf"@nl ;',
        '    dct:description "Dutch government policy documents as linked data: priorities, interventions, budgets, '
        'the institutions that carry them and the laws they rest on, every statement traced to its passage."@en, '
        '"Nederlandse beleidsdocumenten als linked data: opgaven, interventies, budgetten, de instellingen die ze '
        'dragen en de wetten waarop ze steunen, elke bewering herleid tot haar passage."@nl ;',
        "    dct:license <https://creativecommons.org/licenses/by/4.0/> ;",
        f"    dct:publisher <{BASE}publisher> ;",
        '    dct:issued "2026-11-29"^^xsd:date ;',
        f'    dct:modified "{modified}"^^xsd:date ;',
        f'    dcat:version "{__version__}" ;',
        f"    dcat:landingPage <{BASE}> ;",
        '    dcat:keyword "digitalisering"@nl, "digitalisation"@en, "beleid"@nl, "policy"@en ;',
        f"    void:triples {counts['triples']} ;",
        f"    void:classes {counts['classes']} ;",
        f"    void:entities {counts['entities']} ;",
        f'    void:uriSpace "{PREFIXES["id"]}" ;',
        f"    void:vocabulary <{ONTOLOGY_IRI}> ;",
        f"    void:sparqlEndpoint <{ENDPOINT}> ;",
        *(f"    void:exampleResource <{iri}> ;" for iri in examples),
        *(f"    void:dataDump <{BASE}downloads/{d['name']}> ;" for d in dumps),
        *(f"    dcat:distribution <{BASE}downloads/{d['name']}#distribution> ;" for d in dumps),
        f"    dcat:distribution <{BASE}sparql#distribution> .",
        "",
        f'<{BASE}publisher> a foaf:Agent ; foaf:name "policykg contributors" .',
        "",
        f"<{BASE}sparql#service> a dcat:DataService ;",
        '    dct:title "policykg SPARQL endpoint"@en, "policykg SPARQL-eindpunt"@nl ;',
        f"    dcat:endpointURL <{ENDPOINT}> ;",
        f"    dcat:servesDataset <{DATASET}> ;",
        "    dct:conformsTo <https://www.w3.org/TR/sparql11-protocol/> .",
        "",
        f"<{BASE}sparql#distribution> a dcat:Distribution ;",
        '    dct:title "SPARQL endpoint"@en ;',
        f"    dcat:accessURL <{ENDPOINT}> ;",
        f"    dcat:accessService <{BASE}sparql#service> ;",
        "    dct:license <https://creativecommons.org/licenses/by/4.0/> .",
    ]
    for d in dumps:
        lines += [
            "",
            f"<{BASE}downloads/{d['name']}#distribution> a dcat:Distribution ;",
            f'    dct:title "The whole graph as {d["title"]}"@en ;',
            f"    dcat:accessURL <{BASE}downloads/> ;",
            f"    dcat:downloadURL <{BASE}downloads/{d['name']}> ;",
            f"    dcat:mediaType <{IANA}{d['media']}> ;",
            f"    dct:format <{FILE_TYPES[d['ext']]}> ;",
            f'    dcat:byteSize "{d["size"]}"^^xsd:nonNegativeInteger ;',
            # DCAT 3 (https://www.w3.org/TR/vocab-dcat-3/#Property:distribution_checksum) takes spdx:checksum
            f"    <http://spdx.org/rdf/terms#checksum> [ a <http://spdx.org/rdf/terms#Checksum> ; <http://spdx.org/rdf/terms#algorithm> "
            f"<http://spdx.org/rdf/terms#checksumAlgorithm_sha256> ; <http://spdx.org/rdf/terms#checksumValue> "
            f'"{d["sha256"]}"^^xsd:hexBinary ] ;',
            "    dct:license <https://creativecommons.org/licenses/by/4.0/> .",
        ]
    # DCAT-AP 3.0 gives each value a class (its SHACL shapes check sh:class): say which.
    typed = {
        "http://purl.org/dc/terms/LicenseDocument": ["https://creativecommons.org/licenses/by/4.0/"],
        "http://purl.org/dc/terms/Standard": ["https://www.w3.org/TR/sparql11-protocol/"],
        "http://xmlns.com/foaf/0.1/Document": [BASE],
        "http://www.w3.org/2000/01/rdf-schema#Resource": [ENDPOINT, BASE + "downloads/"]
        + [f"{BASE}downloads/{d['name']}" for d in dumps],
        "http://purl.org/dc/terms/MediaType": [IANA + d["media"] for d in dumps],
        "http://purl.org/dc/terms/MediaTypeOrExtent": [FILE_TYPES[d["ext"]] for d in dumps],
        "http://spdx.org/rdf/terms#ChecksumAlgorithm": ["http://spdx.org/rdf/terms#checksumAlgorithm_sha256"],
    }
    lines.append("")
    for cls, iris in typed.items():
        lines += [f"<{iri}> a <{cls}> ." for iri in iris]
    return "\n".join(lines) + "\n"


def write_downloads(
    loaded: LoadedGraph, folder: Path, dist: Path | None, subjects: list[str], counts: dict[str, int]
) -> list[Path]:
    """The dumps, their listing with media types and sizes, and the VoID and DCAT description."""
    target = folder / "downloads"
    target.mkdir(parents=True, exist_ok=True)
    dumps = []
    titles = {"ttl": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD"}
    for ext in ("ttl", "nt", "jsonld"):
        name = f"policykg.{ext}"
        source = dist / name if dist else None
        if source and source.exists():
            shutil.copyfile(source, target / name)
        elif not (target / name).exists():
            # no dumps built yet: write them as build does, streamed from the canonical N-Triples
            from .build import write_graph

            write_graph(loaded, target)
        data = (target / name).read_bytes()
        dumps.append(
            {
                "name": name,
                "ext": ext,
                "title": titles[ext],
                "media": MEDIA_TYPES[ext],
                "size": len(data),
                "sha256": hashlib.sha256(data).hexdigest(),
            }
        )
    priorities = [s for s in subjects if "/priority/" in s][:2]
    examples = [
        s
        for s in ("https://w3id.org/policykg/id/institution/ncsc", "https://w3id.org/policykg/id/law/dsa")
        if s in subjects
    ]
    description = describe_dataset(counts, dumps, priorities + examples)
    (target / "void.ttl").write_text(description, encoding="utf-8")
    index = target / "index.html"
    index.write_text(DOWNLOADS.render(dumps=dumps, triples=counts["triples"]), encoding="utf-8")
    return [index, target / "void.ttl"]


HOME = _ENV.from_string(
    """{% extends "base.html" %}
{% block title %}policykg: government policy as a knowledge graph{% endblock %}
{% block head %}<link rel="stylesheet" href="site.css">
<link rel="alternate" type="text/turtle" href="downloads/void.ttl">
{% endblock %}
{% block nav %}<a href="index.html" aria-current="page">policykg</a> · <a href="def.html">ontology</a> · <a href="queries/index.html">queries</a> · <a href="downloads/index.html">downloads</a>{% if has_views %} · <a href="views/index.html">views</a>{% endif %}{% endblock %}
{% block body %}<h1>policykg</h1>
<p>Government policy documents as a linked-data knowledge graph: priorities, interventions, budgets, the
institutions that carry them and the laws they rest on, every statement traced to the passage of the
source it comes from. {{ triples }} triples.</p>
<ul>
<li><a href="def.html">The ontology</a>: classes and properties, in Dutch and English</li>
<li><a href="queries/index.html">The query gallery</a>, and the <a href="sparql.html">query editor</a></li>
<li><a href="downloads/index.html">Downloads</a>: the whole graph, and its VoID and DCAT description</li>
{% if has_views %}<li><a href="views/index.html">Views</a>: interactive graphs and charts</li>{% endif %}
{% if has_analysis %}<li><a href="analysis/report.html">Overlaps and dependencies</a>: the analysis report</li>{% endif %}
</ul>
<h2>How to cite</h2>
<p class="citation">{{ citation }}</p>
<p>The code is licensed under EUPL-1.2; the ontology and the graphs under
<a href="https://creativecommons.org/licenses/by/4.0/">CC BY 4.0</a>.</p>
{% if on_request %}<p>The pages of the {{ on_request }} parts of documents (sections, passages, priorities,
interventions, budget rows) are rendered on request by <code>policykg serve</code>; for a static host,
write them all with <code>policykg site --all-pages</code>.</p>
{% endif %}
{% for title, count, items, pages in classes %}
<h2>{{ title }} ({{ count }})</h2>
{% if pages %}<p>Listed on {{ pages|length }} pages: {% for href in pages %}<a href="{{ href }}">{{ loop.index }}</a> {% endfor %}</p>
{% else %}<ul class="columns">{% for href, label in items %}<li><a href="{{ href }}">{{ label }}</a></li>{% endfor %}</ul>{% endif %}
{% endfor %}
{% endblock %}
"""
)


PAGE_SIZE = 500
"""Resources listed per page where a class has more than this many."""

LISTING = _ENV.from_string(
    """{% extends "base.html" %}
{% block title %}{{ title }} — policykg{% endblock %}
{% block head %}<link rel="stylesheet" href="../site.css">{% endblock %}
{% block nav %}<a href="../index.html">policykg</a>{% endblock %}
{% block body %}<h1>{{ title }}</h1>
<ul>{% for href, label in items %}<li><a href="{{ href }}">{{ label }}</a></li>{% endfor %}</ul>
{% endblock %}
"""
)


def write_home(
    loaded: LoadedGraph,
    graph: Described,
    folder: Path,
    subjects: list[str],
    has_views: bool,
    dist: Path | None,
    *,
    triples: int,
    on_request: int = 0,
) -> Path:
    """The home page: what the site holds, how to cite it, and every resource by class (on pages of their
    own where a class has many)."""
    from .release import cite_dataset

    paths = {iri: site_path(iri) for iri in subjects}
    by_class: dict[str, list[tuple[str, str]]] = defaultdict(list)
    rows = loaded.query(
        f"SELECT DISTINCT ?s ?type WHERE {{ ?s a ?type FILTER(STRSTARTS(STR(?type), '{PREFIXES['pkg']}')) }}"
    )
    class_labels: dict[str, str] = {}
    for row in rows:
        iri, kind = row["s"].value, row["type"].value
        if iri in paths:
            if kind not in class_labels:
                class_labels[kind] = graph.label(kind) + "|" + kind
            by_class[class_labels[kind]].append((f"{paths[iri]}.html", graph.label(iri)))
    classes = []
    for key, items in sorted(by_class.items()):
        title, iri = key.split("|", 1)
        items.sort(key=lambda x: (x[1].lower(), x[0]))
        pages = []
        if len(items) > PAGE_SIZE:
            # A large corpus lists its resources on pages of PAGE_SIZE, not all on the home page.
            stem = iri.split("#", 1)[-1].lower()
            for number, start in enumerate(range(0, len(items), PAGE_SIZE), start=1):
                href = f"browse/{stem}-{number}.html"
                (folder / "browse").mkdir(exist_ok=True)
                chunk = [(relative(href, h), label) for h, label in items[start : start + PAGE_SIZE]]
                (folder / href).write_text(
                    LISTING.render(title=f"{title}, page {number}", items=chunk, number=number),
                    encoding="utf-8",
                )
                pages.append(href)
        classes.append((title, len(items), items, pages))
    target = folder / "index.html"
    target.write_text(
        HOME.render(
            triples=triples,
            classes=classes,
            has_views=has_views,
            has_analysis=bool(dist and (dist / "analysis" / "report.html").exists()),
            on_request=on_request,
            citation=cite_dataset(loaded.store, __version__, release_date()[:4]),
        ),
        encoding="utf-8",
    )
    return target
