"""policykg serve to the letter: content negotiation by RFC 9110, the SPARQL 1.1 Protocol and Service
Description, the answer formats, caching and compression, and resource data a client can traverse.
Each case here is a deviation that was found, and failed, before."""

from __future__ import annotations

import csv
import gzip
import io
import json
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from test_serve import fetch

from policykg.serve import Settings, open_store, start

OWL_API = "application/rdf+xml, application/xml; q=0.9, text/xml; q=0.9, text/plain; q=0.8, */*; q=0.09"
FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[str]:
    dist = built / "dist"
    running = start(dist / "site", open_store(dist), settings=Settings(timeout=5, max_rows=1000))
    try:
        yield running.url
    finally:
        running.stop()


def parsed(body: bytes, media: str) -> set:
    return {q.triple for q in ox.parse(body, format=FORMATS[media], base_iri="https://w3id.org/policykg/")}


@pytest.mark.parametrize(
    ("accept", "path", "location"),
    [
        (OWL_API, "/def", "/def.rdf"),
        (OWL_API, "/id/law/dsa", "/id/law/dsa.rdf"),
        ("*/*", "/def", "/def.rdf"),
        (None, "/def", "/def.rdf"),
        ("*/*", "/id/law/dsa", "/id/law/dsa.html"),
        ("text/html;q=0, */*", "/id/law/dsa", "/id/law/dsa.ttl"),
        ("text/html, */*;q=0.1", "/def", "/def.html"),
        ("text/n3", "/id/law/dsa", "/id/law/dsa.ttl"),
        ("application/x-turtle", "/id/law/dsa", "/id/law/dsa.ttl"),
        ("text/plain", "/id/law/dsa", "/id/law/dsa.nt"),
        ("application/json", "/id/law/dsa", "/id/law/dsa.jsonld"),
        ("application/n-quads", "/id/law/dsa", "/id/law/dsa.nq"),
        ("application/trig", "/id/law/dsa", "/id/law/dsa.trig"),
        ("application/rdf+xml;q=0.5, text/turtle;q=0.4", "/id/law/dsa", "/id/law/dsa.rdf"),
    ],
)
def test_negotiation_by_rfc_9110(server: str, accept: str | None, path: str, location: str) -> None:
    status, headers, _ = fetch(server + path, accept)
    assert status == 303 and headers["Location"] == location and "Accept" in headers["Vary"]
    status, headers, body = fetch(server + location)
    media = headers["Content-Type"].split(";")[0]
    assert status == 200
    if media != "text/html":
        assert (
            media
            == {
                ".rdf": "application/rdf+xml",
                ".ttl": "text/turtle",
                ".nt": "application/n-triples",
                ".jsonld": "application/ld+json",
                ".nq": "application/n-quads",
                ".trig": "application/trig",
            }[location[location.rindex(".") :]]
        )
        assert parsed(body, media)


def test_406_lists_what_is_available(server: str) -> None:
    status, _, body = fetch(server + "/id/law/dsa", "image/png")
    assert status == 406 and b"text/turtle" in body and b"application/rdf+xml" in body
    status, _, _ = fetch(server + "/id/law/dsa", "text/turtle;q=0, text/html;q=0, application/*;q=0")
    assert status == 406


def test_every_resource_has_rdf_xml_and_a_symmetric_description(server: str) -> None:
    """From the document a client finds its priorities, from a priority its interventions, from an
    intervention its evidence: each resource's data holds the statements that point at it too."""
    document = "https://w3id.org/policykg/id/kernboodschap-digitalisering"
    _, _, body = fetch(server + "/id/kernboodschap-digitalisering.rdf")
    triples = parsed(body, "application/rdf+xml")
    _, _, turtle = fetch(server + "/id/kernboodschap-digitalisering.ttl")
    assert triples == parsed(turtle, "text/turtle") or len(triples) == len(parsed(turtle, "text/turtle"))
    pointing = {t for t in triples if isinstance(t.object, ox.NamedNode) and t.object.value == document}
    assert pointing, "nothing points at the document in its data"
    priority = (
        next(
            t.subject.value
            for t in triples
            if t.predicate.value.endswith("hasPriority") or "/priority/" in str(t.subject)
        )
        if any("/priority/" in str(t.subject) for t in triples)
        else next(t.object.value for t in triples if "/priority/" in str(t.object))
    )
    _, _, body = fetch(server + "/" + priority.removeprefix("https://w3id.org/policykg/") + ".ttl")
    around = parsed(body, "text/turtle")
    assert any("/intervention/" in str(t.subject) for t in around), (
        "a priority's data names its interventions"
    )
    status, headers, body = fetch(server + "/def.rdf")
    assert (
        status == 200
        and headers["Content-Type"] == "application/rdf+xml"
        and parsed(body, "application/rdf+xml")
    )


def status_of(url: str, headers: dict[str, str], data: bytes | None = None) -> int:
    """The status of one request, whatever it is."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, data=data, headers=headers), timeout=10) as r:
            return r.status
    except urllib.error.HTTPError as error:
        return error.code


def sparql(server: str, query: str, accept: str | None = None, **params: str):
    return fetch(server + "/sparql?" + urllib.parse.urlencode({"query": query, **params}), accept)


def test_protocol_deviations_are_gone(server: str) -> None:
    # two query= parameters are a bad request
    status, _, _ = fetch(server + "/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert status == 400
    # default-graph-uri is honoured: a graph the store does not hold is empty
    status, _, body = sparql(server, "SELECT * { ?s ?p ?o } LIMIT 1", **{"default-graph-uri": "urn:none"})
    assert status == 200 and json.loads(body)["results"]["bindings"] == []
    # error positions are those of the query as written
    status, _, body = sparql(server, "SELECT * WHERE {\n  ?s ?p ?o .\n  FILTR(?o)\n}")
    assert status == 400 and b"3:" in body and b"14:" not in body, body
    # an update sent as query=, with a PREFIX line, is refused as an update
    status, _, body = sparql(server, "PREFIX e: <http://e/>\nINSERT DATA { e:a e:b e:c }")
    assert status == 403 and b"read-only" in body
    # a literal tagged @from is no FROM clause
    status, _, _ = sparql(server, 'SELECT ?x { BIND("a"@from AS ?x) }')
    assert status == 200
    # invalid UTF-8 is refused, not patched
    status, _, _ = fetch(server + "/sparql?query=ASK%20%7B%7D%ff")
    assert status == 400
    # the endpoint answers at /sparql/ too, by GET and POST
    assert fetch(server + "/sparql/?query=ASK%7B%7D")[0] == 200
    assert fetch(server + "/sparql/", None, b"query=ASK%7B%7D", "application/x-www-form-urlencoded")[0] == 200


@pytest.mark.parametrize("media", list(FORMATS))
def test_construct_in_every_rdf_syntax(server: str, media: str) -> None:
    status, headers, body = sparql(server, "CONSTRUCT WHERE { ?l a pkg:InterventionLevel }", media)
    assert status == 200 and headers["Content-Type"].split(";")[0] == media
    assert len(parsed(body, media)) == 3


def test_construct_asked_as_a_table_is_not_acceptable(server: str) -> None:
    status, _, body = sparql(server, "CONSTRUCT WHERE { ?l a pkg:InterventionLevel }", "text/csv")
    assert status == 406 and b"text/turtle" in body


def test_csv_and_tsv_with_unbound_variables_and_charset(server: str) -> None:
    query = 'SELECT ?a ?b WHERE { VALUES (?a ?b) { ("€ 1" UNDEF) (UNDEF "x") } }'
    status, headers, body = sparql(server, query, "text/csv")
    assert status == 200 and headers["Content-Type"] == "text/csv; charset=utf-8"
    assert list(csv.reader(io.StringIO(body.decode("utf-8")))) == [["a", "b"], ["€ 1", ""], ["", "x"]]
    status, headers, body = sparql(server, query, "text/tab-separated-values")
    assert status == 200 and headers["Content-Type"] == "text/tab-separated-values; charset=utf-8"
    assert body.decode("utf-8") == '?a\t?b\n"€ 1"\t\n\t"x"\n'


def test_service_description_at_get_sparql(server: str) -> None:
    status, headers, body = fetch(server + "/sparql", "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    graph = parsed(body, "text/turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert any(t.predicate.value == sd + "endpoint" and t.object.value == server + "/sparql" for t in graph)
    assert sum(t.predicate.value == sd + "resultFormat" for t in graph) >= 6
    status, headers, _ = fetch(server + "/sparql", "text/html,application/xhtml+xml,*/*;q=0.8")
    assert status == 200 and headers["Content-Type"].startswith("text/html")


def test_validators_compression_and_head(server: str) -> None:
    status, headers, body = fetch(server + "/id/law/dsa.html")
    etag, modified = headers["ETag"], headers["Last-Modified"]
    assert status == 200 and etag and modified and "max-age" in headers["Cache-Control"]
    assert status_of(server + "/id/law/dsa.html", {"If-None-Match": etag}) == 304
    assert status_of(server + "/id/law/dsa.html", {"If-Modified-Since": modified}) == 304
    request = urllib.request.Request(server + "/downloads/policykg.nt", headers={"Accept-Encoding": "gzip"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        data = gzip.decompress(response.read())
    assert data == fetch(server + "/downloads/policykg.nt")[2] and len(data) > 100_000
    request = urllib.request.Request(server + "/id/law/dsa.html", method="HEAD")
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.read() == b"" and int(response.headers["Content-Length"]) == len(body)
    status, headers, _ = sparql(server, "ASK { ?s a pkg:Law }")
    assert status == 200 and headers["ETag"]


def test_error_pages_are_ours_with_links_that_work(server: str) -> None:
    status, headers, body = fetch(server + "/id/law/nothing/here", "text/html")
    assert status == 404 and headers["Content-Type"].startswith("text/html")
    assert b'href="../../../index.html"' in body and b"/site.css" not in body
    status, headers, body = fetch(server + "/nothing", "application/json")
    assert status == 404 and headers["Content-Type"].startswith("text/plain")


def test_review_nits_are_fixed(server: str) -> None:
    # XML results stay well-formed whatever a literal holds
    status, _, body = sparql(
        server, 'SELECT ?x { BIND("a\\u0001b" AS ?x) }', "application/sparql-results+xml"
    )
    import xml.dom.minidom

    assert status == 200 and xml.dom.minidom.parseString(body)
    # a compressed request body is refused, not read as text
    compressed = {"Content-Type": "application/sparql-query", "Content-Encoding": "gzip"}
    assert status_of(server + "/sparql", compressed, b"ASK {}") == 415
    # gzip excluded by q=0 is not sent, even beside *
    request = urllib.request.Request(server + "/index.html", headers={"Accept-Encoding": "*, gzip;q=0"})
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.headers.get("Content-Encoding") is None
    # the editor and the service description share /sparql: caches must keep them apart
    status, headers, _ = fetch(server + "/sparql", "text/html")
    assert status == 200 and "Accept" in headers["Vary"]
    # parameters the protocol does not define are ignored: alone, they ask for the description
    status, headers, _ = fetch(server + "/sparql?format=json", "text/turtle")
    assert status == 200 and headers["Content-Type"].startswith("text/turtle")
    # the same answer as JSON and as SPARQL JSON carries two ETags
    _, a, _ = sparql(server, "ASK {}", "application/json")
    _, b, _ = sparql(server, "ASK {}", "application/sparql-results+json")
    assert a["ETag"] != b["ETag"]
