"""policykg publish into real triple stores (Oxigraph, Virtuoso) on loopback; then the whole query library
runs against each with policykg query --endpoint and gives the same answers as the embedded store."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, copy_project, run_cli
from servers import oxigraph_store, virtuoso_server

from policykg.errors import PolicyKGError
from policykg.library import is_ordered, list_queries
from policykg.load import load_project
from policykg.namespaces import sparql_prologue
from policykg.project import Project
from policykg.query import EmbeddedEngine, EndpointEngine, prepare

QUERIES = list_queries(ROOT / "queries")
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("publish-project")
    copy_project(root)
    assert run_cli("build", "--no-views", root=root).returncode == 0
    return root


@pytest.fixture(scope="module", params=["oxigraph", "virtuoso"])
def store(
    request: pytest.FixtureRequest, built: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, str]]:
    folder = tmp_path_factory.mktemp(request.param)
    if request.param == "oxigraph":
        with oxigraph_store(folder) as base:
            yield {"name": "oxigraph", "store": base + "/store", "query": base + "/query", "auth": ""}
    else:
        with virtuoso_server(folder) as base:
            yield {
                "name": "virtuoso",
                "store": base + "/sparql-graph-crud-auth",
                "query": base + "/sparql",
                "auth": "dba:dba",
            }


def publish(built: Path, store: dict[str, str], *extra: str):
    args = ["publish", "--endpoint", store["store"], *extra]
    if store["auth"]:
        args += ["--auth", store["auth"]]
    return run_cli(*args, root=built)


def test_publish_replaces_the_graph_and_checks_the_count(built: Path, store: dict[str, str]) -> None:
    first = publish(built, store)
    assert first.returncode == 0, first.stderr
    count = int(first.stdout.split("published ", 1)[1].split(" ", 1)[0])
    assert count > 3000 and f"the store holds {count}" in first.stdout
    again = publish(built, store)
    assert again.returncode == 0 and f"the store holds {count}" in again.stdout, (
        "publishing twice replaces, never adds"
    )


def test_a_refusal_is_one_clear_line(built: Path, store: dict[str, str]) -> None:
    if store["auth"]:
        result = run_cli("publish", "--endpoint", store["store"], "--auth", "dba:wrong", root=built)
        expected = "refused the credentials (HTTP 401"
    else:
        result = run_cli("publish", "--endpoint", store["store"].replace("/store", "/nope"), root=built)
        expected = "answered HTTP 404 to PUT"
    assert result.returncode == 1 and expected in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("store", ["virtuoso"], indirect=True)  # the store that asks for credentials
def test_credentials_in_the_url(built: Path, store: dict[str, str]) -> None:
    endpoint = store["store"].replace("://", f"://{store['auth']}@", 1)
    result = run_cli("publish", "--endpoint", endpoint, root=built)
    assert result.returncode == 0 and "the store holds" in result.stdout, result.stderr
    assert store["auth"] not in result.stderr
    wrong = run_cli("publish", "--endpoint", endpoint.replace(":dba@", ":wrong@"), root=built)
    assert wrong.returncode == 1 and "refused the credentials" in wrong.stderr
    assert "wrong" not in wrong.stderr and "dba" not in wrong.stderr


def rows(answer, ordered: bool) -> list:
    out = [
        tuple(
            sorted(
                (
                    k,
                    v["type"].replace("typed-literal", "literal"),
                    "_" if v["type"] == "bnode" else v["value"],
                    v.get("xml:lang"),
                    None if v.get("datatype") == XSD_STRING else v.get("datatype"),
                )
                for k, v in row.items()
            )
        )
        for row in answer.rows
    ]
    return out if ordered else sorted(out)


def test_the_library_answers_the_same_on_the_store(built: Path, store: dict[str, str]) -> None:
    assert publish(built, store).returncode == 0
    # as policykg query reads the project: with what the class and property hierarchy entails
    embedded = EmbeddedEngine(load_project(Project(built), entailed=True).store)
    remote = EndpointEngine(store["query"], timeout=60)
    different = []
    for query in QUERIES:
        sparql, _ = prepare(query)
        mine = embedded.answer(sparql)
        try:
            theirs = remote.answer(sparql)
        except PolicyKGError as error:
            different.append(f"{query.name}: {str(error)[:120]}")
            continue
        if mine.kind == "ask":
            same = theirs.kind == "ask" and theirs.boolean == mine.boolean
        else:
            same = mine.variables == theirs.variables and rows(mine, is_ordered(query.text)) == rows(
                theirs, is_ordered(query.text)
            )
        if not same:
            different.append(query.name)
    assert different == []


def test_the_store_loaded_from_the_dumps_answers_with_the_entailments(
    built: Path, store: dict[str, str]
) -> None:
    """A store with no reasoning of its own, loaded by publish, finds laws and strategies as frameworks and
    implements edges as refersTo, as the embedded store does."""
    assert publish(built, store).returncode == 0
    remote = EndpointEngine(store["query"], timeout=60)
    frameworks = "SELECT DISTINCT ?f WHERE { ?f a pkg:PolicyFramework }"
    refers = "SELECT DISTINCT ?i ?f WHERE { ?i pkg:implements ?f FILTER NOT EXISTS { ?i pkg:refersTo ?f } }"
    found = {row["f"]["value"] for row in remote.answer(sparql_prologue() + frameworks).rows}
    assert "https://w3id.org/policykg/id/law/dsa" in found and len(found) >= 10
    assert remote.answer(sparql_prologue() + refers).rows == []


def test_cli_query_on_the_store(built: Path, store: dict[str, str]) -> None:
    assert publish(built, store).returncode == 0
    result = run_cli(
        "query", "budget/printed-totals", "--endpoint", store["query"], "--format", "csv", root=ROOT
    )
    assert result.returncode == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert rows[0] == ["document", "periodLabel", "printed", "sum", "addsUp"] and rows[1] == [
        "https://w3id.org/policykg/id/kernboodschap-digitalisering",
        "2026",
        "1705",
        "1705",
        "yes",
    ]
