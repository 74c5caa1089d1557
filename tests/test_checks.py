"""Each check of queries/checks/ fires on the fault it is there to catch (and the fiche has none)."""

from __future__ import annotations

import pytest

from policykg.load import load_project
from policykg.project import Project
from policykg.validate import run_checks

PREFIXES = """
@prefix pkg: <https://w3id.org/policykg/def#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix qb: <http://purl.org/linked-data/cube#> .
@prefix int: <https://w3id.org/policykg/id/kernboodschap-digitalisering/intervention/> .
@prefix pri: <https://w3id.org/policykg/id/kernboodschap-digitalisering/priority/> .
@prefix pas: <https://w3id.org/policykg/id/kernboodschap-digitalisering/passage/> .
@prefix bud: <https://w3id.org/policykg/id/kernboodschap-digitalisering/budget/> .
@prefix rel: <https://w3id.org/policykg/id/kernboodschap-digitalisering/relation/> .
@prefix inst: <https://w3id.org/policykg/id/institution/> .
"""
REL = "https://w3id.org/policykg/id/kernboodschap-digitalisering/relation/"
INST = "https://w3id.org/policykg/id/institution/"

FAULTS = {
    "budget-rows": """
bud:extra a qb:Observation ; qb:dataSet bud:table ;
    pkg:period <https://w3id.org/policykg/id/period/2026> ; pkg:amount 0.0 .
""",
    "budget-totals": """
bud:extra a qb:Observation ; qb:dataSet bud:table ; pkg:priority pri:digitale-economie ;
    pkg:period <https://w3id.org/policykg/id/period/2031> ; pkg:amount 5.0 .
bud:total-2031 a qb:Observation ; qb:dataSet bud:printed-totals ;
    pkg:period <https://w3id.org/policykg/id/period/2031> ; pkg:amount 10.0 .
""",
    "declared-terms": "int:promote pkg:involvs <https://w3id.org/policykg/id/institution/eu> .",
    "passage-quotes": """
pas:extra a pkg:Passage ; <http://www.w3.org/ns/oa#hasSource> <https://w3id.org/policykg/id/kernboodschap-digitalisering> ;
    <http://www.w3.org/ns/oa#hasSelector> [ <http://www.w3.org/ns/oa#exact> "Nut en noodzaak" ] .
""",
    "passage-offsets": """
pas:a-analyses <http://www.w3.org/ns/oa#hasSelector> [ a <http://www.w3.org/ns/oa#TextPositionSelector> ;
    <http://www.w3.org/ns/oa#start> 0 ; <http://www.w3.org/ns/oa#end> 10 ] .
""",
    "priorities-with-interventions": "<https://w3id.org/policykg/id/kernboodschap-digitalisering> pkg:hasPriority pri:empty . pri:empty a pkg:Priority .",
    "qualified-relations-asserted": """
rel:extra a pkg:QualifiedRelation ; rdf:subject int:promote ; rdf:predicate pkg:involves ;
    rdf:object <https://w3id.org/policykg/id/institution/navo> ; prov:wasDerivedFrom pas:a-promote .
""",
    "edges-have-evidence": "int:promote pkg:dependsOn <https://w3id.org/policykg/id/institution/navo> .",
    "stated-edges-named": """
int:promote pkg:involves <https://w3id.org/policykg/id/institution/navo> .
rel:extra a pkg:QualifiedRelation ; rdf:subject int:promote ; rdf:predicate pkg:involves ;
    rdf:object <https://w3id.org/policykg/id/institution/navo> ; prov:wasDerivedFrom pas:a-promote ;
    pkg:basis pkg:stated .
""",
    "readings-explained": """
int:promote pkg:involves <https://w3id.org/policykg/id/institution/navo> .
rel:extra a pkg:QualifiedRelation ; rdf:subject int:promote ; rdf:predicate pkg:involves ;
    rdf:object <https://w3id.org/policykg/id/institution/navo> ; prov:wasDerivedFrom pas:a-promote ;
    pkg:basis pkg:reading .
""",
    "sub-interventions": "int:promote pkg:partOf int:partner-toegang . int:partner-toegang pkg:partOf int:promote .",
}


def titles(project: Project) -> dict[str, str]:
    from policykg.library import list_queries

    return {q.name: q.title for q in list_queries(project.checks_dir)}


def test_every_check_has_a_fault() -> None:
    from conftest import ROOT

    assert set(titles(Project(ROOT))) == set(FAULTS)


def test_the_fiche_passes_every_check(loaded) -> None:
    problems, count = run_checks(loaded)
    assert count == len(FAULTS) and problems == []


@pytest.mark.parametrize("check", sorted(FAULTS))
def test_check_fires_on_its_fault(check: str, scratch: Project) -> None:
    (scratch.graphs_dir / "fault.ttl").write_text(PREFIXES + FAULTS[check], encoding="utf-8")
    problems, _ = run_checks(load_project(scratch))
    title = titles(scratch)[check]
    assert any(title in p.message for p in problems), [str(p) for p in problems]


BUD = "https://w3id.org/policykg/id/kernboodschap-digitalisering/budget/"

MORE_FAULTS = {
    "duplicate-budget-rows": (
        "budget-rows",
        """
bud:dup-a a qb:Observation ; qb:dataSet bud:table ; pkg:priority pri:digitale-economie ;
    pkg:period <https://w3id.org/policykg/id/period/2031> ; pkg:amount 1.0 .
bud:dup-b a qb:Observation ; qb:dataSet bud:table ; pkg:priority pri:digitale-economie ;
    pkg:period <https://w3id.org/policykg/id/period/2031> ; pkg:amount 2.0 .
""",
        {
            (BUD + "dup-a", f"shares its priority and period with <{BUD}dup-b>"),
            (BUD + "dup-b", f"shares its priority and period with <{BUD}dup-a>"),
        },
    ),
    "name-inside-a-word": (
        # 'EU' is an alternative label of the European Union; 'Europese' in the quote does not name it.
        "stated-edges-named",
        """
int:partner-coalities pkg:targets inst:eu .
rel:inside a pkg:QualifiedRelation ; rdf:subject int:partner-coalities ; rdf:predicate pkg:targets ;
    rdf:object inst:eu ; prov:wasDerivedFrom pas:a-partner-coalitions ; pkg:basis pkg:stated .
""",
        {
            (
                REL + "inside",
                f"is marked pkg:stated, but none of its passages names its object <{INST}eu> ('European Union'): cite a passage that does, or mark it pkg:reading with a reason in nl and en",
            )
        },
    ),
    "named-by-alternative-label": (
        # 'NSCS' (as the source spells it) is an alternative label of the NCSC: the quote names it, no problem.
        "stated-edges-named",
        """
int:house-of-cyber pkg:targets inst:ncsc .
rel:alt a pkg:QualifiedRelation ; rdf:subject int:house-of-cyber ; rdf:predicate pkg:targets ;
    rdf:object inst:ncsc ; prov:wasDerivedFrom pas:s-pps ; pkg:basis pkg:stated .
""",
        set(),
    ),
    "reading-in-one-language": (
        "readings-explained",
        """
int:promote pkg:involves inst:navo .
rel:half a pkg:QualifiedRelation ; rdf:subject int:promote ; rdf:predicate pkg:involves ;
    rdf:object inst:navo ; prov:wasDerivedFrom pas:a-promote ; pkg:basis pkg:reading ;
    rdfs:comment "Alleen in het Nederlands."@nl .
""",
        {(REL + "half", "is a reading without a reason in rdfs:comment@en")},
    ),
    "qualified-twice": (
        "edges-have-evidence",
        """
int:promote pkg:involves inst:navo .
rel:one a pkg:QualifiedRelation ; rdf:subject int:promote ; rdf:predicate pkg:involves ;
    rdf:object inst:navo ; prov:wasDerivedFrom pas:a-promote ; pkg:basis pkg:reading .
rel:two a pkg:QualifiedRelation ; rdf:subject int:promote ; rdf:predicate pkg:involves ;
    rdf:object inst:navo ; prov:wasDerivedFrom pas:a-promote ; pkg:basis pkg:reading .
""",
        {
            (
                "https://w3id.org/policykg/id/kernboodschap-digitalisering/intervention/promote",
                f"https://w3id.org/policykg/def#involves <{INST}navo> is qualified twice from one document: <{REL}one> and <{REL}two>",
            )
        },
    ),
    "undeclared-value": (
        "declared-terms",
        "int:promote pkg:involves pkg:nobody .",
        {
            (
                "https://w3id.org/policykg/id/kernboodschap-digitalisering/intervention/promote",
                "uses pkg:nobody, which the ontology does not declare",
            )
        },
    ),
}


@pytest.mark.parametrize("case", sorted(MORE_FAULTS))
def test_check_reports_exactly_its_fault(case: str, scratch: Project) -> None:
    """The other branches of the rewritten checks: each row is reported, with its message, and no more."""
    check, turtle, expected = MORE_FAULTS[case]
    (scratch.graphs_dir / "fault.ttl").write_text(PREFIXES + turtle, encoding="utf-8")
    problems, _ = run_checks(load_project(scratch))
    prefix = titles(scratch)[check] + ": "
    found = {(p.focus, p.message[len(prefix) :]) for p in problems if p.message.startswith(prefix)}
    assert found == expected, [str(p) for p in problems]
