"""The server: an ASGI application (Starlette, https://www.starlette.io/) run by uvicorn, for the site,
resource IRIs with content negotiation, and the read-only SPARQL endpoint.

- ``/id/…`` and ``/def`` answer 303 See Other to the page or the data the Accept header prefers, as in
  "Cool URIs for the Semantic Web" (https://www.w3.org/TR/cooluris/#r303gendocument); ``/def`` offers RDF/XML
  first, as the recipes for publishing vocabularies do (https://www.w3.org/TR/swbp-vocab-pub/). The files
  answer 200 with validators, 304 when unchanged, gzip when the client takes it.
- A large site leaves out the pages and data of the parts of documents (``site.STATIC_PAGES_UPTO``): they
  are rendered here from the store on request.
- Cross-origin requests (CORS, https://fetch.spec.whatwg.org/#http-cors-protocol) are allowed from the
  origins in :attr:`Settings.cors`, any by default: the data and the endpoint are public and read-only.
"""

from __future__ import annotations

import socket
import threading
from pathlib import Path, PurePosixPath
from typing import Any

import anyio
import pyoxigraph as ox
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import Response

from ..errors import EXIT_USAGE, PolicyKGError
from ..site import BASE, StoreGraph, render_resource, resource_data, site_path
from ..views import read_members
from .negotiation import EXTENSION_TYPES, PAGE_OFFERS, VOCABULARY_OFFERS, data_extension, negotiate
from .pool import AnswerCache, QueryPool, Settings
from .results import GRAPHS, render_graph
from .sparql import sparql
from .static import KEEP_UPTO, MAX_PATH, TYPES, Files, Kept, Large, error_page, keep, send

METHODS = ("GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH")
"""The methods HTTP defines (RFC 9110 §9 and RFC 5789); any other is not implemented (501)."""
DERIVED = {".nq": ".nt", ".trig": ".ttl", ".rdf": ".nt"}
"""Data files made from another on request: N-Triples is N-Quads, Turtle is TriG, RDF/XML is written."""


class Site:
    """What the application serves: the site's files, the store behind it, and the query workers."""

    def __init__(self, folder: Path, store: ox.Store, settings: Settings) -> None:
        self.files = Files(folder)
        self.folder = folder
        self.pages = StoreGraph(store)
        self.pool = QueryPool(store, settings)
        self.cache = AnswerCache(settings.cache)
        self.lock = threading.Lock()
        self.members: dict[str, list[tuple[str, str]]] | None = None
        self.rdf_xml: dict[tuple[str, int, int], Kept] = {}

    async def dispatch(self, request: Request) -> Response:
        raw = request.scope.get("raw_path") or request.url.path.encode()
        if len(raw) > MAX_PATH:
            return error_page(request, 414, f"addresses are limited to {MAX_PATH} characters")
        path, method = request.url.path, request.method
        if path in ("/sparql", "/sparql/"):
            allowed = "GET, HEAD, POST, OPTIONS"
            if method == "OPTIONS":
                return Response(status_code=204, headers={"Allow": allowed})
            if method not in ("GET", "HEAD", "POST"):
                return self.refuse_method(request, allowed)
            return await sparql(request, self.pool, self.cache, self.editor(request))
        if method == "OPTIONS":
            return Response(status_code=204, headers={"Allow": "GET, HEAD, OPTIONS"})
        if method not in ("GET", "HEAD"):
            return self.refuse_method(request, "GET, HEAD, OPTIONS")
        if "\x00" in path or "\\" in path:
            return error_page(request, 400, "not a path in this site")
        relative = path.lstrip("/")
        target = self.files.locate(relative)
        if target is not None:
            return self.send_file(request, target)
        return await anyio.to_thread.run_sync(self.resource, request, relative)

    def refuse_method(self, request: Request, allowed: str) -> Response:
        if request.method in METHODS:
            return error_page(
                request, 405, f"{request.method} is not allowed here; allowed: {allowed}", {"Allow": allowed}
            )
        return error_page(
            request, 501, f"{request.method} is not a method this server knows", {"Allow": allowed}
        )

    def send_file(
        self, request: Request, target: Path, media: str | None = None, headers: dict[str, str] | None = None
    ) -> Response:
        kept = self.files.read(target, media)
        if isinstance(kept, Large):
            return kept.response(request)
        return send(request, kept, headers=headers)

    def editor(self, request: Request) -> Response | None:
        """The query editor, for a browser's GET of /sparql: the same address gives others the service
        description, so the answer varies by Accept."""
        page = self.files.locate("sparql.html")
        return None if page is None else self.send_file(request, page, headers={"Vary": "Accept"})

    def resource(self, request: Request, relative: str) -> Response:
        """A resource IRI (303 by Accept), or a data file of one made on request, or 404."""
        suffix = PurePosixPath(relative).suffix
        stem = relative[: -len(suffix)] if suffix else relative
        if suffix in DERIVED:
            source = self.files.locate(stem + DERIVED[suffix])
            if source is not None:
                return self.derived(request, source, suffix)
        page = self.files.locate(stem + ".html")
        described = self.described(stem)
        if suffix in (".html", *EXTENSION_TYPES) and described:
            return self.render(request, stem, suffix)
        if not suffix and (page is not None or described):
            offers = VOCABULARY_OFFERS if stem == "def" else PAGE_OFFERS
            media = negotiate(request.headers.get("accept"), offers)
            if media is None:
                names = ", ".join(
                    f"{m} ({'/' + stem}{data_extension(m) if m in GRAPHS else '.html'})"
                    for m in offers
                    if m in EXTENSION_TYPES.values() or m == "text/html"
                )
                return error_page(request, 406, f"this resource is available as {names}")
            extension = ".html" if media in ("text/html", "application/xhtml+xml") else data_extension(media)
            location = "/" + stem + extension
            return Response(
                status_code=303,
                headers={"Location": location, "Vary": "Accept", "Cache-Control": "public, max-age=300"},
            )
        return self.not_found(request)

    def not_found(self, request: Request) -> Response:
        return error_page(request, 404, f"nothing at {request.url.path[:200]} in this site")

    def derived(self, request: Request, source: Path, suffix: str) -> Response:
        media = EXTENSION_TYPES[suffix]
        if suffix != ".rdf":
            return self.send_file(request, source, TYPES[suffix])
        stat = source.stat()
        if stat.st_size > KEEP_UPTO:
            return error_page(request, 404, "too large to write as RDF/XML on request: take the N-Triples")
        key = (str(source), stat.st_mtime_ns, stat.st_size)
        with self.lock:
            kept = self.rdf_xml.get(key)
        if kept is None:
            triples = list(ox.parse(path=str(source), format=ox.RdfFormat.N_TRIPLES))
            body, _ = render_graph(triples, media, len(triples))
            kept = keep(body, TYPES[suffix], stat.st_mtime)
            with self.lock:
                if len(self.rdf_xml) > 256:
                    self.rdf_xml.clear()
                self.rdf_xml[key] = kept
        return send(request, kept)

    def described(self, stem: str) -> bool:
        """Whether the graph describes the resource whose page would be at ``stem`` (a path in the site)."""
        iri = BASE + stem
        return stem.startswith("id/") and site_path(iri) == stem and self.pages.has(iri)

    def render(self, request: Request, stem: str, suffix: str) -> Response:
        """A resource's page or data rendered from the store: the site leaves the parts of documents of a
        large corpus to be rendered on request."""
        iri = BASE + stem
        if suffix == ".html":
            has_views = (self.folder / "views" / "index.html").is_file()
            body = render_resource(self.pages, iri, self.views(), has_views=has_views).encode()
        elif suffix in (".ttl", ".jsonld", ".nt"):
            body = resource_data(self.pages.description(iri), suffix.lstrip("."))
        else:
            body, _ = render_graph(self.pages.description(iri), EXTENSION_TYPES[suffix], 10**9)
        return send(request, keep(body, TYPES[suffix], 0.0))

    def views(self) -> dict[str, list[tuple[str, str]]]:
        """Which views show each resource, as the views wrote it (read once)."""
        with self.lock:
            if self.members is None:
                self.members = read_members(self.folder / "views") or {}
            return self.members

    def close(self) -> None:
        self.pool.close()


def make_app(folder: Path, store: ox.Store, settings: Settings | None = None) -> tuple[Any, Site]:
    """The ASGI application for a built site and its store, and what it serves (close it when done)."""
    settings = settings or Settings()
    site = Site(folder, store, settings)

    async def app(scope: dict[str, Any], receive: Any, send_message: Any) -> None:
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        try:
            response = await site.dispatch(request)
        except Exception as error:  # the client gets an answer; the server goes on
            response = error_page(request, 500, f"the server could not answer: {type(error).__name__}")
        await response(scope, receive, send_message)

    cors = CORSMiddleware(
        app,
        allow_origins=list(settings.cors),
        allow_methods=["GET", "HEAD", "POST", "OPTIONS"],
        allow_headers=["*"],
        expose_headers=["ETag", "Last-Modified", "Location", "X-Result-Truncated", "Server-Timing"],
        max_age=86400,
    )
    return cors, site


def listen(host: str, port: int, backlog: int = 2048) -> socket.socket:
    """A listening socket (``port`` 0: any free port), refused with a clear message."""
    try:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        sock.listen(backlog)
    except OSError as error:
        raise PolicyKGError(
            f"cannot listen on {host}:{port}: {error.strerror}", exit_code=EXIT_USAGE
        ) from None
    return sock


def uvicorn_config(app: Any, **options: Any) -> Any:
    """uvicorn's settings for this server: httptools and uvloop where installed, keep-alive, a listen
    queue of 2048, no access log."""
    import uvicorn

    try:
        import uvloop  # noqa: F401

        loop = "uvloop"
    except ImportError:
        loop = "asyncio"
    return uvicorn.Config(
        app,
        loop=loop,
        http="httptools",
        backlog=2048,
        limit_concurrency=4096,  # past that, 503 at once rather than open files running out
        timeout_keep_alive=15,
        log_level="warning",
        lifespan="off",
        access_log=False,
        server_header=False,
        **options,
    )
