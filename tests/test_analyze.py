"""policykg analyze: the report's figures against values checked by hand on the fiche."""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from conftest import run_cli

from policykg.analyze import analyze_graph, render_page
from policykg.load import LoadedGraph
from policykg.project import Project

ID = "https://w3id.org/policykg/id/"
INT = ID + "kernboodschap-digitalisering/intervention/"


@pytest.fixture(scope="module")
def report(loaded: LoadedGraph) -> dict:
    return analyze_graph(loaded)


def test_bridges(report: dict) -> None:
    bridges = {b["iri"]: b for b in report["bridges"]}
    # institutions 4, frameworks 1, themes 13, target groups 3 span two or more priorities (see the overlaps queries)
    assert len(bridges) == 21
    supervisors = bridges[ID + "institution/toezichthouders"]
    assert {p["label"] for p in supervisors["priorities"]} == {"Digital Security", "Digital Society"}
    assert supervisors["interventions"] == 5
    assert all(link["evidence"]["quote"] for link in supervisors["links"])
    fn7 = [
        link
        for link in supervisors["links"]
        if link["intervention"]["iri"] == INT + "weerbaarheid-rechtsstaat"
    ]
    assert fn7[0]["evidence"]["quote"].startswith("⁷ Onder andere Rechtspraak")
    assert (
        bridges[ID + "theme/digitale-weerbaarheid"]["betweenness"]
        > bridges[ID + "theme/cloud"]["betweenness"]
    )


def test_entanglement(report: dict) -> None:
    top = report["entanglement"][0]
    assert {top["a"]["label"], top["b"]["label"]} == {"Digital Government", "Digital Security"}
    # five themes, citizens and entrepreneurs, and the body of EU digital legislation
    assert top["shared"] == 8 and top["dependencies"] == 0
    assert len(report["entanglement"]) == 10


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
    from policykg.load import load_project

    cycles = analyze_graph(load_project(scratch))["dependencies"]["cycles"]
    assert [sorted(n["iri"].rsplit("/", 1)[1] for n in c) for c in cycles] == [
        ["ai-deltaplan", "onderwijs-arbeidsmarkt"]
    ]


def test_communities_partition_the_interventions(report: dict) -> None:
    members = [m["iri"] for c in report["communities"] for m in c["members"]]
    assert len(members) == len(set(members)) and len(members) >= 40
    assert all(c["name"] for c in report["communities"])
    assert any(len(c["priorities"]) >= 2 for c in report["communities"])


def test_cli_writes_three_formats_and_escapes_html(scratch: Project) -> None:
    result = run_cli("analyze", root=scratch.root)
    assert result.returncode == 0, result.stderr
    folder = scratch.dist_dir / "analysis"
    assert json.loads((folder / "report.json").read_text())["summary"]["interventions"] == 53
    assert (folder / "report.md").read_text().startswith("# Overlaps and dependencies")
    page = (folder / "report.html").read_text()
    HTMLParser().feed(page)
    assert "<script" not in page and "http" not in page.split("<body>")[0].replace("http-equiv", "")


def test_html_escapes_text_from_the_graph(report: dict) -> None:
    hostile = json.loads(json.dumps(report))
    hostile["bridges"][0]["label"] = "<script>alert(1)</script>"
    page = render_page(hostile)
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
