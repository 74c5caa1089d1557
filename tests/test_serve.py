"""policykg serve: content negotiation for resource IRIs, a read-only SPARQL endpoint with limits, and
safety against bad requests; the whole library answers the same through it as on the embedded store."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import ROOT, run_cli

from policykg.library import is_ordered, list_queries
from policykg.load import LoadedGraph
from policykg.query import EmbeddedEngine, EndpointEngine, prepare
from policykg.serve import Settings, open_store, start


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[str]:
    dist = built / "dist"
    running = start(
        dist / "site", open_store(dist), settings=Settings(timeout=2, max_rows=1000, max_body=10_000)
    )
    try:
        yield running.url
    finally:
        running.stop()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003, ANN201
        return None


def fetch(url: str, accept: str | None = None, data: bytes | None = None, content_type: str | None = None):
    request = urllib.request.Request(url, data=data)
    if accept:
        request.add_header("Accept", accept)
    if content_type:
        request.add_header("Content-Type", content_type)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


@pytest.mark.parametrize(
    ("accept", "location"),
    [
        ("text/html", "/id/law/dsa.html"),
        ("text/turtle", "/id/law/dsa.ttl"),
        ("application/ld+json", "/id/law/dsa.jsonld"),
        ("application/n-triples", "/id/law/dsa.nt"),
        ("text/turtle;q=0.5, application/ld+json", "/id/law/dsa.jsonld"),
    ],
)
def test_resource_iris_303_to_page_or_data(server: str, accept: str, location: str) -> None:
    status, headers, _ = fetch(server + "/id/law/dsa", accept)
    assert status == 303 and headers["Location"] == location and "Accept" in headers["Vary"]
    status, headers, body = fetch(server + location)
    assert (
        status == 200
        and headers["Content-Type"].split(";")[0]
        == {
            ".html": "text/html",
            ".ttl": "text/turtle",
            ".jsonld": "application/ld+json",
            ".nt": "application/n-triples",
        }[Path(location).suffix]
    )
    assert b"eli/reg/2022/2065" in body


def test_ontology_iri_and_unknown_iris(server: str) -> None:
    status, headers, _ = fetch(server + "/def", "text/turtle")
    assert status == 303 and headers["Location"] == "/def.ttl"
    status, _, body = fetch(server + "/id/law/nothing-here", "text/html")
    assert status == 404 and b"Not found" in body
    status, _, _ = fetch(server + "/id/law/dsa", "image/png")
    assert status == 406


def test_path_traversal_is_refused(server: str) -> None:
    for path in ("/id/../../etc/passwd", "/id/%2e%2e/%2e%2e/etc/passwd", "/..%2f..%2fetc/passwd"):
        status, _, body = fetch(server + path)
        assert status in (400, 404) and b"root:" not in body


def test_sparql_get_post_and_formats(server: str) -> None:
    query = "SELECT ?l WHERE { ?l a pkg:InterventionLevel } ORDER BY ?l"
    status, headers, body = fetch(server + "/sparql?" + urllib.parse.urlencode({"query": query}))
    assert status == 200 and headers["Content-Type"] == "application/sparql-results+json"
    assert len(json.loads(body)["results"]["bindings"]) == 3
    for accept, marker in (
        ("application/sparql-results+xml", b"<sparql xmlns"),
        ("text/csv", b"l\r\nhttps://w3id.org/policykg/id/level/partner"),
        ("text/tab-separated-values", b"?l\n<https://w3id.org/policykg/id/level/partner>"),
    ):
        status, _, body = fetch(
            server + "/sparql",
            accept,
            urllib.parse.urlencode({"query": query}).encode(),
            "application/x-www-form-urlencoded",
        )
        assert status == 200 and body.startswith(marker) or marker in body, (accept, body[:100])
    status, headers, body = fetch(
        server + "/sparql",
        "text/turtle",
        b"CONSTRUCT { ?l a pkg:InterventionLevel } WHERE { ?l a pkg:InterventionLevel }",
        "application/sparql-query",
    )
    assert (
        status == 200
        and headers["Content-Type"].startswith("text/turtle")
        and body.count(b"pkg:InterventionLevel") == 3
    )
    status, _, body = fetch(server + "/sparql?query=" + urllib.parse.quote("ASK { ?s a pkg:Law }"))
    assert json.loads(body)["boolean"] is True
    status, headers, _ = fetch(server + "/sparql", "text/html")
    assert status == 200 and headers["Content-Type"].startswith("text/html")


def test_read_only_and_no_service(server: str) -> None:
    status, _, body = fetch(
        server + "/sparql",
        None,
        b"update=" + urllib.parse.quote(b"DELETE WHERE { ?s ?p ?o }").encode(),
        "application/x-www-form-urlencoded",
    )
    assert status == 403 and b"read-only" in body
    status, _, _ = fetch(
        server + "/sparql", None, b"INSERT DATA { <urn:a> <urn:b> <urn:c> }", "application/sparql-update"
    )
    assert status == 403
    query = "SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }"
    status, _, body = fetch(server + "/sparql?" + urllib.parse.urlencode({"query": query}))
    assert status == 400 and b"SERVICE is not allowed" in body
    # FROM names a graph of this store's dataset, as the protocol says; it never fetches: none is named here
    query = "SELECT * FROM <http://example.org/data> { ?s ?p ?o }"
    status, _, body = fetch(server + "/sparql?" + urllib.parse.urlencode({"query": query}))
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    status, _, body = fetch(server + "/sparql?" + urllib.parse.urlencode({"query": "SELECT * {"}))
    assert status == 400 and b"not valid SPARQL" in body


def test_limits_timeout_row_cap_and_body_size(server: str) -> None:
    slow = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    started = time.monotonic()
    status, _, body = fetch(server + "/sparql?" + urllib.parse.urlencode({"query": slow}))
    assert status == 503 and b"did not finish within 2 s" in body and time.monotonic() - started < 10
    status, _, body = fetch(server + "/sparql?query=" + urllib.parse.quote("ASK { ?s a pkg:Priority }"))
    assert status == 200 and json.loads(body)["boolean"] is True, "the next client is served after a timeout"
    status, headers, body = fetch(server + "/sparql?query=" + urllib.parse.quote("SELECT * { ?s ?p ?o }"))
    assert status == 200 and headers.get("X-Result-Truncated") == "true"
    assert len(json.loads(body)["results"]["bindings"]) == 1000
    status, _, _ = fetch(
        server + "/sparql", None, b"query=" + b"x" * 20_000, "application/x-www-form-urlencoded"
    )
    assert status == 413


def test_the_library_answers_the_same_through_serve(server: str, loaded: LoadedGraph) -> None:
    remote = EndpointEngine(server + "/sparql", timeout=10)
    embedded = EmbeddedEngine(loaded.store)
    for query in list_queries(ROOT / "queries"):
        sparql, _ = prepare(query)
        a, b = embedded.answer(sparql), remote.answer(sparql)
        rows = [
            sorted((k, v["type"], v["value"] if v["type"] != "bnode" else "_") for k, v in r.items())
            for r in a.rows
        ]
        other = [
            sorted((k, v["type"], v["value"] if v["type"] != "bnode" else "_") for k, v in r.items())
            for r in b.rows
        ]
        if not is_ordered(query.text):
            rows, other = sorted(rows), sorted(other)
        assert rows == other, query.name


def test_pages_left_out_of_a_large_site_are_rendered_on_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above STATIC_PAGES_UPTO resources the site writes pages for documents and what they share; serve
    renders the parts of documents from the store, the same page and data the site would have written."""
    import pyoxigraph as ox

    from policykg import site
    from policykg.load import load_project
    from policykg.project import Project

    root = tmp_path / "corpus"
    assert run_cli("synth", "--documents", "3", "--seed", "2", "--out", str(root)).returncode == 0
    assert run_cli("build", "--no-views", "--no-site", root=root).returncode == 0
    loaded = load_project(Project(root))
    dist = root / "dist"
    site.write_site(loaded, tmp_path / "full", dist)
    monkeypatch.setattr(site, "STATIC_PAGES_UPTO", 10)
    site.write_site(loaded, dist / "site", dist)
    part = "id/synth-0002/intervention/i1-0"
    shared = next(
        p.relative_to(dist / "site") for p in (dist / "site" / "id").glob("synth-institution/*.html")
    )
    assert not (dist / "site" / f"{part}.html").exists() and (tmp_path / "full" / f"{part}.html").exists()
    assert "rendered on request by <code>policykg serve</code>" in (dist / "site" / "index.html").read_text()

    running = start(dist / "site", open_store(dist))
    base = running.url
    try:
        for page in (part, "id/synth-0002/passage/i1-0"):  # a passage has a blank node: its selector
            status, headers, body = fetch(f"{base}/{page}.html")
            assert status == 200 and headers["Content-Type"].startswith("text/html")
            assert body.decode() == (tmp_path / "full" / f"{page}.html").read_text(encoding="utf-8")
        for ext, fmt in (
            ("ttl", ox.RdfFormat.TURTLE),
            ("nt", ox.RdfFormat.N_TRIPLES),
            ("jsonld", ox.RdfFormat.JSON_LD),
        ):
            status, _headers, body = fetch(f"{base}/{part}.{ext}")
            assert status == 200, ext
            served = {q.triple for q in ox.parse(body, format=fmt)}
            written = {
                q.triple for q in ox.parse((tmp_path / "full" / f"{part}.{ext}").read_bytes(), format=fmt)
            }
            assert served == written and served, ext
        status, headers, _ = fetch(f"{base}/{part}", accept="text/turtle")
        assert status == 303 and headers["Location"] == f"/{part}.ttl"
        # a shared resource keeps its written page
        status, _headers, body = fetch(f"{base}/{shared}")
        assert status == 200 and body == (dist / "site" / shared).read_bytes()
        for missing in (
            "id/synth-0002/intervention/none.html",
            "id/synth-0002/intervention/none",
            "id/x/../y.html",
        ):
            assert fetch(f"{base}/{missing}")[0] in (400, 404), missing
    finally:
        running.stop()
