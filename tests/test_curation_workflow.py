"""A second document, from an empty scaffold to the built site, with the curator's commands.

The document (tests/curation/nota-lokale-weerbaarheid.txt) is a fictional memorandum written for these tests:
three priorities, eight interventions, a budget table, institutions shared with the fiche, a law, two
dependencies, a quote with a curly apostrophe and a sentence that occurs twice. The curator's part that a
person writes (priorities, interventions, budget) is tests/curation/nota-lokale-weerbaarheid.body.yaml.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import copy_project, run_cli

from policykg.curate.scaffold import add_passage
from policykg.load import load_project
from policykg.project import Project

HERE = Path(__file__).resolve().parent / "curation"
SLUG = "nota-lokale-weerbaarheid"
DOC = f"https://w3id.org/policykg/id/{SLUG}"

QUOTES = {
    "title": "Nota Digitale weerbaarheid lokaal 2027",
    "intro-systems": "Gemeenten draaien op digitale systemen: van de burgerzaken-balie tot de afvalinzameling.",
    "intro-impact": "Een storing of aanval raakt inwoners direct.",
    "intro-three": "Deze nota beschrijft drie opgaven om de digitale weerbaarheid van gemeenten en hun inwoners te "
    "vergroten, met de maatregelen die daarbij horen en de middelen die daarvoor nodig zijn.",
    "intro-avg": "We houden ons aan de Algemene verordening gegevensbescherming (AVG) bij alles wat we hieronder "
    "voorstellen.",
    "p1-heading": "Opgave 1. Veilige gemeentelijke systemen",
    "m-basis": "Elke gemeente voert uiterlijk eind 2027 een vaste set basismaatregelen voor informatiebeveiliging in.",
    "m-oefenen": "Gemeenten oefenen jaarlijks met de uitval van hun belangrijkste systemen; zo'n oefening heeft pas "
    "zin als de basismaatregelen zijn ingevoerd.",
    "m-loket": "Gemeenten melden incidenten bij één loket, dat de meldingen deelt met het Nationaal Cyber Security "
    "Centrum (NCSC).",
    "p2-heading": "Opgave 2. Digitaal vaardige inwoners",
    "p2-fraud": "Inwoners die online worden opgelicht, melden dat vaak niet.",
    "p2-knowledge": "Wie weet hoe oplichting werkt, trapt er minder snel in.",
    "m-cursussen": "Bibliotheken geven gratis cursussen over veilig internetten voor alle inwoners.",
    "m-wijkagenten": "Wijkagenten van de politie geven voorlichting over phishing aan ouderen.",
    "p3-heading": "Opgave 3. Samen sterk in de regio",
    "p3-small": "Kleine gemeenten kunnen niet alles zelf.",
    "p3-region": "Samenwerking in de regio maakt kennis en mensen breder beschikbaar.",
    "m-cyberteams": "Gemeenten vormen regionale cyberteams met de politie, die pas kunnen optreden als incidenten op "
    "één plek worden gemeld.",
    "m-inkoop": "Gemeenten kopen beveiligde clouddiensten gezamenlijk in.",
    "m-kennis": "Gemeenten delen hun kennis over beveiliging met provincies en waterschappen.",
    "table-title": "Tabel: benodigde middelen per opgave (mln. euro)",
    "closing": "De bedragen zijn een eerste raming; de uitwerking volgt in een uitvoeringsplan.",
}
TABLE = {
    "table-header": 32,
    "table-systems": 33,
    "table-residents": 34,
    "table-region": 35,
    "table-total": 36,
}
LEFT_OUT = {
    "Inleiding": "A section heading.",
    "Maatregelen:": "Lead-in to a list of measures; each measure is anchored on its own.",
    "Middelen": "A section heading.",
    "Tot slot": "A section heading.",
}


def cli(root: Path, *args: str) -> str:
    result = run_cli(*args, root=root)
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    return result.stdout


@pytest.fixture(scope="module")
def curated(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The fixture project with the memorandum added as a curator adds it."""
    project = copy_project(tmp_path_factory.mktemp("workflow"))
    root = project.root
    # the expected answers of the queries follow the repository's data: bring them to the fixture's first
    cli(root, "expect", "--update")
    assert run_cli("expect", root=root).returncode == 0

    cli(
        root,
        "new-document",
        SLUG,
        "--source",
        str(HERE / f"{SLUG}.txt"),
        "--title-en",
        "Memorandum on local digital resilience 2027",
        "--date",
        "2026-11-02",
    )
    # the curly apostrophe of the source, typed straight
    out = cli(
        root,
        "anchor",
        "--document",
        SLUG,
        "--name",
        "p1-risks",
        "Veel gemeenten hebben hun basisbeveiliging nog niet op orde, en de risico's groeien met elke "
        "nieuwe koppeling.",
    )
    assert out.splitlines()[0] == f"{DOC}/passage/p1-risks"
    # the sentence that occurs twice: refused without saying which, then each occurrence
    twice = run_cli("anchor", "--document", SLUG, "Dit doen we samen met het NCSC.", root=root)
    assert (
        twice.returncode == 1
        and "occurrence 1: line 14" in twice.stderr
        and "occurrence 2: line 21" in twice.stderr
    )
    for number in (1, 2):
        cli(
            root,
            "anchor",
            "--document",
            SLUG,
            "--name",
            f"p{number}-ncsc",
            "--occurrence",
            str(number),
            "Dit doen we samen met het NCSC.",
        )
    cli(root, "anchor", "--document", SLUG, "--name", "table-header", "--lines", "32-32")
    for name, quote in QUOTES.items():
        add_passage(project, SLUG, quote, name=name)
    for name, line in TABLE.items():
        if name != "table-header":
            add_passage(project, SLUG, lines=(line, line), name=name)

    path = project.graphs_dir / SLUG / f"{SLUG}.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "    a: pkg:PolicyDocument\n", "    a: pkg:PolicyDocument\n    from: title intro-three\n"
    )
    assert "priorities:\n\ninterventions:\n" in text
    text = text.replace(
        "priorities:\n\ninterventions:\n", (HERE / f"{SLUG}.body.yaml").read_text(encoding="utf-8")
    )
    path.write_text(text, encoding="utf-8")
    with (project.sources_dir / f"{SLUG}.unmodelled.tsv").open("a", encoding="utf-8") as file:
        file.writelines(f"{quote}\t{reason}\n" for quote, reason in LEFT_OUT.items())

    cli(root, "compile")
    cli(root, "validate")
    return project


def test_the_document_validates_and_every_sentence_is_accounted_for(curated: Project) -> None:
    out = cli(curated.root, "coverage")
    line = next(x for x in out.splitlines() if x.startswith("coverage:"))
    assert "0 unaccounted for" in line
    assert cli(curated.root, "compile", "--check").startswith("all 1 curated document(s) are compiled")
    assert run_cli("fmt", "--check", root=curated.root).returncode == 0


def test_the_passages_keep_the_sources_characters(curated: Project) -> None:
    loaded = load_project(curated)
    rows = loaded.select(
        f"SELECT ?exact ?prefix WHERE {{ <{DOC}/passage/p1-risks> <http://www.w3.org/ns/oa#hasSelector> ?s . "
        "?s <http://www.w3.org/ns/oa#exact> ?exact . OPTIONAL { ?s <http://www.w3.org/ns/oa#prefix> ?prefix } }"
    )
    assert rows[0]["exact"].endswith("de risico’s groeien met elke nieuwe koppeling.")
    second = loaded.select(
        f"SELECT ?prefix WHERE {{ <{DOC}/passage/p2-ncsc> <http://www.w3.org/ns/oa#hasSelector>/"
        "<http://www.w3.org/ns/oa#prefix> ?prefix }"
    )
    assert second and second[0]["prefix"].endswith("ouderen.\n")


def test_only_the_datasets_expected_answers_change_and_expect_brings_them_up_to_date(
    curated: Project,
) -> None:
    result = run_cli("expect", root=curated.root)
    assert result.returncode == 1
    assert "DIFFERS   compare/documents" in result.stdout
    cli(curated.root, "expect", "--update")
    assert run_cli("expect", root=curated.root).returncode == 0


def _query(root: Path, name: str, *params: str) -> list[dict]:
    args = ["query", name, "--format", "json"]
    for param in params:
        args += ["--param", param]
    return json.loads(cli(root, *args))["results"]["bindings"]


def test_the_multi_document_queries_see_both_documents(curated: Project) -> None:
    documents = {row["document"]["value"]: row for row in _query(curated.root, "compare/documents")}
    assert set(documents) == {"https://w3id.org/policykg/id/kernboodschap-digitalisering", DOC}
    nota = documents[DOC]
    assert (nota["priorities"]["value"], nota["interventions"]["value"]) == ("3", "8")
    assert nota["budgetStructural"]["value"] == "20"
    shared = _query(
        curated.root,
        "compare/institutions-between-documents",
        "a=id:kernboodschap-digitalisering",
        f"b=id:{SLUG}",
    )
    both = {
        row["institution"]["value"].rsplit("/", 1)[-1]
        for row in shared
        if row["involvedIn"]["value"] == "both"
    }
    assert {"ncsc", "gemeenten", "politie"} <= both
    only_b = {
        row["institution"]["value"].rsplit("/", 1)[-1] for row in shared if "b" in row["involvedIn"]["value"]
    }
    assert {"provincies", "waterschappen"} & (only_b | both)
    dependencies = _query(curated.root, "dependencies/dependencies-with-basis", f"document=id:{SLUG}")
    edges = {(row["fromLabel"]["value"], row["toLabel"]["value"]) for row in dependencies}
    assert edges == {
        ("Regional cyber teams", "One desk for incident reports"),
        ("Yearly exercises with system outages", "Introducing baseline information security measures"),
    }
    assert {row["basis"]["value"] for row in dependencies} == {"stated"}


def test_the_build_writes_views_and_pages_for_the_new_document(curated: Project) -> None:
    cli(curated.root, "build")
    site = curated.root / "dist" / "site"
    page = site / "id" / f"{SLUG}.html"
    assert page.is_file()
    html = page.read_text(encoding="utf-8")
    assert (
        "Memorandum on local digital resilience 2027" in html
        or "Nota Digitale weerbaarheid lokaal 2027" in html
    )
    assert (site / "id" / SLUG / "intervention" / "meldloket.html").is_file()
    overview = (curated.root / "dist" / "views" / "overview.html").read_text(encoding="utf-8")
    assert "Regional cyber teams" in overview or "Regionale cyberteams" in overview
