"""The query library against its manifest: every query gives its expected answer; every check is empty."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from policykg.library import is_ordered, list_queries, read_query, results_as_rows
from policykg.load import LoadedGraph

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"
MF = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
QT = rdflib.Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-query#")


def manifest_entries() -> list[tuple[str, Path, Path]]:
    graph = rdflib.Graph().parse(QUERIES / "manifest.ttl", publicID=(QUERIES / "manifest.ttl").as_uri())
    manifest = next(graph.subjects(rdflib.RDF.type, MF.Manifest))
    entries = []
    for entry in rdflib.collection.Collection(graph, graph.value(manifest, MF.entries)):
        action = graph.value(entry, MF.action)
        query = Path(str(graph.value(action, QT.query)).removeprefix("file://"))
        result = Path(str(graph.value(entry, MF.result)).removeprefix("file://"))
        entries.append((str(entry).rsplit("#", 1)[1], query, result))
    return entries


ENTRIES = manifest_entries()


def test_every_query_is_in_the_manifest() -> None:
    listed = {query.relative_to(QUERIES).as_posix() for _, query, _ in ENTRIES}
    on_disk = {p.relative_to(QUERIES).as_posix() for p in QUERIES.rglob("*.rq") if "checks" not in p.parts}
    assert listed == on_disk


@pytest.mark.parametrize(("name", "query_path", "result_path"), ENTRIES, ids=[e[0] for e in ENTRIES])
def test_query_gives_expected_answer(
    name: str, query_path: Path, result_path: Path, loaded: LoadedGraph
) -> None:
    query = read_query(query_path, name)
    assert query.header.get("title") and query.header.get("question-en") and query.header.get("question-nl")
    answer = json.loads(loaded.query(query.sparql()).serialize(format=ox.QueryResultsFormat.JSON))
    expected = json.loads(result_path.read_text(encoding="utf-8"))
    assert answer["head"]["vars"] == expected["head"]["vars"]
    got, want = results_as_rows(answer), results_as_rows(expected)
    if is_ordered(query.text):
        assert got == want
    else:
        assert sorted(got, key=repr) == sorted(want, key=repr)


CHECKS = list_queries(QUERIES / "checks")


@pytest.mark.parametrize("check", CHECKS, ids=[c.name for c in CHECKS])
def test_check_returns_no_rows(check, loaded: LoadedGraph) -> None:
    rows = list(loaded.query(check.sparql()))
    assert rows == []
