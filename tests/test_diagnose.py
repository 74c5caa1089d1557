"""Queries that warn: undeclared pkg: terms, selected variables nothing binds and undeclared prefixes are
said before a query runs (policykg query, --strict, the endpoint); id:theme/talent works in a query's text
as in --param; no query of the library draws a warning."""

from __future__ import annotations

import csv
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT, run_cli

from policykg.diagnose import (
    MISSING_PREFIX,
    UNBOUND_VARIABLE,
    UNKNOWN_TERM,
    declared_terms,
    diagnose_query,
    explain_syntax_error,
)
from policykg.library import escape_slash_names, list_queries
from policykg.namespaces import PREFIXES, sparql_prologue
from policykg.project import Project
from policykg.query import prepare

PKG = "https://w3id.org/policykg/def#"
TERMS = declared_terms(Project(ROOT))


def write(folder: Path, name: str, text: str) -> str:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def warnings_of(sparql: str) -> list[tuple[str, str]]:
    return [(d.kind, d.subject) for d in diagnose_query(sparql_prologue() + sparql, TERMS)]


# --- the library: no false warning -----------------------------------------------------------------


def test_the_ontology_declares_the_core_terms() -> None:
    assert {PKG + "involves", PKG + "Intervention", PKG + "stated"} <= TERMS
    assert all(t.startswith(PKG) for t in TERMS) and len(TERMS) > 50


def test_no_query_of_the_library_draws_a_warning() -> None:
    queries = list_queries(ROOT / "queries")
    assert len(queries) > 50
    for query in queries:
        sparql, _ = prepare(query)
        assert diagnose_query(sparql, TERMS) == [], query.name
        assert escape_slash_names(sparql) == sparql, query.name


# --- the four reproductions, through the command line ----------------------------------------------


def test_a_misspelled_term_warns_with_the_closest_and_still_runs(tmp_path: Path) -> None:
    query = write(tmp_path, "a.rq", "# title: typo\nSELECT ?i ?x WHERE { ?i pkg:involve ?x }\n")
    result = run_cli("query", query, root=ROOT)
    assert result.returncode == 0 and "(0 rows)" in result.stdout
    assert result.stderr == (
        f"warning: {query}:2:25: pkg:involve is not declared by the ontology; did you mean pkg:involves?\n"
    )


def test_a_selected_variable_nothing_binds_warns(tmp_path: Path) -> None:
    query = write(
        tmp_path,
        "b.rq",
        "SELECT ?i ?label WHERE {\n  ?i a pkg:Intervention .\n"
        "  FILTER NOT EXISTS { ?i rdfs:label ?label }\n}\n",
    )
    result = run_cli("query", query, "--format", "csv", root=ROOT)
    assert result.returncode == 0
    assert result.stderr == (
        f"warning: {query}:1:11: ?label is selected but nothing in the WHERE clause can bind it, so its "
        "column is always empty\n"
    )


def test_a_missing_prefix_is_one_line_naming_it_and_its_declaration(tmp_path: Path) -> None:
    query = write(tmp_path, "c.rq", "SELECT ?d WHERE {\n  ?d a dcat:Dataset\n}\n")
    result = run_cli("query", query, root=ROOT)
    assert result.returncode == 1 and result.stdout == ""
    assert result.stderr == (
        f"policykg query: {query}:2:8: the prefix dcat: is not declared; "
        "add PREFIX dcat: <http://www.w3.org/ns/dcat#>\n"
    )
    typo = write(tmp_path, "t.rq", "SELECT ?d WHERE { ?d a pgk:PolicyDocument }\n")
    result = run_cli("query", typo, root=ROOT)
    assert result.returncode == 1 and len(result.stderr.splitlines()) == 1
    assert "the prefix pgk: is not declared; did you mean pkg:?" in result.stderr
    unknown = write(tmp_path, "u.rq", "SELECT ?d WHERE { ?d a zzq:Thing }\n")
    result = run_cli("query", unknown, root=ROOT)
    assert result.stderr.endswith(
        "the prefix zzq: is not declared; add PREFIX zzq: <...> with the namespace IRI it stands for\n"
    )


def test_an_id_name_with_a_slash_in_values_gives_the_rows_of_its_iri(tmp_path: Path) -> None:
    body = "SELECT ?i WHERE {{ VALUES ?t {{ {} }} ?i pkg:addresses ?t }} ORDER BY ?i\n"
    short = write(tmp_path, "short.rq", body.format("id:theme/talent"))
    full = write(tmp_path, "full.rq", body.format("<https://w3id.org/policykg/id/theme/talent>"))
    by_name = run_cli("query", short, "--format", "csv", root=ROOT)
    by_iri = run_cli("query", full, "--format", "csv", root=ROOT)
    assert by_name.returncode == 0 and by_name.stderr == "", by_name.stderr
    rows = list(csv.reader(io.StringIO(by_name.stdout)))
    assert len(rows) > 2 and by_name.stdout == by_iri.stdout
    param = run_cli(
        "query", "overlaps/theme-links", "--param", "theme=id:theme/talent", "--format", "csv", root=ROOT
    )
    assert param.returncode == 0, param.stderr


def test_strict_refuses_a_query_with_warnings_and_runs_nothing(tmp_path: Path) -> None:
    query = write(tmp_path, "a.rq", "SELECT ?i ?label WHERE { ?i pkg:involve ?x }\n")
    # nothing listens on port 9: a query that ran would fail to reach it
    result = run_cli("query", query, "--strict", "--endpoint", "http://127.0.0.1:9/sparql", root=ROOT)
    assert result.returncode == 1 and result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0] == "policykg query: --strict: 2 warning(s); the query was not run"
    assert "pkg:involve is not declared" in lines[2] and "?label is selected" in lines[1]
    assert "cannot reach" not in result.stderr


def test_a_query_without_problems_prints_no_warning_with_or_without_strict(tmp_path: Path) -> None:
    plain = run_cli("query", "budget/printed-totals", "--format", "csv", root=ROOT)
    strict = run_cli("query", "budget/printed-totals", "--format", "csv", "--strict", root=ROOT)
    assert plain.returncode == strict.returncode == 0
    assert plain.stderr == strict.stderr == "" and plain.stdout == strict.stdout
    query = write(tmp_path, "ok.rq", "SELECT ?i ?label WHERE { ?i pkg:involves ?x ; rdfs:label ?label }\n")
    result = run_cli("query", query, "--strict", "--format", "json", root=ROOT)
    assert result.returncode == 0 and result.stderr == ""
    assert json.loads(result.stdout)["results"]["bindings"]


# --- the analysis ------------------------------------------------------------------------------------


def test_terms_are_checked_in_every_form_with_suggestions() -> None:
    found = diagnose_query(
        sparql_prologue() + f"SELECT ?i {{ ?i a pkg:intervention ; <{PKG}underPriorty> ?p . "
        "FILTER(?p IN (pkg:hasPriority, pkg:nothingLikeIt)) }",
        TERMS,
    )
    assert [(d.kind, d.subject) for d in found] == [
        (UNKNOWN_TERM, PKG + "intervention"),
        (UNKNOWN_TERM, PKG + "underPriorty"),
        (UNKNOWN_TERM, PKG + "nothingLikeIt"),
    ]
    assert found[0].suggestions[0] == "pkg:Intervention"
    assert found[1].suggestions[0] == "pkg:underPriority"
    assert found[2].suggestions == () and "no declared term is close" in found[2].message
    assert warnings_of("SELECT ?x { ?x a pkg:Law . FILTER(STRSTARTS(STR(?x), STR(pkg:))) }") == []


@pytest.mark.parametrize(
    ("query", "unbound"),
    [
        ("SELECT ?a ?b { ?a ?p ?o OPTIONAL { ?a rdfs:label ?b } }", []),
        ("SELECT ?a ?b { ?a ?p ?o MINUS { ?a rdfs:label ?b } }", ["b"]),
        ("SELECT ?a ?b { ?a ?p ?o FILTER(?b = 1) }", ["b"]),
        ("SELECT ?a ?b { ?a ?p ?o BIND(STR(?o) AS ?b) }", []),
        ("SELECT ?a ?d { VALUES ?d { UNDEF } ?a ?p ?o }", []),
        ("SELECT ?a ?b { { ?a ?p ?o } UNION { ?b ?p ?o } }", []),
        ("SELECT ?a ?o { { SELECT ?a WHERE { ?a ?p ?o } } }", ["o"]),
        ("SELECT ?a ?n { { SELECT ?a (COUNT(?o) AS ?n) WHERE { ?a ?p ?o } GROUP BY ?a } }", []),
        ("SELECT ?k (COUNT(*) AS ?n) { ?a ?p ?o } GROUP BY (STR(?a) AS ?k)", []),
        ("SELECT ?a ?g { GRAPH ?g { ?a ?p ?o } }", []),
        ("SELECT ?a ?c { ?a ?p ( ?b ?c ) }", []),
        ("SELECT ?a ?z { ?a ?p ?o } VALUES ?z { 1 }", []),
        ("SELECT * { ?a ?p ?o FILTER NOT EXISTS { ?a ?q ?b } }", []),
        ("ASK { ?a ?p ?o FILTER(?b) }", []),
    ],
)
def test_a_variable_is_bindable_by_the_scope_rules_of_sparql(query: str, unbound: list[str]) -> None:
    found = diagnose_query(sparql_prologue() + query)
    assert [d.subject for d in found if d.kind == UNBOUND_VARIABLE] == unbound
    assert not [d for d in found if d.fatal]


def test_a_prefix_declared_in_the_query_or_by_the_endpoint_is_no_problem() -> None:
    assert diagnose_query("PREFIX dcat: <http://www.w3.org/ns/dcat#> SELECT ?d { ?d a dcat:Dataset }") == []
    assert diagnose_query("SELECT ?d { ?d a pkg:Law }", prefixes=PREFIXES) == []
    found = diagnose_query("SELECT ?d { ?d a pkg:Law }")
    assert [(d.kind, d.subject, d.fatal) for d in found] == [(MISSING_PREFIX, "pkg", True)]
    assert (
        found[0].message
        == "the prefix pkg: is not declared; add PREFIX pkg: <https://w3id.org/policykg/def#>"
    )
    assert diagnose_query("SELECT * {") == []  # not a query: the engine says why


def test_a_slash_in_a_name_is_escaped_only_where_sparql_cannot_read_it() -> None:
    assert escape_slash_names("SELECT * { VALUES ?t { id:theme/talent id:a/b/c } }") == (
        "SELECT * { VALUES ?t { id:theme\\/talent id:a\\/b\\/c } }"
    )
    kept = [
        "SELECT * { ?s pkg:partOf/pkg:underPriority ?o }",  # a path
        "SELECT * { ?s pkg:partOf/a ?o }",  # a path to rdf:type
        "SELECT * { ?s ?p ?o FILTER(?o = pkg:x/2) }",  # a division
        "SELECT * { ?s ?p 'id:theme/talent' } # id:theme/talent",  # a string and a comment
        "SELECT * { ?s ?p <https://w3id.org/policykg/id/theme/talent> }",
        "SELECT * { VALUES ?t { id:theme/talent } FILTER( }",  # broken either way: kept for its message
    ]
    for text in kept:
        assert escape_slash_names(text) == text, text
    assert escape_slash_names("SELECT * { VALUES ?p { id:period/2026 } }") == (
        "SELECT * { VALUES ?p { id:period\\/2026 } }"
    )
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:s"), ox.NamedNode("urn:p"), ox.NamedNode(PREFIXES["id"] + "theme/x")))
    answer = store.query(sparql_prologue() + escape_slash_names("SELECT ?s { ?s ?p id:theme/x }"))
    assert [row["s"].value for row in answer] == ["urn:s"]


# --- the endpoint ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from policykg.serve import Settings, start

    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("urn:a"), ox.NamedNode(PKG + "involves"), ox.NamedNode("urn:b")))
    running = start(tmp_path_factory.mktemp("site"), store, settings=Settings(workers=1, timeout=10))
    try:
        yield running.url + "/sparql"
    finally:
        running.stop()


def ask(url: str, query: str) -> tuple[int, str]:
    request = urllib.request.Request(
        url + "?" + urllib.parse.urlencode({"query": query}),
        headers={"Accept": "application/sparql-results+json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def test_the_endpoint_names_a_missing_prefix_in_one_line(endpoint: str) -> None:
    status, body = ask(endpoint, "SELECT ?d WHERE {\n  ?d a dcat:Dataset\n}")
    assert status == 400
    assert body == (
        "not valid SPARQL: line 2, column 8: the prefix dcat: is not declared; "
        "add PREFIX dcat: <http://www.w3.org/ns/dcat#>\n"
    )
    status, body = ask(endpoint, "SELECT * { VALUES ?t { id:theme/talent } }")
    assert status == 400 and "write id:theme\\/talent or the full IRI" in body
    status, body = ask(endpoint, "SELECT ?s { ?s pkg:involves ?o }")  # the endpoint declares pkg:
    assert status == 200 and json.loads(body)["results"]["bindings"][0]["s"]["value"] == "urn:a"
    status, body = ask(endpoint, "SELECT * {")
    assert status == 400 and body.startswith("not valid SPARQL: ") and "prefix" not in body


def test_a_syntax_error_without_a_missing_prefix_is_not_explained() -> None:
    assert explain_syntax_error("SELECT * { ?s ?p }", PREFIXES) is None
    assert explain_syntax_error("SELECT ?d { ?d a pkg:Law }", PREFIXES) is None


def test_a_library_query_is_reviewed_by_expect_and_by_strict(scratch: Project) -> None:
    """policykg query NAME runs a library query without reading it again (the library is reviewed by
    policykg expect and these tests); --strict reviews it all the same."""
    folder = scratch.queries_dir / "browse"
    (folder / "mine.rq").write_text(
        "# title: Mine\n# description: A query with a typo.\n# category: browse\n"
        "SELECT ?i ?x WHERE { ?i pkg:involve ?x }\n",
        encoding="utf-8",
    )
    by_name = run_cli("query", "browse/mine", "--format", "csv", root=scratch.root)
    assert by_name.returncode == 0 and by_name.stderr == ""
    strict = run_cli("query", "browse/mine", "--strict", root=scratch.root)
    assert strict.returncode == 1 and "pkg:involve is not declared" in strict.stderr
    expected = run_cli("expect", "--query", "browse/mine", root=scratch.root)
    assert "warning: queries/browse/mine.rq:4:" in expected.stderr
    assert "pkg:involve is not declared by the ontology; did you mean pkg:involves?" in expected.stderr
