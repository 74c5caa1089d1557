"""The fiche as modelled: facts checked by hand against the source text."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from conftest import ROOT

from policykg.coverage import locate_passage
from policykg.load import LoadedGraph
from policykg.namespaces import sparql_prologue

TEXT = (ROOT / "sources" / "kernboodschap-digitalisering.txt").read_text(encoding="utf-8")
DOC = "https://w3id.org/policykg/id/kernboodschap-digitalisering"


def select(loaded: LoadedGraph, query: str) -> list[dict[str, str]]:
    solutions = loaded.query(sparql_prologue() + query)
    names = [v.value for v in solutions.variables]
    return [{n: (row[n].value if row[n] is not None else None) for n in names} for row in solutions]


def test_five_priorities_of_the_document(loaded: LoadedGraph) -> None:
    rows = select(
        loaded, f"SELECT ?l WHERE {{ <{DOC}> pkg:hasPriority/rdfs:label ?l FILTER(LANG(?l)='nl') }}"
    )
    assert sorted(r["l"] for r in rows) == [
        "Digitale Economie",
        "Digitale Open Strategische Autonomie",
        "Digitale Overheid",
        "Digitale Samenleving",
        "Digitale Veiligheid",
    ]


def test_six_nds_priorities_under_the_nds(loaded: LoadedGraph) -> None:
    rows = select(
        loaded, "SELECT ?p WHERE { <https://w3id.org/policykg/id/strategy/nds> pkg:hasPriority ?p }"
    )
    assert len(rows) == 6


# The budget table of the fiche, lines 14-19, copied by hand.
TABLE = {
    "digitale-overheid": [745, 1110, 1355, 1510, 1615, 950],
    "digitale-economie": [595, 1075, 1395, 1575, 1535, 1550],
    "digitale-veiligheid": [300, 355, 390, 400, 345, 405],
    "digitale-samenleving": [65, 65, 75, 75, 75, 60],
}
TOTALS = [1705, 2605, 3215, 3560, 3570, 2965]
PERIODS = ["2026", "2027", "2028", "2029", "2030", "structural"]


def test_budget_cube_holds_every_figure_of_the_table(loaded: LoadedGraph) -> None:
    rows = select(
        loaded,
        """SELECT ?priority ?period ?amount WHERE {
             ?o qb:dataSet/qb:structure pkg:budgetStructure ; pkg:priority ?priority ;
                pkg:period/skos:notation ?period ; pkg:amount ?amount }""",
    )
    got = {(r["priority"].rsplit("/", 1)[1], r["period"]): Decimal(r["amount"]) for r in rows}
    want = {(p, per): Decimal(v) for p, vals in TABLE.items() for per, v in zip(PERIODS, vals, strict=True)}
    assert got == want


def test_printed_totals_and_the_rounded_three_billion(loaded: LoadedGraph) -> None:
    rows = select(
        loaded,
        """SELECT ?dataset ?period ?amount WHERE {
             ?o qb:dataSet ?dataset ; pkg:period/skos:notation ?period ; pkg:amount ?amount .
             ?dataset qb:structure pkg:budgetTotalStructure }""",
    )
    by_dataset: dict[str, dict[str, Decimal]] = {}
    for r in rows:
        by_dataset.setdefault(r["dataset"].rsplit("/", 1)[1], {})[r["period"]] = Decimal(r["amount"])
    assert by_dataset["printed-totals"] == {p: Decimal(v) for p, v in zip(PERIODS, TOTALS, strict=True)}
    assert by_dataset["coalition-text"] == {"structural": Decimal(3000)}
    assert by_dataset["estimate"] == {"structural": Decimal(3000)}


def test_strategic_autonomy_has_no_budget_rows(loaded: LoadedGraph) -> None:
    rows = select(
        loaded,
        f"SELECT ?o WHERE {{ ?o pkg:priority <{DOC}/priority/open-strategische-autonomie> }}",
    )
    assert rows == []


def test_footnotes_one_to_ten_each_qualify_something(loaded: LoadedGraph) -> None:
    rows = select(
        loaded,
        "SELECT ?n (COUNT(?x) AS ?k) WHERE { ?f pkg:footnoteNumber ?n ; pkg:qualifies ?x } GROUP BY ?n",
    )
    assert sorted(int(r["n"]) for r in rows) == list(range(1, 11))
    assert all(int(r["k"]) >= 1 for r in rows)


def test_eu_identifiers_are_the_verified_elis_and_no_others(loaded: LoadedGraph) -> None:
    rows = select(
        loaded,
        """SELECT ?law ?eli WHERE { ?law skos:exactMatch ?eli .
             FILTER(STRSTARTS(STR(?eli), "http://data.europa.eu/eli/")) }""",
    )
    assert {(r["law"].rsplit("/", 1)[1], r["eli"]) for r in rows} == {
        ("dsa", "http://data.europa.eu/eli/reg/2022/2065/oj"),
        ("avg", "http://data.europa.eu/eli/reg/2016/679/oj"),
    }
    # owl:sameAs would make the ELI resource inherit local labels and edges under OWL reasoning
    assert select(loaded, "SELECT ?x WHERE { ?x owl:sameAs ?y }") == []
    # the fiche does not name the NIS2 Directive, so the graph does not hold it
    assert select(loaded, "SELECT ?p WHERE { <https://w3id.org/policykg/id/law/nis2> ?p ?o }") == []


def test_ncsc_keeps_the_sources_spelling(loaded: LoadedGraph) -> None:
    rows = select(
        loaded, "SELECT ?a WHERE { <https://w3id.org/policykg/id/institution/ncsc> skos:altLabel ?a }"
    )
    assert {"NCSC", "NSCS"} <= {r["a"] for r in rows}


def test_levels_carry_their_notations(loaded: LoadedGraph) -> None:
    rows = select(loaded, "SELECT ?n WHERE { ?l a pkg:InterventionLevel ; skos:notation ?n }")
    assert sorted(r["n"] for r in rows) == ["partner", "promote", "protect"]


def test_dependencies_are_marked_stated_or_reading_and_cross_priorities(loaded: LoadedGraph) -> None:
    rows = select(
        loaded,
        """SELECT ?basis (COUNT(*) AS ?n) WHERE {
             ?q rdf:predicate pkg:dependsOn ; pkg:basis/skos:notation ?basis } GROUP BY ?basis""",
    )
    counts = {r["basis"]: int(r["n"]) for r in rows}
    assert counts.get("stated", 0) > 0 and counts.get("reading", 0) > 0
    assert set(counts) == {"stated", "reading"}
    crossing = select(
        loaded,
        """SELECT ?a ?b WHERE { ?a pkg:dependsOn ?b ; pkg:underPriority ?pa . ?b pkg:underPriority ?pb .
             FILTER(?pa != ?pb) }""",
    )
    assert len(crossing) >= 3


def bullet_lines() -> list[tuple[int, int, str]]:
    """Spans of every bullet and numbered item under a "Benodigde beleidsinterventies" heading."""
    spans, offset, inside = [], 0, False
    for line in TEXT.split("\n"):
        if line.startswith("Benodigde beleidsinterventies"):
            inside = True
        elif re.match(r"^\d\. Digitale (Overheid|Economie|Veiligheid|Samenleving|Open)", line):
            inside = False
        if inside and (re.match(r"^\s*- ", line) or re.match(r"^\d\. ", line)):
            spans.append((offset, offset + len(line), line))
        offset += len(line) + 1
    return spans


BULLETS = bullet_lines()


def test_the_bullets_are_found() -> None:
    assert len(BULLETS) == 6 + 5 + 7 + 3 + 7


@pytest.mark.parametrize("bullet", BULLETS, ids=[b[2][:40] for b in BULLETS])
def test_every_bullet_is_at_least_one_intervention(bullet: tuple[int, int, str], loaded: LoadedGraph) -> None:
    start, end, _line = bullet
    rows = select(
        loaded,
        """SELECT ?exact ?prefix ?suffix WHERE { ?i a pkg:Intervention ; prov:wasDerivedFrom ?p .
             ?p oa:hasSelector ?s . ?s oa:exact ?exact .
             OPTIONAL { ?s oa:prefix ?prefix } OPTIONAL { ?s oa:suffix ?suffix } }""",
    )
    spans = [locate_passage(TEXT, r["exact"], r["prefix"] or "", r["suffix"] or "") for r in rows]
    assert any(span and span[0] < end and span[1] > start for span in spans)


def test_every_intervention_and_relation_carries_a_passage(loaded: LoadedGraph) -> None:
    rows = select(
        loaded,
        """SELECT ?x WHERE { { ?x a pkg:Intervention } UNION { ?x a pkg:QualifiedRelation }
             FILTER NOT EXISTS { ?x prov:wasDerivedFrom/oa:hasSelector/oa:exact ?e } }""",
    )
    assert rows == []
