"""Compile a curator's file into the canonical Turtle of its document's folder.

``graphs/<slug>/<slug>.yaml`` is edited; the Turtle files beside it are generated, each opening with a comment
that says so. Compiling is deterministic: the same file gives the same bytes. It anchors every passage with
the code of ``policykg anchor`` (Web Annotation text quote selectors,
https://www.w3.org/TR/annotation-model/#text-quote-selector) and records where each passage stands: a text
position selector (https://www.w3.org/TR/annotation-model/#text-position-selector) whose offsets cut its
``oa:exact`` out of the source, and the lines it spans (``pkg:startLine``, ``pkg:endLine``). Those go to
``positions.ttl``, apart from the quote in ``passages.ttl``, so that no resource of a file has two blank nodes
under one property (canonical Turtle could not order them the same way twice). It writes the plain triple of
every evidenced edge
with its ``pkg:QualifiedRelation`` (an ``rdf:Statement``, https://www.w3.org/TR/rdf11-mt/#reification), and
records where the document mentions a shared resource: a stated edge's passage that names one of its ends by a
label mentions that end.
"""

from __future__ import annotations

import difflib
import hashlib
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.namespace import RDF, RDFS, SKOS

from ..errors import PolicyKGError, Problem, os_message
from ..lines import passage_lines
from ..load import GENERATED_MARK
from ..namespaces import ID, OA, PKG
from ..project import Project, read_file
from .anchor import Anchor, QuoteError, SourceText, passage_labels
from .format import CuratorFile, Entry, Evidence, parse_curator_file, read_curator_file, relation_iri

PROV_DERIVED = rdflib.URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
FORMAT_VERSION = "policykg-curator-2"
"""Changes when the compiler writes differently, so that every compiled file counts as out of date."""
MARK = GENERATED_MARK
"""How a generated Turtle file begins; such a file is never edited by hand."""


def curator_file(project: Project, slug: str) -> Path:
    """Where the curator's file of document ``slug`` lies."""
    return project.graphs_dir / slug / f"{slug}.yaml"


def curated_slugs(project: Project) -> list[str]:
    """The documents that have a curator's file, in order."""
    if not project.graphs_dir.is_dir():
        return []
    return sorted(p.parent.name for p in project.graphs_dir.glob("*/*.yaml") if p.stem == p.parent.name)


def source_path(project: Project, curated: CuratorFile) -> Path:
    """The document's text: the file in sources/ that its ``pkg:sourceFile`` names (a plain file name),
    else ``sources/<slug>.txt``. Raises when the name would leave sources/ or the file cannot be read."""
    name, line = source_name(curated), source_line(curated)
    if not name or name in (".", "..") or "/" in name or "\\" in name or "\0" in name:
        raise PolicyKGError(
            f"cannot compile {curated.where}",
            [
                Problem(
                    curated.where, f"sourceFile {name!r} must be the name of a file in sources/", line=line
                )
            ],
        )
    return project.sources_dir / name


def read_source(project: Project, curated: CuratorFile) -> str:
    """The text of the document's source, UTF-8; raises with the line of its ``sourceFile`` if it cannot be
    read."""
    path = source_path(project, curated)
    try:
        return read_file(path).decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        why = os_message(error) if isinstance(error, OSError) else f"byte {error.start} is not valid UTF-8"
        raise PolicyKGError(
            f"cannot compile {curated.where}: the source text {project.relative(path)} cannot be read ({why})",
            [Problem(curated.where, "the document's source text is named here", line=source_line(curated))],
        ) from None


def is_generated(path: Path) -> bool:
    """Whether a Turtle file was written by ``policykg compile``."""
    try:
        return read_file(path)[: len(MARK)].decode("utf-8", "replace") == MARK
    except OSError:
        return False


@dataclass
class Compiled:
    """The Turtle files of one document, by file name, and what went wrong (each at its line)."""

    slug: str
    files: dict[str, str] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    curated: CuratorFile | None = None


@dataclass
class Context:
    """What a document's file refers to but does not define: the ontology's terms and the other graphs'
    resources, with their labels (``rdfs:label`` under the language, ``skos:altLabel`` under ``alt:`` and
    the language)."""

    labels: dict[rdflib.URIRef, dict[str, list[str]]]
    evidenced: set[rdflib.URIRef]
    declared: set[rdflib.URIRef]


def context_files(project: Project) -> list[Path]:
    """What a compile reads besides the curator's file and the source: the ontology (not the shapes) and the
    Turtle written by hand under graphs/ (never a compiled file, so that documents never wait on each other)."""
    ontology = [p for p in sorted(project.ontology_dir.glob("*.ttl")) if p.name != "shapes.ttl"]
    return ontology + [p for p in sorted(project.graphs_dir.rglob("*.ttl")) if not is_generated(p)]


def inputs_digest(project: Project, slug: str) -> str:
    """The SHA-256 of everything a compile of ``slug`` reads, recorded in each file it writes."""
    digest = hashlib.sha256(FORMAT_VERSION.encode())
    path = curator_file(project, slug)
    try:
        curated_bytes = read_file(path)
    except OSError:
        return "unreadable"
    curated = parse_curator_file(curated_bytes.decode("utf-8", "replace"), slug, "")
    try:
        source = source_path(project, curated)
    except PolicyKGError:
        source = project.sources_dir
    for item in (path, source, *context_files(project)):
        try:
            data = curated_bytes if item == path else read_file(item)
        except OSError:
            data = b""
        digest.update(project.relative(item).encode() + b"\0" + hashlib.sha256(data).digest())
    return digest.hexdigest()


def read_context(project: Project, slug: str) -> Context:
    """The ontology and the hand-written graphs (see :func:`context_files`), read with Oxigraph's parser."""
    labels: dict[rdflib.URIRef, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    evidenced: set[rdflib.URIRef] = set()
    declared: set[rdflib.URIRef] = set()
    label, alt = str(RDFS.label), str(SKOS.altLabel)
    member, defined_by = str(RDFS.member), str(RDFS.isDefinedBy)
    for path in context_files(project):
        try:
            triples = list(ox.parse(read_file(path), format=ox.RdfFormat.TURTLE))
        except (SyntaxError, OSError) as error:
            raise PolicyKGError(
                "cannot compile: a Turtle file it reads is not valid",
                [Problem(project.relative(path), str(error).strip().splitlines()[0])],
            ) from None
        for triple in triples:
            subject, predicate, value = triple.subject, triple.predicate.value, triple.object
            if not isinstance(subject, ox.NamedNode):
                continue
            if predicate in (label, alt) and isinstance(value, ox.Literal):
                key = ("" if predicate == label else "alt:") + (value.language or "")
                labels[rdflib.URIRef(subject.value)][key].append(value.value)
            elif predicate == member and subject.value == str(PKG.evidencedProperties):
                evidenced.add(rdflib.URIRef(value.value))
            elif predicate == defined_by:
                declared.add(rdflib.URIRef(subject.value))
    return Context(labels, evidenced, declared)


def compile_document(project: Project, slug: str, context: Context | None = None) -> Compiled:
    """The Turtle files that the curator's file of ``slug`` compiles to (nothing is written)."""
    path = curator_file(project, slug)
    where = project.relative(path)
    curated = read_curator_file(path, slug, where)
    compiled = Compiled(slug, curated=curated)
    text = read_source(project, curated)
    context = context or read_context(project, slug)
    builder = _Builder(curated, SourceText(text), context)
    builder.build()
    compiled.problems = sorted(
        curated.problems + builder.problems, key=lambda p: (p.where, p.line or 0, p.message)
    )
    if not compiled.problems:
        inputs = inputs_digest(project, slug)
        names = " ".join(f"{name}.ttl" for name in sorted(builder.graphs))
        for name, graph in sorted(builder.graphs.items()):
            for prefix, namespace in curated.prefixes.items():
                graph.bind(prefix, namespace, override=True, replace=True)
            body = graph.serialize(format="longturtle").rstrip("\n") + "\n"
            content = hashlib.sha256(body.encode()).hexdigest()
            compiled.files[f"{name}.ttl"] = (
                f"{MARK}{slug}.yaml: edit that file, then run policykg compile.\n"
                f"# inputs sha256:{inputs}; files: {names}; content sha256:{content}\n\n{body}"
            )
    return compiled


def source_name(curated: CuratorFile) -> str:
    """The file in sources/ a document's text is in: its ``pkg:sourceFile``, else ``<slug>.txt``."""
    for entry in curated.entries:
        for predicate, value, _ in entry.values:
            if predicate == PKG.sourceFile:
                return str(value)
    return f"{curated.slug}.txt"


def source_line(curated: CuratorFile) -> int | None:
    """The line of the curator's file that names the source, if one does."""
    for entry in curated.entries:
        for predicate, _, line in entry.values:
            if predicate == PKG.sourceFile:
                return line
    return None


def name_words(text: str) -> str:
    """Text as its words of letters and digits, lower case, between spaces: for whole-word matching.

    >>> name_words("De NSCS-aanpak, en AI.")
    ' de nscs aanpak en ai '
    """
    out, word = [], []
    for char in text.lower():
        if char.isalnum():
            word.append(char)
        elif word:
            out.append("".join(word))
            word = []
    if word:
        out.append("".join(word))
    return " " + " ".join(out) + " "


class _Builder:
    """Turns a parsed curator's file into graphs, one per Turtle file, collecting problems."""

    def __init__(self, curated: CuratorFile, source: SourceText, context: Context) -> None:
        self.curated = curated
        self.source = source
        self.context = context
        self.graphs: dict[str, rdflib.Graph] = defaultdict(lambda: rdflib.Graph(bind_namespaces="none"))
        self.problems: list[Problem] = []
        self.anchors: dict[str, Anchor] = {}
        self.edges: set[tuple[rdflib.URIRef, rdflib.URIRef, rdflib.URIRef]] = set()
        self.document = rdflib.URIRef(f"{ID}{curated.slug}")
        self.own = f"{ID}{curated.slug}/"

    def problem(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.curated.where, message, line=line))

    def build(self) -> None:
        self.anchor_passages()
        labels = self.labels()
        for entry in self.curated.entries:
            self.add_entry(entry, labels)
        self.add_priorities()

    def add_priorities(self) -> None:
        """The document has the priorities of its ``priorities`` group (pkg:hasPriority): its own, or those of
        the strategy it is the text of (written by their IRIs, as ``ndsprio:cloud``)."""
        home = next((e.group for e in self.curated.entries if e.iri == self.document), "document")
        for entry in self.curated.entries:
            if entry.group == "priorities":
                self.graphs[home].add((self.document, PKG.hasPriority, entry.iri))

    def anchor_passages(self) -> None:
        graph = self.graphs["passages"]
        seen: dict[tuple[int, int], str] = {}
        for name, entry in sorted(self.curated.passages.items()):
            try:
                if entry.lines:
                    anchor = self.source.anchor_lines(*entry.lines)
                else:
                    anchor = self.source.anchor(entry.quote, occurrence=entry.occurrence)
            except QuoteError as error:
                places = "".join(f"\n      {place}" for place in error.places)
                self.problem(entry.line, f"passage {name}: {error}{places}")
                continue
            span = (anchor.start, anchor.end)
            if span in seen:
                self.problem(
                    entry.line, f"passage {name} anchors the same characters as passage {seen[span]}"
                )
            seen[span] = name
            self.anchors[name] = anchor
            iri = rdflib.URIRef(self.curated.prefixes["passage"] + name)
            graph.add((iri, RDF.type, PKG.Passage))
            for language, label in passage_labels(anchor.exact).items():
                graph.add((iri, RDFS.label, rdflib.Literal(label, lang=language)))
            selector = rdflib.BNode()
            graph.add((iri, OA.hasSelector, selector))
            graph.add((selector, RDF.type, OA.TextQuoteSelector))
            graph.add((selector, OA.exact, rdflib.Literal(anchor.exact)))
            if anchor.prefix or anchor.suffix:
                graph.add((selector, OA.prefix, rdflib.Literal(anchor.prefix)))
                graph.add((selector, OA.suffix, rdflib.Literal(anchor.suffix)))
            graph.add((iri, OA.hasSource, self.document))
            self.add_position(iri, anchor)

    def add_position(self, iri: rdflib.URIRef, anchor: Anchor) -> None:
        """Where the passage stands in its source, in ``positions.ttl``: a text position selector
        (https://www.w3.org/TR/annotation-model/#text-position-selector; code points from 0, the end
        excluded) and the first and last line the quote spans, as :mod:`policykg.lines` counts them.

        The numbers are xsd:integer: Oxigraph stores every type derived from it (xsd:nonNegativeInteger, the
        range of oa:start and oa:end) as xsd:integer, so the files say what the store and dist/ hold."""
        graph = self.graphs["positions"]
        selector = rdflib.BNode()
        graph.add((iri, OA.hasSelector, selector))
        graph.add((selector, RDF.type, OA.TextPositionSelector))
        graph.add((selector, OA["start"], rdflib.Literal(anchor.start)))
        graph.add((selector, OA["end"], rdflib.Literal(anchor.end)))
        first, last = passage_lines(self.source.text, anchor.start, anchor.end)
        graph.add((iri, PKG.startLine, rdflib.Literal(first)))
        graph.add((iri, PKG.endLine, rdflib.Literal(last)))

    def labels(self) -> dict[rdflib.URIRef, dict[str, list[str]]]:
        """Every label (``rdfs:label``) and alternative label known, by resource and language; alternative
        labels are kept under the language prefixed with ``alt:``."""
        found: dict[rdflib.URIRef, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))

        def add(subject: rdflib.term.Node, predicate: rdflib.URIRef, value: rdflib.term.Node) -> None:
            if isinstance(subject, rdflib.URIRef) and isinstance(value, rdflib.Literal):
                key = ("" if predicate == RDFS.label else "alt:") + (value.language or "")
                found[subject][key].append(str(value))

        for entry in self.curated.entries:
            for predicate, value, _ in entry.values:
                if predicate in (RDFS.label, SKOS.altLabel):
                    add(entry.iri, predicate, value)
        for subject, by_key in self.context.labels.items():
            for key, texts in by_key.items():
                found[subject][key].extend(texts)
        return found

    def passage(self, name: str, line: int) -> rdflib.URIRef | None:
        if name not in self.curated.passages:
            close = difflib.get_close_matches(name, self.curated.passages, n=1, cutoff=0.6)
            hint = (
                f"; did you mean {close[0]}?" if close else "; add it under passages: (policykg anchor does)"
            )
            self.problem(line, f"passage {name} is not defined{hint}")
            return None
        return rdflib.URIRef(self.curated.prefixes["passage"] + name)

    def add_entry(self, entry: Entry, labels: dict) -> None:
        graph = self.graphs[entry.group]
        for predicate, value, line in entry.values:
            if predicate in self.context.evidenced and isinstance(value, rdflib.URIRef):
                self.problem(
                    line,
                    f"{self.short(predicate)} carries evidence: write each value with its basis and passages, "
                    f"as '{self.short(value)}: stated p1' or '{self.short(value)}: "
                    "{reading: p1, why: {nl: …, en: …}}'",
                )
                continue
            self.check_term(predicate, line)
            graph.add((entry.iri, predicate, value))
        for predicate, name, line in entry.passage_values:
            iri = self.passage(name, line)
            if iri is not None:
                graph.add((entry.iri, predicate, iri))
        for evidence in entry.evidence:
            self.add_evidence(entry, evidence, labels)

    def check_term(self, predicate: rdflib.URIRef, line: int) -> None:
        if predicate.startswith(str(PKG)) and predicate not in self.context.declared:
            pkg_terms = [t[len(PKG) :] for t in self.context.declared if t.startswith(str(PKG))]
            close = difflib.get_close_matches(predicate[len(PKG) :], pkg_terms, n=1)
            hint = f"; did you mean {close[0]}?" if close else ""
            self.problem(line, f"{self.short(predicate)} is not a term of the ontology{hint}")

    def add_evidence(self, entry: Entry, evidence: Evidence, labels: dict) -> None:
        predicate, target, line = evidence.predicate, evidence.object, evidence.line
        if predicate not in self.context.evidenced:
            self.problem(line, f"{self.short(predicate)} carries no evidence: write its values as a list")
            return
        if not evidence.passages:
            self.problem(line, f"the edge to {self.short(target)} needs at least one passage after its basis")
        if evidence.basis == "reading" and not {"nl", "en"} <= set(evidence.why):
            self.problem(line, f"the reading of the edge to {self.short(target)} needs why: in nl and en")
        edge = (entry.iri, predicate, target)
        if edge in self.edges:
            self.problem(
                line,
                f"the edge {self.short(entry.iri)} {self.short(predicate)} {self.short(target)} is written twice",
            )
            return
        qr = rdflib.URIRef(relation_iri(self.curated.prefixes, entry.iri, predicate, target))
        relations = self.graphs["relations"]
        number = 2
        while (qr, RDF.type, PKG.QualifiedRelation) in relations:  # two subjects that end alike
            qr = rdflib.URIRef(
                f"{relation_iri(self.curated.prefixes, entry.iri, predicate, target)}-{number}"
            )
            number += 1
        self.edges.add(edge)
        self.graphs[entry.group].add((entry.iri, predicate, target))
        relations.add((qr, RDF.type, PKG.QualifiedRelation))
        relations.add((qr, RDF.subject, entry.iri))
        relations.add((qr, RDF.predicate, predicate))
        relations.add((qr, RDF.object, target))
        relations.add((qr, PKG.basis, PKG[evidence.basis]))
        for language in ("en", "nl"):
            parts = [self.label(labels, node, language, line) for node in (entry.iri, predicate, target)]
            relations.add((qr, RDFS.label, rdflib.Literal(" — ".join(parts), lang=language)))
        for language, text in sorted(evidence.why.items()):
            relations.add((qr, RDFS.comment, rdflib.Literal(text, lang=language)))
        for name in evidence.passages:
            passage = self.passage(name, line)
            if passage is None:
                continue
            relations.add((qr, PROV_DERIVED, passage))
            if evidence.basis == "stated":
                self.mention(entry.iri, name, passage, labels)
                self.mention(target, name, passage, labels)

    def mention(self, end: rdflib.URIRef, name: str, passage: rdflib.URIRef, labels: dict) -> None:
        """Record that a passage mentions a shared resource, where the passage names it by a label."""
        if end == self.document or str(end).startswith(self.own) or name not in self.anchors:
            return
        words = name_words(self.anchors[name].exact)
        names = [n for texts in labels.get(end, {}).values() for n in texts]
        if any(name_words(n) in words for n in names if name_words(n).strip()):
            self.graphs["mentions"].add((end, PROV_DERIVED, passage))

    def label(self, labels: dict, node: rdflib.URIRef, language: str, line: int) -> str:
        texts = labels.get(node, {}).get(language)
        if texts:
            return sorted(texts)[0]
        if node in labels:
            self.problem(line, f"{self.short(node)} has no {language} label")
        elif language == "en":
            self.problem(line, f"{self.short(node)} is not defined{self.suggest(node, labels)}")
        return self.short(node)

    def suggest(self, node: rdflib.URIRef, labels: dict) -> str:
        """``; did you mean …?`` with the closest defined IRI, or how to find one."""
        known = {self.short(iri): iri for iri in labels if isinstance(iri, rdflib.URIRef)}
        close = difflib.get_close_matches(self.short(node), list(known), n=1, cutoff=0.7)
        return (
            f"; did you mean {close[0]}?" if close else "; policykg find NAME gives the IRIs of what exists"
        )

    def short(self, iri: rdflib.URIRef) -> str:
        best = max(
            (p for p, ns in self.curated.prefixes.items() if iri.startswith(ns)),
            key=lambda p: len(self.curated.prefixes[p]),
            default=None,
        )
        return f"{best}:{iri[len(self.curated.prefixes[best]) :]}" if best else f"<{iri}>"
