"""What the ontology's class and property hierarchy entails (policykg.entail): found by the queries
researchers write, in the embedded store, the dumps and a store loaded from them; kept out of the
products that draw edges, so that every edge they show has its evidence."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from conftest import ROOT, run_cli

from policykg.entail import ENTAILED_GRAPH, entail_rdfs
from policykg.load import load_project
from policykg.namespaces import sparql_prologue
from policykg.project import Project

FRAMEWORKS = "SELECT DISTINCT ?f WHERE { ?f a pkg:PolicyFramework }"
REFERS = "SELECT DISTINCT ?i ?f WHERE { ?i pkg:refersTo ?f }"
NARROWER = """SELECT DISTINCT ?i ?f WHERE {
  VALUES ?p { pkg:refersTo pkg:implements pkg:enforces pkg:buildsOn pkg:alignsWith } ?i ?p ?f }"""
LAWS_AND_STRATEGIES = "SELECT DISTINCT ?f WHERE { { ?f a pkg:Law } UNION { ?f a pkg:Strategy } UNION { ?f a pkg:PolicyFramework } }"


def rows(store: ox.Store, sparql: str, union: bool = True) -> set[tuple[str, ...]]:
    answer = store.query(sparql_prologue() + sparql, use_default_graph_as_union=union)
    return {tuple(term.value for term in row) for row in answer}


@pytest.fixture(scope="module")
def entailed() -> ox.Store:
    return load_project(Project(ROOT), entailed=True).store


def test_a_framework_query_finds_the_laws_and_strategies(entailed: ox.Store) -> None:
    asserted = load_project(Project(ROOT)).store
    assert len(rows(asserted, FRAMEWORKS)) < len(rows(asserted, LAWS_AND_STRATEGIES))
    assert rows(entailed, FRAMEWORKS) == rows(asserted, LAWS_AND_STRATEGIES)
    assert len(rows(entailed, FRAMEWORKS)) >= 10


def test_refers_to_finds_every_narrower_edge(entailed: ox.Store) -> None:
    found = rows(entailed, REFERS)
    assert found == rows(entailed, NARROWER)
    implements = rows(entailed, "SELECT ?i ?f WHERE { ?i pkg:implements ?f }")
    assert implements and implements <= found


def test_the_entailed_triples_are_told_apart_and_none_repeats_an_asserted_one(entailed: ox.Store) -> None:
    added = list(entailed.quads_for_pattern(None, None, None, ENTAILED_GRAPH))
    assert len(added) > 100
    for quad in added[:200]:
        others = entailed.quads_for_pattern(quad.subject, quad.predicate, quad.object, None)
        assert [q.graph_name for q in others] == [ENTAILED_GRAPH]
    # nothing trivial: no rdfs:Resource or owl:Thing for everything
    trivial = {"http://www.w3.org/2000/01/rdf-schema#Resource", "http://www.w3.org/2002/07/owl#Thing"}
    assert not {q.object.value for q in added} & trivial


def test_entailing_again_gives_the_same_graph(entailed: ox.Store) -> None:
    before = set(entailed.quads_for_pattern(None, None, None, ENTAILED_GRAPH))
    again = entail_rdfs(entailed)
    assert (
        again == len(before) and set(entailed.quads_for_pattern(None, None, None, ENTAILED_GRAPH)) == before
    )


def test_the_products_read_what_the_files_state() -> None:
    loaded = load_project(Project(ROOT))
    assert ENTAILED_GRAPH not in set(loaded.store.named_graphs())
    assert b"graph/entailed" not in loaded.ntriples()
    # the dumps hold the entailments; making them leaves the products' store as it was
    dump = loaded.dump_ntriples()
    assert ENTAILED_GRAPH not in set(loaded.store.named_graphs())
    assert loaded.dump_size() == dump.count(b"\n") > len(loaded)


def test_the_dumps_and_a_store_loaded_from_them_answer_as_the_embedded_store(
    scratch: Project, entailed: ox.Store
) -> None:
    assert run_cli("build", "--no-views", "--no-site", root=scratch.root).returncode == 0
    store = ox.Store()
    store.bulk_load(path=str(scratch.dist_dir / "policykg.nt"), format=ox.RdfFormat.N_TRIPLES)
    assert rows(store, FRAMEWORKS) == rows(entailed, FRAMEWORKS)
    assert rows(store, REFERS) == rows(entailed, REFERS)
    # the check tells an entailed edge by the rule, not by its graph, so it holds on the dump's store too
    check = (scratch.queries_dir / "checks" / "edges-have-evidence.rq").read_text(encoding="utf-8")
    assert rows(store, check) == set()
    result = run_cli("query", "checks/edges-have-evidence", "--format", "csv", root=scratch.root)
    assert result.returncode == 0 and result.stdout.strip() == "focus,path,message"
