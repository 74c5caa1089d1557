"""policykg query and queries: formats, parameters, and clear errors for bad input."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
from conftest import ROOT, run_cli


def test_queries_lists_the_library_by_category() -> None:
    result = run_cli("queries", root=ROOT)
    assert result.returncode == 0
    for category in (
        "browse/",
        "overlaps/",
        "dependencies/",
        "budget/",
        "coverage/",
        "provenance/",
        "checks/",
    ):
        assert f"\n{category}\n" in "\n" + result.stdout
    assert "overlaps/institutions-across-priorities" in result.stdout
    assert "[--param intervention=…]" in result.stdout


def test_table_shows_labels_beside_iris_and_fits_the_width() -> None:
    result = run_cli("query", "browse/frameworks-by-priority", "--width", "400", root=ROOT)
    assert result.returncode == 0, result.stderr
    assert re.search(r"  id:law/dsa +Digital Services Act  ", result.stdout)
    assert result.stdout.strip().endswith("(14 rows)")
    assert max(len(line) for line in result.stdout.splitlines()) <= 400
    clipped = run_cli("query", "browse/institutions-ranked", "--width", "70", root=ROOT).stdout
    assert max(len(line) for line in clipped.splitlines()) <= 70
    assert "id:…/toezichthouders" in clipped  # an IRI clipped in its middle, keeping its end
    narrow = run_cli("query", "browse/frameworks-by-priority", "--width", "70", root=ROOT).stdout
    assert max(len(line) for line in narrow.splitlines()) <= 70
    assert "frameworkLabel    Digital Services Act" in narrow  # too many columns: one record per row


def test_machine_formats_follow_the_w3c_result_formats() -> None:
    name = "budget/printed-totals"
    data = json.loads(run_cli("query", name, "--format", "json", root=ROOT).stdout)
    assert data["head"]["vars"] == ["document", "periodLabel", "printed", "sum", "addsUp"]
    assert len(data["results"]["bindings"]) == 6
    rows = list(csv.reader(io.StringIO(run_cli("query", name, "-f", "csv", root=ROOT).stdout)))
    assert rows[0] == ["document", "periodLabel", "printed", "sum", "addsUp"] and rows[1] == [
        "https://w3id.org/policykg/id/kernboodschap-digitalisering",
        "2026",
        "1705",
        "1705",
        "yes",
    ]
    tsv = run_cli("query", name, "-f", "tsv", root=ROOT).stdout.splitlines()
    assert tsv[0] == "?document\t?periodLabel\t?printed\t?sum\t?addsUp"
    root = ET.fromstring(run_cli("query", name, "-f", "xml", root=ROOT).stdout)
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"


def test_construct_gives_turtle(tmp_path) -> None:
    query = tmp_path / "levels.rq"
    query.write_text(
        "CONSTRUCT { ?l skos:notation ?n } WHERE { ?l a pkg:InterventionLevel ; skos:notation ?n }"
    )
    result = run_cli("query", str(query), "--format", "turtle", root=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count('"promote"') == 1 and "skos:notation" in result.stdout
    wrong = run_cli("query", str(query), "--format", "csv", root=ROOT)
    assert wrong.returncode == 2 and "turtle or ntriples" in wrong.stderr


def test_parameters_change_the_answer() -> None:
    default = run_cli("query", "dependencies/depends-on-transitively", "-f", "json", root=ROOT)
    other = run_cli(
        "query",
        "depends-on-transitively",
        "--param",
        "intervention=https://w3id.org/policykg/id/kernboodschap-digitalisering/intervention/nds-realiseren",
        "-f",
        "json",
        root=ROOT,
    )

    def names(out: str) -> set[str]:
        return {b["dependency"]["value"].rsplit("/", 1)[1] for b in json.loads(out)["results"]["bindings"]}

    assert names(default.stdout) == {"ai-deltaplan", "digitale-infrastructuur", "onderwijs-arbeidsmarkt"}
    assert "investeringsagenda-nds" in names(other.stdout) and "kabinet" in names(other.stdout)
    unknown = run_cli("query", "depends-on-transitively", "--param", "year=2026", root=ROOT)
    assert (
        unknown.returncode == 2 and "has no parameter year (its parameters: intervention)" in unknown.stderr
    )


def test_unknown_name_suggests_the_closest() -> None:
    result = run_cli("query", "institutions-across-priority", root=ROOT)
    assert result.returncode == 2
    assert "did you mean overlaps/institutions-across-priorities" in result.stderr


def test_syntax_error_gives_line_and_column(tmp_path) -> None:
    query = tmp_path / "broken.rq"
    query.write_text("# title: broken\nSELECT ?s WHERE {\n  ?s a pkg:Intervention\n  FILTER(\n}\n")
    result = run_cli("query", str(query), root=ROOT)
    assert result.returncode == 1
    assert "the query is not valid SPARQL" in result.stderr
    assert re.search(re.escape(str(query)) + r":6:1: expected one of", result.stderr), result.stderr
    assert "Traceback" not in result.stderr


def test_updates_are_refused(tmp_path) -> None:
    query = tmp_path / "update.rq"
    query.write_text("DELETE WHERE { ?s ?p ?o }")
    result = run_cli("query", str(query), root=ROOT)
    assert result.returncode == 2 and "updates are refused" in result.stderr


def test_first_rows_are_the_answers_own_rows_and_count_them_all(loaded) -> None:
    """The gallery keeps only the rows it shows: they are the first rows of the whole answer, bound as the
    SPARQL results JSON binds them, and the count is the whole answer's."""
    from policykg.library import list_queries
    from policykg.query import EmbeddedEngine, prepare

    engine = EmbeddedEngine(loaded.store)
    compared = 0
    for query in list_queries(loaded.project.queries_dir):
        sparql = prepare(query)[0]
        whole = engine.answer(sparql)
        first, total = engine.answer_first(sparql, 3)
        assert first.kind == whole.kind and first.variables == whole.variables, query.name
        if whole.kind == "select":
            assert total == len(whole.rows), query.name
            assert first.rows == whole.rows[:3], query.name
            compared += bool(whole.rows)
    assert compared >= 30


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("kernboodschap-digitalisering", "not an IRI"),
        (
            "id:kernboodschap-digitalisering/priority",
            "no policy document with that IRI in the graph (documents: ",
        ),
    ],
)
def test_a_document_not_in_the_graph_is_refused_not_answered_empty(value: str, message: str) -> None:
    result = run_cli("query", "overlaps/themes-across-priorities", "--param", f"document={value}", root=ROOT)
    assert result.returncode == 2 and message in result.stderr and "Traceback" not in result.stderr
    assert (
        "https://w3id.org/policykg/id/kernboodschap-digitalisering" in result.stderr
        or message == "not an IRI"
    )


def test_a_carriage_return_in_a_parameter_is_the_parameters_fault_never_the_files() -> None:
    text = run_cli("query", "overlaps/theme-links", "--param", "theme=a\rb", "--format", "csv", root=ROOT)
    assert text.returncode == 0 and "not valid SPARQL" not in text.stderr, text.stderr
    iri = run_cli("query", "browse/interventions-by-level", "--param", "document=a\rb", root=ROOT)
    assert iri.returncode == 2 and "document=a\\u000db" in iri.stderr and "\r" not in iri.stderr
