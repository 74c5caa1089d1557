"""Evidence and identity: outside identifiers have a recorded check, and an OWL 2 RL closure of the graph
(https://www.w3.org/TR/owl2-profiles/#OWL_2_RL) keeps resources in one core class and outside IRIs free
of local types."""

from __future__ import annotations

import json
from itertools import combinations

import owlrl
import pytest
import rdflib
from conftest import run_cli

from policykg.errors import PolicyKGError
from policykg.identifiers import check_identifiers, read_records, report_links
from policykg.load import load_project
from policykg.project import Project

PKG = rdflib.Namespace("https://w3id.org/policykg/def#")
ID = "https://w3id.org/policykg/id/"
PREFIXES = """
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix inst: <https://w3id.org/policykg/id/institution/> .
"""


def test_every_identifier_has_its_check(loaded) -> None:
    assert check_identifiers(loaded) == []


def test_links_report_counts_what_the_graph_states(loaded) -> None:
    report = report_links(loaded)
    institutions = report["classes"]["Institution"]
    carrying = {link["resource"] for link in report["links"] if "/institution/" in link["resource"]}
    assert institutions["with an identifier"] == len(carrying) == 7
    assert institutions["identifiers"] == {"tooi": 5, "wikidata": 3}
    assert {x["label"] for x in institutions["looked for, not found"]} >= {"Netherlands Police"}
    law = report["classes"]["Law"]
    assert law["identifiers"]["eli"] == 2 and law["identifiers"]["kamerstuk"] == 1
    # a group of bodies has no identifier of its own and is not counted as a gap
    assert "municipalities" in {x["label"] for x in institutions["no single identifier exists"]}
    assert "municipalities" not in {x["label"] for x in institutions["not looked for"]}


def test_links_command_prints_json(project: Project) -> None:
    result = run_cli("links", "--json", root=project.root)
    assert result.returncode == 0, result.stderr
    assert "Institution" in json.loads(result.stdout)["classes"]


@pytest.mark.parametrize(
    ("turtle", "expected"),
    [
        (
            "inst:politie skos:exactMatch <http://www.wikidata.org/entity/Q1> .",
            "http://www.wikidata.org/entity/Q1 has no row saying where it was checked",
        ),
        ("inst:politie owl:sameAs <http://www.wikidata.org/entity/Q1> .", "uses owl:sameAs"),
    ],
)
def test_an_unchecked_identifier_is_refused(scratch: Project, turtle: str, expected: str) -> None:
    (scratch.graphs_dir / "fault.ttl").write_text(PREFIXES + turtle, encoding="utf-8")
    problems = check_identifiers(load_project(scratch))
    assert [p for p in problems if expected in p.message and p.label == "Netherlands Police"], problems


def test_a_record_the_graph_does_not_state_is_stale(scratch: Project) -> None:
    path = scratch.sources_dir / "identifiers.tsv"
    with path.open("a", encoding="utf-8") as f:
        f.write("institution/politie\thttps://example.org/x\texact\tnowhere\tplanted\n")
    problems = check_identifiers(load_project(scratch))
    assert [p for p in problems if "which the graph does not state" in p.message and p.line], problems


def test_a_malformed_record_names_its_line(scratch: Project) -> None:
    path = scratch.sources_dir / "identifiers.tsv"
    lines = path.read_text(encoding="utf-8").splitlines()
    with path.open("a", encoding="utf-8") as f:
        f.write("institution/politie\tonly two\n")
    with pytest.raises(PolicyKGError, match=rf"identifiers.tsv:{len(lines) + 1}: expected 5"):
        read_records(path)


@pytest.fixture(scope="module")
def closure(project: Project) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in project.turtle_files():
        graph.parse(path, format="turtle")
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


def test_disjoint_classes_are_declared(closure: rdflib.Graph) -> None:
    members = set()
    for axiom in closure.subjects(rdflib.RDF.type, rdflib.OWL.AllDisjointClasses):
        members |= set(rdflib.collection.Collection(closure, closure.value(axiom, rdflib.OWL.members)))
    assert {PKG.Intervention, PKG.Institution, PKG.PolicyFramework, PKG.Priority, PKG.Passage} <= members
    assert {PKG.TargetGroup, PKG.Theme, PKG.InterventionLevel} <= members


def clashes(graph: rdflib.Graph) -> list[tuple[str, str, str]]:
    """Resources typed with two classes that an owl:AllDisjointClasses axiom keeps apart."""
    found = []
    for axiom in graph.subjects(rdflib.RDF.type, rdflib.OWL.AllDisjointClasses):
        members = list(rdflib.collection.Collection(graph, graph.value(axiom, rdflib.OWL.members)))
        for a, b in combinations(members, 2):
            both = set(graph.subjects(rdflib.RDF.type, a)) & set(graph.subjects(rdflib.RDF.type, b))
            found += [(str(x), str(a), str(b)) for x in both]
    return sorted(found)


def test_no_resource_is_in_two_disjoint_classes(closure: rdflib.Graph) -> None:
    assert clashes(closure) == []


def test_no_outside_iri_gets_a_local_type(closure: rdflib.Graph) -> None:
    local = [
        (str(x), str(t))
        for x, t in closure.subject_objects(rdflib.RDF.type)
        if isinstance(x, rdflib.URIRef)
        and str(t).startswith(str(PKG))
        and not str(x).startswith("https://w3id.org/policykg/")
    ]
    assert local == []


def test_a_planted_clash_is_found(project: Project) -> None:
    """The closure test can fail: an intervention that is also typed an institution through a domain."""
    graph = rdflib.Graph()
    for path in project.turtle_files():
        graph.parse(path, format="turtle")
    intervention = rdflib.URIRef(ID + "kernboodschap-digitalisering/intervention/promote")
    graph.add(
        (intervention, PKG.carriedOutBy, rdflib.URIRef(ID + "institution/ncsc"))
    )  # domain: PolicyFramework
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    assert (str(intervention), str(PKG.Intervention), str(PKG.PolicyFramework)) in clashes(graph)


def test_stats_count_institutions_by_the_one_definition(loaded, project: Project) -> None:
    from policykg.library import read_query
    from policykg.stats import compute_stats

    query = read_query(project.queries_dir / "overlaps" / "institutions-per-priority.rq")
    involved: dict[str, set[str]] = {}
    for row in loaded.select(query.text):
        involved.setdefault(row["priority"], set()).add(row["institution"])
    stats = compute_stats(loaded)
    assert {p["priority"]: p["institutions"] for p in stats["priorities"]} == {
        p["priority"]: len(involved.get(p["priority"], ())) for p in stats["priorities"]
    }
    security = ID + "kernboodschap-digitalisering/priority/digitale-veiligheid"
    ncsc = ID + "institution/ncsc"
    assert [p for p, members in involved.items() if ncsc in members] == [security]
