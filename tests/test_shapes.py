"""Each SHACL shape has a valid and an invalid fixture; the invalid one names the violations it expects.

An invalid fixture starts with lines ``# expect: <focus IRI> | <path in SPARQL syntax with prefixed names
(``pkg:involves``, ``^pkg:hasPriority``), or -> | <part of the message>``; validation must report exactly those (focus, path) pairs, each with that message.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from policykg.validate import ENGINES, Shapes, check_shapes, read_shapes

HERE = Path(__file__).parent / "shapes"
ROOT = Path(__file__).resolve().parents[1]


def load(*paths: Path) -> str:
    """The files as one N-Triples document, as validation reads them."""
    triples = [
        t
        for path in paths
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri())
    ]
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES).decode()


@pytest.fixture(scope="module")
def shapes() -> Shapes:
    return read_shapes(ROOT / "ontology" / "shapes.ttl")


def expectations(path: Path) -> set[tuple[str, str]]:
    """The (focus, path) pairs an invalid fixture expects."""
    return {(focus, p) for focus, p, _message in expected_results(path)}


def expected_results(path: Path) -> set[tuple[str, str, str]]:
    expected = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# expect:"):
            focus, rest = line[len("# expect:") :].split("|", 1)
            shape_path, message = (part.strip() for part in rest.rsplit("|", 1))
            focus = focus.strip()
            expected.add((focus.strip("<>"), shape_path, message))
    return expected


def fixture_names(kind: str) -> list[str]:
    return sorted(p.stem for p in (HERE / kind).glob("*.ttl"))


def test_every_shape_has_both_fixtures(shapes: Shapes) -> None:
    shape_names = {
        str(s).rsplit("#", 1)[1]
        for s in shapes.graph.subjects(rdflib.RDF.type, rdflib.URIRef("http://www.w3.org/ns/shacl#NodeShape"))
        if isinstance(s, rdflib.URIRef)
    }
    assert shape_names, "no node shapes found"
    assert shape_names <= set(fixture_names("valid")), shape_names - set(fixture_names("valid"))
    assert shape_names <= set(fixture_names("invalid")), shape_names - set(fixture_names("invalid"))


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", fixture_names("valid"))
def test_valid_fixture_conforms(name: str, engine: str, shapes: Shapes) -> None:
    data = load(ROOT / "ontology" / "policykg.ttl", HERE / "valid" / f"{name}.ttl")
    results = check_shapes(data, shapes, engine)
    assert results == [], [(str(r.focus), str(r.path), r.message) for r in results]


@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("name", fixture_names("invalid"))
def test_invalid_fixture_reports_what_it_expects(name: str, engine: str, shapes: Shapes) -> None:
    path = HERE / "invalid" / f"{name}.ttl"
    expected = expected_results(path)
    assert expected, f"{path.name} declares no '# expect:' lines"
    results = check_shapes(load(ROOT / "ontology" / "policykg.ttl", path), shapes, engine)
    found = {(str(r.focus), r.path or "-") for r in results}
    assert found == {(focus, p) for focus, p, _ in expected}
    for focus, p, message in expected:
        messages = [r.message for r in results if str(r.focus) == focus and (r.path or "-") == p]
        assert any(message in m for m in messages), (focus, p, message, messages)
