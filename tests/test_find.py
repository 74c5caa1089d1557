"""find: shared resources by their labels, in any case and with or without accents, ranked, with the
documents that use them."""

from __future__ import annotations

import json

from conftest import ROOT, run_cli

from policykg.curate.find import closest, find_resources, normalize, similarity
from policykg.load import LoadedGraph, load_project
from policykg.project import Project

FICHE = "https://w3id.org/policykg/id/kernboodschap-digitalisering"


def test_an_abbreviation_finds_its_institution_first(loaded: LoadedGraph) -> None:
    hits = find_resources(loaded, "NCSC")
    first = hits[0]
    assert first.short == "inst:ncsc" and first.iri == "https://w3id.org/policykg/id/institution/ncsc"
    assert first.kind == "exact" and first.matched == "NCSC"
    assert first.types == ("pkg:Institution",)
    assert first.label_nl == "Nationaal Cyber Security Centrum"
    assert first.label_en == "National Cyber Security Centre"
    assert [d.iri for d in first.documents] == [FICHE]


def test_words_of_a_label_find_the_law(loaded: LoadedGraph) -> None:
    first = find_resources(loaded, "algemene verordening")[0]
    assert first.short == "law:avg"
    assert first.kind == "words" and first.matched == "Algemene verordening gegevensbescherming"


def test_case_and_accents_do_not_matter(loaded: LoadedGraph) -> None:
    for text in ("regering", "REGERING", "régéring", "Regéringsbeleid"):
        assert [h.short for h in find_resources(loaded, text)][:1] == ["inst:wrr"], text
    assert normalize("Één  Régering") == "een regering"


def test_exact_then_words_then_prefix_then_substring_then_fuzzy(loaded: LoadedGraph) -> None:
    ranked = [(h.short, h.kind) for h in find_resources(loaded, "security", limit=50)]
    # whole words ("National Cyber Security Centre") before a part of a word ("cybersecurity")
    assert ranked.index(("inst:ncsc", "words")) < ranked.index(("theme:cybersecurity", "substring"))
    kinds = [h.kind for h in find_resources(loaded, "rechtspr", limit=50)]
    assert kinds[0] == "prefix"
    assert kinds == sorted(kinds, key=["exact", "words", "prefix", "substring", "fuzzy"].index)


def test_a_misspelt_name_is_found_by_similarity(loaded: LoadedGraph) -> None:
    first = find_resources(loaded, "algemeine verordning")[0]
    assert first.short == "law:avg" and first.kind == "fuzzy" and first.score > 0.8


def test_only_shared_resources_are_found(loaded: LoadedGraph) -> None:
    """An intervention's label ("AVG-gedragscodes bevorderen") belongs to the document, not the register."""
    hits = find_resources(loaded, "gedragscodes bevorderen", limit=50)
    assert all(not h.iri.startswith(FICHE) for h in hits)


def test_the_documents_that_use_a_resource(scratch: Project) -> None:
    """Used: a passage of the document among its prov:wasDerivedFrom, or a link from the document's resources."""
    (scratch.graphs_dir / "shared" / "extra.ttl").write_text(
        """PREFIX inst: <https://w3id.org/policykg/id/institution/>
PREFIX pkg: <https://w3id.org/policykg/def#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

inst:afgeleid-bureau a pkg:Institution ; rdfs:label "Afgeleid bureau"@nl, "Derived office"@en ;
  prov:wasDerivedFrom <https://w3id.org/policykg/id/kernboodschap-digitalisering/passage/s-avg> .
inst:los-bureau a pkg:Institution ; rdfs:label "Los bureau"@nl, "Loose office"@en .
""",
        encoding="utf-8",
    )
    hits = {h.short: h for h in find_resources(load_project(scratch), "bureau")}
    assert [d.iri for d in hits["inst:afgeleid-bureau"].documents] == [FICHE]
    assert hits["inst:los-bureau"].documents == ()
    result = run_cli("find", "los bureau", root=scratch.root)
    assert result.returncode == 0, result.stderr
    assert "used by: no document" in result.stdout


def test_similarity_and_closest() -> None:
    assert similarity("Rechtspraak", "rechtspraak") == 1.0
    assert closest("s-avgg", ["s-ai", "s-avg", "s-eu-law", "s-pps"]) == ["s-avg"]
    assert closest("zzz", ["s-avg"]) == []


def test_find_on_the_command_line() -> None:
    result = run_cli("find", "Rechtspraak", root=ROOT)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "inst:rechtspraak  pkg:Institution"
    assert "  nl: de Rechtspraak" in lines and "  en: the Judiciary" in lines
    assert '  matched: "Rechtspraak"@nl (exact)' in lines
    assert any(line.startswith("  used by: id:kernboodschap-digitalisering") for line in lines)


def test_find_as_json_with_root_after_the_command() -> None:
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-m", "policykg.cli", "find", "NCSC", "--json", "--limit", "1", "--root", str(ROOT)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    hits = json.loads(result.stdout)
    assert len(hits) == 1
    assert hits[0]["short"] == "inst:ncsc" and hits[0]["match"] == "exact"
    assert hits[0]["labels"] == {
        "nl": "Nationaal Cyber Security Centrum",
        "en": "National Cyber Security Centre",
    }
    assert [d["iri"] for d in hits[0]["documents"]] == [FICHE]


def test_nothing_found_exits_1_with_a_message() -> None:
    result = run_cli("find", "qqqxyzzy", root=ROOT)
    assert result.returncode == 1
    assert result.stdout == ""
    assert "policykg find: no shared resource" in result.stderr and "'qqqxyzzy'" in result.stderr
    assert "Traceback" not in result.stderr
    result = run_cli("find", "qqqxyzzy", "--json", root=ROOT)
    assert result.returncode == 1 and json.loads(result.stdout) == []


def test_no_words_is_a_usage_error() -> None:
    result = run_cli("find", " -- ", root=ROOT)
    assert result.returncode == 2
    assert "no words to look for" in result.stderr and "Traceback" not in result.stderr
    result = run_cli("find", "NCSC", "--limit", "0", root=ROOT)
    assert result.returncode == 2
    result = run_cli("find", "ab " * 100, root=ROOT)
    assert result.returncode == 2 and "at most 200 characters" in result.stderr
