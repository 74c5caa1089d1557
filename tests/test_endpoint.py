"""The same query library on a real SPARQL endpoint (an Oxigraph server on loopback) gives the same answers."""

from __future__ import annotations

import re
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import ROOT, run_cli
from servers import oxigraph_server, silent_server

from policykg.library import is_ordered, list_queries
from policykg.load import LoadedGraph
from policykg.query import EmbeddedEngine, EndpointEngine, prepare

QUERIES = list_queries(ROOT / "queries")


@pytest.fixture(scope="module")
def endpoint(loaded: LoadedGraph, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("oxigraph")
    data = folder / "graph.nt"
    ox.serialize(loaded.triples(), str(data), format=ox.RdfFormat.N_TRIPLES)
    with oxigraph_server(data, folder) as url:
        yield url


def comparable(answer, ordered: bool):
    rows = [
        tuple(
            (
                k,
                v["type"],
                "_" if v["type"] == "bnode" else v["value"],
                v.get("xml:lang"),
                None if v.get("datatype") == "http://www.w3.org/2001/XMLSchema#string" else v.get("datatype"),
            )
            for k, v in sorted(row.items())
        )
        for row in answer.rows
    ]
    return rows if ordered else sorted(rows, key=repr)


@pytest.mark.parametrize("query", QUERIES, ids=[q.name for q in QUERIES])
def test_endpoint_answers_like_the_embedded_store(query, endpoint: str, loaded: LoadedGraph) -> None:
    sparql, _ = prepare(query)
    embedded = EmbeddedEngine(loaded.store).answer(sparql)
    remote = EndpointEngine(endpoint).answer(sparql)
    assert remote.variables == embedded.variables
    ordered = is_ordered(query.text)
    assert comparable(remote, ordered) == comparable(embedded, ordered)


def test_cli_runs_a_library_query_on_the_endpoint(endpoint: str) -> None:
    result = run_cli("query", "overlaps/institutions-across-priorities", "--endpoint", endpoint, root=ROOT)
    assert result.returncode == 0, result.stderr
    assert re.search(r"id:institution/toezichthouders +supervisory authorities +2 ", result.stdout)
    dutch = run_cli(
        "query", "overlaps/institutions-across-priorities", "--endpoint", endpoint, "--lang", "nl", root=ROOT
    )
    assert re.search(
        r"id:institution/toezichthouders +toezichthouders +2 +Digitale Veiligheid ", dutch.stdout
    )
    assert result.stdout.strip().endswith("(6 rows)")  # three institutions, each under two priorities


def test_http_error_is_one_clear_line(endpoint: str) -> None:
    result = run_cli(
        "query", "browse/interventions-by-level", "--endpoint", endpoint.replace("/query", "/nope"), root=ROOT
    )
    assert result.returncode == 1
    assert "answered HTTP 404" in result.stderr and len(result.stderr.strip().splitlines()) == 1


def test_unreachable_endpoint(tmp_path: Path) -> None:
    from servers import free_port

    url = f"http://127.0.0.1:{free_port()}/sparql"
    result = run_cli("query", "browse/interventions-by-level", "--endpoint", url, root=ROOT)
    assert result.returncode == 1
    assert (
        f"cannot reach the endpoint {url}" in result.stderr and len(result.stderr.strip().splitlines()) == 1
    )


def test_timeout() -> None:
    with silent_server() as url:
        started = time.monotonic()
        result = run_cli(
            "query", "browse/interventions-by-level", "--endpoint", url, "--timeout", "1", root=ROOT
        )
        assert time.monotonic() - started < 20
    assert result.returncode == 1
    assert f"the endpoint {url} did not answer within 1 s" in result.stderr


def test_endpoint_and_a_query_file_need_no_project(tmp_path: Path, endpoint: str) -> None:
    query = tmp_path / "ask.rq"
    query.write_text("ASK { ?s a pkg:PolicyDocument }")
    result = run_cli("query", str(query), "--endpoint", endpoint, root=None)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "yes"
