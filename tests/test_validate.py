"""Validation in batches finds exactly what validation in one go finds, on both SHACL engines."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import REPO, ROOT, copy_project, run_cli
from test_shapes import expectations

from policykg import validate
from policykg.load import LoadedGraph, load_project
from policykg.project import Project

INVALID = sorted((REPO / "tests" / "shapes" / "invalid").glob("*.ttl"))


def faulty_graph(folder: Path) -> LoadedGraph:
    """The fiche with every invalid shape fixture beside it in graphs/, each file in its own named graph."""
    project = copy_project(folder)
    (folder / "graphs" / "fixtures").mkdir()
    for path in INVALID:
        shutil.copy(path, folder / "graphs" / "fixtures" / path.name)
    store = ox.Store()
    for path in project.ontology_files() + project.graph_files():
        uri = path.resolve().as_uri()
        store.load(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=uri, to_graph=ox.NamedNode(uri))
    return LoadedGraph(project, store)


@pytest.mark.parametrize("engine", validate.ENGINES)
def test_batches_find_what_one_go_finds(engine: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    loaded = faulty_graph(tmp_path)
    assert len(validate.plan_batches(loaded)) == 1
    whole, _ = validate.run_shapes(loaded, engine)
    monkeypatch.setattr(validate, "BATCH_TRIPLES", 400)
    assert len(validate.plan_batches(loaded)) > 10
    batched, _ = validate.run_shapes(loaded, engine)
    assert batched == whole
    # every fixture's faults are found, whichever batch its resources fall in (fixtures merged into one
    # graph may mend one another, so not every single expectation holds here)
    found = {(p.focus, p.path or "-") for p in whole}
    for path in INVALID:
        assert expectations(path) & found, path.name


def test_validate_a_corpus_in_batches_from_the_command_line(tmp_path: Path) -> None:
    """A synthetic corpus large enough for several batches: valid as written; two planted faults, one
    that needs a resource of another document (in another batch), are reported with file and line."""
    root = tmp_path / "corpus"
    assert run_cli("synth", "--documents", "30", "--seed", "5", "--out", str(root), root=ROOT).returncode == 0
    loaded = load_project(Project(root))
    assert len(validate.plan_batches(loaded)) > 1
    assert run_cli("validate", root=root).returncode == 0
    document = root / "graphs" / "synth-0020" / "document.ttl"
    text = document.read_text(encoding="utf-8")
    text = text.replace('"Interventie i1-4"@nl, "Intervention i1-4"@en', '"Interventie i1-4"@nl', 1)
    involves = re.search(r"(intervention/i2-2> .*?pkg:involves )<[^>]+>", text)
    assert involves
    text = text.replace(
        involves.group(0), involves.group(1) + "<https://w3id.org/policykg/id/synth-0001/passage/p0>"
    )
    document.write_text(text, encoding="utf-8")
    result = run_cli("validate", root=root)
    assert result.returncode == 1
    lines = text.splitlines()
    line_of = {
        name: next(i for i, line in enumerate(lines, start=1) if line.startswith(f"<{name}>"))
        for name in (
            "https://w3id.org/policykg/id/synth-0020/intervention/i1-4",
            "https://w3id.org/policykg/id/synth-0020/intervention/i2-2",
        )
    }
    for line in line_of.values():
        assert f"graphs/synth-0020/document.ttl:{line}" in result.stderr, result.stderr
    assert "rdfs:label with language tag en" in result.stderr
    assert "pkg:involves must point to a pkg:Institution" in result.stderr


def test_unknown_engine_is_refused() -> None:
    with pytest.raises(validate.PolicyKGError, match="unknown SHACL engine 'jena'"):
        validate.check_shapes("", validate.read_shapes(REPO / "ontology" / "shapes.ttl"), "jena")


def test_the_command_line_offers_both_engines() -> None:
    for engine in validate.ENGINES:
        result = run_cli("validate", "--shacl-engine", engine, root=ROOT)
        assert result.returncode == 0 and result.stdout.startswith("valid: "), result.stderr
    refused = run_cli("validate", "--shacl-engine", "jena", root=ROOT)
    assert refused.returncode == 2 and "jena" in refused.stderr
