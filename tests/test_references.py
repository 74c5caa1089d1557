"""Every id IRI a triple uses is defined: a typo is an error at its file and line, with the IRI meant."""

from __future__ import annotations

from conftest import run_cli

from policykg.load import LoadedGraph, load_project
from policykg.project import Project
from policykg.references import Suggestions, check_references, undefined_iris
from policykg.validate import validate_graph

INTERVENTIONS = "graphs/kernboodschap-digitalisering/interventions.ttl"
EXTRA = """PREFIX inst: <https://w3id.org/policykg/id/institution/>
PREFIX passage: <https://w3id.org/policykg/id/kernboodschap-digitalisering/passage/>
PREFIX pkg: <https://w3id.org/policykg/def#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>

"""


def edit(project: Project, name: str, old: str, new: str) -> int:
    """Replace the first ``old`` in a file; the line it was on."""
    path = project.root / name
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return text[: text.index(old)].count("\n") + 1


def add_file(project: Project, body: str) -> None:
    (project.graphs_dir / "shared" / "extra.ttl").write_text(EXTRA + body, encoding="utf-8")


def test_the_project_defines_every_iri_it_uses(loaded: LoadedGraph) -> None:
    assert undefined_iris(loaded) == []
    assert check_references(loaded) == []


def test_a_mistyped_passage_fails_validate_with_the_passage_meant(scratch: Project) -> None:
    line = edit(
        scratch, INTERVENTIONS, "prov:wasDerivedFrom passage:s-avg ;", "prov:wasDerivedFrom passage:s-avgg ;"
    )
    result = run_cli("validate", root=scratch.root)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    expected = (
        f"{INTERVENTIONS}:{line}: <https://w3id.org/policykg/id/kernboodschap-digitalisering/intervention/"
        'avg-gedragscodes> "Promoting GDPR codes of conduct" prov:wasDerivedFrom: passage:s-avgg is not defined'
    )
    assert expected in result.stderr, result.stderr
    assert "did you mean passage:s-avg?" in result.stderr
    # the shape's "needs at least one prov:wasDerivedFrom" would send the reader the wrong way
    assert "needs at least one prov:wasDerivedFrom" not in result.stderr


def test_a_resource_derived_only_from_an_undefined_passage(scratch: Project) -> None:
    add_file(
        scratch,
        'inst:proefbureau a pkg:Institution ; rdfs:label "Proefbureau"@nl, "Trial office"@en ;\n'
        "    prov:wasDerivedFrom passage:s-avgg .\n",
    )
    problems = validate_graph(load_project(scratch)).problems
    assert [str(p) for p in problems] == [
        'graphs/shared/extra.ttl:8: <https://w3id.org/policykg/id/institution/proefbureau> "Trial office" '
        "prov:wasDerivedFrom: passage:s-avgg is not defined: no file gives it an rdf:type; "
        "did you mean passage:s-avg?"
    ]


def test_an_undefined_subject_and_a_mistyped_kind(scratch: Project) -> None:
    add_file(
        scratch,
        "inst:ncsx prov:wasDerivedFrom passage:s-pps .\n"
        "inst:ncsc prov:wasDerivedFrom <https://w3id.org/policykg/id/kernboodschap-digitalisering/pasage/s-pps> .\n",
    )
    messages = {p.line: p for p in check_references(load_project(scratch))}
    assert messages[7].focus == "https://w3id.org/policykg/id/institution/ncsx"
    assert messages[7].message.startswith("described here, but inst:ncsx is not defined")
    assert messages[7].message.endswith("did you mean inst:ncsc?")
    assert messages[8].path == "prov:wasDerivedFrom"
    assert messages[8].message.endswith("did you mean passage:s-pps?")


def test_build_refuses_an_undefined_iri(scratch: Project) -> None:
    edit(scratch, INTERVENTIONS, "pkg:implements law:avg ;", "pkg:implements law:avgg ;")
    result = run_cli("build", "--no-views", "--no-site", root=scratch.root)
    assert result.returncode == 1
    assert "pkg:implements: law:avgg is not defined" in result.stderr
    assert "did you mean law:avg?" in result.stderr
    assert not (scratch.root / "dist" / "policykg.ttl").exists()


def test_suggestions_stay_within_the_kind(loaded: LoadedGraph) -> None:
    suggestions = Suggestions(loaded)
    base = "https://w3id.org/policykg/id/"
    assert suggestions.closest(base + "institution/rechtspraa") == [base + "institution/rechtspraak"]
    assert all(s.startswith(base + "theme/") for s in suggestions.closest(base + "theme/rechtspraak"))
    assert suggestions.closest(base + "institutoin/ncsc") == [base + "institution/ncsc"]
    assert suggestions.closest(base + "institution/zzzzzzzz") == []
