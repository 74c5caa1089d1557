"""The Python API: policykg.load() and KnowledgeGraph, as a researcher uses them in a notebook."""

from __future__ import annotations

import os
import time
import warnings

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
    # a dump in a project's dist/ runs that project's library by name, and a .rq file by its path
    totals = from_file.query("budget/printed-totals")
    assert totals == policykg.load(scratch.root).query("budget/printed-totals") and len(totals) == 6
    assert from_file.query(scratch.queries_dir / "budget" / "printed-totals.rq") == totals
    assert from_file.query(str(scratch.queries_dir / "budget" / "printed-totals.rq")) == totals
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


def test_a_dump_outside_any_project_runs_sparql_and_says_why_a_name_cannot_run(
    scratch: Project, tmp_path_factory, monkeypatch
) -> None:
    assert run_cli("build", root=scratch.root).returncode == 0
    elsewhere = tmp_path_factory.mktemp("elsewhere")  # beside the project, not in it
    dump = elsewhere / "policykg.nt"
    dump.write_bytes((scratch.dist_dir / "policykg.nt").read_bytes())
    monkeypatch.chdir(elsewhere)
    monkeypatch.delenv("POLICYKG_ROOT", raising=False)
    kg = policykg.load(dump)
    assert kg.project is None and str(dump) in repr(kg)
    assert kg.query("ASK { ?s a pkg:PolicyDocument }") is True
    with pytest.raises(PolicyKGError, match="names a library query, and no project"):
        kg.query("budget/printed-totals")
    with pytest.raises(PolicyKGError, match="no query file"):
        kg.query(elsewhere / "missing.rq")


def test_iris_are_told_apart_from_text_and_still_compare_as_text() -> None:
    kg = policykg.load(ROOT)
    rows = kg.query("browse/institutions-ranked")
    first = rows[0]
    assert isinstance(first.institution, policykg.IRI) and not isinstance(
        first.institutionLabel, policykg.IRI
    )
    assert first.institution == str(first.institution) and first.institution.startswith("https://")
    assert isinstance(first.interventions, int)


def test_dataframe_columns_have_the_types_of_their_values() -> None:
    pandas = pytest.importorskip("pandas")
    kg = policykg.load(ROOT)
    budget = kg.to_dataframe("budget/budget-by-priority-and-period")
    assert str(budget.amount.dtype) == "Float64" and str(budget.priorityLabel.dtype) == "string"
    assert budget.amount.sum() == 2965 + budget[budget.periodLabel != "structural"].amount.sum()
    assert pandas.api.types.is_numeric_dtype(budget.amount)
    assert budget.document.map(lambda v: isinstance(v, policykg.IRI)).all()
    ranked = kg.to_dataframe("browse/institutions-ranked")
    assert str(ranked.interventions.dtype) == "Int64" and str(ranked.priorities.dtype) == "Int64"
    assert ranked.interventions.max() == max(r.interventions for r in kg.query("browse/institutions-ranked"))
    # an unbound cell is missing, not a string
    with pytest.warns(policykg.QueryWarning):  # the property is not in the ontology
        sparse = kg.to_dataframe(
            "SELECT ?p ?n WHERE { ?p a pkg:Priority OPTIONAL { ?p pkg:noSuchProperty ?n } }"
        )
    assert sparse.n.isna().all() and len(sparse) >= 5
    with pytest.warns(policykg.QueryWarning):
        empty = kg.to_dataframe("SELECT ?x WHERE { ?x a pkg:NoSuchClass }")
    assert list(empty.columns) == ["x"] and len(empty) == 0


def test_find_gives_the_iri_of_a_label_in_either_language_or_an_abbreviation() -> None:
    kg = policykg.load(ROOT)
    ncsc = kg.find("NCSC")[0]
    assert ncsc.iri == "https://w3id.org/policykg/id/institution/ncsc" and ncsc.kind == "exact"
    assert ncsc.label_nl == "Nationaal Cyber Security Centrum"
    # priorities and interventions of a document are found too, not only shared resources
    priority = kg.find("Digitale Veiligheid")[0]
    assert "pkg:Priority" in priority.types
    assert kg.query(f"ASK {{ <{priority.iri}> a pkg:Priority }}") is True
    assert kg.find("rechtspraak")[0].label_en == "the Judiciary"
    assert kg.find("zzqx nothing like it") == []


def test_label_columns_in_the_language_asked_for() -> None:
    kg = policykg.load(ROOT)
    dutch = kg.query("browse/institutions-ranked", lang="nl")
    english = kg.query("browse/institutions-ranked")
    police = "https://w3id.org/policykg/id/institution/politie"
    assert {r.institutionLabel for r in dutch if r.institution == police} == {"Politie"}
    assert {r.institutionLabel for r in english if r.institution == police} == {"Netherlands Police"}
    # an IRI column without a label of the query's gets one beside it
    added = kg.query(
        "SELECT ?i WHERE { VALUES ?i { <https://w3id.org/policykg/id/institution/ncsc> } }", lang="nl"
    )
    assert added[0]._fields == ("i", "i_label") and added[0].i_label == "Nationaal Cyber Security Centrum"
    with pytest.raises(PolicyKGError, match="choose 'nl' or 'en'"):
        kg.query("browse/institutions-ranked", lang="de")


def test_a_query_that_would_answer_nothing_warns() -> None:
    kg = policykg.load(ROOT)
    with pytest.warns(policykg.QueryWarning, match=r"pkg:involve is not declared.*pkg:involves"):
        assert kg.query("SELECT ?i ?x WHERE { ?i pkg:involve ?x }") == []
    with pytest.warns(policykg.QueryWarning, match=r"\?never is selected but nothing"):
        kg.to_dataframe("SELECT ?i ?never WHERE { ?i a pkg:Priority }")
    with warnings.catch_warnings():
        warnings.simplefilter("error", policykg.QueryWarning)
        assert len(kg.query("budget/printed-totals")) > 0  # the library draws no warning
        with pytest.raises(policykg.QueryWarning):
            kg.query("SELECT ?i WHERE { ?i pkg:involve ?x }")
