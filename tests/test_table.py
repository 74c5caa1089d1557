"""The table of policykg query: each IRI once, compactly, with its label once beside it, every label column
in the language asked for; the machine formats unchanged."""

from __future__ import annotations

import json
import re

import pyoxigraph as ox
import pytest
from conftest import ROOT, run_cli

from policykg.load import LoadedGraph
from policykg.namespaces import sparql_prologue
from policykg.project import Project
from policykg.query import Answer, EmbeddedEngine, find_query, prepare
from policykg.results import format_table, label_answer, pair_label_columns

EX = "http://example.org/"
LEVEL_QUERY = "browse/interventions-by-level"
AUTONOMY = "https://w3id.org/policykg/id/kernboodschap-digitalisering/priority/open-strategische-autonomie"


@pytest.fixture(scope="module")
def engine(loaded: LoadedGraph) -> EmbeddedEngine:
    return EmbeddedEngine(loaded.store)


def run(engine: EmbeddedEngine, name: str) -> Answer:
    return engine.answer(prepare(find_query(Project(ROOT), name))[0])


def table(engine: EmbeddedEngine, answer: Answer, lang: str | None = None, width: int = 400) -> list[str]:
    return format_table(label_answer(engine, answer, lang), width=width).splitlines()


def test_a_label_the_query_projects_is_shown_once_beside_its_compact_iri(engine) -> None:
    lines = table(engine, run(engine, "browse/institutions-ranked"))
    assert lines[0].split() == ["institution", "institutionLabel", "interventions", "priorities"]
    police = next(line for line in lines if "politie" in line)
    assert re.match(r"id:institution/politie +Netherlands Police +4 +1$", police)
    assert all(line.count("Police") <= 1 for line in lines) and "‹" not in "\n".join(lines)


def test_an_iri_column_without_a_label_column_gets_one_beside_it(engine) -> None:
    lines = table(engine, run(engine, LEVEL_QUERY))
    header = re.split(r"\s{2,}", lines[0])
    assert header[:3] == ["document", "document (label)", "level"]
    assert header[-2:] == ["priority", "priorityLabel"]  # the query's own: nothing added
    assert re.match(r"id:kernboodschap-digitalisering +Key message on digitalisation +partner ", lines[2])


def test_lang_relabels_the_querys_own_label_columns(engine) -> None:
    ranked = "\n".join(table(engine, run(engine, "browse/institutions-ranked"), "nl"))
    assert re.search(r"id:institution/politie +Politie +4", ranked) and "Netherlands Police" not in ranked
    # a label column without its IRI column: found through the resources that bear the label
    share = "\n".join(table(engine, run(engine, "budget/share-per-priority"), "nl"))
    assert "Digitale Overheid" in share and "Digital Government" not in share
    # one English label borne by an NDS priority and an intervention: the column's class decides
    both = table(engine, run(engine, "browse/strategy-priorities"), "nl")
    row = next(line for line in both if "Digitaal vakmanschap" in line)
    assert re.match(
        r"Digitaal vakmanschap en moderne werkomgeving +Digitaal vakmanschap van ambtenaren en een moderne",
        row,
    )


def test_without_lang_the_querys_own_labels_stay_as_it_chose_them(engine) -> None:
    outline = "\n".join(table(engine, run(engine, "browse/document-outline")))
    assert "Kernboodschap" in outline and "Key message" not in outline  # the query asks for Dutch
    english = "\n".join(table(engine, run(engine, "browse/document-outline"), "en"))
    assert "Key message" in english and "Kernboodschap" not in english


def test_level_query_names_the_priority_of_each_intervention(engine) -> None:
    answer = run(engine, LEVEL_QUERY)
    assert answer.variables[-2:] == ["priority", "priorityLabel"]
    levels = {row["intervention"]["value"].rsplit("/", 1)[1]: row["level"]["value"] for row in answer.rows}
    assert levels == {
        "partner-coalities": "partner",
        "partner-internationale-kaders": "partner",
        "partner-toegang": "partner",
        "promote": "promote",
        "protect": "protect",
    }
    assert {row["priority"]["value"] for row in answer.rows} == {AUTONOMY}
    dutch = "\n".join(table(engine, answer, "nl"))
    assert dutch.count("Digitale Open Strategische Autonomie") == 5


def test_table_fits_its_width_and_turns_to_records_when_it_cannot(engine) -> None:
    answer = label_answer(engine, run(engine, LEVEL_QUERY))
    wide = format_table(answer, width=200).splitlines()
    assert max(map(len, wide)) <= 200 and wide[0].startswith("document ")
    assert "id:…/partner-toegang" in "\n".join(wide)  # an IRI clipped in its middle keeps its end
    for width in (80, 120):  # seven columns do not fit: one record per row
        narrow = format_table(answer, width=width).splitlines()
        assert max(map(len, narrow)) <= width and narrow[0].startswith("── 1 ")
    assert "priorityLabel      Digital Open Strategic Autonomy" in narrow
    assert narrow[-1] == "(5 rows)"


def label_store() -> EmbeddedEngine:
    store = ox.Store()
    data = f"""
        @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
        @prefix skos: <http://www.w3.org/2004/02/skos/core#> .
        <{EX}a> a <{EX}Law> ; rdfs:label "Act"@en, "Wet"@nl .
        <{EX}b> a <{EX}Body> ; skos:prefLabel "Body"@en, "Orgaan"@nl .
        <{EX}c> a <{EX}Law> ; rdfs:label "Same"@en, "Wet C"@nl .
        <{EX}d> a <{EX}Body> ; rdfs:label "Same"@en, "Orgaan D"@nl .
        <{EX}e> rdfs:label "Other"@en .
    """
    store.load(data.encode(), format=ox.RdfFormat.TURTLE)
    return EmbeddedEngine(store)


def test_label_columns_pair_by_name_or_by_value() -> None:
    engine = label_store()
    answer = engine.answer(
        f"SELECT ?law ?law_label ?body ?name ?note WHERE {{ VALUES (?law ?body) {{ (<{EX}a> <{EX}b>) }} "
        f'<{EX}a> <http://www.w3.org/2000/01/rdf-schema#label> ?law_label . FILTER(LANG(?law_label) = "en") '
        f'<{EX}b> <http://www.w3.org/2004/02/skos/core#prefLabel> ?name . FILTER(LANG(?name) = "en") '
        'BIND("a note"@en AS ?note) }'
    )
    from policykg.labels import fetch_labels

    labels = fetch_labels(engine, {EX + "a", EX + "b"})
    assert pair_label_columns(answer, labels) == {"law_label": "law", "name": "body"}
    dutch = label_answer(engine, answer, "nl")
    assert dutch.variables == ["law", "law_label", "body", "name", "note"]
    row = {k: v["value"] for k, v in dutch.rows[0].items()}
    assert row == {"law": EX + "a", "law_label": "Wet", "body": EX + "b", "name": "Orgaan", "note": "a note"}


def test_an_ambiguous_label_is_settled_by_the_columns_class_or_left_as_it_is() -> None:
    engine = label_store()
    laws = engine.answer('SELECT ?lawLabel WHERE { VALUES ?lawLabel { "Act"@en "Same"@en } }')
    assert [r["lawLabel"]["value"] for r in label_answer(engine, laws, "nl").rows] == ["Wet", "Wet C"]
    alone = engine.answer('SELECT ?thingLabel WHERE { VALUES ?thingLabel { "Same"@en "Other"@en } }')
    assert [r["thingLabel"]["value"] for r in label_answer(engine, alone, "nl").rows] == ["Same", "Other"]


def test_a_graph_answer_gets_label_columns_and_no_labels_keeps_the_answer(engine) -> None:
    answer = engine.answer(
        sparql_prologue()
        + "CONSTRUCT { ?l <http://e/n> ?n } WHERE { ?l a pkg:InterventionLevel ; skos:notation ?n }"
    )
    lines = table(engine, answer)
    assert lines[0].split() == ["subject", "subject", "(label)", "predicate", "object"]
    bare = format_table(run(engine, "browse/institutions-ranked"), width=400)
    assert "(label)" not in bare and re.search(r"\bid:institution/politie +Netherlands Police\b", bare)


def test_cli_lang_changes_the_table_and_leaves_machine_formats_alone(engine) -> None:
    dutch = run_cli("query", LEVEL_QUERY, "--lang", "nl", "--width", "300", root=ROOT)
    assert dutch.returncode == 0, dutch.stderr
    assert "Kernboodschap digitalisering" in dutch.stdout and "Partner: samenwerken" in dutch.stdout
    data = json.loads(run_cli("query", LEVEL_QUERY, "-f", "json", "--lang", "nl", root=ROOT).stdout)
    assert data == run(engine, LEVEL_QUERY).to_json()  # the query's answer as it is
    csv_lines = run_cli("query", LEVEL_QUERY, "-f", "csv", "--lang", "nl", root=ROOT).stdout.splitlines()
    assert csv_lines[0] == "document,level,intervention,interventionLabel,priority,priorityLabel"
    assert csv_lines[1].endswith(f"{AUTONOMY},Digital Open Strategic Autonomy")
