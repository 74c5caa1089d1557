"""Serve the site and the data on localhost: content negotiation for resource IRIs and a read-only SPARQL
1.1 Protocol endpoint (https://www.w3.org/TR/sparql11-protocol/).

- ``/id/…`` and ``/def`` answer 303 See Other to the page (``text/html``) or the data (``text/turtle``,
  ``application/ld+json``, ``application/n-triples``) by the Accept header, as in "Cool URIs for the
  Semantic Web" (https://www.w3.org/TR/cooluris/#r303gendocument); the files themselves answer 200. A
  large site leaves out the pages and data of the parts of documents (``site.STATIC_PAGES_UPTO``): they
  are rendered here from the store on request.
- ``/sparql`` takes GET and POST; SELECT and ASK answer as SPARQL results JSON, XML, CSV or TSV, CONSTRUCT
  and DESCRIBE as Turtle, N-Triples or JSON-LD. Updates, SERVICE and FROM are refused. Every query runs in
  a worker process that is stopped when it passes its time limit, so one slow query never holds up the
  next client; answers stop at a row cap.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import re
import threading
import urllib.parse
from collections import OrderedDict
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape as xml_escape
from xml.sax.saxutils import quoteattr

import pyoxigraph as ox

from .errors import EXIT_USAGE, PolicyKGError
from .namespaces import PREFIXES, RDF_PREFIXES
from .site import BASE, StoreGraph, render_resource, resource_data, site_path
from .views import read_members

TYPES = {
    ".html": "text/html; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".json": "application/json",
    ".ttl": "text/turtle; charset=utf-8",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".md": "text/markdown; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
RDF_EXTENSIONS = {"text/turtle": ".ttl", "application/ld+json": ".jsonld", "application/n-triples": ".nt"}
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/json": "json",
    "application/sparql-results+xml": "xml",
    "application/xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/ld+json": ox.RdfFormat.JSON_LD,
}


@dataclass(frozen=True)
class Settings:
    """The server's limits, with their documented defaults."""

    timeout: float = 10.0
    max_rows: int = 10_000
    max_body: int = 1_000_000
    workers: int = 2
    cache: int = 256


# --------------------------------------------------------------------------- content negotiation


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges of an Accept header, best first (https://www.rfc-editor.org/rfc/rfc9110#name-accept).

    >>> parse_accept("text/html;q=0.9, text/turtle")
    [('text/turtle', 1.0), ('text/html', 0.9)]
    """
    ranges = []
    for index, part in enumerate((header or "*/*").split(",")):
        fields = [f.strip() for f in part.split(";")]
        if not fields[0]:
            continue
        quality = 1.0
        for f in fields[1:]:
            if f.startswith("q="):
                try:
                    quality = float(f[2:])
                except ValueError:
                    quality = 0.0
        ranges.append((fields[0].lower(), quality, index))
    ranges.sort(key=lambda r: (-r[1], r[2]))
    return [(r[0], r[1]) for r in ranges if r[1] > 0]


def negotiate(header: str | None, offers: list[str]) -> str | None:
    """The offer that best fits the Accept header; the first offer for ``*/*``.

    >>> negotiate("application/ld+json, text/html;q=0.5", ["text/html", "text/turtle", "application/ld+json"])
    'application/ld+json'
    """
    for media, _quality in parse_accept(header):
        if media == "*/*":
            return offers[0]
        if media.endswith("/*"):
            match = [o for o in offers if o.startswith(media[:-1])]
            if match:
                return match[0]
        if media in offers:
            return media
    return None


# --------------------------------------------------------------------------- SPARQL


_STRIP = re.compile(
    r"\"\"\".*?\"\"\"|'''.*?'''"  # long strings
    r"|\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"  # strings
    r"|<[^<>\"{}|^`\\\s]*>|#[^\n]*"  # IRIs and comments
    r"|[?$]\w+|[\w.-]*:[\w.-]*",  # variables and prefixed names
    re.S,
)


def refusal(query: str) -> str | None:
    """Why a query is refused (an update, SERVICE, FROM), or None.

    >>> refusal("SELECT * { SERVICE <http://example.org/sparql> { ?s ?p ?o } }")
    'SERVICE is not allowed: this endpoint never reaches out to the network'
    >>> refusal('SELECT ?from { ?from pkg:service "SERVICE" }') is None
    True
    """
    bare = _STRIP.sub(" ", query)
    if re.search(r"\bSERVICE\b", bare, re.I):
        return "SERVICE is not allowed: this endpoint never reaches out to the network"
    if re.search(r"\bFROM\b", bare, re.I):
        return "FROM and FROM NAMED are not allowed: the endpoint queries its own graph only"
    body = re.sub(r"(PREFIX\s+\S*\s*|BASE\s*)\s*", " ", bare, flags=re.I)
    if re.match(r"\s*(INSERT|DELETE|LOAD|CLEAR|DROP|CREATE|ADD|MOVE|COPY|WITH)\b", body, re.I):
        return "this endpoint is read-only: updates are refused"
    return None


def with_prefixes(query: str) -> str:
    """The query with the library's prefixes declared, unless it declares them itself."""
    declared = {m.lower() for m in re.findall(r"PREFIX\s+([\w.-]*):", query, re.I)}
    missing = "".join(f"PREFIX {k}: <{v}>\n" for k, v in PREFIXES.items() if k.lower() not in declared)
    return missing + query


def _term_json(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != "http://www.w3.org/2001/XMLSchema#string":
        out["datatype"] = term.datatype.value
    return out


def run_query(store: ox.Store, query: str, max_rows: int) -> dict[str, Any]:
    """Run a query; a SELECT answer stops at ``max_rows`` and says so."""
    result = store.query(with_prefixes(query), use_default_graph_as_union=True)
    if isinstance(result, ox.QueryBoolean):
        return {"kind": "ask", "boolean": bool(result)}
    if isinstance(result, ox.QueryTriples):
        triples, truncated = [], False
        for triple in result:
            if len(triples) >= max_rows:
                truncated = True
                break
            triples.append(triple)
        data = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
        return {"kind": "graph", "ntriples": data.decode("utf-8"), "truncated": truncated}
    variables = [v.value for v in result.variables]
    rows = []
    for solution in result:
        if len(rows) >= max_rows:
            return {"kind": "select", "vars": variables, "rows": rows, "truncated": True}
        rows.append({v: _term_json(solution[v]) for v in variables if solution[v] is not None})
    return {"kind": "select", "vars": variables, "rows": rows, "truncated": False}


def render_results(answer: dict[str, Any], fmt: str) -> bytes:
    """SELECT or ASK answers in a W3C format: SPARQL results JSON, XML, CSV or TSV."""
    if fmt == "json":
        if answer["kind"] == "ask":
            return json.dumps({"head": {}, "boolean": answer["boolean"]}).encode()
        return json.dumps(
            {"head": {"vars": answer["vars"]}, "results": {"bindings": answer["rows"]}}
        ).encode()
    if fmt == "xml":
        out = ['<?xml version="1.0"?>', '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "<head>"]
        if answer["kind"] == "ask":
            out += ["</head>", f"<boolean>{'true' if answer['boolean'] else 'false'}</boolean>", "</sparql>"]
            return "\n".join(out).encode()
        out += [f"<variable name={quoteattr(v)}/>" for v in answer["vars"]] + ["</head>", "<results>"]
        for row in answer["rows"]:
            out.append("<result>")
            for name, term in row.items():
                if term["type"] == "uri":
                    inner = f"<uri>{xml_escape(term['value'])}</uri>"
                elif term["type"] == "bnode":
                    inner = f"<bnode>{xml_escape(term['value'])}</bnode>"
                else:
                    attrs = ""
                    if "xml:lang" in term:
                        attrs = f" xml:lang={quoteattr(term['xml:lang'])}"
                    elif "datatype" in term:
                        attrs = f" datatype={quoteattr(term['datatype'])}"
                    inner = f"<literal{attrs}>{xml_escape(term['value'])}</literal>"
                out.append(f"<binding name={quoteattr(name)}>{inner}</binding>")
            out.append("</result>")
        out += ["</results>", "</sparql>"]
        return "\n".join(out).encode()
    if answer["kind"] == "ask":
        return (("true" if answer["boolean"] else "false") + "\r\n").encode()
    buffer = io.StringIO()
    if fmt == "csv":
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(answer["vars"])
        for row in answer["rows"]:
            writer.writerow(
                [
                    ("_:" + t["value"]) if t["type"] == "bnode" else t["value"] if t else ""
                    for t in (row.get(v) for v in answer["vars"])
                ]
            )
        return buffer.getvalue().encode()
    lines = ["\t".join("?" + v for v in answer["vars"])]
    for row in answer["rows"]:
        lines.append("\t".join(_tsv(row.get(v)) for v in answer["vars"]))
    return ("\n".join(lines) + "\n").encode()


def _tsv(term: dict[str, str] | None) -> str:
    if term is None:
        return ""
    if term["type"] == "uri":
        return f"<{term['value']}>"
    if term["type"] == "bnode":
        return f"_:{term['value']}"
    value = term["value"].replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    if "xml:lang" in term:
        return f'"{value}"@{term["xml:lang"]}'
    if "datatype" in term:
        return f'"{value}"^^<{term["datatype"]}>'
    return f'"{value}"'


# --------------------------------------------------------------------------- workers


def _worker(store: ox.Store, connection: Any, max_rows: int, parent: int) -> None:
    while True:
        try:
            if not connection.poll(1.0):
                if os.getppid() != parent:  # the server is gone: so is its worker
                    return
                continue
            query = connection.recv()
        except (EOFError, OSError):
            return
        try:
            connection.send(("ok", run_query(store, query, max_rows)))
        except SyntaxError as error:
            connection.send(("syntax", str(error)))
        except Exception as error:  # an evaluation error is the client's answer, not the worker's end
            connection.send(("error", f"{type(error).__name__}: {error}"))


class QueryPool:
    """Worker processes that each hold the store; a query past its time limit stops its worker, which is
    replaced, so the server goes on answering the next client."""

    def __init__(self, store: ox.Store, settings: Settings) -> None:
        self.store = store
        self.settings = settings
        self.answers: OrderedDict[str, tuple[str, Any]] = OrderedDict()
        self.context = multiprocessing.get_context("fork")
        self.free: list[tuple[Any, Any]] = []
        self.lock = threading.Lock()
        self.available = threading.Semaphore(settings.workers)
        for _ in range(settings.workers):
            self.free.append(self._spawn())

    def _spawn(self) -> tuple[Any, Any]:
        ours, theirs = self.context.Pipe()
        process = self.context.Process(
            target=_worker, args=(self.store, theirs, self.settings.max_rows, os.getpid()), daemon=True
        )
        process.start()
        return process, ours

    def run(self, query: str) -> tuple[str, Any]:
        """The outcome of a query; answers are kept (the graph never changes while served), most recent
        ``Settings.cache`` of them."""
        with self.lock:
            if query in self.answers:
                self.answers.move_to_end(query)
                return self.answers[query]
        outcome = self._run(query)
        if outcome[0] == "ok" and self.settings.cache:
            with self.lock:
                self.answers[query] = outcome
                while len(self.answers) > self.settings.cache:
                    self.answers.popitem(last=False)
        return outcome

    def _run(self, query: str) -> tuple[str, Any]:
        if not self.available.acquire(timeout=self.settings.timeout):
            return "busy", "all workers are busy; try again"
        with self.lock:
            process, connection = self.free.pop()
        try:
            connection.send(query)
            if connection.poll(self.settings.timeout):
                outcome = connection.recv()
                with self.lock:
                    self.free.append((process, connection))
                return outcome
            process.kill()
            process.join()
            with self.lock:
                self.free.append(self._spawn())
            return "timeout", f"the query did not finish within {self.settings.timeout:g} s"
        finally:
            self.available.release()

    def close(self) -> None:
        with self.lock:
            for process, connection in self.free:
                connection.close()
                process.kill()
                process.join()
            self.free.clear()


# --------------------------------------------------------------------------- HTTP


class Handler(BaseHTTPRequestHandler):
    """Routes: /sparql, resource IRIs with content negotiation, and the static site."""

    server_version = "policykg"
    site: Path
    pool: QueryPool
    settings: Settings
    pages: StoreGraph
    lock: threading.Lock
    members: dict[str, list[tuple[str, str]]] | None = None
    quiet: bool = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        if not self.quiet:
            super().log_message(format, *args)

    def _send(self, status: int, body: bytes, content_type: str, extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Vary", "Accept")
        self.send_header("X-Content-Type-Options", "nosniff")
        for key, value in (extra or {}).items():
            self.send_header(key, value)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _error(self, status: int, message: str) -> None:
        self._send(status, (message + "\n").encode(), "text/plain; charset=utf-8")

    def _not_found(self) -> None:
        page = self.site / "404.html"
        body = page.read_bytes() if page.exists() else b"Not found\n"
        self._send(HTTPStatus.NOT_FOUND, body, "text/html; charset=utf-8")

    def do_HEAD(self) -> None:  # noqa: N802 - the base class's name
        self.do_GET()

    def do_GET(self) -> None:  # noqa: N802 - the base class's name
        url = urllib.parse.urlsplit(self.path)
        path = urllib.parse.unquote(url.path)
        if path == "/sparql":
            params = urllib.parse.parse_qs(url.query)
            if "query" not in params:
                if negotiate(self.headers.get("Accept"), ["text/html", *RESULT_TYPES]) == "text/html":
                    return self._static("/sparql.html")
                return self._error(HTTPStatus.BAD_REQUEST, "give a query: /sparql?query=…")
            return self._sparql(params["query"][0])
        return self._static(path)

    def do_POST(self) -> None:  # noqa: N802 - the base class's name
        url = urllib.parse.urlsplit(self.path)
        if url.path not in ("/sparql", "/sparql/"):
            return self._error(HTTPStatus.METHOD_NOT_ALLOWED, "only /sparql takes POST")
        try:
            length = int(self.headers.get("Content-Length", "0"))
        except ValueError:
            return self._error(HTTPStatus.BAD_REQUEST, "bad Content-Length")
        if length > self.settings.max_body:
            return self._error(
                HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                f"request bodies are limited to {self.settings.max_body} bytes",
            )
        body = self.rfile.read(length).decode("utf-8", "replace")
        kind = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if kind == "application/sparql-query":
            return self._sparql(body)
        if kind == "application/sparql-update":
            return self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
        params = urllib.parse.parse_qs(body)
        if "update" in params:
            return self._error(HTTPStatus.FORBIDDEN, "this endpoint is read-only: updates are refused")
        if "query" not in params:
            return self._error(
                HTTPStatus.BAD_REQUEST, "give a query (form field 'query' or application/sparql-query)"
            )
        return self._sparql(params["query"][0])

    def _sparql(self, query: str) -> None:
        reason = refusal(query)
        if reason:
            status = HTTPStatus.FORBIDDEN if "read-only" in reason else HTTPStatus.BAD_REQUEST
            return self._error(status, reason)
        outcome, value = self.pool.run(query)
        if outcome == "syntax":
            return self._error(HTTPStatus.BAD_REQUEST, "not valid SPARQL: " + value)
        if outcome == "error":
            return self._error(HTTPStatus.BAD_REQUEST, value)
        if outcome in ("timeout", "busy"):
            return self._error(HTTPStatus.SERVICE_UNAVAILABLE, value)
        headers = {"X-Result-Truncated": "true"} if value.get("truncated") else {}
        accept = self.headers.get("Accept")
        if value["kind"] == "graph":
            media = negotiate(accept, list(GRAPH_TYPES)) or "text/turtle"
            triples = list(ox.parse(value["ntriples"].encode(), format=ox.RdfFormat.N_TRIPLES))
            prefixes = RDF_PREFIXES if media == "text/turtle" else None
            body = ox.serialize(triples, format=GRAPH_TYPES[media], prefixes=prefixes) or b""
            return self._send(
                HTTPStatus.OK, body, media + ("; charset=utf-8" if media == "text/turtle" else ""), headers
            )
        media = negotiate(accept, list(RESULT_TYPES)) or "application/sparql-results+json"
        return self._send(HTTPStatus.OK, render_results(value, RESULT_TYPES[media]), media, headers)

    def _static(self, path: str) -> None:
        if "\x00" in path or any(part in ("..", ".") for part in path.split("/")) or "\\" in path:
            return self._error(HTTPStatus.BAD_REQUEST, "bad path")
        root = self.site.resolve()
        relative_path = path.lstrip("/")
        if relative_path in ("", "index.html"):
            relative_path = "index.html"
        target = (root / relative_path).resolve()
        if root not in target.parents and target != root:
            return self._error(HTTPStatus.BAD_REQUEST, "bad path")
        if target.is_dir():
            target = target / "index.html"
        if target.is_file():
            content_type = TYPES.get(target.suffix, "application/octet-stream")
            return self._send(HTTPStatus.OK, target.read_bytes(), content_type)
        suffix = Path(relative_path).suffix
        stem = relative_path[: -len(suffix)] if suffix else relative_path
        known = (root / (stem + ".html")).is_file() or self._described(stem)
        if suffix in (".html", *RDF_EXTENSIONS.values()) and known:
            return self._render(stem, suffix)
        # A resource IRI (no extension): 303 to its page or its data, by Accept.
        if not suffix and known:
            offers = ["text/html", *RDF_EXTENSIONS]
            media = negotiate(self.headers.get("Accept"), offers)
            if media is None:
                return self._error(HTTPStatus.NOT_ACCEPTABLE, "available: " + ", ".join(offers))
            extension = ".html" if media == "text/html" else RDF_EXTENSIONS[media]
            location = "/" + relative_path + extension
            self.send_response(HTTPStatus.SEE_OTHER)
            self.send_header("Location", location)
            self.send_header("Vary", "Accept")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        return self._not_found()

    def _described(self, stem: str) -> bool:
        """Whether the graph describes the resource whose page would be at ``stem`` (a path in the site)."""
        iri = BASE + stem
        return stem.startswith("id/") and site_path(iri) == stem and self.pages.has(iri)

    def _render(self, stem: str, suffix: str) -> None:
        """A resource's page or data rendered from the store: the site leaves the parts of documents of a
        large corpus to be rendered on request."""
        iri = BASE + stem
        if suffix == ".html":
            has_views = (self.site / "views" / "index.html").is_file()
            page = render_resource(self.pages, iri, self._views(), has_views=has_views)
            return self._send(HTTPStatus.OK, page.encode(), TYPES[".html"])
        body = resource_data(self.pages.description(iri), suffix.lstrip("."))
        return self._send(HTTPStatus.OK, body, TYPES[suffix])

    def _views(self) -> dict[str, list[tuple[str, str]]]:
        """Which views show each resource, as the views wrote it (read once)."""
        with self.lock:
            if self.members is None:
                type(self).members = read_members(self.site / "views") or {}
            return self.members


def make_server(
    site: Path,
    store: ox.Store,
    *,
    host: str = "127.0.0.1",
    port: int = 8000,
    settings: Settings | None = None,
) -> tuple[ThreadingHTTPServer, QueryPool]:
    """A server for the site and the endpoint (not yet serving); call ``serve_forever`` on it."""
    settings = settings or Settings()
    pool = QueryPool(store, settings)
    handler = type(
        "BoundHandler",
        (Handler,),
        {
            "site": site,
            "pool": pool,
            "settings": settings,
            "pages": StoreGraph(store),
            "lock": threading.Lock(),
        },
    )
    try:
        server = ThreadingHTTPServer((host, port), handler)
    except OSError as error:
        pool.close()
        raise PolicyKGError(
            f"cannot listen on {host}:{port}: {error.strerror}", exit_code=EXIT_USAGE
        ) from None
    server.daemon_threads = True
    return server, pool


def open_store(dist: Path) -> ox.Store:
    """The built graph from ``dist/policykg.nt`` in a fresh in-memory store."""
    dump = dist / "policykg.nt"
    if not dump.exists() or not (dist / "site" / "index.html").exists():
        raise PolicyKGError(
            "nothing to serve yet: run policykg build first (it writes dist/site and the graph)"
        )
    store = ox.Store()
    store.bulk_load(path=str(dump), format=ox.RdfFormat.N_TRIPLES)
    return store
