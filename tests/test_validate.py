"""Validation in batches finds exactly what validation in one go finds, on both SHACL engines."""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import copy_project
from test_shapes import expectations

from policykg import validate
from policykg.load import LoadedGraph

ROOT = Path(__file__).resolve().parents[1]
INVALID = sorted((ROOT / "tests" / "shapes" / "invalid").glob("*.ttl"))


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
