"""Write the curator's file of a document that was written in Turtle, so that compiling it gives its triples.

The reverse of :mod:`policykg.curate.compile`, for moving a hand-written document to the curator's format:
passages become quotes (with the occurrence where the text repeats), the plain triple and the
``pkg:QualifiedRelation`` of an evidenced edge become one line with its basis and passages, and everything else
is kept as the entries of groups named after the files it was in.
"""

from __future__ import annotations

from collections import defaultdict

import rdflib
from rdflib.namespace import RDF, RDFS, XSD

from ..errors import PolicyKGError, Problem
from ..namespaces import OA, PKG
from ..project import Project, read_file
from .anchor import SourceText
from .compile import PROV_DERIVED, read_context
from .format import GROUP_DEFAULTS, PASSAGE_VALUED, SHORT_KEYS, document_prefixes
from .values import yaml_text

KEYS = {iri: key for key, iri in SHORT_KEYS.items()}
GENERATED = {"passages", "relations", "positions"}
"""Files whose triples a compile writes from the passages and the evidence, not from a group."""


def _text(value: str) -> str:
    """A YAML double-quoted scalar."""
    return yaml_text(value)


class _Writer:
    def __init__(self, slug: str, text: str) -> None:
        self.slug = slug
        self.prefixes = document_prefixes(slug)
        self.source = SourceText(text)
        self.passage_ns = self.prefixes["passage"]

    def short(self, iri: rdflib.term.Node) -> str:
        best = max(
            (p for p, ns in self.prefixes.items() if str(iri).startswith(ns) and str(iri) != ns),
            key=lambda p: len(self.prefixes[p]),
            default=None,
        )
        local = str(iri)[len(self.prefixes[best]) :] if best else ""
        if best and local and all(c.isalnum() or c in "-_./" for c in local) and local[0].isalnum():
            return f"{best}:{local}"
        return f"<{iri}>"

    def key(self, predicate: rdflib.URIRef) -> str:
        if predicate in KEYS:
            return KEYS[predicate]
        if predicate.startswith(str(PKG)):
            return predicate[len(PKG) :]
        return self.short(predicate)

    def value(self, predicate: rdflib.URIRef, value: rdflib.term.Node) -> str:
        if isinstance(value, rdflib.URIRef):
            if predicate in PASSAGE_VALUED and value.startswith(self.passage_ns):
                return value[len(self.passage_ns) :]
            return self.short(value)
        assert isinstance(value, rdflib.Literal)
        if value.datatype in (XSD.integer, XSD.decimal, XSD.boolean):
            return str(value)
        if value.datatype in (None, XSD.string):
            return _text(str(value))
        return f"{{value: {_text(str(value))}, datatype: {self.short(value.datatype)}}}"

    def passage(self, graph: rdflib.Graph, passage: rdflib.URIRef) -> str:
        quotes = [s for s in graph.objects(passage, OA.hasSelector) if (s, OA.exact, None) in graph]
        selector = min(quotes, default=None)
        exact = str(graph.value(selector, OA.exact))
        prefix = str(graph.value(selector, OA.prefix) or "")
        suffix = str(graph.value(selector, OA.suffix) or "")
        spans = self.source.spans(exact)
        start = self.source.text.find(prefix + exact + suffix) + len(prefix)
        starts = [s for s, _ in spans]
        if len(spans) > 1 and start in starts:
            return f"{{quote: {_text(exact)}, occurrence: {starts.index(start) + 1}}}"
        return _text(exact)


def convert_document(project: Project, slug: str) -> str:
    """The curator's file for the Turtle of ``graphs/<slug>/`` (the files a compile would write are read)."""
    folder = project.graphs_dir / slug
    files = {p.stem: p for p in sorted(folder.glob("*.ttl"))}
    graphs = {}
    for name, path in files.items():
        try:
            graphs[name] = rdflib.Graph().parse(data=read_file(path).decode("utf-8"), format="turtle")
        except Exception as error:  # rdflib raises several kinds for bad Turtle, and bad UTF-8
            raise PolicyKGError(
                f"cannot convert {slug}",
                [Problem(project.relative(path), f"not valid Turtle: {error}".strip())],
            ) from None
    blank = [
        (project.relative(files[name]), s)
        for name, graph in graphs.items()
        for s, p, o in graph
        if isinstance(o, rdflib.BNode) and p != OA.hasSelector
    ]
    if blank:
        where, subject = blank[0]
        raise PolicyKGError(
            f"cannot convert {slug}: a curator's file has no blank nodes other than a passage's selector",
            [Problem(where, f"<{subject}> has a blank node as a value; give it an IRI first")],
        )
    whole = rdflib.Graph()
    for graph in graphs.values():
        whole += graph
    context = read_context(project, slug)
    try:
        text = read_file(project.sources_dir / f"{slug}.txt").decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise PolicyKGError(f"cannot convert {slug}: sources/{slug}.txt cannot be read ({error})") from None
    writer = _Writer(slug, text)
    evidence: dict[tuple, tuple[str, list[str], dict[str, str]]] = {}
    for qr in whole.subjects(RDF.type, PKG.QualifiedRelation):
        edge = (whole.value(qr, RDF.subject), whole.value(qr, RDF.predicate), whole.value(qr, RDF.object))
        basis = str(whole.value(qr, PKG.basis))[len(PKG) :]
        passages = sorted(str(p)[len(writer.passage_ns) :] for p in whole.objects(qr, PROV_DERIVED))
        why = {c.language: str(c) for c in whole.objects(qr, RDFS.comment)}
        evidence[edge] = (basis, passages, why)
    _move_generated_leftovers(graphs)
    lines = [
        f"# The curator's file of {slug}: policykg compile writes the Turtle beside it.",
        "# See docs/curators.md for the form of each entry.",
        "",
        "passages:",
    ]
    for passage in sorted(whole.subjects(RDF.type, PKG.Passage)):
        lines.append(f"  {passage[len(writer.passage_ns) :]}: {writer.passage(whole, passage)}")
    for name, graph in sorted(graphs.items(), key=lambda item: _group_order(item[0])):
        if name in GENERATED:
            continue
        lines += ["", f"{name}:"]
        default = GROUP_DEFAULTS.get(name)
        for subject in sorted({s for s in graph.subjects() if isinstance(s, rdflib.URIRef)}):
            bare = default and subject.startswith(writer.prefixes[default[0]])
            key = subject[len(writer.prefixes[default[0]]) :] if bare else writer.short(subject)
            lines.append(f"  {key}:")
            by_key: dict[rdflib.URIRef, list[rdflib.term.Node]] = defaultdict(list)
            for predicate, value in graph.predicate_objects(subject):
                if default and predicate == RDF.type and value == default[1]:
                    continue
                by_key[predicate].append(value)
            for predicate in sorted(by_key, key=lambda p: _key_order(writer.key(p))):
                values = sorted(by_key[predicate])
                lines += _property(writer, subject, predicate, values, evidence, context.evidenced)
    return "\n".join(lines) + "\n"


def _move_generated_leftovers(graphs: dict[str, rdflib.Graph]) -> None:
    """Triples in relations.ttl, passages.ttl or positions.ttl that a compile would not write there go to the
    group of their subject (or to mentions, for a resource no group describes)."""
    passages = {s for graph in graphs.values() for s in graph.subjects(RDF.type, PKG.Passage)}
    for name in GENERATED & set(graphs):
        graph = graphs[name]
        for triple in list(graph):
            subject = triple[0]
            if not isinstance(subject, rdflib.URIRef):
                continue
            if (subject, RDF.type, PKG.QualifiedRelation) in graph or subject in passages:
                continue
            home = next(
                (g for n, g in graphs.items() if n not in GENERATED and (subject, None, None) in g), None
            )
            if home is None:
                home = graphs.setdefault("mentions", rdflib.Graph())
            home.add(triple)
            graph.remove(triple)


FIRST_KEYS = ("a", "label", "altLabel", "title", "description", "comment", "from", "rationale")
FIRST_GROUPS = ("document", "priorities", "interventions")


def _key_order(key: str) -> tuple[int, str]:
    return (FIRST_KEYS.index(key), "") if key in FIRST_KEYS else (len(FIRST_KEYS), key)


def _group_order(name: str) -> tuple[int, str]:
    if name in FIRST_GROUPS:
        return FIRST_GROUPS.index(name), ""
    return (len(FIRST_GROUPS) + (name == "mentions"), name)


Evidence = dict[tuple, tuple[str, list[str], dict[str, str]]]


def _property(
    writer: _Writer,
    subject: rdflib.URIRef,
    predicate: rdflib.URIRef,
    values: list[rdflib.term.Node],
    evidence: Evidence,
    evidenced: set[rdflib.URIRef],
) -> list[str]:
    key = writer.key(predicate)
    edges = [v for v in values if (subject, predicate, v) in evidence]
    plain = [v for v in values if (subject, predicate, v) not in evidence]
    out: list[str] = []
    if predicate in evidenced and edges:
        out.append(f"    {key}:")
        for value in edges:
            basis, passages, why = evidence[(subject, predicate, value)]
            if why:
                out.append(f"      {writer.short(value)}:")
                out.append(f"        {basis}: {' '.join(passages)}")
                out.append("        why:" if basis == "reading" else "        note:")
                out += [f"          {language}: {_text(why[language])}" for language in sorted(why)]
            else:
                out.append(f"      {writer.short(value)}: {basis} {' '.join(passages)}")
    if not plain:
        return out
    if any(isinstance(v, rdflib.Literal) and v.language for v in plain) and not all(
        isinstance(v, rdflib.Literal) and v.language for v in plain
    ):
        out.append(f"    {key}:")
        for v in plain:
            if isinstance(v, rdflib.Literal) and v.language:
                out.append(f"      - {{{v.language}: {_text(str(v))}}}")
            else:
                out.append(f"      - {writer.value(predicate, v)}")
        return out
    if all(isinstance(v, rdflib.Literal) and v.language for v in plain):
        by_language: dict[str, list[str]] = defaultdict(list)
        for v in plain:
            by_language[v.language].append(_text(str(v)))
        out.append(f"    {key}:")
        for language in sorted(by_language):
            texts = by_language[language]
            out.append(f"      {language}: {texts[0] if len(texts) == 1 else '[' + ', '.join(texts) + ']'}")
        return out
    rendered = [writer.value(predicate, v) for v in plain]
    if predicate in PASSAGE_VALUED and all(":" not in r and not r.startswith(("<", '"')) for r in rendered):
        out.append(f"    {key}: {' '.join(rendered)}")
    elif len(rendered) == 1:
        out.append(f"    {key}: {rendered[0]}")
    else:
        out.append(f"    {key}:")
        out += [f"      - {r}" for r in rendered]
    return out
