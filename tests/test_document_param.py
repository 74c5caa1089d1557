"""Every library query that takes a document limits its answer to that document.

On a corpus of two documents, a query run with ``document`` set to the first gives the same rows as the
same query run over all documents (``UNDEF``) on a corpus that holds the first document alone. The
one-document corpus is the two-document one with the second document's graph folder and source text
deleted; what documents share (graphs/shared) stays, so a query that lists shared resources lists the same
ones in both. Two pairs are tried: two synthetic documents, and the fiche beside a second document made
from it (synthetic documents have no footnotes, sections, target groups, levels or laws; the fiche has).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import rdflib
from conftest import ROOT, copy_project, run_cli

import policykg
from policykg.api import KnowledgeGraph
from policykg.library import list_queries

ID = "https://w3id.org/policykg/id/"
FICHE = "kernboodschap-digitalisering"
LIMITED = ("browse", "budget", "coverage", "dependencies", "overlaps", "provenance")
NO_DOCUMENT = (
    "dependencies/depends-on-transitively",
    "provenance/passages-of-intervention",
    "overlaps/shared-by-two-priorities",
)
"""Queries of those categories that take no document: what they start from belongs to one document."""


@dataclass
class Pair:
    two: KnowledgeGraph
    one: KnowledgeGraph
    first: str
    params: dict[str, dict[str, str]]
    """Other parameters per query: resources of this corpus in place of defaults that name the fiche's."""


def without(two: Path, one: Path, slug: str) -> Path:
    """A copy of the corpus ``two`` without the document ``slug``: its graph folder and its source text."""
    shutil.copytree(two, one)
    shutil.rmtree(one / "graphs" / slug)
    (one / "sources" / f"{slug}.txt").unlink()
    assert run_cli("validate", root=one).returncode == 0, "the first document stands on its own"
    return one


def most_shared(kg: KnowledgeGraph, first: str, predicate: str) -> str:
    """What interventions of the first document point to with ``predicate``, the one that most documents'
    interventions point to first, then the one most interventions do."""
    rows = kg.query(
        f"SELECT ?x WHERE {{ ?i {predicate} ?x ; pkg:underPriority/^pkg:hasPriority ?d ."
        f" FILTER EXISTS {{ ?j {predicate} ?x ; pkg:underPriority/^pkg:hasPriority <{first}> . }} }}"
        " GROUP BY ?x ORDER BY DESC(COUNT(DISTINCT ?d)) DESC(COUNT(DISTINCT ?i)) ?x LIMIT 1"
    )
    assert rows, predicate
    return rows[0].x


def pair(two: Path, one: Path, first: str) -> Pair:
    kg = policykg.load(two)
    params = {
        "dependencies/dependents-transitively": {"resource": most_shared(kg, first, "pkg:dependsOn")},
        "overlaps/theme-links": {"theme": most_shared(kg, first, "pkg:addresses")},
        "provenance/statements-about": {"resource": most_shared(kg, first, "pkg:involves")},
    }
    return Pair(kg, policykg.load(one), first, params)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Pair:
    folder = tmp_path_factory.mktemp("synthetic")
    result = run_cli("synth", "--documents", "2", "--seed", "3", "--out", str(folder / "two"), root=ROOT)
    assert result.returncode == 0, result.stderr
    return pair(folder / "two", without(folder / "two", folder / "one", "synth-0002"), ID + "synth-0001")


@pytest.fixture(scope="module")
def fiche(tmp_path_factory: pytest.TempPathFactory) -> Pair:
    """The fiche, and beside it a second document made from it: its IRIs renamed, its English labels
    marked, and its interventions with a single theme left without one, so that the two differ wherever a
    query could tell them apart. They share every institution, framework, theme and target group."""
    folder = tmp_path_factory.mktemp("fiche")
    two = folder / "two"
    copy_project(two)
    (two / "graphs" / "kopie").mkdir()
    for path in (ROOT / "graphs" / FICHE).glob("*.ttl"):
        text = path.read_text(encoding="utf-8").replace(FICHE, "kopie")
        text = re.sub(r'"@en\b', ' (kopie)"@en', text)
        text = re.sub(r"^\s*pkg:addresses theme:[\w-]+ ;\n", "", text, flags=re.MULTILINE)
        (two / "graphs" / "kopie" / path.name).write_text(text, encoding="utf-8")
    drop_orphan_evidence(two / "graphs" / "kopie")
    shutil.copyfile(ROOT / "sources" / f"{FICHE}.txt", two / "sources" / "kopie.txt")
    assert run_cli("validate", root=two).returncode == 0
    return pair(two, without(two, folder / "one", "kopie"), ID + FICHE)


def drop_orphan_evidence(folder: Path) -> None:
    """Remove the qualified relations whose edge was taken out (each block of relations.ttl ends at '.')."""
    graph = rdflib.Graph()
    for path in folder.glob("*.ttl"):
        graph.parse(path)
    rdf = rdflib.RDF
    orphans = {
        str(q).rsplit("/", 1)[1]
        for q in graph.subjects(rdf.type, rdflib.URIRef("https://w3id.org/policykg/def#QualifiedRelation"))
        if (graph.value(q, rdf.subject), graph.value(q, rdf.predicate), graph.value(q, rdf.object))
        not in graph
    }
    path = folder / "relations.ttl"
    blocks = path.read_text(encoding="utf-8").split("\n\n")
    kept = [
        b
        for b in blocks
        if not (b.startswith("relation:") and b.split("\n", 1)[0][len("relation:") :] in orphans)
    ]
    path.write_text("\n\n".join(kept), encoding="utf-8")


def rows(kg: KnowledgeGraph, name: str, **params: str) -> list:
    return sorted(kg.query(name, **params), key=repr)


def test_every_query_but_compare_and_checks_takes_a_document() -> None:
    for query in list_queries(ROOT / "queries"):
        if query.category not in LIMITED:
            continue
        if query.name in NO_DOCUMENT:
            assert "document" not in query.params
            assert "takes no document parameter" in query.description, query.name
        elif query.name == "browse/document-outline":
            assert query.params["document"] == f"<{ID}{FICHE}>", "outlines one document, the fiche by default"
        else:
            assert query.params.get("document") == "UNDEF", query.name


@pytest.mark.parametrize("corpus", ["synthetic", "fiche"])
def test_a_named_document_gives_what_that_document_alone_gives(
    corpus: str, request: pytest.FixtureRequest
) -> None:
    pair: Pair = request.getfixturevalue(corpus)
    queries = [q for q in pair.two.queries() if "document" in q.params]
    assert len(queries) > 30
    different, answered, widened = [], [], []
    for query in queries:
        # every document: UNDEF, except for a query whose default names one (the outline of a document)
        everything = "UNDEF" if query.params["document"] == "UNDEF" else pair.first
        params = pair.params.get(query.name, {})
        assert set(params) <= set(query.params), query.name
        limited = rows(pair.two, query.name, document=pair.first, **params)
        alone = rows(pair.one, query.name, document=everything, **params)
        if limited != alone:
            different.append(query.name)
        if alone:
            answered.append(query.name)
        if rows(pair.two, query.name, document=everything, **params) != alone:
            widened.append(query.name)
    assert different == [], "limited to the first document, these answer otherwise than that document alone"
    # the comparison means something: most queries answer, and most answer more for both documents
    assert all(name in answered for name in pair.params), "the parameters set above find something"
    assert len(answered) >= 0.7 * len(queries), sorted({q.name for q in queries} - set(answered))
    assert len(widened) >= 0.6 * len(queries), sorted({q.name for q in queries} - set(widened))


LINKED_ACROSS = (
    "overlaps/framework-links",
    "overlaps/institution-links",
    "overlaps/target-groups-across-priorities",
)
"""Queries whose rows belong to one document but that keep only what two or more priorities share, the
priorities of every document counted: over the corpus they also show links between documents."""


@pytest.mark.parametrize("corpus", ["synthetic", "fiche"])
def test_over_every_document_each_keeps_its_own_rows(corpus: str, request: pytest.FixtureRequest) -> None:
    """A query whose rows belong to one document (they start with it) gives, over every document, each
    document's own rows side by side: none merged with another document's. The synthetic documents name
    their priorities alike ("Priority 0" …), as two editions of one policy would, so a query that grouped
    by a priority's label rather than the priority would add two documents' figures into one row."""
    pair: Pair = request.getfixturevalue(corpus)
    documents = [row.document for row in pair.two.query("compare/documents")]
    assert len(documents) == 2
    checked, both = [], []
    for query in pair.two.queries():
        if query.params.get("document") != "UNDEF":
            continue
        params = pair.params.get(query.name, {})
        everything = rows(pair.two, query.name, **params)
        if not everything or everything[0]._fields[0] != "document":
            continue
        each = sorted(
            (r for d in documents for r in pair.two.query(query.name, document=d, **params)), key=repr
        )
        if query.name in LINKED_ACROSS:
            assert set(each) <= set(everything), query.name
        else:
            assert everything == each, query.name
        assert {r.document for r in everything} <= set(documents), query.name
        checked.append(query.name)
        if {r.document for r in everything} == set(documents):
            both.append(query.name)
    # most of them answer for both documents, so the rows side by side are a real test
    assert len(checked) >= 20 and len(both) >= 0.8 * len(checked), sorted(set(checked) - set(both))
