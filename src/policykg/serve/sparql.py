"""The SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/), read-only, and its Service
Description (https://www.w3.org/TR/sparql11-service-description/).

Query by GET (``query=`` in the URL), by POST of a form (``application/x-www-form-urlencoded``) or of the
query itself (``application/sparql-query``), with ``default-graph-uri`` and ``named-graph-uri`` naming the
dataset. An update (by any of these ways, or ``application/sparql-update``) is refused with 403.
"""

from __future__ import annotations

import time
import urllib.parse

import anyio
import pyoxigraph as ox
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from ..diagnose import explain_syntax_error
from ..guard import QueryRefused, scan
from ..namespaces import PREFIXES
from .negotiation import negotiate
from .pool import AnswerCache, Outcome, QueryPool
from .pool import Request as QueryRequest
from .results import GRAPHS, SOLUTIONS, content_type, render_graph
from .static import Kept, error_page, keep, send

SD = "http://www.w3.org/ns/sparql-service-description#"
PROTOCOL = {"query", "update", "default-graph-uri", "named-graph-uri"}
"""The parameters the protocol defines; others (SPARQLWrapper's ``format=``) are ignored."""


class Refused(Exception):
    """A request the protocol refuses: its HTTP status and why."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


def form_fields(raw: str) -> dict[str, list[str]]:
    """Fields of a URL query or a form body, strictly UTF-8.

    >>> form_fields("query=SELECT%20*%20%7B%7D&default-graph-uri=urn%3Ag")
    {'query': ['SELECT * {}'], 'default-graph-uri': ['urn:g']}
    """
    fields: dict[str, list[str]] = {}
    try:
        for name, value in urllib.parse.parse_qsl(raw, keep_blank_values=True, errors="strict"):
            fields.setdefault(name, []).append(value)
    except (UnicodeDecodeError, ValueError):
        raise Refused(400, "the request is not valid UTF-8 percent-encoding") from None
    return fields


async def read_body(request: Request, limit: int, timeout: float) -> bytes:
    """The request body, refused past ``limit`` bytes (413) or when it takes longer than ``timeout``
    seconds to arrive (408); a declared length that is no number, or negative, is a bad request."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.strip().isdigit():
            raise Refused(400, "Content-Length must be a number of bytes")
        if int(declared) > limit:
            raise Refused(413, f"request bodies are limited to {limit} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        with anyio.fail_after(timeout):
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise Refused(413, f"request bodies are limited to {limit} bytes")
                chunks.append(chunk)
    except TimeoutError:
        raise Refused(408, f"the request body did not arrive within {timeout:g} s") from None
    except ClientDisconnect:
        raise Refused(400, "the client closed the connection before the end of its request") from None
    return b"".join(chunks)


async def read_query(request: Request, limit: int, timeout: float) -> dict[str, list[str]]:
    """The protocol's fields of a query request, whichever way it came."""
    fields = form_fields(request.url.query)
    if request.method in ("GET", "HEAD"):
        return fields
    if request.headers.get("content-encoding", "identity").strip().lower() != "identity":
        raise Refused(415, "send the request body without a Content-Encoding")
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "application/sparql-update":
        raise Refused(403, "this endpoint is read-only: updates are refused")
    if kind not in ("application/sparql-query", "application/x-www-form-urlencoded"):
        raise Refused(
            415,
            "send the query as application/sparql-query or as a form (application/x-www-form-urlencoded)",
        )
    body = await read_body(request, limit, timeout)
    if kind == "application/sparql-query":
        if "query" in fields:
            raise Refused(400, "give the query once: in the body or as query=, not both")
        try:
            fields["query"] = [body.decode("utf-8")]
        except UnicodeDecodeError:
            raise Refused(400, "the query is not valid UTF-8") from None
        return fields
    try:
        text = body.decode("ascii")
    except UnicodeDecodeError:
        raise Refused(400, "a form body is percent-encoded ASCII") from None
    posted = form_fields(text)
    if "update" in posted:
        raise Refused(403, "this endpoint is read-only: updates are refused")
    if "query" in fields and "query" in posted:
        raise Refused(400, "give the query once")
    for name, values in posted.items():
        fields.setdefault(name, []).extend(values)
    return fields


def protocol_request(fields: dict[str, list[str]], accept: str | None) -> QueryRequest:
    """The query request the fields describe, with the answer's media types by the Accept header."""
    if "update" in fields:
        raise Refused(403, "this endpoint is read-only: updates are refused")
    queries = fields.get("query", [])
    if len(queries) != 1:
        raise Refused(
            400, "give exactly one query= parameter" if queries else "give a query: /sparql?query=…"
        )
    default = tuple(fields["default-graph-uri"]) if "default-graph-uri" in fields else None
    named = tuple(fields["named-graph-uri"]) if "named-graph-uri" in fields else None
    for iri in (*(default or ()), *(named or ())):
        try:
            ox.NamedNode(iri)
        except ValueError:
            raise Refused(400, f"not an absolute IRI: {iri[:200]!r}") from None
    return QueryRequest(
        queries[0], default, named, negotiate(accept, list(SOLUTIONS)), negotiate(accept, list(GRAPHS))
    )


async def sparql(request: Request, pool: QueryPool, cache: AnswerCache, editor: Response | None) -> Response:
    """Answer a protocol request on ``/sparql``."""
    settings = pool.settings
    try:
        fields = await read_query(request, settings.max_body, settings.body_timeout)
        if request.method in ("GET", "HEAD") and not set(fields) & PROTOCOL:
            if editor is not None and negotiate(request.headers.get("accept"), [*GRAPHS, "text/html"]) == (
                "text/html"
            ):
                return editor
            return service_description(request)
        query = protocol_request(fields, request.headers.get("accept"))
    except Refused as refused:
        return error_page(request, refused.status, str(refused))
    started = time.perf_counter()
    answer = cache.get(query)  # a kept answer is sent from here, without a trip to a thread
    if answer is None:
        # wait for a query slot here, holding no thread, so that queued queries never starve the
        # threads that pages and data need
        with anyio.move_on_after(settings.timeout) as waited:
            answer = await anyio.to_thread.run_sync(_answer, pool, cache, query, limiter=_slots(pool))
        if waited.cancelled_caught:
            answer = Outcome(503, message="all query workers are busy; try again")
    if isinstance(answer, Outcome):
        available = ""
        if answer.status == 406:
            available = "; available: " + ", ".join(SOLUTIONS if "table" in answer.message else GRAPHS)
        return error_page(request, answer.status, answer.message + available)
    kept, truncated = answer
    headers = {
        "Vary": "Accept",
        "Server-Timing": f"query;dur={(time.perf_counter() - started) * 1000:.1f}",
        "Cache-Control": "public, max-age=60" if request.method != "POST" else "no-store",
    }
    if truncated:
        headers["X-Result-Truncated"] = "true"
    return send(request, kept, headers=headers)


def _slots(pool: QueryPool) -> anyio.CapacityLimiter:
    """The threads that may wait on query workers at once: as many as there are workers."""
    limiter = getattr(pool, "slots", None)
    if limiter is None:
        limiter = pool.slots = anyio.CapacityLimiter(pool.settings.workers)  # type: ignore[attr-defined]
    return limiter


def _answer(pool: QueryPool, cache: AnswerCache, query: QueryRequest) -> Outcome | tuple[Kept, bool]:
    """The answer to a request, kept ready to send (gzip included) for the next time it is asked."""
    kept = cache.get(query)
    if kept is not None:
        return kept
    try:
        scan(query.query, max_bytes=pool.settings.max_body)
    except QueryRefused as refused:
        return Outcome(refused.status, message=str(refused))
    outcome = pool.run(query)
    if outcome.status != 200:
        return explain(outcome, query.query)
    answer = (
        keep(outcome.body, content_type(outcome.media), time.time()),
        outcome.truncated,
    )  # ETag by type too
    cache.put(query, answer, len(answer[0].body) + len(answer[0].zipped or b""))
    return answer


EXPLAINED_UPTO = 10_000
"""The longest query (in characters) whose syntax error is explained: the explanation parses it again
in the server's own process."""


def explain(outcome: Outcome, sparql: str) -> Outcome:
    """A syntax error that an undeclared prefix causes, as one line naming the prefix and the PREFIX line
    that declares it (the prefixes of :data:`policykg.namespaces.PREFIXES` need none: the endpoint
    declares them); any other outcome as it is."""
    if outcome.status != 400 or not outcome.message.startswith("not valid SPARQL"):
        return outcome
    if len(sparql) > EXPLAINED_UPTO:
        return outcome
    hint = explain_syntax_error(sparql, PREFIXES)
    return outcome if hint is None else Outcome(400, message=f"not valid SPARQL: {hint}")


def describe_service(endpoint: str) -> list[str]:
    """The service description as Turtle lines: the endpoint, its languages, formats and features."""
    formats = [
        "http://www.w3.org/ns/formats/SPARQL_Results_JSON",
        "http://www.w3.org/ns/formats/SPARQL_Results_XML",
        "http://www.w3.org/ns/formats/SPARQL_Results_CSV",
        "http://www.w3.org/ns/formats/SPARQL_Results_TSV",
        "http://www.w3.org/ns/formats/Turtle",
        "http://www.w3.org/ns/formats/N-Triples",
        "http://www.w3.org/ns/formats/N-Quads",
        "http://www.w3.org/ns/formats/TriG",
        "http://www.w3.org/ns/formats/RDF_XML",
        "http://www.w3.org/ns/formats/JSON-LD",
    ]
    lines = [
        f"@prefix sd: <{SD}> .",
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .",
        "",
        f"<{endpoint}#service> a sd:Service ;",
        f"    sd:endpoint <{endpoint}> ;",
        "    sd:supportedLanguage sd:SPARQL11Query ;",
        "    sd:defaultEntailmentRegime <http://www.w3.org/ns/entailment/Simple> ;",
        *[f"    sd:resultFormat <{f}> ;" for f in formats],
        '    rdfs:comment "Read-only: updates and SERVICE (federation) are refused; answers stop at a row '
        'cap; a query runs at most a set time."@en ;',
        "    sd:defaultDataset [ a sd:Dataset ; sd:defaultGraph [ a sd:Graph ] ] .",
    ]
    return lines


def service_description(request: Request) -> Response:
    """The service description in the RDF syntax the client asks for (Turtle by default)."""
    endpoint = str(request.url.replace(query="", fragment=""))
    turtle = "\n".join(describe_service(endpoint)) + "\n"
    media = negotiate(request.headers.get("accept"), list(GRAPHS)) or "text/turtle"
    triples = [q.triple for q in ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)]
    body, _ = render_graph(triples, media, len(triples))
    headers = {"Vary": "Accept", "Content-Length": str(len(body))}
    return Response(
        b"" if request.method == "HEAD" else body, 200, headers=headers, media_type=content_type(media)
    )
