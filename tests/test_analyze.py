"""policykg analyze: the report's figures against values checked by hand on the fiche."""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from html.parser import HTMLParser

import networkx as nx
import pytest
from conftest import run_cli

from policykg import analyze
from policykg.analyze import (
    Projection,
    analyze_graph,
    approximations,
    find_entanglement,
    render_markdown,
    render_page,
    sampled_betweenness,
)
from policykg.library import read_query
from policykg.load import LoadedGraph, load_project
from policykg.project import Project

ID = "https://w3id.org/policykg/id/"
INT = ID + "kernboodschap-digitalisering/intervention/"
PKG = "https://w3id.org/policykg/def#"

EDGE_BASES = """
SELECT ?subject ?predicate ?object ?basis ?reason ?passage WHERE {
  ?relation a pkg:QualifiedRelation ; rdf:subject ?subject ; rdf:predicate ?predicate ; rdf:object ?object ;
    pkg:basis/skos:notation ?basis ; prov:wasDerivedFrom ?passage .
  OPTIONAL { ?relation rdfs:comment ?reason . FILTER(LANG(?reason) = "en") }
}
"""


@pytest.fixture(scope="module")
def report(loaded: LoadedGraph) -> dict:
    return analyze_graph(loaded)


@pytest.fixture(scope="module")
def bases(loaded: LoadedGraph) -> dict[tuple[str, str, str], tuple[str, str | None, set[str]]]:
    """Each edge's basis, reason and passages, read from its qualified relation."""
    found: dict[tuple[str, str, str], tuple[str, str | None, set[str]]] = {}
    for row in loaded.select(EDGE_BASES):
        key = (row["subject"], row["predicate"], row["object"])
        basis, reason, passages = found.get(key, (row["basis"], row.get("reason"), set()))
        found[key] = (basis, reason, passages | {row["passage"]})
    return found


def test_bridges(report: dict) -> None:
    bridges = {b["iri"]: b for b in report["bridges"]}
    # institutions 3, frameworks 1, themes 12, target groups 3 span two or more priorities (checked with
    # overlaps/institutions-per-priority and a query over the edges with their qualified relations)
    assert len(bridges) == 19
    supervisors = bridges[ID + "institution/toezichthouders"]
    assert {p["label"] for p in supervisors["priorities"]} == {"Digital Security", "Digital Society"}
    assert supervisors["interventions"] == 5
    assert all(
        link["evidence"] and all(x["quote"] for x in link["evidence"]) for link in supervisors["links"]
    )
    fn7 = [
        link
        for link in supervisors["links"]
        if link["intervention"]["iri"] == INT + "weerbaarheid-rechtsstaat"
    ]
    # the item and its footnote, which names the supervisors, in the order of the text
    quotes = [x["quote"] for x in fn7[0]["evidence"]]
    assert len(quotes) == 2 and quotes[1].startswith("⁷ Onder andere Rechtspraak")
    assert (
        bridges[ID + "theme/digitale-weerbaarheid"]["betweenness"]
        > bridges[ID + "theme/cloud"]["betweenness"]
    )


def test_entanglement(report: dict) -> None:
    top = report["entanglement"][0]
    assert {top["a"]["label"], top["b"]["label"]} == {"Digital Security", "Digital Society"}
    # the Judiciary, supervisory authorities, legal protection, digital resilience, enforcement and
    # supervision, citizens and children; no dependency between the two
    assert top["shared"] == 7 and top["dependencies"] == 0
    assert {r["iri"].rsplit("/", 1)[1] for r in top["shared_resources"]} == {
        "rechtspraak",
        "toezichthouders",
        "rechtsbescherming",
        "digitale-weerbaarheid",
        "handhaving-en-toezicht",
        "burgers",
        "kinderen",
    }
    assert len(report["entanglement"]) == 10


def test_every_edge_shows_the_basis_of_its_qualified_relation(report: dict, bases: dict) -> None:
    """Each link and dependency carries its qualified relation's basis, a reading its reason, and the
    passages quoted are those the relation rests on, every one of them."""
    edges = [
        (link["intervention"]["iri"], PKG + link["relation"], bridge["iri"], link)
        for bridge in report["bridges"]
        for link in bridge["links"]
    ]
    deps = report["dependencies"]
    needs = PKG + "dependsOn"
    edges += [
        (s["from"]["iri"], needs, s["to"]["iri"], s) for chain in deps["longest"] for s in chain["steps"]
    ]
    edges += [(d["iri"], needs, item["iri"], d) for item in deps["impact"] for d in item["direct"]]
    assert len(edges) > 100
    for *key, edge in edges:
        basis, reason, passages = bases[tuple(key)]
        assert edge["basis"] == basis and edge["basis"] in ("stated", "reading"), key
        assert edge["reason"] == (reason if basis == "reading" else None), key
        assert {x["passage"] for x in edge["evidence"]} == passages, key
        assert all(x["quote"] for x in edge["evidence"]), key
    assert {e["basis"] for *_, e in edges} == {"stated", "reading"}


def test_the_report_counts_institutions_as_the_library_query_does(
    report: dict, loaded: LoadedGraph, project: Project
) -> None:
    query = read_query(project.queries_dir / "overlaps" / "institutions-per-priority.rq")
    expected: dict[str, set[str]] = {}
    for row in loaded.select(query.text):
        expected.setdefault(row["institution"], set()).add(row["priority"])
    reported = {i["iri"]: {p["iri"] for p in i["priorities"]} for i in report["institutions"]}
    assert reported == expected
    assert reported[ID + "institution/ncsc"] == {
        ID + "kernboodschap-digitalisering/priority/digitale-veiligheid"
    }
    ncsc = next(i for i in report["institutions"] if i["iri"] == ID + "institution/ncsc")
    assert [(p["label"], p["interventions"], p["stated"], p["readings"]) for p in ncsc["priorities"]] == [
        ("Digital Security", 2, 2, 0)
    ]
    # the bridges among institutions are the institutions the query puts under two priorities or more
    bridged = {
        b["iri"]: {p["iri"] for p in b["priorities"]} for b in report["bridges"] if b["kind"] == "institution"
    }
    assert bridged == {iri: found for iri, found in expected.items() if len(found) > 1}


def test_markdown_and_html_show_basis_and_reason(report: dict) -> None:
    reason = "A justice data ecosystem for legal data is read as involving this institution; the passage does not name it."
    markdown = render_markdown(report)
    assert (
        f"Developing a secure and confidential Dutch legal data space (involves; reading: {reason})"
        in markdown
    )
    assert "Founding a House of Cyber (addresses; stated)" in markdown
    assert "| National Cyber Security Centre | Digital Security | 2 | 2 | 0 |" in markdown
    assert "inferred" not in markdown
    page = render_page(report)
    assert (
        f"Developing a secure and confidential Dutch legal data space (involves; <em>reading</em>: {reason})"
        in page
    )
    assert "inferred" not in page


def test_dependencies(report: dict) -> None:
    deps = report["dependencies"]
    assert deps["cycles"] == []
    assert deps["longest"][0]["length"] == 2
    assert deps["longest"][0]["nodes"][1]["iri"] == INT + "ai-deltaplan"
    impact = {i["iri"]: i for i in deps["impact"]}
    talent = impact[INT + "onderwijs-arbeidsmarkt"]
    assert {d["iri"].rsplit("/", 1)[1] for d in talent["dependents"]} == {
        "ai-deltaplan",
        "cybersecurityonderzoek",
        "nds-vakmanschap",
        "nds-ai",
        "promote",
    }
    assert len(talent["priorities"]) == 4
    assert talent["budget"]["Digital Economy"]["structural"] == "1550"
    assert deps["impact"][0]["iri"] == INT + "onderwijs-arbeidsmarkt"


def test_a_cycle_is_reported_not_hidden(scratch: Project) -> None:
    path = scratch.graphs_dir / "kernboodschap-digitalisering" / "interventions.ttl"
    text = path.read_text(encoding="utf-8")
    marker = "intervention:onderwijs-arbeidsmarkt\n    a pkg:Intervention ;\n"
    assert marker in text
    path.write_text(
        text.replace(marker, marker + "    pkg:dependsOn intervention:ai-deltaplan ;\n"), encoding="utf-8"
    )
    relations = scratch.graphs_dir / "kernboodschap-digitalisering" / "relations.ttl"
    with relations.open("a", encoding="utf-8") as out:
        out.write(
            "\nrelation:onderwijs-arbeidsmarkt--dependsOn--ai-deltaplan a pkg:QualifiedRelation ;\n"
            "    rdf:subject intervention:onderwijs-arbeidsmarkt ; rdf:predicate pkg:dependsOn ;\n"
            "    rdf:object intervention:ai-deltaplan ; prov:wasDerivedFrom passage:p2-rationale-talent ;\n"
            '    rdfs:comment "A test reason."@en, "Een testreden."@nl ; pkg:basis pkg:reading .\n'
        )

    cycles = analyze_graph(load_project(scratch))["dependencies"]["cycles"]
    assert [[n["iri"].rsplit("/", 1)[1] for n in c["nodes"]] for c in cycles] == [
        ["ai-deltaplan", "onderwijs-arbeidsmarkt"]
    ]
    steps = {(s["from"]["iri"].rsplit("/", 1)[1], s["basis"], s["reason"]) for s in cycles[0]["steps"]}
    assert ("onderwijs-arbeidsmarkt", "reading", "A test reason.") in steps and len(steps) == 2


def test_communities_partition_the_interventions(report: dict) -> None:
    members = [m["iri"] for c in report["communities"] for m in c["members"]]
    assert len(members) == len(set(members)) and len(members) >= 40
    assert all(c["name"] for c in report["communities"])
    assert any(len(c["priorities"]) >= 2 for c in report["communities"])


def test_cli_writes_three_formats_and_escapes_html(scratch: Project) -> None:
    result = run_cli("analyze", root=scratch.root)
    assert result.returncode == 0, result.stderr
    folder = scratch.dist_dir / "analysis"
    written = json.loads((folder / "report.json").read_text())
    assert written["summary"]["interventions"] == 53
    links = [link for bridge in written["bridges"] for link in bridge["links"]]
    assert links and all(link["basis"] in ("stated", "reading") for link in links)
    steps = [step for chain in written["dependencies"]["longest"] for step in chain["steps"]]
    assert steps and all(step["basis"] in ("stated", "reading") for step in steps)
    assert (folder / "report.md").read_text().startswith("# Overlaps and dependencies")
    page = (folder / "report.html").read_text()
    HTMLParser().feed(page)
    assert "<script" not in page and "http" not in page.split("<body>")[0].replace("http-equiv", "")


def test_html_escapes_text_from_the_graph(report: dict) -> None:
    hostile = json.loads(json.dumps(report))
    hostile["bridges"][0]["label"] = "<script>alert(1)</script>"
    page = render_page(hostile)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_fiche_is_computed_exactly(report: dict) -> None:
    assert report["summary"]["approximations"] == []


def test_sampled_betweenness_is_the_networkx_estimate() -> None:
    graph = nx.gnm_random_graph(400, 1200, seed=3)
    expected = nx.betweenness_centrality(graph, k=40, normalized=True, seed=42)
    estimate = sampled_betweenness(graph, 40, seed=42)
    assert estimate.keys() == expected.keys()
    assert max(abs(estimate[v] - expected[v]) for v in graph) < 1e-12


def _many_priorities(count: int) -> Projection:
    """Two interventions per priority, each touching six of forty institutions, and a few dependencies."""
    rng = random.Random(1)
    priority_of: dict[str, str] = {}
    edges = []
    for i in range(count):
        for j in range(2):
            intervention = f"{ID}test/p{i:03}/i{j}"
            priority_of[intervention] = f"{ID}test/p{i:03}"
            for actor in rng.sample(range(40), 6):
                edges.append(
                    {
                        "intervention": intervention,
                        "property": "https://w3id.org/policykg/def#involves",
                        "actor": f"{ID}test/a{actor}",
                        "kind": "institution",
                    }
                )
    dependencies = [
        {"from": f"{ID}test/p{i:03}/i0", "to": f"{ID}test/p{i + 1:03}/i1", "basis": "stated"}
        for i in range(0, count - 1, 7)
    ]
    return Projection(
        labels={}, passages={}, priority_of=priority_of, actor_edges=edges, dependencies=dependencies
    )


def test_entanglement_lists_the_strongest_pairs_above_the_threshold(monkeypatch: pytest.MonkeyPatch) -> None:
    count = analyze.PAIRS_ABOVE + 20
    p = _many_priorities(count)
    listed = find_entanglement(p)
    assert len(listed) == analyze.TOP_PAIRS
    assert any("Entanglement" in note for note in approximations(p))
    # with fewer anchors than priorities the ranking is a search, but every figure listed is exact
    monkeypatch.setattr(analyze, "ANCHORS", 20)
    searched = find_entanglement(p)
    monkeypatch.setattr(analyze, "PAIRS_ABOVE", count)
    exact = find_entanglement(p)
    assert len(exact) == count * (count - 1) // 2
    # every priority an anchor: the top of the full listing
    assert listed == exact[: analyze.TOP_PAIRS]
    by_pair = {(x["a"]["iri"], x["b"]["iri"]): x for x in exact}
    assert all(by_pair[x["a"]["iri"], x["b"]["iri"]] == x for x in searched)


def test_the_report_does_not_depend_on_the_hash_seed(tmp_path) -> None:
    """On a corpus where many interventions share labels, ties are broken by IRI, not by set order."""
    corpus = tmp_path / "corpus"
    made = run_cli("synth", "--documents", "20", "--seed", "1", "--out", str(corpus))
    assert made.returncode == 0, made.stderr
    reports = []
    for seed in ("1", "2"):
        out = tmp_path / f"report-{seed}"
        done = subprocess.run(
            [sys.executable, "-m", "policykg.cli", "--root", str(corpus), "analyze", "--out", str(out)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
            env={**os.environ, "PYTHONHASHSEED": seed},
        )
        assert done.returncode == 0, done.stderr
        reports.append((out / "report.json").read_text(encoding="utf-8"))
    assert json.loads(reports[0])["communities"]
    assert reports[0] == reports[1]


def test_priorities_named_alike_say_whose_they_are(tmp_path) -> None:
    """Synthetic documents name their priorities alike: across documents each priority's label in the
    report names its document, so that no two priorities read the same."""
    corpus = tmp_path / "corpus"
    assert run_cli("synth", "--documents", "3", "--seed", "2", "--out", str(corpus)).returncode == 0
    report = analyze_graph(load_project(Project(corpus)))
    named: dict[str, set[str]] = {}
    for bridge in report["bridges"]:
        for priority in bridge["priorities"]:
            named.setdefault(priority["label"], set()).add(priority["iri"])
    for pair in report["entanglement"]:
        for priority in (pair["a"], pair["b"]):
            named.setdefault(priority["label"], set()).add(priority["iri"])
    assert len(named) > 4 and all(len(iris) == 1 for iris in named.values()), named
    assert "Priority 0 (Document 0002)" in named
    chains = [node for chain in report["dependencies"]["longest"] for node in chain["nodes"]]
    assert chains and all(re.search(r"\(Document \d{4}\)$", node["label"]) for node in chains)


def test_groups_leave_out_hubs_and_the_report_says_so(
    loaded: LoadedGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With a hub threshold the fiche exceeds, no group is named after a hub, and the summary says which
    were left out."""
    monkeypatch.setattr(analyze, "HUB", 5)
    members: dict[str, set[str]] = {}
    for edge in analyze.project_graphs(loaded).actor_edges:
        members.setdefault(edge["actor"], set()).add(edge["intervention"])
    hubs = {actor for actor, interventions in members.items() if len(interventions) > 5}
    assert hubs
    report = analyze_graph(loaded)
    assert any(
        note.startswith(f"Groups of interventions leave out what {len(hubs)} ")
        for note in report["summary"]["approximations"]
    )
    assert report["communities"] and not {s["iri"] for c in report["communities"] for s in c["shared"]} & hubs
