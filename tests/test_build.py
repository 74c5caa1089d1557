"""build writes the merged graph in three syntaxes that agree, and a summary; the same input gives the same bytes."""

from __future__ import annotations

import hashlib
import json

import pyoxigraph as ox
from conftest import run_cli

from policykg.load import LoadedGraph, load_project
from policykg.project import Project


def parse_count(path, fmt) -> int:
    return len(set(ox.parse(path=str(path), format=fmt)))


def test_build_writes_graph_and_summary(scratch: Project, loaded: LoadedGraph) -> None:
    result = run_cli("build", root=scratch.root)
    assert result.returncode == 0, result.stderr
    dist = scratch.dist_dir
    files = {str(p.relative_to(dist)) for p in dist.rglob("*") if p.is_file()}
    assert {
        "policykg.ttl",
        "policykg.nt",
        "policykg.jsonld",
        "context.jsonld",
        "summary.json",
        "analysis/report.json",
        "analysis/report.md",
        "analysis/report.html",
        "views/index.html",
        "views/overview.html",
        "views/charts/budget-by-priority.svg",
    } <= files
    assert "site/index.html" in files and "site/downloads/void.ttl" in files
    assert not {f for f in files if not f.startswith(("views/", "analysis/", "site/")) and "/" in f}
    n = len(load_project(scratch, entailed=True))  # the dumps hold what the hierarchy entails too
    assert n > len(loaded) + 500
    assert parse_count(dist / "policykg.ttl", ox.RdfFormat.TURTLE) == n
    assert parse_count(dist / "policykg.nt", ox.RdfFormat.N_TRIPLES) == n
    assert parse_count(dist / "policykg.jsonld", ox.RdfFormat.JSON_LD) == n
    document = json.loads((dist / "policykg.jsonld").read_text(encoding="utf-8"))
    assert document["@context"]["label"] == {"@id": "rdfs:label", "@container": "@language"}
    node = next(x for x in document["@graph"] if x["@id"].endswith("intervention/house-of-cyber"))
    assert node["label"] == {"nl": "Een House of Cyber oprichten", "en": "Founding a House of Cyber"}
    summary = json.loads((dist / "summary.json").read_text(encoding="utf-8"))
    assert summary["triples"] == n
    assert summary["classes"]["pkg:PolicyDocument"] == 1
    assert "built dist/" in result.stdout and "dist/policykg.ttl" in result.stdout


def test_build_is_reproducible(scratch: Project) -> None:
    digests = []
    for _ in range(2):
        assert run_cli("build", root=scratch.root).returncode == 0
        digests.append(
            {
                str(p.relative_to(scratch.dist_dir)): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted(scratch.dist_dir.rglob("*"))
                if p.is_file()
            }
        )
    assert digests[0] == digests[1]


def test_jsonld_says_what_the_ntriples_say(loaded: LoadedGraph, tmp_path) -> None:
    """The streamed JSON-LD holds the same triples as the N-Triples, blank nodes aside, and uses the
    context's terms where a value fits them."""
    from policykg.build import write_graph

    write_graph(loaded, tmp_path)

    def ground(fmt: ox.RdfFormat, name: str) -> set[ox.Triple]:
        triples = {q.triple for q in ox.parse(path=str(tmp_path / name), format=fmt)}
        return {
            t
            for t in triples
            if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
        }

    nt = ground(ox.RdfFormat.N_TRIPLES, "policykg.nt")
    assert len(nt) > 3000
    assert ground(ox.RdfFormat.JSON_LD, "policykg.jsonld") == nt
    assert ground(ox.RdfFormat.TURTLE, "policykg.ttl") == nt
    document = json.loads((tmp_path / "policykg.jsonld").read_text(encoding="utf-8"))
    budget = next(n for n in document["@graph"] if n.get("@type") == "qb:Observation" and "amount" in n)
    assert isinstance(budget["amount"], str) and isinstance(budget["period"], str)
    # a passage is typed pkg:Passage and, as the ontology entails, oa:SpecificResource
    passage = next(n for n in document["@graph"] if "pkg:Passage" in n.get("@type", []))
    assert passage["@type"] == ["oa:SpecificResource", "pkg:Passage"]
    assert passage["hasSelector"]["@id"].startswith("_:b")
