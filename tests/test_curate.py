"""The curator's tools: anchoring quotes, the curator's file and its compiler, new documents."""

from __future__ import annotations

import shutil
import unicodedata
from pathlib import Path

import pytest
import rdflib
from conftest import REPO, copy_project, run_cli
from rdflib.compare import graph_diff, to_isomorphic

from policykg.curate.anchor import QuoteError, SourceText, fold
from policykg.curate.compile import compile_document, name_words
from policykg.curate.format import parse_curator_file
from policykg.curate.scaffold import add_passage, new_document
from policykg.curate.write import stale_files, write_compiled
from policykg.errors import PolicyKGError
from policykg.namespaces import PKG
from policykg.project import Project

FICHE = "kernboodschap-digitalisering"
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
OA = rdflib.Namespace("http://www.w3.org/ns/oa#")

TEXT = (
    "Pijler I: veilige systemen.\n"
    "De gemeente’s taak is groot; we ver\u00adsterken de basis.\n"
    "Dit doen we samen.\n"
    "Een tweede alinea met de e\ufb03ciënte aanpak — stap voor stap.\n"
    "Dit doen we samen.\n"
)


# --- anchoring -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "exact"),
    [
        ("De gemeente's taak", "De gemeente’s taak"),  # straight for curly apostrophe
        ("we versterken de basis", "we ver\u00adsterken de basis"),  # soft hyphen in the source
        ("we ver¬sterken de basis", "we ver\u00adsterken de basis"),  # ¬ typed for the soft hyphen
        ("efficiënte aanpak - stap", "e\ufb03ciënte aanpak — stap"),  # ligature and dash
        ("is groot;\n   we", "is groot; we"),  # line break and a run of spaces
    ],
)
def test_anchor_tolerates_typographic_variants_and_keeps_the_source_characters(
    typed: str, exact: str
) -> None:
    anchor = SourceText(TEXT).anchor(typed)
    assert anchor.exact == exact
    assert TEXT[anchor.start : anchor.end] == exact


def test_anchor_names_the_nearest_place_its_line_and_the_first_differing_code_point() -> None:
    with pytest.raises(QuoteError) as caught:
        SourceText(TEXT).anchor("Pijler l: veilige systemen.")
    place = caught.value.places[0]
    assert place.startswith("line 1, column 8")
    assert "'l' (U+006C LATIN SMALL LETTER L)" in place and "'I' (U+0049 LATIN CAPITAL LETTER I)" in place


def test_a_repeated_quote_lists_its_occurrences_and_an_occurrence_gets_prefix_and_suffix() -> None:
    text = SourceText(TEXT)
    with pytest.raises(QuoteError) as caught:
        text.anchor("Dit doen we samen.")
    assert "occurs 2 times" in str(caught.value)
    assert caught.value.places == ["occurrence 1: line 3, column 1", "occurrence 2: line 5, column 1"]
    second = text.anchor("Dit doen we samen.", occurrence=2)
    assert second.line == 5 and second.prefix and second.suffix == "\n"
    whole = second.prefix + second.exact + second.suffix
    assert TEXT.count(whole) == 1 and TEXT.index(whole) + len(second.prefix) == second.start
    with pytest.raises(QuoteError, match="no occurrence 3"):
        text.anchor("Dit doen we samen.", occurrence=3)


def test_fold_maps_every_folded_character_back_to_the_source() -> None:
    folded, origin = fold(TEXT)
    assert len(folded) == len(origin) and origin == sorted(origin)
    assert "gemeente's" in folded and unicodedata.normalize("NFD", "efficiënte") in folded
    assert "\u00ad" not in folded


def test_an_accent_written_as_a_combining_mark_anchors_the_right_characters() -> None:
    text = "Titel\nDe cafe\u0301 en de re\u0301gie zijn open. Het NCSC helpt gemeenten.\n"
    source = SourceText(text)
    assert source.anchor("Het NCSC helpt gemeenten.").exact == "Het NCSC helpt gemeenten."
    assert source.anchor("café en de régie").exact == "cafe\u0301 en de re\u0301gie"


def test_lines_anchor_the_lines_asked_for_even_where_their_text_repeats() -> None:
    source = SourceText(TEXT)
    anchor = source.anchor_lines(5, 5)
    assert (
        anchor.line == 5
        and anchor.prefix
        and TEXT.index(anchor.prefix + anchor.exact) + len(anchor.prefix) == anchor.start
    )
    assert source.line_count() == 5
    with pytest.raises(QuoteError, match="which has 5 lines"):
        source.anchor_lines(6, 6)


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("Xijler I: veilige", "the quote has 'X' (U+0058 LATIN CAPITAL LETTER X) where the source has 'P'"),
        ("Pijer I: veilige", "the source has 'l' (U+006C LATIN SMALL LETTER L), which the quote lacks"),
        (
            "Pijjler I: veilige",
            "the quote has 'j' (U+006A LATIN SMALL LETTER J), which the source lacks there",
        ),
    ],
)
def test_the_first_difference_is_named_where_it_is(typed: str, message: str) -> None:
    with pytest.raises(QuoteError) as caught:
        SourceText(TEXT).anchor(typed)
    assert caught.value.places[0].startswith("line 1, column ") and message in caught.value.places[0]


def test_whole_word_names() -> None:
    assert " nscs " in name_words("De NSCS-aanpak.") and " eu " not in name_words("Europese Unie")


# --- the curator's file ----------------------------------------------------------------------------


def _problems(text: str) -> list[str]:
    return [f"{p.line}: {p.message}" for p in parse_curator_file(text, "kb", "kb.yaml").problems]


def test_the_curators_file_reports_mistakes_at_their_line() -> None:
    text = (
        "passages:\n"  # 1
        "  p1: Een zin.\n"  # 2
        "  p1: Nog een.\n"  # 3
        "interventions:\n"  # 4
        "  x:\n"  # 5
        "    addresses:\n"  # 6
        "      theme:ai: maybe p1\n"  # 7
        "      foo:bar: stated p1\n"  # 8
        "    involves:\n"  # 9
        "      inst:ncsc: {stated: p1, why: {nl: a, en: b}}\n"  # 10
    )
    problems = _problems(text)
    assert any(p.startswith("3: 'p1' is written twice (first at line 2)") for p in problems)
    assert any(p.startswith("7: an edge needs its basis first") for p in problems)
    assert any(p.startswith("8: unknown prefix 'foo'") for p in problems)
    assert any(p.startswith("10: a stated edge takes a note:") for p in problems)


def test_a_number_is_a_number_only_where_written_as_one() -> None:
    curated = parse_curator_file(
        "budget:\n  budget:x:\n    amount: 12.0\n    order: 2\n    dcterms:language: no\n    title: '2026'\n",
        "kb",
        "kb.yaml",
    )
    values = {str(p).rsplit("/", 1)[-1].rsplit("#", 1)[-1]: v for p, v, _ in curated.entries[0].values}
    assert values["amount"].datatype == rdflib.XSD.decimal and values["order"].datatype == rdflib.XSD.integer
    assert str(values["language"]) == "no" and values["language"].datatype is None
    assert str(values["title"]) == "2026" and values["title"].datatype is None


@pytest.fixture
def fiche_curated(tmp_path: Path) -> Project:
    """The fixture project with the fiche's hand-written Turtle replaced by its curator's file."""
    project = copy_project(tmp_path)
    folder = project.graphs_dir / FICHE
    for path in folder.glob("*.ttl"):
        path.unlink()
    shutil.copy(REPO / "tests" / "fixtures" / f"{FICHE}.yaml", folder / f"{FICHE}.yaml")
    return project


def test_the_fiches_curators_file_compiles_to_its_hand_written_triples(fiche_curated: Project) -> None:
    """The proof of the format: the fiche in it gives the triples of its hand-written Turtle, plus the
    mentions a stated edge's passage makes by naming a shared resource (which the hand-written mentions.ttl
    left out), and nothing else."""
    compiled = compile_document(fiche_curated, FICHE)
    assert compiled.problems == []
    new, positions = rdflib.Graph(), rdflib.Graph()
    for name, text in compiled.files.items():
        (positions if Path(name).name == "positions.ttl" else new).parse(data=text, format="turtle")
    old = rdflib.Graph()
    for path in sorted((REPO / "tests" / "fixtures" / "project" / "graphs" / FICHE).glob("*.ttl")):
        old.parse(path)
    # the hand-written files predate positions.ttl: each passage gains a text position selector and lines
    passages = set(old.subjects(rdflib.RDF.type, PKG.Passage))
    assert set(positions.subjects(PKG.startLine, None)) == passages
    assert len(positions) == 6 * len(passages)  # hasSelector, type, start, end, startLine, endLine
    _, missing, extra = graph_diff(to_isomorphic(old), to_isomorphic(new))
    assert len(missing) == 0
    assert 0 < len(extra) < 40
    everything = old + new
    for resource, predicate, passage in extra:
        assert predicate == PROV.wasDerivedFrom and not str(resource).startswith(
            f"https://w3id.org/policykg/id/{FICHE}/"
        )
        quote = str(everything.value(everything.value(passage, OA.hasSelector), OA.exact))
        shared = rdflib.Graph()
        for path in (REPO / "graphs" / "shared").glob("*.ttl"):
            shared.parse(path)
        names = [str(n) for n in shared.objects(resource, rdflib.RDFS.label)]
        names += [str(n) for n in shared.objects(resource, rdflib.SKOS.altLabel)]
        assert any(name_words(n) in name_words(quote) for n in names), (resource, quote)


def test_compiling_is_deterministic_and_checks_notice_a_hand_edit(fiche_curated: Project) -> None:
    first = compile_document(fiche_curated, FICHE)
    assert compile_document(fiche_curated, FICHE).files == first.files
    written = write_compiled(fiche_curated, first)
    assert {p.name for p in written} == set(first.files)
    assert stale_files(fiche_curated, first) == []
    target = fiche_curated.graphs_dir / FICHE / "priorities.ttl"
    target.write_text(
        target.read_text(encoding="utf-8").replace("Digital Economy", "Digital Econ"), encoding="utf-8"
    )
    for command in (("validate",), ("fmt", "--check"), ("compile", "--check")):
        result = run_cli(*command, root=fiche_curated.root)
        assert result.returncode == 1, (command, result.stdout)
        assert "priorities.ttl: out of date" in result.stderr and "run: policykg compile" in result.stderr
        if command == ("validate",):
            assert "it was edited by hand" in result.stderr
    assert run_cli("compile", root=fiche_curated.root).returncode == 0
    assert run_cli("compile", "--check", root=fiche_curated.root).returncode == 0
    curated = fiche_curated.graphs_dir / FICHE / f"{FICHE}.yaml"
    curated.write_text(
        curated.read_text(encoding="utf-8").replace("Digital Economy", "Digital Econ"), encoding="utf-8"
    )
    result = run_cli("build", "--no-views", "--no-site", root=fiche_curated.root)
    assert result.returncode == 1 and "changed since it was compiled" in result.stderr


def test_validate_points_into_the_curators_file(fiche_curated: Project) -> None:
    path = fiche_curated.graphs_dir / FICHE / f"{FICHE}.yaml"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = lines.index("  ai-deltaplan:") + 1
    assert lines[number] == "    label:"
    del lines[number : number + 3]  # the intervention's labels
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    compiled = compile_document(fiche_curated, FICHE)
    problems = [str(p) for p in compiled.problems]
    assert problems and all(f"{FICHE}.yaml:" in p for p in problems)
    assert any("intervention:ai-deltaplan is not defined" in p for p in problems)


def test_an_undefined_passage_is_named_with_the_closest_one(fiche_curated: Project) -> None:
    path = fiche_curated.graphs_dir / FICHE / f"{FICHE}.yaml"
    text = path.read_text(encoding="utf-8").replace("    from: s-avg\n", "    from: s-avgg\n", 1)
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("    from: s-avgg") + 1
    problems = [str(p) for p in compile_document(fiche_curated, FICHE).problems]
    assert problems == [
        f"graphs/{FICHE}/{FICHE}.yaml:{line}: passage s-avgg is not defined; did you mean s-avg?"
    ]


# --- new documents ---------------------------------------------------------------------------------


def test_new_document_copies_the_text_byte_for_byte_and_compiles(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    source = tmp_path / "nota.txt"
    data = "\ufeffNota over iets\r\nDe eerste zin.\r\n".encode()
    source.write_bytes(data)
    written = new_document(project, "nota-iets", source, title_en="A note on something", date="2026-01-31")
    assert (project.sources_dir / "nota-iets.txt").read_bytes() == data
    names = {p.name for p in written}
    assert {"nota-iets.txt", "nota-iets.yaml", "nota-iets.unmodelled.tsv", "document.ttl"} <= names
    document = rdflib.Graph().parse(project.graphs_dir / "nota-iets" / "document.ttl")
    iri = rdflib.URIRef("https://w3id.org/policykg/id/nota-iets")
    assert str(document.value(iri, rdflib.URIRef("http://purl.org/dc/terms/issued"))) == "2026-01-31"
    assert rdflib.Literal("Nota over iets", lang="nl") in set(document.objects(iri, rdflib.RDFS.label))


def test_new_document_refuses_a_taken_slug_and_a_source_that_is_not_utf8(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Nota\nEen co\xf6peratie.\n".encode("latin-1"))
    result = run_cli("new-document", "nota-latin", "--source", str(latin), root=project.root)
    assert result.returncode == 2
    assert "is not UTF-8 text" in result.stderr and ":2: byte 11 (0xf6)" in result.stderr
    assert (
        not (project.graphs_dir / "nota-latin").exists()
        and not (project.sources_dir / "nota-latin.txt").exists()
    )
    result = run_cli("new-document", FICHE, "--source", str(latin), root=project.root)
    assert result.returncode == 2 and f"document {FICHE} exists already" in result.stderr
    assert "Traceback" not in result.stderr


def test_anchor_on_the_command_line_adds_a_passage_and_says_where_a_quote_fails(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    source = tmp_path / "nota.txt"
    source.write_text(TEXT, encoding="utf-8")
    assert run_cli("new-document", "nota", "--source", str(source), root=project.root).returncode == 0
    result = run_cli("anchor", "--document", "nota", "De gemeente's taak is groot", root=project.root)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0] == "https://w3id.org/policykg/id/nota/passage/de-gemeentes-taak-is"
    assert "line 2" in result.stdout
    passages = rdflib.Graph().parse(project.graphs_dir / "nota" / "passages.ttl")
    assert "De gemeente’s taak is groot" in {str(o) for o in passages.objects(None, OA.exact)}
    again = run_cli("anchor", "--document", "nota", "De gemeente’s taak is groot", root=project.root)
    assert "is already passage de-gemeentes-taak-is" in again.stdout
    failed = run_cli("anchor", "--document", "nota", "Pijler l: veilige systemen.", root=project.root)
    assert failed.returncode == 1
    assert "sources/nota.txt: line 1, column 8" in failed.stderr and "U+006C" in failed.stderr
    twice = run_cli("anchor", "--document", "nota", "Dit doen we samen.", root=project.root)
    assert twice.returncode == 1 and "occurrence 2: line 5, column 1" in twice.stderr
    lines = run_cli("anchor", "--document", "nota", "--lines", "5-5", "--occurrence", "2", root=project.root)
    assert lines.returncode == 0, lines.stderr
    assert "oa:prefix and oa:suffix pick this occurrence" in lines.stdout


def test_add_passage_names_a_passage_after_its_first_words(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    source = tmp_path / "nota.txt"
    source.write_text(TEXT, encoding="utf-8")
    new_document(project, "nota", source)
    first = add_passage(project, "nota", "Een tweede alinea met de efficiënte aanpak")
    assert first.name == "een-tweede-alinea-met" and not first.existed
    second = add_passage(project, "nota", "Een tweede alinea met de")
    assert second.name == "een-tweede-alinea-met-2"


def test_validate_gives_the_anchors_help_for_a_quote_that_is_not_in_the_source(tmp_path: Path) -> None:
    project = copy_project(
        tmp_path,
        replace=(
            f"graphs/{FICHE}/passages.ttl",
            "gerichte analyses uit van risicovolle",
            "gerichte analyzes uit van risicovolle",
        ),
    )
    result = run_cli("validate", root=project.root)
    assert result.returncode == 1
    assert "oa:exact does not occur in the source" in result.stderr
    assert "nearest: line 146, column 38" in result.stderr
    assert "'z' (U+007A LATIN SMALL LETTER Z)" in result.stderr and "'s' (U+0073" in result.stderr


def test_an_undefined_resource_is_named_with_the_closest_one(fiche_curated: Project) -> None:
    path = fiche_curated.graphs_dir / FICHE / f"{FICHE}.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "      law:avg: stated s-avg", "      law:avgg: stated s-avg", 1
    )
    path.write_text(text, encoding="utf-8")
    problems = [p.message for p in compile_document(fiche_curated, FICHE).problems]
    assert problems == ["law:avgg is not defined; did you mean law:avg?"]


def test_a_shape_violation_in_a_compiled_resource_is_reported_at_its_entry(fiche_curated: Project) -> None:
    path = fiche_curated.graphs_dir / FICHE / f"{FICHE}.yaml"
    text = path.read_text(encoding="utf-8")
    assert "    amount: 595.0\n" in text
    path.write_text(text.replace("    amount: 595.0\n", "    amount: -595.0\n", 1), encoding="utf-8")
    line = text.splitlines().index("  budget:digitale-economie-2026:") + 1
    assert run_cli("compile", root=fiche_curated.root).returncode == 0
    result = run_cli("validate", root=fiche_curated.root)
    assert result.returncode == 1
    assert f"graphs/{FICHE}/{FICHE}.yaml:{line}:" in result.stderr and "pkg:amount" in result.stderr


def test_convert_refuses_a_slug_that_is_not_a_documents(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    for slug in ("../../outside", "shared", "."):
        result = run_cli("convert", slug, root=project.root)
        assert result.returncode == 2 and "internal error" not in result.stderr, (slug, result.stderr)


def test_anchor_keeps_the_curators_file_whole_whatever_its_layout(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "p")
    source = tmp_path / "nota.txt"
    source.write_text(
        "Titel\nEen \u0093zin\u0094 met tekens.\nMaatregelen:\nMaatregelen:\n", encoding="utf-8"
    )
    new_document(project, "nota", source)
    path = project.graphs_dir / "nota" / "nota.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("passages:\n", "passages: {}   # name: quote\n"),
        encoding="utf-8",
    )
    add_passage(project, "nota", lines=(2, 2), name="zin")
    fourth = add_passage(project, "nota", lines=(4, 4), name="vierde")
    assert fourth.anchor.line == 4 and fourth.anchor.prefix
    with pytest.raises(PolicyKGError, match="passage name"):
        add_passage(project, "nota", "Titel", name="a b\nc: d")
    compiled = compile_document(project, "nota")
    assert compiled.problems == []
    passages = rdflib.Graph().parse(data=compiled.files["passages.ttl"], format="turtle")
    assert "Een \u0093zin\u0094 met tekens." in {str(o) for o in passages.objects(None, OA.exact)}


def test_aliases_are_refused_and_alike_subjects_get_their_own_relation() -> None:
    problems = _problems(
        "passages:\n  p1: x\nbudget:\n  budget:a:\n    label: &l {nl: a, en: b}\n  budget:b:\n    label: *l\n"
    )
    assert problems[0].startswith("5: anchors and aliases")
    curated = parse_curator_file(
        "priorities:\n  weerbaar:\n    refersTo:\n      law:avg: stated p1\n"
        "interventions:\n  weerbaar:\n    refersTo:\n      law:avg: stated p1\n",
        "kb",
        "kb.yaml",
    )
    assert (
        curated.problems == []
        and len({(e.iri, ev.object) for e in curated.entries for ev in e.evidence}) == 2
    )


def test_generated_turtle_without_its_curators_file_is_refused(fiche_curated: Project) -> None:
    assert run_cli("compile", root=fiche_curated.root).returncode == 0
    (fiche_curated.graphs_dir / FICHE / f"{FICHE}.yaml").unlink()
    result = run_cli("validate", root=fiche_curated.root)
    assert result.returncode == 1 and f"compiled from {FICHE}.yaml, which is missing" in result.stderr
