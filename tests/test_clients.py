"""policykg serve as real clients use it: SPARQLWrapper, rdflib's SPARQLStore, rdflib reading resource IRIs
in each of its syntaxes, the OWL API's Accept header on /def, and Comunica, on the endpoint and by link
traversal from the document's IRI through a proxy that keeps it on this machine.

Each answer is checked against the same query on the built graph in an embedded store. The Comunica
tests need Node.js and tests/clients/node_modules (``make test`` runs ``npm ci`` there): without them
they skip, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import http.server
import json
import os
import subprocess
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.compare import isomorphic, to_isomorphic
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from servers import require
from SPARQLWrapper import GET, JSON, POST, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

from policykg.serve import Settings, open_store, start

CLIENTS = Path(__file__).resolve().parent / "clients"
BASE = "https://w3id.org/policykg/"
DOCUMENT = BASE + "id/kernboodschap-digitalisering"
JSON_RESULTS = "application/sparql-results+json"
# rdflib's namespace objects are not imported here: pytest's collection probes every module
# attribute, and rdflib's closed namespaces warn at each unknown name
XSD_STRING = URIRef("http://www.w3.org/2001/XMLSchema#string")
RDF_TYPE = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
OWL_ONTOLOGY, OWL_CLASS = (
    URIRef("http://www.w3.org/2002/07/owl#Ontology"),
    URIRef("http://www.w3.org/2002/07/owl#Class"),
)
OWL_API = "application/rdf+xml, application/xml; q=0.9, text/xml; q=0.9, text/plain; q=0.8, */*; q=0.09"
PREFIXES = """PREFIX pkg: <https://w3id.org/policykg/def#>
PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX oa: <http://www.w3.org/ns/oa#>
"""
SELECTS = {
    # IRIs, language-tagged literals and unbound variables
    "interventions": PREFIXES
    + f"""SELECT ?priority ?intervention ?label ?parent WHERE {{
  <{DOCUMENT}> pkg:hasPriority ?priority .
  ?intervention pkg:underPriority ?priority ; rdfs:label ?label .
  FILTER(LANG(?label) = "en")
  OPTIONAL {{ ?intervention pkg:partOf ?parent }}
}}
ORDER BY ?intervention""",
    # every typed literal: decimals, integers, years, dates, booleans
    "typed literals": PREFIXES
    + """SELECT ?s ?p ?o WHERE {
  ?s ?p ?o .
  FILTER(isIRI(?s) && isLiteral(?o) && DATATYPE(?o) != xsd:string && DATATYPE(?o) != rdf:langString)
}""",
}
ASKS = {
    PREFIXES + f"ASK {{ <{DOCUMENT}> a pkg:PolicyDocument }}": True,
    PREFIXES + f"ASK {{ <{DOCUMENT}> a pkg:Law }}": False,
}
# language-tagged literals, and blank nodes (the passages' selectors) with text that needs escaping
CONSTRUCT = (
    PREFIXES
    + f"""CONSTRUCT {{
  ?intervention rdfs:label ?label ; pkg:underPriority ?priority ; prov:wasDerivedFrom ?passage .
  ?passage oa:hasSelector ?selector . ?selector oa:exact ?exact .
}} WHERE {{
  <{DOCUMENT}> pkg:hasPriority ?priority .
  ?intervention pkg:underPriority ?priority ; rdfs:label ?label .
  OPTIONAL {{
    ?intervention prov:wasDerivedFrom ?passage .
    ?passage oa:hasSelector ?selector . ?selector oa:exact ?exact .
  }}
}}"""
)


# rdflib's own TriG and N-Quads parsers, and SPARQLWrapper, use rdflib's deprecated ConjunctiveGraph API
pytestmark = pytest.mark.filterwarnings(
    "ignore:(ConjunctiveGraph|Dataset.default_context) is deprecated:DeprecationWarning"
)


@dataclass
class Served:
    url: str
    embedded: ox.Store


@pytest.fixture(scope="module")
def served(built: Path) -> Iterator[Served]:
    dist = built / "dist"
    embedded = ox.Store()
    embedded.bulk_load(path=str(dist / "policykg.nt"), format=ox.RdfFormat.N_TRIPLES)
    running = start(dist / "site", open_store(dist), settings=Settings(timeout=10))
    try:
        yield Served(running.url, embedded)
    finally:
        running.stop()


# -- answers in one form: rdflib terms, rows as sorted (variable, term) pairs, graphs as rdflib graphs


def plain(term: object) -> object:
    """A literal typed xsd:string is the simple literal (RDF 1.1); everything else as it is."""
    if isinstance(term, Literal) and term.datatype == XSD_STRING:
        return Literal(str(term))
    return term


def from_oxigraph(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> object:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    return plain(Literal(term.value, datatype=term.datatype.value))


def from_json(binding: dict) -> object:
    """A term of SPARQL 1.1 Query Results JSON."""
    if binding["type"] == "uri":
        return URIRef(binding["value"])
    if binding["type"] == "bnode":
        return BNode(binding["value"])
    if "xml:lang" in binding:
        return Literal(binding["value"], lang=binding["xml:lang"])
    return plain(Literal(binding["value"], datatype=binding.get("datatype")))


Rows = list[tuple[tuple[str, str], ...]]


def rows(solutions: list[dict[str, object]]) -> Rows:
    """Solutions as a sorted list of rows, each the sorted (variable, term in N-Triples) pairs it binds."""
    return sorted(
        tuple(sorted((name, plain(term).n3()) for name, term in s.items() if term is not None))
        for s in solutions
    )


def expected_rows(served: Served, query: str) -> Rows:
    solutions = served.embedded.query(query)
    names = [v.value for v in solutions.variables]
    found = rows([{n: from_oxigraph(s[n]) for n in names if s[n] is not None} for s in solutions])
    assert found, f"the embedded store finds nothing for\n{query}"
    return found


def json_rows(answer: dict) -> Rows:
    return rows([{n: from_json(b) for n, b in row.items()} for row in answer["results"]["bindings"]])


def expected_graph(served: Served, query: str) -> Graph:
    data = ox.serialize(served.embedded.query(query), format=ox.RdfFormat.N_TRIPLES)
    graph = Graph().parse(data=data.decode("utf-8"), format="nt")
    assert len(graph), f"the embedded store constructs nothing for\n{query}"
    return graph


def same_graph(got: Graph, expected: Graph, what: str) -> None:
    if isomorphic(got, expected):
        return
    # canonical blank node names: what is left on either side differs
    a, b = to_isomorphic(got), to_isomorphic(expected)
    missing, extra = sorted(t.n3() for t in b - a), sorted(t.n3() for t in a - b)
    raise AssertionError(
        f"{what}: {len(got)} triples, expected {len(expected)}; "
        f"missing (first 5): {missing[:5]}; unexpected (first 5): {extra[:5]}"
    )


# -- 1. SPARQLWrapper


def wrapper(served: Served, query: str, method: str, conneg_only: bool) -> SPARQLWrapper:
    client = SPARQLWrapper(served.url + "/sparql")
    client.setQuery(query)
    client.setMethod(method)
    client.setOnlyConneg(conneg_only)
    return client


SPARQLWRAPPER_USES = pytest.mark.parametrize(
    ("method", "conneg_only"),
    [(GET, False), (POST, False), (GET, True)],
    ids=["GET as it comes", "POST as it comes", "GET content negotiation only"],
)


def wrapper_answer(client: SPARQLWrapper) -> object:
    """The answer, or a failure saying what the server refused: SPARQLWrapper (unless setOnlyConneg(True))
    sends format=, output= and results= beside query=, naming the answer format it wants."""
    try:
        return client.query()
    except SPARQLWrapperException as error:
        sent = "query" if client.onlyConneg else "query, format, output and results"
        pytest.fail(
            f"the server refused SPARQLWrapper's {client.method} to {client.endpoint} with parameters "
            f"{sent} and Accept: {client._getAcceptHeader()}: {error}. SPARQLWrapper sends "
            "format=, output= and results= to every endpoint unless told setOnlyConneg(True); the SPARQL "
            "1.1 Protocol defines query, default-graph-uri and named-graph-uri and forbids no others. "
            "Expected: 200 with the answer the Accept header asks for, the other parameters ignored "
            "(or honoured)."
        )


@SPARQLWRAPPER_USES
def test_sparqlwrapper_select(served: Served, method: str, conneg_only: bool) -> None:
    for name, query in SELECTS.items():
        client = wrapper(served, query, method, conneg_only)
        client.setReturnFormat(JSON)
        answer = wrapper_answer(client)
        assert answer.response.headers["Content-Type"].startswith("application/sparql-results+json")
        assert json_rows(answer.convert()) == expected_rows(served, query), name


@SPARQLWRAPPER_USES
def test_sparqlwrapper_ask(served: Served, method: str, conneg_only: bool) -> None:
    for query, truth in ASKS.items():
        # the default return format: SPARQL Query Results XML
        answer = wrapper_answer(wrapper(served, query, method, conneg_only))
        assert answer.response.headers["Content-Type"].startswith("application/sparql-results+xml")
        boolean = answer.convert().getElementsByTagName("boolean")[0].firstChild.data
        assert boolean == str(truth).lower(), query


@SPARQLWRAPPER_USES
def test_sparqlwrapper_construct_in_its_default_rdf_xml(
    served: Served, method: str, conneg_only: bool
) -> None:
    client = wrapper(served, CONSTRUCT, method, conneg_only)
    answer = wrapper_answer(client)
    media = answer.response.headers["Content-Type"].split(";")[0].strip()
    assert media == "application/rdf+xml", (
        f"SPARQLWrapper asked for a CONSTRUCT with Accept: {client._getAcceptHeader()}; "
        f"the server answered {media}, expected application/rdf+xml"
    )
    graph = answer.convert()  # parsed by rdflib as RDF/XML
    same_graph(graph, expected_graph(served, CONSTRUCT), "SPARQLWrapper's CONSTRUCT")


# -- 2. rdflib's SPARQLStore

SPARQLSTORE_METHODS = pytest.mark.parametrize("method", ["GET", "POST", "POST_FORM"])


def remote(served: Served, method: str) -> Graph:
    return Graph(SPARQLStore(served.url + "/sparql", method=method))


@SPARQLSTORE_METHODS
def test_sparqlstore_select(served: Served, method: str) -> None:
    for name, query in SELECTS.items():
        result = remote(served, method).query(query)
        assert result.type == "SELECT", result
        assert rows([row.asdict() for row in result]) == expected_rows(served, query), name


@SPARQLSTORE_METHODS
def test_sparqlstore_ask(served: Served, method: str) -> None:
    for query, truth in ASKS.items():
        result = remote(served, method).query(query)
        assert result.type == "ASK" and result.askAnswer is truth, query


@SPARQLSTORE_METHODS
def test_sparqlstore_construct(served: Served, method: str) -> None:
    result = remote(served, method).query(CONSTRUCT)
    assert result.type == "CONSTRUCT", result
    same_graph(result.graph, expected_graph(served, CONSTRUCT), f"SPARQLStore's CONSTRUCT by {method}")


# -- 3. rdflib reading resource IRIs, and the OWL API's request for the vocabulary


def description(served: Served, iri: str) -> Graph:
    """A resource's data as served: the statements about it, those pointing at it, and its blank nodes'."""
    return expected_graph(
        served,
        f"""CONSTRUCT {{ <{iri}> ?p ?o . ?s ?q <{iri}> . ?b ?bp ?bo }} WHERE {{
          {{ <{iri}> ?p ?o }} UNION {{ ?s ?q <{iri}> }}
          UNION {{ <{iri}> ?r ?b . FILTER(isBlank(?b)) ?b ?bp ?bo }}
        }}""",
    )


def see_other(url: str, accept: str) -> str:
    """Where a 303 from ``url`` for ``accept`` points, resolved."""

    class Stop(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object) -> None:
            return None

    request = urllib.request.Request(url, headers={"Accept": accept})
    try:
        urllib.request.build_opener(Stop).open(request, timeout=10)
    except urllib.error.HTTPError as error:
        assert error.code == 303, (url, accept, error.code)
        return urllib.parse.urljoin(url, error.headers["Location"])
    raise AssertionError(f"{url} for {accept} answered without a redirect")


RESOURCES = ["id/law/dsa", "id/kernboodschap-digitalisering/passage/p4-rationale-dsa"]


@pytest.mark.parametrize("resource", RESOURCES)
@pytest.mark.parametrize("syntax", ["turtle", "xml", "nt", "json-ld", "n3", "trig"])
def test_rdflib_reads_a_resource_iri(served: Served, syntax: str, resource: str) -> None:
    """rdflib asks for the syntax by its Accept header, follows the 303 and parses the data."""
    graph = Graph().parse(served.url + "/" + resource, format=syntax)
    same_graph(graph, description(served, BASE + resource), f"rdflib's {syntax} of /{resource}")


@pytest.mark.parametrize("resource", RESOURCES)
def test_rdflib_reads_a_resource_iri_in_n_quads(served: Served, resource: str) -> None:
    """For format="nquads" rdflib sends no Accept of its own but every syntax it reads, all at q=1, so the
    server may answer in any of them (it takes Turtle, its first offer): asked that way rdflib reads what
    comes by its Content-Type; the N-Quads that Accept: application/n-quads leads to reads as N-Quads."""
    expected = description(served, BASE + resource)
    same_graph(Graph().parse(served.url + "/" + resource), expected, f"rdflib's any-syntax /{resource}")
    location = see_other(served.url + "/" + resource, "application/n-quads")
    assert location.endswith(".nq"), location
    same_graph(Graph().parse(location, format="nquads"), expected, f"rdflib's N-Quads of /{resource}")


def test_owl_api_gets_the_vocabulary_in_rdf_xml(served: Served) -> None:
    request = urllib.request.Request(served.url + "/def", headers={"Accept": OWL_API})
    with urllib.request.urlopen(request, timeout=10) as response:  # follows the 303, Accept kept
        final, media, body = response.geturl(), response.headers["Content-Type"], response.read()
    assert final == served.url + "/def.rdf" and media.split(";")[0] == "application/rdf+xml", (final, media)
    graph = Graph().parse(data=body, format="xml", publicID=BASE + "def")
    assert (URIRef(BASE + "def"), RDF_TYPE, OWL_ONTOLOGY) in graph
    assert len(set(graph.subjects(RDF_TYPE, OWL_CLASS))) > 10


# -- 4. Comunica: the endpoint, and link traversal from the document's IRI


def comunica(program: str, *args: str) -> bytes:
    node = require("node", "install Node.js 20 with npm (Debian: nodejs, npm), then make test runs npm ci")
    cli = CLIENTS / "node_modules" / ".bin" / program
    if not cli.exists():
        message = (
            f"{cli.relative_to(CLIENTS.parent.parent)} is missing: "
            "npm ci --prefix tests/clients --no-audit --no-fund (make test runs it)"
        )
        if os.environ.get("CI") == "true":
            pytest.fail(message + " (CI must install it)")
        pytest.skip(message)
    done = subprocess.run([node, str(cli), *args], capture_output=True, timeout=60, cwd=CLIENTS, check=False)
    assert done.returncode == 0, done.stderr.decode("utf-8", "replace")[-2000:]
    return done.stdout


def test_comunica_select(served: Served) -> None:
    for name, query in SELECTS.items():
        out = comunica("comunica-sparql", f"sparql@{served.url}/sparql", "-q", query, "-t", JSON_RESULTS)
        assert json_rows(json.loads(out)) == expected_rows(served, query), name


def test_comunica_ask(served: Served) -> None:
    for query, truth in ASKS.items():
        out = comunica("comunica-sparql", f"sparql@{served.url}/sparql", "-q", query, "-t", JSON_RESULTS)
        assert json.loads(out)["boolean"] is truth, query
    # given the bare address, Comunica tells the endpoint by its service description
    query, truth = next(iter(ASKS.items()))
    out = comunica("comunica-sparql", f"{served.url}/sparql", "-q", query, "-t", JSON_RESULTS)
    assert json.loads(out)["boolean"] is truth, query


def test_comunica_construct(served: Served) -> None:
    out = comunica(
        "comunica-sparql", f"sparql@{served.url}/sparql", "-q", CONSTRUCT, "-t", "application/n-triples"
    )
    graph = Graph().parse(data=out.decode("utf-8"), format="nt")
    same_graph(graph, expected_graph(served, CONSTRUCT), "Comunica's CONSTRUCT")


@dataclass
class Proxy:
    """Comunica's proxy (``-p PREFIX``: it asks for PREFIX + the IRI as it is): the data's IRIs
    https://w3id.org/policykg/… go to the local server, following its 303, with the final address in
    x-final-url (Comunica takes it as the document's); anything else is refused with a 404."""

    upstream: str
    asked: list[tuple[str, int]] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def answer(self, target: str, accept: str) -> tuple[int, dict[str, str], bytes]:
        if not target.startswith(BASE):
            self.refused.append(target)
            return 404, {"Content-Type": "text/plain"}, b"not this proxy's\n"
        request = urllib.request.Request(
            self.upstream + "/" + target.removeprefix(BASE), headers={"Accept": accept}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                status, headers, body, final = (
                    response.status,
                    response.headers,
                    response.read(),
                    response.url,
                )
        except urllib.error.HTTPError as error:
            status, headers, body, final = error.code, error.headers, error.read(), error.url
        self.asked.append((target, status))
        final = BASE + final.removeprefix(self.upstream + "/")
        media = headers.get("Content-Type", "application/octet-stream")
        return status, {"Content-Type": media, "x-final-url": final}, body

    def serve(self) -> tuple[http.server.ThreadingHTTPServer, str]:
        proxy = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                target = self.path.removeprefix("/?uri=")
                if target.startswith(("http%3A", "https%3A")):
                    target = urllib.parse.unquote(target)
                status, headers, body = proxy.answer(target, self.headers.get("Accept", "*/*"))
                self.send_response(status)
                for name, value in {**headers, "Content-Length": str(len(body))}.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server, f"http://127.0.0.1:{server.server_address[1]}/?uri="


def test_comunica_link_traversal_walks_from_the_document_to_its_interventions(served: Served) -> None:
    """From the document's data to its priorities (pkg:hasPriority), from a priority's data to the
    interventions under it (pkg:underPriority, stated by the intervention and served with the priority
    too), and to each intervention's data for its label."""
    query = (
        PREFIXES
        + f"""SELECT DISTINCT ?intervention ?label WHERE {{
  <{DOCUMENT}> pkg:hasPriority ?priority .
  ?intervention pkg:underPriority ?priority ; rdfs:label ?label .
  FILTER(LANG(?label) = "en")
}}"""
    )
    proxy = Proxy(served.url)
    server, prefix = proxy.serve()
    try:
        out = comunica(
            "comunica-sparql-link-traversal",
            DOCUMENT,
            "-q",
            query,
            "-p",
            prefix,
            "--lenient",
            "-t",
            JSON_RESULTS,
        )
    finally:
        server.shutdown()
        server.server_close()
    assert not proxy.refused, f"Comunica asked for IRIs outside {BASE}: {proxy.refused}"
    failed = [(iri, status) for iri, status in proxy.asked if status != 200]
    assert not failed, f"the server did not answer these with data: {failed}"
    asked = {iri for iri, _ in proxy.asked}
    priorities = {
        s["p"].value
        for s in served.embedded.query(f"SELECT ?p {{ <{DOCUMENT}> <{BASE}def#hasPriority> ?p }}")
    }
    assert DOCUMENT in asked and priorities <= asked, sorted(asked)
    expected = expected_rows(served, query)
    got = json_rows(json.loads(out))
    missing = sorted(set(expected) - set(got))
    assert not missing, (
        f"{len(missing)} of {len(expected)} interventions not found by traversal: {missing[:5]}"
    )
    assert set(got) <= set(expected), sorted(set(got) - set(expected))[:5]
