"""The Python API: policykg.load() and KnowledgeGraph, as a researcher uses them in a notebook."""

from __future__ import annotations

import os
import time

import pytest
from conftest import ROOT, run_cli

import policykg
from policykg.errors import PolicyKGError
from policykg.project import Project


def test_load_the_project_and_ask_by_name() -> None:
    kg = policykg.load(ROOT)
    rows = kg.query("overlaps/institutions-across-priorities")
    assert rows[0]._fields == (
        "document",
        "institution",
        "institutionLabel",
        "priorities",
        "priorityLabel",
        "interventions",
    )
    assert {(r.institutionLabel, r.priorityLabel) for r in rows} >= {("the Judiciary", "Digital Society")}
    assert all(isinstance(r.priorities, int) for r in rows)


def test_parameters_as_keywords_and_sparql_text() -> None:
    kg = policykg.load(ROOT)
    rows = kg.query(
        "dependents-transitively",
        resource="https://w3id.org/policykg/id/kernboodschap-digitalisering/intervention/onderwijs-arbeidsmarkt",
    )
    # directly: the AI Delta Plan, civil servants' skills, cybersecurity research; through the Delta Plan:
    # AI in government and Promote
    assert {r.dependentLabel for r in rows} == {
        "Carrying out the National AI Delta Plan",
        "Digital skills of civil servants and a modern workplace",
        "Targeted and structural investment in cybersecurity research, innovation and professionals",
        "Using the opportunities of AI responsibly in government",
        "Promote: keeping and growing knowledge of key technologies and stimulating them",
    }
    assert kg.query("ASK { ?s a pkg:Law }") is True
    graph = kg.query(
        "CONSTRUCT { ?l skos:notation ?n } WHERE { ?l a pkg:InterventionLevel ; skos:notation ?n }"
    )
    assert len(graph) == 3


def test_rdflib_view_and_dataframe() -> None:
    kg = policykg.load(ROOT)
    assert len(kg.graph) > 3000
    frame = kg.to_dataframe("budget/budget-by-priority-and-period")
    assert list(frame.columns) == ["document", "priorityLabel", "periodLabel", "amount"]
    assert len(frame) == 24
    assert float(frame[frame.periodLabel == "structural"].amount.sum()) == 2965


def test_load_a_built_graph_file_or_the_fresh_build(scratch: Project) -> None:
    assert run_cli("build", root=scratch.root).returncode == 0
    from_file = policykg.load(scratch.dist_dir / "policykg.nt")
    assert from_file.query("ASK { ?s a pkg:PolicyDocument }") is True
    with pytest.raises(PolicyKGError, match="needs a project"):
        from_file.query("budget/printed-totals")
    built = policykg.load(scratch.root)
    assert len(built) == len(from_file)
    # an edit after the build is seen: the project is read from its sources again
    path = scratch.graphs_dir / "shared" / "themes.ttl"
    path.write_text(
        path.read_text(encoding="utf-8").replace('"cloud"@en', '"cloud computing"@en'), encoding="utf-8"
    )
    later = time.time() + 5
    os.utime(path, (later, later))
    fresh = policykg.load(scratch.root)
    assert fresh.query("ASK { ?t rdfs:label 'cloud computing'@en }") is True


def test_unknown_query_name_is_a_clear_error() -> None:
    kg = policykg.load(ROOT)
    with pytest.raises(PolicyKGError, match="did you mean"):
        kg.query("printed-total")
